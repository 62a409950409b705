//! How jinbao reaches a server: one interface, two implementations. `ssh` speaks to real
//! OpenSSH servers (one connection per host for the whole run, strict host keys, jump hosts);
//! `local` runs the same operations on this machine under a folder per host (the sandbox).

mod identity;
mod jump;
pub mod known_hosts;
mod local;
pub mod pace;
mod ssh;

pub use pace::Pace;

use std::collections::HashMap;
use std::io::Read;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::profile::TransportKind;
use crate::profile::secret::SecretRef;

pub use known_hosts::KnownHosts;

/// Everything needed to reach one server, resolved from its city's profile.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `<city>/<server>`, for messages.
    pub label: String,
    pub kind: TransportKind,
    pub address: Option<IpAddr>,
    pub port: u16,
    pub user: String,
    pub key: Option<PathBuf>,
    pub passphrase: Option<SecretRef>,
    pub agent: bool,
    pub known_hosts: PathBuf,
    pub connect_timeout: Duration,
    pub keepalive: Duration,
    /// With the local transport: the folder standing in for this server's `/`.
    pub local_root: PathBuf,
    /// The server every connection to this one goes through.
    pub jump: Option<Box<Endpoint>>,
}

/// What a command left behind.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.status == 0
    }
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mode: u32,
    pub is_dir: bool,
    pub is_symlink: bool,
}

/// Why a host could not be reached or a command did not finish.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("connection refused by {addr}")]
    Refused { addr: String },
    #[error("timed out connecting to {addr} (after {after:?})")]
    ConnectTimeout { addr: String, after: Duration },
    /// The SSH handshake or authentication did not finish in time (a loaded server): a
    /// timeout, never an authentication failure.
    #[error("SSH set-up with {addr} timed out during {stage} (after {after:?})")]
    HandshakeTimeout {
        addr: String,
        stage: &'static str,
        after: Duration,
    },
    #[error("{addr} is unreachable: {detail}")]
    Unreachable { addr: String, detail: String },
    #[error("authentication failed for {user}@{addr}: {detail}")]
    Auth {
        user: String,
        addr: String,
        detail: String,
    },
    #[error(
        "host key of {host} is unknown ({fingerprint}); not in {file} (pass --accept-new-host-keys to record it)"
    )]
    UnknownHostKey {
        host: String,
        fingerprint: String,
        file: String,
    },
    #[error(
        "HOST KEY CHANGED for {host}: {file}:{line} has {known}, the server offered {offered} (refused; if the change is expected, remove that line)"
    )]
    HostKeyChanged {
        host: String,
        known: String,
        offered: String,
        file: String,
        line: usize,
    },
    #[error("host key of {host} is {detail}")]
    HostKeyRefused { host: String, detail: String },
    #[error("command timed out after {after:?}")]
    CommandTimeout { after: Duration },
    #[error("connection to {host} lost: {detail}")]
    Lost { host: String, detail: String },
    #[error("through jump host {jump}: {source}")]
    Jump {
        jump: String,
        source: Box<TransportError>,
    },
    /// The host failed earlier in this run and is not tried again.
    #[error("{message}")]
    Earlier {
        message: String,
        reason: &'static str,
    },
    #[error("{0}")]
    Other(String),
}

impl TransportError {
    /// A short stable word for scripts (`--json` `reason`).
    pub fn reason(&self) -> &'static str {
        match self {
            TransportError::Refused { .. } => "refused",
            TransportError::ConnectTimeout { .. } | TransportError::HandshakeTimeout { .. } => {
                "timeout"
            }
            TransportError::Unreachable { .. } => "unreachable",
            TransportError::Auth { .. } => "auth",
            TransportError::UnknownHostKey { .. } => "host-key-unknown",
            TransportError::HostKeyChanged { .. } | TransportError::HostKeyRefused { .. } => {
                "host-key-mismatch"
            }
            TransportError::CommandTimeout { .. } => "command-timeout",
            TransportError::Lost { .. } => "lost",
            TransportError::Jump { source, .. } => source.reason(),
            TransportError::Earlier { reason, .. } => reason,
            TransportError::Other(_) => "error",
        }
    }

    /// True when the host itself could not be reached (rather than a command failing).
    pub fn is_unreachable(&self) -> bool {
        !matches!(self, TransportError::CommandTimeout { .. })
    }

    /// True when setting the connection up may succeed if tried again: it timed out, or the
    /// server dropped it before the handshake ended (sshd's MaxStartups under a burst). Never
    /// a refused key or host key: those are answers, not accidents.
    pub fn is_transient(&self) -> bool {
        match self {
            TransportError::ConnectTimeout { .. } | TransportError::HandshakeTimeout { .. } => true,
            TransportError::Lost { detail, .. } => detail.starts_with("SSH handshake failed"),
            TransportError::Jump { source, .. } => source.is_transient(),
            _ => false,
        }
    }
}

