//! The SSH transport on libssh2 (`ssh2`): strict host keys, key or agent authentication,
//! commands run without blocking so stdout, stderr, stdin and the deadline are all watched.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use ssh2::{BlockDirections, MethodType, OpenFlags, OpenType, Session, Sftp};

use super::identity::{authenticate, check_host_key};
use super::{Connector, Endpoint, Input, Output, Stat, Transport, TransportError, rest_of};
use crate::profile::TransportKind;

/// libssh2's "would block".
const EAGAIN: i32 = -37;
/// libssh2's "timed out".
pub(super) const ETIMEOUT: i32 = -9;
/// SFTP "no such file".
const FX_NO_SUCH_FILE: i32 = 2;

pub(super) struct RawSession {
    pub session: Session,
    /// The socket under the session, for poll(2).
    pub fd: RawFd,
}

pub struct SshTransport {
    session: Session,
    fd: RawFd,
    host: String,
    sftp: Option<Sftp>,
    keepalive: Duration,
}

impl SshTransport {
    pub(super) fn connect(c: &Connector, ep: &Endpoint) -> Result<Self, TransportError> {
        let raw = match &ep.jump {
            Some(jump_ep) => {
                let wrap = |e: TransportError| TransportError::Jump {
                    jump: jump_ep.label.clone(),
                    source: Box::new(e),
                };
                let addr = ep.address.ok_or_else(|| no_address(ep))?.to_string();
                let jump = c.jump(jump_ep).map_err(wrap)?;
                let stream = match jump.open_tunnel(&addr, ep.port, ep.connect_timeout) {
                    // the jump host's connection broke (a cut link, since healed): a new one
                    Err(_) if jump.is_broken() => c
                        .jump(jump_ep)
                        .and_then(|j| j.open_tunnel(&addr, ep.port, ep.connect_timeout)),
                    opened => opened,
                }
                .map_err(wrap)?;
                open_session(c, ep, Some(stream))?
            }
            None => open_session(c, ep, None)?,
        };
        Ok(SshTransport {
            session: raw.session,
            fd: raw.fd,
            host: ep.label.clone(),
            sftp: None,
            keepalive: ep.keepalive,
        })
    }

    fn lost(&self, e: impl std::fmt::Display) -> TransportError {
        TransportError::Lost {
            host: self.host.clone(),
            detail: e.to_string(),
        }
    }

    fn sftp(&mut self) -> Result<&Sftp, TransportError> {
        if self.sftp.is_none() {
            let sftp = self.session.sftp().map_err(|e| self.lost(e))?;
            self.sftp = Some(sftp);
        }
        Ok(self.sftp.as_ref().expect("set above"))
    }
}

fn no_address(ep: &Endpoint) -> TransportError {
    TransportError::Other(format!("{} has no address", ep.label))
}

pub(super) fn wait_fd(fd: RawFd, dir: BlockDirections, max: Duration) {
    quick_ack(fd);
    let events = match dir {
        BlockDirections::Outbound => libc::POLLOUT,
        BlockDirections::Both => libc::POLLIN | libc::POLLOUT,
        _ => libc::POLLIN,
    };
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    let ms = max.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: one valid pollfd for the duration of the call.
    unsafe { libc::poll(&mut pfd, 1, ms) };
    quick_ack(fd);
}

fn is_again(e: &ssh2::Error) -> bool {
    e.code() == ssh2::ErrorCode::Session(EAGAIN)
}

