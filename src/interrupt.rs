//! SIGINT and SIGTERM. The first asks jinbao to stop starting new work: each host finishes or
//! undoes the step it is in, locks are released, the journal says `interrupted`, and the
//! command exits 130 (SIGINT) or 143 (SIGTERM). A second one aborts at once: the commands
//! jinbao started on this machine are killed and the process exits; servers still point at a
//! whole release, because every switch is a single rename.

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

static SIGNAL: AtomicI32 = AtomicI32::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Process groups of the commands running on this machine (the sandbox's shells), killed on
/// an abort. A fixed table: the signal handler may not allocate or lock.
const SLOTS: usize = 1024;
static CHILDREN: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

extern "C" fn on_signal(sig: libc::c_int) {
    if COUNT.fetch_add(1, Ordering::SeqCst) == 0 {
        SIGNAL.store(sig, Ordering::SeqCst);
        let msg: &[u8] =
            b"\njinbao: stopping: letting each host finish its step (again to abort at once)\n";
        // SAFETY: write(2) is async-signal-safe; the buffer is static.
        unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
        return;
    }
    for slot in &CHILDREN {
        let pgid = slot.load(Ordering::SeqCst);
        if pgid > 0 {
            // SAFETY: kill(2) is async-signal-safe.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
    }
    let first = SIGNAL.load(Ordering::SeqCst);
    // SAFETY: _exit(2) is async-signal-safe and ends the process at once.
    unsafe { libc::_exit(128 + if first > 0 { first } else { sig }) };
}

/// Installs the handlers (once, at start).
pub fn install() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a plain handler that only touches atomics and async-signal-safe calls.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
}

/// The signal that asked jinbao to stop, if one did.
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// True once a stop was asked for.
pub fn stopping() -> bool {
    requested().is_some()
}

/// A wait (a question on the terminal) that a signal cut short: the signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped(pub i32);

/// The exit code for the signal that stopped jinbao: 130 for SIGINT, 143 for SIGTERM.
pub fn exit_code(sig: i32) -> u8 {
    (128 + sig).clamp(0, 255) as u8
}

/// A command's process group, known to the abort path while the guard lives.
pub struct Child(usize);

/// Registers a running command's process group (None when the table is full).
pub fn register_child(pgid: i32) -> Option<Child> {
    for (i, slot) in CHILDREN.iter().enumerate() {
        if slot
            .compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return Some(Child(i));
        }
    }
    None
}

impl Drop for Child {
    fn drop(&mut self) {
        CHILDREN[self.0].store(0, Ordering::SeqCst);
    }
}