/// What a command reads on stdin: `head`, then `parts` one after another (never joined in
/// memory), sent at the link's pace and counted by it.
#[derive(Clone, Copy, Default)]
pub struct Input<'a> {
    pub head: &'a [u8],
    pub parts: &'a [&'a [u8]],
    pub pace: Option<&'a Pace>,
    /// Nothing written or read for this long: the link is taken as cut (the command is lost).
    pub stall: Option<Duration>,
}

impl<'a> Input<'a> {
    pub fn whole(stdin: &'a [u8]) -> Input<'a> {
        Input {
            head: stdin,
            ..Input::default()
        }
    }

    /// The script's frame, then every part: one stream.
    pub fn stream(&self, script: &'a [u8]) -> Vec<&'a [u8]> {
        let mut all = vec![script, self.head];
        all.extend_from_slice(self.parts);
        all
    }
}

/// What is left to write of `parts` (one stream) after `done` bytes, up to the end of a part.
pub(crate) fn rest_of<'a>(parts: &[&'a [u8]], mut done: usize) -> &'a [u8] {
    for p in parts {
        if done < p.len() {
            return &p[done..];
        }
        done -= p.len();
    }
    &[]
}

/// One open connection to one server.
pub trait Transport: Send {
    /// Runs a POSIX shell command, feeding it `stdin`, for at most `timeout`.
    fn run(
        &mut self,
        command: &str,
        stdin: &[u8],
        timeout: Duration,
    ) -> Result<Output, TransportError> {
        self.run_input(command, Input::whole(stdin), timeout)
    }

    /// Runs a command whose stdin is `input`'s parts, one after another, sent at its pace.
    fn run_input(
        &mut self,
        command: &str,
        input: Input<'_>,
        timeout: Duration,
    ) -> Result<Output, TransportError>;

    /// Writes everything `src` yields to `path` (created or truncated) with `mode`.
    fn upload(&mut self, src: &mut dyn Read, path: &str, mode: u32) -> Result<u64, TransportError>;

    /// A file's bytes, or None when it does not exist.
    fn read_file(&mut self, path: &str) -> Result<Option<Vec<u8>>, TransportError>;

    /// A path's metadata (not following a final symlink), or None when it does not exist.
    fn stat(&mut self, path: &str) -> Result<Option<Stat>, TransportError>;

    /// The prefix of every absolute path on this host: "" over SSH, the host's folder locally.
    fn root(&self) -> &str;

    fn kind(&self) -> TransportKind;
}

/// How many times setting up a connection is tried again after a transient failure.
const CONNECT_RETRIES: u32 = 3;

/// Connections set up at once (handshake and authentication); the rest wait their turn.
pub const MAX_HANDSHAKES: usize = 32;

/// A counting semaphore: at most `limit` holders at once.
pub struct Gate {
    limit: usize,
    held: Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Gate {
    pub fn new(limit: usize) -> Self {
        Gate {
            limit: limit.max(1),
            held: Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    /// Waits for a place; it is given back when the guard is dropped.
    pub fn take(&self) -> GateGuard<'_> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        while *held >= self.limit {
            held = self.freed.wait(held).unwrap_or_else(|p| p.into_inner());
        }
        *held += 1;
        GateGuard(self)
    }
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new(MAX_HANDSHAKES)
    }
}

pub struct GateGuard<'a>(&'a Gate);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        let mut held = self.0.held.lock().unwrap_or_else(|p| p.into_inner());
        *held -= 1;
        self.0.freed.notify_one();
    }
}

/// Settings and shared state of one run's connections.
#[derive(Default)]
pub struct Connector {
    pub accept_new_host_keys: bool,
    /// Handshakes in flight.
    handshakes: Gate,
    /// known_hosts files, read once per run and shared by every connection.
    known: Mutex<HashMap<PathBuf, KnownHosts>>,
    /// Jump hosts, connected once and shared by the servers behind them.
    jumps: Mutex<HashMap<String, Arc<jump::Jump>>>,
}

impl Connector {
    pub fn new(accept_new_host_keys: bool) -> Self {
        Connector {
            accept_new_host_keys,
            ..Default::default()
        }
    }