/// TCP (or the given tunnel), handshake, host key check, authentication.
pub(super) fn open_session(
    c: &Connector,
    ep: &Endpoint,
    tunnel: Option<UnixStream>,
) -> Result<RawSession, TransportError> {
    let addr = ep.address.ok_or_else(|| no_address(ep))?;
    let shown = super::known_hosts::host_name(&addr.to_string(), ep.port);
    let mut session = Session::new().map_err(|e| TransportError::Other(format!("libssh2: {e}")))?;
    let fd = match tunnel {
        Some(stream) => {
            let fd = stream.as_raw_fd();
            session.set_tcp_stream(stream);
            fd
        }
        None => {
            let tcp = tcp_connect(SocketAddr::new(addr, ep.port), ep.connect_timeout, &shown)?;
            // a host that vanishes mid-command stops acknowledging our keep-alives: give up
            // after two intervals instead of waiting for the command's deadline
            set_user_timeout(&tcp, ep.keepalive * 2);
            let fd = tcp.as_raw_fd();
            session.set_tcp_stream(tcp);
            fd
        }
    };
    let host = addr.to_string();
    let known_types = c.with_known_hosts(&ep.known_hosts, |kh| kh.known_types(&host, ep.port))?;
    if !known_types.is_empty() {
        // offer first the key types we can check, as OpenSSH does
        let mut prefs = known_types.clone();
        for t in [
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "rsa-sha2-512",
            "rsa-sha2-256",
            "ssh-rsa",
        ] {
            if !prefs.iter().any(|p| p == t) {
                prefs.push(t.to_string());
            }
        }
        let _ = session.method_pref(MethodType::HostKey, &prefs.join(","));
    }
    // AES-GCM runs on the CPU's AES instructions (through OpenSSL); libssh2's own
    // chacha20-poly1305, its first choice, costs several times more CPU per byte
    let ciphers = crate::env_vars::get("JINBAO_SSH_CIPHERS").unwrap_or_else(|| {
        "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr".into()
    });
    let ciphers = ciphers.as_str();
    let _ = session.method_pref(MethodType::CryptCs, ciphers);
    let _ = session.method_pref(MethodType::CryptSc, ciphers);
    session.set_timeout(ep.connect_timeout.as_millis().max(1) as u32);
    session.handshake().map_err(|e| {
        if e.code() == ssh2::ErrorCode::Session(ETIMEOUT) {
            TransportError::HandshakeTimeout {
                addr: shown.clone(),
                stage: "the key exchange",
                after: ep.connect_timeout,
            }
        } else {
            TransportError::Lost {
                host: shown.clone(),
                detail: format!("SSH handshake failed: {e}"),
            }
        }
    })?;
    check_host_key(c, ep, &session, &host)?;
    authenticate(ep, &session, &shown).map_err(|e| match e {
        // a server too busy to answer in time has not refused our key
        TransportError::Auth { ref detail, .. }
            if detail.contains("timeout") || detail.contains("Timed out") =>
        {
            TransportError::HandshakeTimeout {
                addr: shown.clone(),
                stage: "authentication",
                after: ep.connect_timeout,
            }
        }
        other => other,
    })?;
    session.set_keepalive(false, ep.keepalive.as_secs().max(1) as u32);
    // blocking calls (SFTP) give up when a host vanishes instead of hanging for good
    session.set_timeout(
        (ep.connect_timeout * 6)
            .max(Duration::from_secs(30))
            .as_millis() as u32,
    );
    Ok(RawSession { session, fd })
}

fn tcp_connect(
    addr: SocketAddr,
    timeout: Duration,
    shown: &str,
) -> Result<TcpStream, TransportError> {
    let tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| match e.kind() {
        ErrorKind::ConnectionRefused => TransportError::Refused {
            addr: shown.to_string(),
        },
        ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportError::ConnectTimeout {
            addr: shown.to_string(),
            after: timeout,
        },
        _ if matches!(
            e.raw_os_error(),
            Some(libc::EHOSTUNREACH | libc::ENETUNREACH)
        ) =>
        {
            TransportError::Unreachable {
                addr: shown.to_string(),
                detail: e.to_string(),
            }
        }
        _ => TransportError::Other(format!("cannot connect to {shown}: {e}")),
    })?;
    let _ = tcp.set_nodelay(true);
    quick_ack(std::os::fd::AsRawFd::as_raw_fd(&tcp));
    Ok(tcp)
}

