//! Who runs jinbao and where: the user and this machine's name, read in one place for the
//! histories, manifests, audit records and locks that record them.

/// Who runs this: `user@host`, recorded in histories and manifests.
pub fn operator() -> String {
    let user = crate::env_vars::get("USER")
        .or_else(|| crate::env_vars::get("LOGNAME"))
        .unwrap_or_else(login_name);
    format!("{user}@{}", hostname())
}

/// This machine's name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// The name of the user running this process, from the password database.
fn login_name() -> String {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name out
    // at once and never free it.
    unsafe {
        let uid = libc::getuid();
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_name.is_null() {
            return format!("uid{uid}");
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_string_lossy()
            .into_owned()
    }
}
