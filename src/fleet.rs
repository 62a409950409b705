//! Work on many hosts at once: at most `forks` at a time, one connection per host kept for the
//! whole run and reused by every phase, and a failure on one host never stops the others.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::inventory::Host;
use crate::progress::Progress;
use crate::transport::{Connector, Transport, TransportError};

pub const DEFAULT_FORKS: usize = 50;

/// What a host's task fails with: a sentence for people, and the connection's failure
/// behind it when it is one (so a lost server is told from a failed command).
pub trait TaskError: std::fmt::Display + Send {
    /// The connection's failure behind this one, if it is one.
    fn transport(&self) -> Option<&TransportError>;

    /// What happened, with its causes (each once).
    fn explain(&self) -> String {
        self.to_string()
    }
}

/// A task that says what went wrong in words of its own: the connection's failure is found
/// in its chain of causes.
impl TaskError for anyhow::Error {
    fn transport(&self) -> Option<&TransportError> {
        self.chain()
            .find_map(|c| c.downcast_ref::<TransportError>())
    }

    fn explain(&self) -> String {
        // the causes after it, each once: a typed error often says its cause itself
        let mut text = self.to_string();
        for cause in self.chain().skip(1).map(|c| c.to_string()) {
            if !text.contains(&cause) {
                text.push_str(": ");
                text.push_str(&cause);
            }
        }
        text
    }
}

/// Why a host's work did not succeed.
#[derive(Debug)]
pub enum HostError<E = anyhow::Error> {
    /// The host could not be reached (now, or at an earlier phase of this run).
    Unreachable(TransportError),
    /// The work on it failed.
    Failed(E),
    /// Not started: jinbao was asked to stop (SIGINT, SIGTERM).
    Stopped,
}

impl<E: TaskError> HostError<E> {
    /// The connection's error behind it, if any.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            HostError::Unreachable(e) => Some(e),
            HostError::Failed(e) => e.transport(),
            HostError::Stopped => None,
        }
    }

    /// A short stable word for scripts.
    pub fn reason(&self) -> &'static str {
        match (self, self.transport()) {
            (HostError::Stopped, _) => "interrupted",
            (_, Some(e)) => e.reason(),
            (_, None) => "failed",
        }
    }

    pub fn is_unreachable(&self) -> bool {
        match self {
            HostError::Unreachable(_) => true,
            HostError::Failed(_) => matches!(self.transport(), Some(TransportError::Lost { .. })),
            HostError::Stopped => false,
        }
    }

    /// `server: reason (what happened)`, the line a list of failed servers shows.
    pub fn on(&self, server: &str) -> String {
        format!("{server}: {} ({self})", self.reason())
    }
}

impl<E: TaskError> std::fmt::Display for HostError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostError::Unreachable(e) => write!(f, "{e}"),
            HostError::Failed(e) => f.write_str(&e.explain()),
            HostError::Stopped => write!(f, "not started: jinbao was asked to stop"),
        }
    }
}

/// The outcome of one phase on one host.
pub struct HostResult<R, E = anyhow::Error> {
    pub index: usize,
    pub result: Result<R, HostError<E>>,
    /// When the host's work began (after any connect), and how long it took.
    pub started: Instant,
    pub elapsed: Duration,
    /// When this call connected to the host (start, end), if it did.
    pub connected: Option<(Instant, Instant)>,
}

enum Conn {
    NotYet,
    Open(Box<dyn Transport>),
    Failed(String, &'static str),
}

struct Slot {
    host: Host,
    conn: Mutex<Conn>,
    /// How long the first connection took (handshake and authentication).
    connect_time: Mutex<Option<Duration>>,
}

pub struct Fleet {
    connector: Connector,
    forks: usize,
    /// `--forks` is the number of hosts worked on at once across the whole run, however many
    /// cities work in parallel: every host's task takes a place here.
    working: crate::transport::Gate,
    slots: Vec<Slot>,
    /// Each host's index by its label, found once.
    by_label: std::collections::HashMap<String, usize>,
    /// The indexes of each site's hosts, for a fleet built from sites (`of_sites`).
    by_site: Vec<std::ops::Range<usize>>,
}

/// Descriptors one host's connection may hold (its socket, a jump tunnel's pair, a command's
/// pipes on the sandbox), and what the rest of jinbao keeps open.
const FILES_PER_HOST: u64 = 4;
const FILES_BESIDE: u64 = 256;

/// Raises the open-files limit to what `forks` hosts need (up to the hard limit); returns the
/// number of hosts it allows at once.
fn open_files_for(forks: usize) -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid rlimit struct.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return forks;
    }
    let need = forks as u64 * FILES_PER_HOST + FILES_BESIDE;
    if lim.rlim_cur < need {
        let raised = libc::rlimit {
            rlim_cur: need.min(lim.rlim_max),
            rlim_max: lim.rlim_max,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim.rlim_cur = raised.rlim_cur;
        }
    }
    let allowed = (lim.rlim_cur.saturating_sub(FILES_BESIDE) / FILES_PER_HOST).max(1) as usize;
    if allowed < forks {
        tracing::warn!(
            "the open-files limit ({}) allows {allowed} hosts at once, not {forks}: raise `ulimit -n` to go faster",
            lim.rlim_cur
        );
    }
    forks.min(allowed)
}

