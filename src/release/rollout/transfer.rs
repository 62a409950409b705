//! The release's way into a city, before the lock: each server is asked which contents of the
//! release it lacks, and only those cross the city's link, once: to a relay inside the city
//! (its jump host, or `network.relay`), which passes them on to the city's other servers over
//! the city's LAN. Every byte the controller sends across the link goes at the city's budget
//! (`network.transfer_rate`) and is counted. A cut transfer keeps what arrived whole and is
//! tried again with backoff; a relay that fails leaves its servers to a direct transfer.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::prepare::Work;
use super::{CityResult, CityRun, Outcome, Rollout, Stop};
use crate::fleet::HostError;
use crate::inventory::Host;
use crate::release::content::{Layout, known_keys, remote};
use crate::transport::{Input, Pace, Transport};

/// What crossed a city's link for the release.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Sent {
    /// Bytes the controller sent into the city for the transfer (keys, objects, scripts).
    pub bytes: u64,
    /// Objects sent across the link, and how many the release has.
    pub objects: u64,
    pub of: u64,
    /// The server that passed the release on inside the city, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
    /// Servers the relay could not serve (sent the release directly), with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub direct: Vec<String>,
    /// The budget it was sent at, bytes per second (none: no limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<u64>,
    pub ms: u64,
}

/// Why sending a server what it lacks did not end with it having everything.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Transport(#[from] crate::transport::TransportError),
    #[error("{0}: {1}")]
    Refused(&'static str, String),
    #[error("{left} of {of} objects did not arrive whole{}", if why.is_empty() { String::new() } else { format!(" ({why})") })]
    Incomplete { left: usize, of: usize, why: String },
}

impl crate::fleet::TaskError for TransferError {
    fn transport(&self) -> Option<&crate::transport::TransportError> {
        match self {
            TransferError::Transport(t) => Some(t),
            _ => None,
        }
    }
}

impl TransferError {
    /// A link that broke may hold next time; a server that refused or could not keep what
    /// arrived (a full disk) will not: tried again only for the first.
    fn may_pass_again(&self) -> bool {
        matches!(self, TransferError::Transport(_))
    }
}

/// Why the relay could not hold the release (its receivers are then sent it directly).
#[derive(Debug, thiserror::Error)]
enum RelayError {
    #[error("no randomness for the relay's tokens")]
    NoRandomness,
    #[error(transparent)]
    Refused(TransferError),
    #[error("stopped")]
    Stopped,
    #[error("{0}")]
    Direct(String),
}

/// Rounds a transfer gets before the city fails (a cut link is waited out with backoff).
const ATTEMPTS: u32 = 7;
/// Nothing moving for this long means the link is cut: the round ends and is tried again.
const STALL: Duration = Duration::from_secs(15);
/// Long enough for a release over a slow link; a cut shows as a stall long before.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

fn backoff(attempt: u32) -> Duration {
    Duration::from_secs((2u64 << attempt.min(4)).min(30))
}

/// The keys a server's answer lists after `@missing`.
fn missing(layout: &Layout, stdout: &str) -> Vec<String> {
    stdout
        .split_once("@missing\n")
        .map(|(_, rest)| known_keys(layout, rest))
        .unwrap_or_default()
}

/// The server that passes a release on inside a city: `network.relay`, else its jump host.
pub fn relay_name(site: &crate::profile::Site) -> Option<&str> {
    let p = &site.profile;
    let name = match p.network.relay.as_str() {
        "none" => return None,
        "" => p.datacenter.jump.as_str(),
        named => named,
    };
    (!name.is_empty()).then_some(name)
}