/// Acknowledges what arrives at once. OpenSSH's server leaves Nagle on for commands without a
/// terminal, so each reply that follows another waits for our ACK, which Linux delays up to
/// 40 ms: every command would cost that much in waiting. The kernel leaves quick-ack mode on
/// its own, so this is set again before each read. (On the socket pair of a jump tunnel it
/// does nothing.)
pub(super) fn quick_ack(fd: RawFd) {
    let one: libc::c_int = 1;
    // SAFETY: setsockopt on a descriptor we own, with a pointer to a live c_int.
    unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

fn set_user_timeout(tcp: &TcpStream, after: Duration) {
    let ms = after.as_millis().clamp(1000, u32::MAX as u128) as libc::c_uint;
    // SAFETY: setsockopt on a socket we own, with a pointer to a live c_uint.
    unsafe {
        libc::setsockopt(
            tcp.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_USER_TIMEOUT,
            &ms as *const libc::c_uint as *const libc::c_void,
            std::mem::size_of::<libc::c_uint>() as libc::socklen_t,
        );
    }
}

impl Transport for SshTransport {
    fn run_input(
        &mut self,
        command: &str,
        input: Input<'_>,
        timeout: Duration,
    ) -> Result<Output, TransportError> {
        let (reader, script) = super::framed(command);
        quick_ack(self.fd);
        self.session.set_blocking(true);
        let mut channel = self.session.channel_session().map_err(|e| self.lost(e))?;
        channel.exec(&reader).map_err(|e| self.lost(e))?;
        self.session.set_blocking(false);
        let result = self.pump(&mut channel, &input, &script, timeout);
        self.session.set_blocking(true);
        let (stdout, stderr) = result?;
        let _ = channel.close();
        let _ = channel.wait_close();
        let status = channel.exit_status().map_err(|e| self.lost(e))?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }

    fn upload(&mut self, src: &mut dyn Read, path: &str, mode: u32) -> Result<u64, TransportError> {
        let host = self.host.clone();
        let sftp = self.sftp()?;
        let lost = |e: &dyn std::fmt::Display| TransportError::Lost {
            host: host.clone(),
            detail: format!("upload to {path}: {e}"),
        };
        let mut file = sftp
            .open_mode(
                Path::new(path),
                OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE,
                mode as i32,
                OpenType::File,
            )
            .map_err(|e| lost(&e))?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = src.read(&mut buf).map_err(|e| lost(&e))?;
            if n == 0 {
                break;
            }
            file.write_all(&buf[..n]).map_err(|e| lost(&e))?;
            total += n as u64;
        }
        file.fsync().ok();
        Ok(total)
    }

    fn read_file(&mut self, path: &str) -> Result<Option<Vec<u8>>, TransportError> {
        let host = self.host.clone();
        let sftp = self.sftp()?;
        match sftp.open(Path::new(path)) {
            Ok(mut f) => {
                let mut data = Vec::new();
                f.read_to_end(&mut data).map_err(|e| TransportError::Lost {
                    host,
                    detail: format!("read {path}: {e}"),
                })?;
                Ok(Some(data))
            }
            Err(e) if e.code() == ssh2::ErrorCode::SFTP(FX_NO_SUCH_FILE) => Ok(None),
            Err(e) => Err(TransportError::Lost {
                host,
                detail: format!("open {path}: {e}"),
            }),
        }
    }

    fn stat(&mut self, path: &str) -> Result<Option<Stat>, TransportError> {
        let host = self.host.clone();
        let sftp = self.sftp()?;
        match sftp.lstat(Path::new(path)) {
            Ok(st) => {
                let perm = st.perm.unwrap_or(0);
                Ok(Some(Stat {
                    size: st.size.unwrap_or(0),
                    mode: perm & 0o7777,
                    is_dir: perm & 0o170000 == 0o040000,
                    is_symlink: perm & 0o170000 == 0o120000,
                }))
            }
            Err(e) if e.code() == ssh2::ErrorCode::SFTP(FX_NO_SUCH_FILE) => Ok(None),
            Err(e) => Err(TransportError::Lost {
                host,
                detail: format!("stat {path}: {e}"),
            }),
        }
    }

    fn root(&self) -> &str {
        ""
    }

    fn kind(&self) -> TransportKind {
        TransportKind::Ssh
    }
}

