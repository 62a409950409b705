//! The local transport (the sandbox): each server is a folder on this machine standing in for
//! its `/`. Commands run here with `sh -c`, in that folder, with `JINBAO_HOST_ROOT` set to it;
//! everything above the transport builds its paths from `root()`, so its code is the same.

use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Endpoint, Input, Output, Stat, Transport, TransportError};
use crate::profile::TransportKind;

pub struct LocalTransport {
    root: PathBuf,
    root_text: String,
}

impl LocalTransport {
    pub fn open(ep: &Endpoint) -> Result<Self, TransportError> {
        std::fs::create_dir_all(&ep.local_root).map_err(|e| {
            TransportError::Other(format!(
                "cannot make the sandbox folder {}: {e}",
                ep.local_root.display()
            ))
        })?;
        let root = ep
            .local_root
            .canonicalize()
            .unwrap_or(ep.local_root.clone());
        let root_text = root.display().to_string();
        Ok(LocalTransport { root, root_text })
    }

    /// The real path standing for the server's absolute `path`.
    fn real(&self, path: &str) -> PathBuf {
        if path.starts_with(&self.root_text) {
            PathBuf::from(path)
        } else {
            self.root.join(path.trim_start_matches('/'))
        }
    }
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> TransportError {
    TransportError::Other(format!("{what} {}: {e}", path.display()))
}

impl Transport for LocalTransport {
    fn run_input(
        &mut self,
        command: &str,
        input: Input<'_>,
        timeout: Duration,
    ) -> Result<Output, TransportError> {
        let (reader, script) = super::framed(command);
        let body_len = script.len();
        let mut child = Command::new("sh");
        child
            .arg("-c")
            .arg(reader)
            .current_dir(&self.root)
            .env("JINBAO_HOST_ROOT", &self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        // a server's shell starts with the usual umask, not jinbao's own private one
        // SAFETY: umask is async-signal-safe and touches only the child's creation mask.
        unsafe {
            child.pre_exec(|| {
                libc::umask(0o022);
                Ok(())
            });
        }
        let mut child = child
            .spawn()
            .map_err(|e| TransportError::Other(format!("cannot start sh: {e}")))?;
        // known to the abort path (a second Ctrl-C kills it; the first lets it finish)
        let _registered = crate::interrupt::register_child(child.id() as i32);
        // a local "link" is counted like any other (the sandbox's transfer counts), never paced
        let mut data = script;
        for part in input.stream(&[]) {
            data.extend_from_slice(part);
        }
        if let Some(p) = input.pace {
            p.sent(data.len() - body_len);
        }
        let mut stdin = child.stdin.take();
        let feeder = std::thread::spawn(move || {
            if let Some(mut i) = stdin.take() {
                let _ = i.write_all(&data);
            }
        });
        let mut out_pipe = child.stdout.take();
        let mut err_pipe = child.stderr.take();
        let out_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(p) = out_pipe.as_mut() {
                let _ = p.read_to_end(&mut v);
            }
            v
        });
        let err_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(p) = err_pipe.as_mut() {
                let _ = p.read_to_end(&mut v);
            }
            v
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if start.elapsed() >= timeout => {
                    // SAFETY: signalling the process group we created for this command.
                    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
                    let _ = child.wait();
                    return Err(TransportError::CommandTimeout { after: timeout });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(e) => return Err(TransportError::Other(format!("waiting for sh: {e}"))),
            }
        };
        let _ = feeder.join();
        let stdout = out_reader.join().unwrap_or_default();
        let stderr = err_reader.join().unwrap_or_default();
        use std::os::unix::process::ExitStatusExt;
        let status = status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }

    fn upload(&mut self, src: &mut dyn Read, path: &str, mode: u32) -> Result<u64, TransportError> {
        let real = self.real(path);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&real)
            .map_err(|e| io_err("cannot write", &real, e))?;
        let n = std::io::copy(src, &mut file).map_err(|e| io_err("cannot write", &real, e))?;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_err("cannot chmod", &real, e))?;
        Ok(n)
    }

    fn read_file(&mut self, path: &str) -> Result<Option<Vec<u8>>, TransportError> {
        let real = self.real(path);
        match std::fs::read(&real) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err("cannot read", &real, e)),
        }
    }

    fn stat(&mut self, path: &str) -> Result<Option<Stat>, TransportError> {
        let real = self.real(path);
        match std::fs::symlink_metadata(&real) {
            Ok(m) => Ok(Some(Stat {
                size: m.size(),
                mode: m.mode() & 0o7777,
                is_dir: m.is_dir(),
                is_symlink: m.file_type().is_symlink(),
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err("cannot stat", &real, e)),
        }
    }

    fn root(&self) -> &str {
        &self.root_text
    }

    fn kind(&self) -> TransportKind {
        TransportKind::Local
    }
}