    /// Opens a connection to `ep` (through its jump host when it has one). Setting up is
    /// tried again, with a growing pause, when it failed in a way that may pass (a timeout, a
    /// server dropping connections under a burst); at most `MAX_HANDSHAKES` are in flight at
    /// once, so that a burst does not starve the servers' sshd or this machine's CPU.
    pub fn connect(&self, ep: &Endpoint) -> Result<Box<dyn Transport>, TransportError> {
        if ep.kind == TransportKind::Local {
            return Ok(Box::new(local::LocalTransport::open(ep)?));
        }
        let mut attempt = 0;
        loop {
            let result = {
                let _turn = self.handshakes.take();
                ssh::SshTransport::connect(self, ep)
            };
            match result {
                Ok(t) => return Ok(Box::new(t)),
                Err(e) if e.is_transient() && attempt < CONNECT_RETRIES => {
                    attempt += 1;
                    tracing::info!(
                        "{}: {e}; trying again ({attempt}/{CONNECT_RETRIES})",
                        ep.label
                    );
                    // 200 ms, 600 ms, 1.8 s, spread a little so retries do not come back as one
                    let pause = 200 * 3u64.pow(attempt - 1) + (std::process::id() as u64 % 7) * 10;
                    std::thread::sleep(Duration::from_millis(pause));
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn jump(&self, ep: &Endpoint) -> Result<Arc<jump::Jump>, TransportError> {
        let mut jumps = self.jumps.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(j) = jumps.get(&ep.label)
            && !j.is_broken()
        {
            return Ok(j.clone());
        }
        let session = ssh::open_session(self, ep, None)?;
        let j = Arc::new(jump::Jump::start(
            session.session,
            session.fd,
            ep.label.clone(),
        ));
        jumps.insert(ep.label.clone(), j.clone());
        Ok(j)
    }

    /// Runs `f` on the known_hosts file of `path`, loaded on first use.
    fn with_known_hosts<T>(
        &self,
        path: &std::path::Path,
        f: impl FnOnce(&mut KnownHosts) -> T,
    ) -> Result<T, TransportError> {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if !known.contains_key(path) {
            let kh = KnownHosts::load(path).map_err(|e| {
                TransportError::Other(format!("cannot read known_hosts {}: {e}", path.display()))
            })?;
            known.insert(path.to_path_buf(), kh);
        }
        Ok(f(known.get_mut(path).expect("inserted above")))
    }
}

/// `~/x` with the user's home folder.
pub fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => {
            let home = crate::env_vars::get("HOME").unwrap_or_else(|| "/root".into());
            PathBuf::from(home).join(rest)
        }
        None => PathBuf::from(path),
    }
}

/// The last line of every script jinbao sends: a script that arrives without it was cut short
/// and is not run at all.
const SCRIPT_END: &str = "#jinbao-script-end";

/// How a script reaches a server's shell without appearing in any process's arguments: the
/// command line holds only a small reader, which takes the script (`len` bytes) from stdin and
/// runs it; whatever follows the script on stdin is the script's own input (a tarball, a file).
/// Secrets and file contents inside the script are thus never visible in `/proc/<pid>/cmdline`.
pub fn framed(script: &str) -> (String, Vec<u8>) {
    let mut body = Vec::with_capacity(script.len() + SCRIPT_END.len() + 2);
    body.extend_from_slice(script.as_bytes());
    if !script.ends_with('\n') {
        body.push(b'\n');
    }
    body.extend_from_slice(SCRIPT_END.as_bytes());
    body.push(b'\n');
    let reader = format!(
        "S=$(head -c {len}; echo .); case \"$S\" in *'{SCRIPT_END}'?.) eval \"${{S%.}}\";; \
         *) echo 'jinbao: the script arrived incomplete; nothing was run' >&2; exit 96;; esac",
        len = body.len()
    );
    (reader, body)
}

/// Quotes a string for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_travel_on_stdin_and_run_only_whole() {
        use std::io::Write;
        let run = |reader: &str, input: &[u8]| {
            let mut child = std::process::Command::new("sh")
                .args(["-c", reader])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(input).unwrap();
            child.wait_with_output().unwrap()
        };
        let secret = "s3cret-in-the-script";
        let (reader, body) = framed(&format!("x='{secret}'\necho \"$x\"; wc -c\n"));
        assert!(!reader.contains(secret));
        let mut input = body.clone();
        input.extend_from_slice(b"12345");
        let out = run(&reader, &input);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{secret}\n5\n")
        );
        // a script cut short runs not even its first line
        let out = run(&reader, &body[..body.len() / 2]);
        assert_eq!(out.status.code(), Some(96));
        assert!(out.stdout.is_empty());
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("/opt/jinbao"), "/opt/jinbao");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