impl SshTransport {
    /// Feeds stdin and drains stdout and stderr until the command ends or the deadline.
    fn pump(
        &self,
        channel: &mut ssh2::Channel,
        stdin: &Input<'_>,
        script: &[u8],
        timeout: Duration,
    ) -> Result<(Vec<u8>, Vec<u8>), TransportError> {
        let input = &stdin.stream(script)[..];
        let pace = stdin.pace;
        let mut last_moved = Instant::now();
        let total: usize = input.iter().map(|p| p.len()).sum();
        let start = Instant::now();
        let mut last_keepalive = start;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (mut out_done, mut err_done) = (false, false);
        let mut written = 0;
        let mut eof_sent = false;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let mut progressed = false;
            // why the last write waited: a full socket (wait until it drains) or the channel's
            // window (wait for the server to open it, which arrives as input)
            let mut write_blocked_out = false;
            // how long the link's budget holds the next write back
            let mut paced = None;
            if !eof_sent {
                let rest = rest_of(input, written);
                let allowed = match pace {
                    Some(p) if written < total => p.allow(rest.len()).unwrap_or_else(|wait| {
                        paced = Some(wait);
                        0
                    }),
                    _ => rest.len(),
                };
                if written < total && allowed > 0 {
                    match channel.write(&rest[..allowed]) {
                        Ok(n) => {
                            written += n;
                            if let Some(p) = pace {
                                p.sent(n);
                            }
                            progressed |= n > 0;
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            write_blocked_out = matches!(
                                self.session.block_directions(),
                                BlockDirections::Outbound | BlockDirections::Both
                            );
                        }
                        // the command may exit without reading all of its input
                        Err(_) => written = total,
                    }
                }
                if written >= total {
                    match channel.send_eof() {
                        Ok(()) => eof_sent = true,
                        Err(e) if is_again(&e) => {}
                        Err(_) => eof_sent = true,
                    }
                }
            }
            if !out_done {
                match channel.read(&mut buf) {
                    Ok(0) => out_done = true,
                    Ok(n) => {
                        out.extend_from_slice(&buf[..n]);
                        progressed = true;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(self.lost(e)),
                }
            }
            if !err_done {
                match channel.stderr().read(&mut buf) {
                    Ok(0) => err_done = true,
                    Ok(n) => {
                        err.extend_from_slice(&buf[..n]);
                        progressed = true;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(self.lost(e)),
                }
            }
            if out_done && err_done {
                return Ok((out, err));
            }
            let now = Instant::now();
            if progressed || paced.is_some() {
                last_moved = now;
            } else if let Some(stall) = stdin.stall
                && now.duration_since(last_moved) >= stall
            {
                let _ = channel.close();
                return Err(TransportError::Lost {
                    host: self.host.clone(),
                    detail: format!("nothing moved for {} s: the link stalled", stall.as_secs()),
                });
            }
            if now.duration_since(start) >= timeout {
                let _ = channel.close();
                return Err(TransportError::CommandTimeout { after: timeout });
            }
            if now.duration_since(last_keepalive) >= self.keepalive {
                let _ = self.session.keepalive_send();
                last_keepalive = now;
            }
            // reading may have taken in the server's window adjustment: write again at once
            // rather than wait for more input (which may not come until we write)
            if !progressed
                && paced.is_none()
                && !eof_sent
                && written < total
                && !write_blocked_out
                && channel.write_window().remaining > 0
            {
                continue;
            }
            if !progressed {
                let left = timeout.saturating_sub(now.duration_since(start));
                let dir = if write_blocked_out {
                    BlockDirections::Both
                } else {
                    self.session.block_directions()
                };
                let most = paced.unwrap_or(Duration::from_millis(200));
                wait_fd(self.fd, dir, left.min(most).min(Duration::from_millis(200)));
            }
        }
    }
}