impl Rollout<'_> {
    /// The release laid out by content, made once per run.
    pub(super) fn layout(&self) -> Result<&Layout, &crate::release::ReleaseError> {
        self.layout
            .get_or_init(|| Layout::of(&self.tarball, &self.release.manifest.version))
            .as_ref()
    }

    /// Puts every object of the release into the store of each server that installs it.
    pub(super) fn transfer_step(
        &self,
        c: &CityRun,
        work: &HashMap<usize, Work>,
        out: &mut Outcome,
    ) -> Result<(), Stop> {
        let need: Vec<usize> = c
            .app
            .iter()
            .copied()
            .filter(|i| work.get(i).is_some_and(|w| w.install))
            .collect();
        if need.is_empty() {
            return Ok(());
        }
        let layout = self
            .layout()
            .map_err(|e| c.fail(CityResult::Failed, e.to_string()))?;
        let pace = Pace::new(crate::window::transfer_rate(c.site, crate::clock::now()));
        let start = Instant::now();
        c.bar.set_message("transfer");
        let mut sent = Sent {
            of: layout.len() as u64,
            rate: pace.rate(),
            ..Sent::default()
        };
        let done = std::sync::atomic::AtomicBool::new(false);
        let result = std::thread::scope(|scope| {
            // the city's bar shows bytes, rate and time left while the transfer goes on
            scope.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    c.bar.set_message(format!("transfer: {}", pace.describe()));
                    std::thread::sleep(Duration::from_millis(250));
                }
            });
            let direct = match self.relay_of(c) {
                Some(r) => self.through_relay(c, r, &need, layout, &pace, &mut sent),
                None => need,
            };
            let result = self.direct(c, &direct, layout, &pace, &mut sent);
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            result
        });
        sent.bytes = pace.total();
        sent.ms = start.elapsed().as_millis() as u64;
        let how = match &sent.relay {
            Some(r) => format!(" through {r}"),
            None => String::new(),
        };
        self.step(
            &c.city,
            None,
            "transfer",
            result.is_ok(),
            format!(
                "{} bytes, {} of {} objects{how}{}",
                sent.bytes,
                sent.objects,
                sent.of,
                if sent.direct.is_empty() {
                    String::new()
                } else {
                    format!("; sent directly: {}", sent.direct.join("; "))
                }
            ),
        );
        out.transfer = Some(sent);
        result
    }

    /// The relay of a city in the fleet; None over the local transport.
    fn relay_of(&self, c: &CityRun) -> Option<usize> {
        let name = relay_name(c.site)?;
        c.hosts.iter().copied().find(|i| {
            let h = self.fleet.host(*i);
            h.name == name && h.endpoint.kind == crate::profile::TransportKind::Ssh
        })
    }

    /// Sends `hosts` what each lacks, straight from the controller, round after round until
    /// every one has it all (a cut link waited out with backoff).
    fn direct(
        &self,
        c: &CityRun,
        hosts: &[usize],
        layout: &Layout,
        pace: &Pace,
        sent: &mut Sent,
    ) -> Result<(), Stop> {
        let quiet = self.progress.hidden();
        let mut left = hosts.to_vec();
        let mut why = String::new();
        for attempt in 0..ATTEMPTS {
            if left.is_empty() {
                return Ok(());
            }
            if attempt > 0 {
                if let Some(stop) = self.stopping() {
                    return Err(c.fail(CityResult::Interrupted, format!("{stop}: transfer")));
                }
                std::thread::sleep(backoff(attempt));
                for i in &left {
                    self.fleet.reconnect(*i);
                }
            }
            let results = self
                .fleet
                .each_typed(Some(&left), &quiet, "transfer", |host, t, _| {
                    self.send_to(host, t, layout, pace)
                });
            left.clear();
            let mut final_failure = false;
            for r in results {
                match r.result {
                    Ok(n) => sent.objects += n,
                    Err(e) => {
                        // a server that could not be reached at all is as good as a broken link
                        final_failure |= matches!(&e, HostError::Failed(t) if !t.may_pass_again());
                        why = format!("{}: upload failed: {e}", self.fleet.host(r.index).name);
                        left.push(r.index);
                    }
                }
            }
            if final_failure {
                break;
            }
        }
        if left.is_empty() {
            return Ok(());
        }
        Err(c.fail(CityResult::Failed, why))
    }

    /// One server: what it lacks, then those objects; returns how many were sent.
    fn send_to(
        &self,
        host: &Host,
        t: &mut dyn Transport,
        layout: &Layout,
        pace: &Pace,
    ) -> Result<u64, TransferError> {
        let install = &self.profiles.of_host(host).profile.app.install_dir;
        let input = Input {
            head: &layout.keys_gz,
            pace: Some(pace),
            stall: Some(STALL),
            ..Input::default()
        };
        let o = t.run_input(
            &remote::survey_script(t.root(), install, &layout.keys_sha),
            input,
            TRANSFER_TIMEOUT,
        )?;
        if !o.ok() {
            return Err(TransferError::Refused(
                "survey",
                o.stderr_text().trim().to_string(),
            ));
        }
        let wanted = missing(layout, &o.stdout_text());
        self.send_missing(host, t, layout, pace, wanted)
    }

    /// The objects `wanted` to one server (that has the release's keys); returns how many.
    fn send_missing(
        &self,
        host: &Host,
        t: &mut dyn Transport,
        layout: &Layout,
        pace: &Pace,
        wanted: Vec<String>,
    ) -> Result<u64, TransferError> {
        if wanted.is_empty() {
            return Ok(0);
        }
        let install = &self.profiles.of_host(host).profile.app.install_dir;
        let parts = layout.pack(&wanted);
        let bytes = parts.iter().map(|p| p.len() as u64).sum();
        pace.expect(bytes);
        let input = Input {
            parts: &parts,
            pace: Some(pace),
            stall: Some(STALL),
            ..Input::default()
        };
        let o = t.run_input(
            &remote::receive_script(t.root(), install, &layout.keys_sha, bytes),
            input,
            TRANSFER_TIMEOUT,
        )?;
        if !o.ok() {
            return Err(TransferError::Refused(
                "receive",
                o.stderr_text().trim().to_string(),
            ));
        }
        let still = missing(layout, &o.stdout_text());
        if !still.is_empty() {
            return Err(TransferError::Incomplete {
                left: still.len(),
                of: wanted.len(),
                why: o.stderr_text().trim().to_string(),
            });
        }
        Ok(wanted.len() as u64)
    }

    /// The release across the link once, to `relay`, and from there to the other servers of
    /// `need`; returns the servers it could not serve (to be sent the release directly).
    /// The relay passes each object on as soon as it holds it; a receiver it could not serve
    /// whole is given a second round once the relay holds everything.
    fn through_relay(
        &self,
        c: &CityRun,
        relay: usize,
        need: &[usize],
        layout: &Layout,
        pace: &Pace,
        sent: &mut Sent,
    ) -> Vec<usize> {
        let r = self.fleet.host(relay);
        let mut pending: Vec<usize> = need.iter().copied().filter(|i| *i != relay).collect();
        let Some(address) = r.endpoint.address else {
            sent.direct.push(format!("{} has no address", r.name));
            return need.to_vec();
        };
        if pending.is_empty() {
            if let Err((_, why)) = self.direct(c, &[relay], layout, pace, sent) {
                sent.direct.push(format!("relay {}: {why}", r.name));
                return need.to_vec();
            }
            sent.relay = Some(r.name.clone());
            return Vec::new();
        }
        let mut why = Vec::new();
        for round in 0..2 {
            match self.relay_round(c, relay, &address.to_string(), &pending, layout, pace, sent) {
                Err(e) => {
                    sent.direct.push(format!("relay {}: {e}", r.name));
                    return if round == 0 { need.to_vec() } else { pending };
                }
                Ok(failed) => {
                    sent.relay = Some(r.name.clone());
                    pending = failed.iter().map(|(i, _)| *i).collect();
                    // a receiver's connection may have gone with a cut link
                    for i in &pending {
                        self.fleet.reconnect(*i);
                    }
                    why = failed.into_iter().map(|(_, w)| w).collect();
                }
            }
            if pending.is_empty() {
                return pending;
            }
        }
        sent.direct.extend(why);
        pending
    }

    /// One round of the relay: its listener started, the relay sent what it lacks while the
    /// `receivers` fetch from it. The receivers it did not serve whole, with why; an error when
    /// the relay itself could not get the release.
    #[allow(clippy::too_many_arguments)]
    fn relay_round(
        &self,
        c: &CityRun,
        relay: usize,
        relay_at: &str,
        receivers: &[usize],
        layout: &Layout,
        pace: &Pace,
        sent: &mut Sent,
    ) -> Result<Vec<(usize, String)>, RelayError> {
        let quiet = self.progress.hidden();
        let tokens: HashMap<usize, String> = receivers
            .iter()
            .map(|i| crate::files::random_hex().map(|t| (*i, t)))
            .collect::<Option<_>>()
            .ok_or(RelayError::NoRandomness)?;
        let all: Vec<String> = tokens.values().cloned().collect();
        let install = c.install().to_string();
        let (port_tx, port_rx) = std::sync::mpsc::channel::<u16>();
        let (filled, fetched) = std::thread::scope(|s| {
            let (quiet, tokens, install) = (&quiet, &tokens, &install);
            let fetching = s.spawn(move || {
                let port = port_rx.recv().ok()?;
                Some(self.on(receivers, quiet, "relay", |host, t| {
                    let token = tokens
                        .get(&self.index_of(host))
                        .map(String::as_str)
                        .unwrap_or_default();
                    let script = remote::relay_fetch_script(
                        t.root(),
                        install,
                        &layout.keys_sha,
                        relay_at,
                        port,
                        token,
                    );
                    let o = t.run(&script, b"", TRANSFER_TIMEOUT)?;
                    anyhow::ensure!(o.ok(), "{}", o.stderr_text().trim());
                    let still = missing(layout, &o.stdout_text());
                    anyhow::ensure!(
                        still.is_empty(),
                        "{} objects did not arrive whole ({})",
                        still.len(),
                        o.stderr_text().trim()
                    );
                    Ok(())
                }))
            });
            let filled = self.fill_relay(c, relay, layout, pace, &all, port_tx, sent);
            if filled.is_err() {
                // its receivers would wait for objects that are not coming
                self.stop_relay(relay, install, layout);
            }
            (filled, fetching.join().ok().flatten())
        });
        let log = self.stop_relay(relay, &install, layout);
        filled?;
        let mut failed: Vec<(usize, String)> = match fetched {
            Some(results) => results
                .into_iter()
                .filter_map(|(i, r)| {
                    r.err()
                        .map(|e| (i, format!("{}: {e}", self.fleet.host(i).name)))
                })
                .collect(),
            None => receivers
                .iter()
                .map(|i| (*i, "the relay's listener did not start".to_string()))
                .collect(),
        };
        // what the relay's listener refused, when a receiver was not served
        if let Some(last) = failed.last_mut()
            && !log.is_empty()
        {
            last.1 = format!("{}; relay: {}", last.1, log.replace('\n', "; "));
        }
        Ok(failed)
    }

    /// Starts the relay's listener (its port to `port`) and sends the relay what it lacks; a
    /// cut link is waited out with backoff while the listener serves what arrived.
    #[allow(clippy::too_many_arguments)]
    fn fill_relay(
        &self,
        c: &CityRun,
        relay: usize,
        layout: &Layout,
        pace: &Pace,
        tokens: &[String],
        port: std::sync::mpsc::Sender<u16>,
        sent: &mut Sent,
    ) -> Result<(), RelayError> {
        let quiet = self.progress.hidden();
        let first = self
            .fleet
            .each_typed(Some(&[relay]), &quiet, "transfer", |host, t, _| {
                let install = &self.profiles.of_host(host).profile.app.install_dir;
                let input = Input {
                    head: &layout.keys_gz,
                    pace: Some(pace),
                    stall: Some(STALL),
                    ..Input::default()
                };
                let script =
                    remote::relay_start_script(t.root(), install, &layout.keys_sha, tokens);
                let o = t.run_input(&script, input, Duration::from_secs(120))?;
                let at = o
                    .stdout_text()
                    .lines()
                    .find_map(|l| l.strip_prefix("PORT ")?.trim().parse::<u16>().ok())
                    .ok_or_else(|| {
                        TransferError::Refused("relay", o.stderr_text().trim().to_string())
                    })?;
                let _ = port.send(at);
                self.send_missing(host, t, layout, pace, missing(layout, &o.stdout_text()))
            });
        drop(port);
        match first.into_iter().next().map(|r| r.result) {
            Some(Ok(n)) => {
                sent.objects += n;
                Ok(())
            }
            Some(Err(HostError::Failed(e))) if !e.may_pass_again() => Err(RelayError::Refused(e)),
            Some(Err(HostError::Stopped)) | None => Err(RelayError::Stopped),
            Some(Err(_)) => {
                // a cut link: rounds with backoff, the listener passing on what arrives
                std::thread::sleep(backoff(1));
                self.fleet.reconnect(relay);
                self.direct(c, &[relay], layout, pace, sent)
                    .map_err(|(_, why)| RelayError::Direct(why))
            }
        }
    }

    /// Stops the relay's listener; what it refused, if anything.
    fn stop_relay(&self, relay: usize, install: &str, layout: &Layout) -> String {
        let said = self.on_always(&[relay], &self.progress.hidden(), "relay", |_, t| {
            let o = t.run(
                &remote::relay_stop_script(t.root(), install, &layout.keys_sha),
                b"",
                Duration::from_secs(30),
            )?;
            Ok(o.stdout_text().trim().to_string())
        });
        match said.into_iter().next() {
            Some((_, Ok(log))) => log,
            _ => String::new(),
        }
    }
}