impl Fleet {
    /// The servers of `sites` that `keep` keeps, site by site: the one way a fleet is made
    /// from profiles. `site_hosts(k)` gives back the hosts of `sites[k]`.
    pub fn of_sites(
        sites: &[&crate::profile::Site],
        role: Option<&str>,
        keep: impl Fn(&Host) -> bool,
        forks: usize,
        accept_new_host_keys: bool,
    ) -> Self {
        let mut hosts = Vec::new();
        let mut by_site = Vec::with_capacity(sites.len());
        for site in sites {
            let first = hosts.len();
            hosts.extend(
                crate::inventory::hosts(site, role)
                    .into_iter()
                    .filter(|h| keep(h)),
            );
            by_site.push(first..hosts.len());
        }
        Fleet {
            by_site,
            ..Fleet::new(hosts, forks, accept_new_host_keys)
        }
    }

    /// The indexes of the hosts of the `k`th site the fleet was made of (`of_sites`).
    pub fn site_hosts(&self, k: usize) -> Vec<usize> {
        self.by_site.get(k).cloned().unwrap_or_default().collect()
    }

    fn new(hosts: Vec<Host>, forks: usize, accept_new_host_keys: bool) -> Self {
        let forks = open_files_for(forks.max(1));
        let by_label = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.label().to_string(), i))
            .collect();
        Fleet {
            by_label,
            by_site: Vec::new(),
            connector: Connector::new(accept_new_host_keys),
            forks,
            working: crate::transport::Gate::new(forks),
            slots: hosts
                .into_iter()
                .map(|host| Slot {
                    host,
                    conn: Mutex::new(Conn::NotYet),
                    connect_time: Mutex::new(None),
                })
                .collect(),
        }
    }

    pub fn hosts(&self) -> impl Iterator<Item = &Host> {
        self.slots.iter().map(|s| &s.host)
    }

    pub fn host(&self, index: usize) -> &Host {
        &self.slots[index].host
    }

    /// The index of `host` in the fleet (None: not one of its hosts).
    pub fn index_of(&self, host: &Host) -> Option<usize> {
        self.by_label.get(host.label()).copied()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn connect_time(&self, index: usize) -> Option<Duration> {
        *self.slots[index]
            .connect_time
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Drops the connection of a host (after a failure that may have broken it).
    pub fn disconnect(&self, index: usize) {
        let mut conn = self.slots[index]
            .conn
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if matches!(*conn, Conn::Open(_)) {
            *conn = Conn::NotYet;
        }
    }

    /// Forgets a host's connection, even one that failed: the next task connects afresh
    /// (a transfer waiting out a cut link tries again; other phases keep "unreachable").
    pub fn reconnect(&self, index: usize) {
        let mut conn = self.slots[index]
            .conn
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *conn = Conn::NotYet;
    }

    /// Runs `task` on every host of `indices` (all when None), `forks` at a time; connects
    /// on first use. The task gets the host, its connection and its index in the fleet.
    /// Results come back in the order of `indices`. Once jinbao is asked to stop, hosts not
    /// yet started are not started (`HostError::Stopped`).
    pub fn each<R: Send>(
        &self,
        indices: Option<&[usize]>,
        progress: &Progress,
        phase: &str,
        task: impl Fn(&Host, &mut dyn Transport, usize) -> anyhow::Result<R> + Sync,
    ) -> Vec<HostResult<R>> {
        self.each_inner(indices, progress, phase, true, task)
    }

    /// Like `each`, for a task with an error type of its own (told lost or failed by it, not
    /// by a search of its causes).
    pub fn each_typed<R: Send, E: TaskError>(
        &self,
        indices: Option<&[usize]>,
        progress: &Progress,
        phase: &str,
        task: impl Fn(&Host, &mut dyn Transport, usize) -> Result<R, E> + Sync,
    ) -> Vec<HostResult<R, E>> {
        self.each_inner(indices, progress, phase, true, task)
    }

    /// Like `each`, but runs even after a stop was asked for: the work that puts servers back
    /// on a whole release and gives locks back.
    pub fn each_always<R: Send>(
        &self,
        indices: Option<&[usize]>,
        progress: &Progress,
        phase: &str,
        task: impl Fn(&Host, &mut dyn Transport, usize) -> anyhow::Result<R> + Sync,
    ) -> Vec<HostResult<R>> {
        self.each_inner(indices, progress, phase, false, task)
    }

    fn each_inner<R: Send, E: TaskError>(
        &self,
        indices: Option<&[usize]>,
        progress: &Progress,
        phase: &str,
        stoppable: bool,
        task: impl Fn(&Host, &mut dyn Transport, usize) -> Result<R, E> + Sync,
    ) -> Vec<HostResult<R, E>> {
        let all: Vec<usize> = (0..self.slots.len()).collect();
        let indices = indices.unwrap_or(&all);
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<HostResult<R, E>>>> =
            Mutex::new((0..indices.len()).map(|_| None).collect());
        let multi = progress.multi();
        let overall = if progress.shown() && indices.len() > 1 {
            let bar = multi.add(progress.count_bar(Some(indices.len() as u64), "hosts"));
            bar.set_message(phase.to_string());
            bar
        } else {
            ProgressBar::hidden()
        };
        let workers = self.forks.min(indices.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let bar = progress.host_bar(&multi, "");
                let (next, results, task, overall) = (&next, &results, &task, &overall);
                std::thread::Builder::new()
                    .stack_size(512 * 1024)
                    .spawn_scoped(scope, move || {
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(&index) = indices.get(k) else { break };
                            let slot = &self.slots[index];
                            bar.set_prefix(slot.host.label().to_string());
                            bar.set_message(phase.to_string());
                            let place = self.working.take();
                            // asked to stop: hosts not yet started are left as they are
                            let (result, connected, started) =
                                if stoppable && crate::interrupt::stopping() {
                                    (Err(HostError::Stopped), None, Instant::now())
                                } else {
                                    self.run_one(index, &bar, task)
                                };
                            drop(place);
                            let done = HostResult {
                                index,
                                result,
                                started,
                                elapsed: started.elapsed(),
                                connected,
                            };
                            results.lock().unwrap_or_else(|p| p.into_inner())[k] = Some(done);
                            overall.inc(1);
                        }
                        bar.finish_and_clear();
                    })
                    .expect("spawn a worker thread");
            }
        });
        overall.finish_and_clear();
        results
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .into_iter()
            .map(|r| r.expect("every index ran"))
            .collect()
    }

    /// The task's result, the connect span if this call connected, and when the task began.
    #[allow(clippy::type_complexity)]
    fn run_one<R, E: TaskError>(
        &self,
        index: usize,
        bar: &ProgressBar,
        task: &(impl Fn(&Host, &mut dyn Transport, usize) -> Result<R, E> + Sync),
    ) -> (Result<R, HostError<E>>, Option<(Instant, Instant)>, Instant) {
        let slot = &self.slots[index];
        let mut conn = slot.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut connected = None;
        if let Conn::NotYet = *conn {
            bar.set_message("connecting");
            let start = Instant::now();
            *conn = match self.connector.connect(&slot.host.endpoint) {
                Ok(t) => {
                    *slot.connect_time.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(start.elapsed());
                    connected = Some((start, Instant::now()));
                    Conn::Open(t)
                }
                Err(e) => {
                    tracing::info!("{}: {e}", slot.host.label());
                    let reason = e.reason();
                    let message = e.to_string();
                    *conn = Conn::Failed(message, reason);
                    return (
                        Err(HostError::Unreachable(e)),
                        Some((start, Instant::now())),
                        Instant::now(),
                    );
                }
            };
        }
        let started = Instant::now();
        let result = match &mut *conn {
            Conn::Open(t) => task(&slot.host, t.as_mut(), index).map_err(HostError::Failed),
            Conn::Failed(message, reason) => Err(HostError::Unreachable(TransportError::Earlier {
                message: message.clone(),
                reason,
            })),
            Conn::NotYet => unreachable!("connected above"),
        };
        (result, connected, started)
    }
}
