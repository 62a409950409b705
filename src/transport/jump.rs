//! Jump hosts (ProxyJump): one SSH session to the gateway carries a direct-tcpip channel per
//! server behind it. Each channel is bridged to one end of a socket pair, whose other end is
//! the inner server's own SSH session; one thread per jump host moves the bytes.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ssh2::{Channel, Session};

use super::TransportError;
use super::ssh::wait_fd;

struct Tunnel {
    channel: Channel,
    sock: UnixStream,
    to_channel: Vec<u8>,
    to_sock: Vec<u8>,
    sock_eof: bool,
    channel_eof: bool,
    dead: bool,
}

struct Inner {
    session: Session,
    fd: RawFd,
    label: String,
    tunnels: Mutex<Vec<Tunnel>>,
    /// libssh2 keeps a half-open channel's state in the session: one opening at a time.
    opening: Mutex<()>,
    stop: AtomicBool,
    /// Its connection to the jump host broke (a cut link): no tunnel opens through it again.
    broken: AtomicBool,
}

pub struct Jump {
    inner: Arc<Inner>,
    thread: Option<JoinHandle<()>>,
}

impl Jump {
    pub fn start(session: Session, fd: RawFd, label: String) -> Self {
        session.set_blocking(false);
        let inner = Arc::new(Inner {
            session,
            fd,
            label,
            tunnels: Mutex::new(Vec::new()),
            opening: Mutex::new(()),
            stop: AtomicBool::new(false),
            broken: AtomicBool::new(false),
        });
        let worker = inner.clone();
        let thread = std::thread::Builder::new()
            .name(format!("jump {}", inner.label))
            .stack_size(256 * 1024)
            .spawn(move || pump(&worker))
            .ok();
        Jump { inner, thread }
    }

    /// Whether its connection to the jump host broke: a new one is needed.
    pub fn is_broken(&self) -> bool {
        self.inner.broken.load(Ordering::Relaxed)
    }

    /// A stream that reaches `host:port` from the jump host.
    pub fn open_tunnel(
        &self,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<UnixStream, TransportError> {
        let deadline = Instant::now() + timeout;
        let _one_at_a_time = self.inner.opening.lock().unwrap_or_else(|p| p.into_inner());
        let channel = loop {
            match self.inner.session.channel_direct_tcpip(host, port, None) {
                Ok(ch) => break ch,
                Err(e) if e.code() == ssh2::ErrorCode::Session(-37) => {
                    if Instant::now() >= deadline {
                        return Err(TransportError::ConnectTimeout {
                            addr: format!("{host}:{port}"),
                            after: timeout,
                        });
                    }
                    wait_fd(
                        self.inner.fd,
                        self.inner.session.block_directions(),
                        Duration::from_millis(50),
                    );
                }
                Err(e) => {
                    // the socket to the jump host failed (not the server behind it)
                    if matches!(e.code(), ssh2::ErrorCode::Session(-7 | -13 | -43 | -30)) {
                        self.inner.broken.store(true, Ordering::Relaxed);
                    }
                    return Err(TransportError::Unreachable {
                        addr: format!("{host}:{port}"),
                        detail: format!(
                            "the jump host {} could not connect: {e}",
                            self.inner.label
                        ),
                    });
                }
            }
        };
        let (mine, theirs) =
            UnixStream::pair().map_err(|e| TransportError::Other(format!("socketpair: {e}")))?;
        mine.set_nonblocking(true)
            .map_err(|e| TransportError::Other(format!("socketpair: {e}")))?;
        self.inner
            .tunnels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Tunnel {
                channel,
                sock: mine,
                to_channel: Vec::new(),
                to_sock: Vec::new(),
                sock_eof: false,
                channel_eof: false,
                dead: false,
            });
        Ok(theirs)
    }
}

impl Drop for Jump {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn pump(inner: &Inner) {
    let mut buf = vec![0u8; 64 * 1024];
    while !inner.stop.load(Ordering::Relaxed) {
        let mut fds: Vec<libc::pollfd> = vec![libc::pollfd {
            fd: inner.fd,
            events: libc::POLLIN,
            revents: 0,
        }];
        {
            let tunnels = inner.tunnels.lock().unwrap_or_else(|p| p.into_inner());
            for t in tunnels.iter() {
                let mut events = libc::POLLIN;
                if !t.to_sock.is_empty() {
                    events |= libc::POLLOUT;
                }
                fds.push(libc::pollfd {
                    fd: t.sock.as_raw_fd(),
                    events,
                    revents: 0,
                });
            }
        }
        // SAFETY: `fds` is a valid array of pollfd for the duration of the call.
        unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 20) };
        let mut tunnels = inner.tunnels.lock().unwrap_or_else(|p| p.into_inner());
        for t in tunnels.iter_mut() {
            move_bytes(t, &mut buf);
        }
        tunnels.retain_mut(|t| {
            if t.dead {
                let _ = t.channel.close();
            }
            !t.dead
        });
    }
}

/// One round of copying in both directions; marks the tunnel dead when both sides ended.
fn move_bytes(t: &mut Tunnel, buf: &mut [u8]) {
    // inner session -> jump channel
    if t.to_channel.is_empty() && !t.sock_eof {
        match t.sock.read(buf) {
            Ok(0) => t.sock_eof = true,
            Ok(n) => t.to_channel.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => t.sock_eof = true,
        }
    }
    if !t.to_channel.is_empty() {
        match t.channel.write(&t.to_channel) {
            Ok(n) => {
                t.to_channel.drain(..n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => t.dead = true,
        }
    }
    // jump channel -> inner session
    if t.to_sock.is_empty() && !t.channel_eof {
        match t.channel.read(buf) {
            Ok(0) => t.channel_eof = true,
            Ok(n) => t.to_sock.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => t.channel_eof = true,
        }
    }
    if !t.to_sock.is_empty() {
        match t.sock.write(&t.to_sock) {
            Ok(n) => {
                t.to_sock.drain(..n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => t.dead = true,
        }
    }
    if t.channel_eof && t.to_sock.is_empty() {
        let _ = t.sock.shutdown(std::net::Shutdown::Write);
    }
    if (t.sock_eof && t.to_channel.is_empty())
        || (t.channel_eof && t.to_sock.is_empty() && t.sock_eof)
    {
        t.dead = true;
    }
}
