//! How jinbao writes its own files: private (0600 in 0700 folders, never through a symlink),
//! appends that start on a fresh line, and replacements that are atomic. Every error names
//! the file, so a damaged or unwritable state folder is never a bare "os error".

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// An I/O error that names the file it is about.
pub fn at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Creates `dir` and any missing parents as 0700 folders.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| at(dir, e))
}

/// Makes `dir` a folder jinbao owns for private files: created 0700 when missing; an existing
/// one must be a real folder (never a link, unless `follow`) of this user, and is narrowed to
/// 0700 (a folder left 0755 or 0777 would show or open its files to others).
pub fn owned_private_dir(dir: &Path, follow: bool) -> io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => private_dir(dir)?,
        Err(e) => return Err(at(dir, e)),
    }
    let flags = libc::O_DIRECTORY | libc::O_CLOEXEC | if follow { 0 } else { libc::O_NOFOLLOW };
    // the checks and the narrowing on the folder opened, not on a name that could change
    let d = OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(dir)
        .map_err(|e| match e.raw_os_error() {
            // O_DIRECTORY on a link says ENOTDIR: the link itself tells which
            Some(libc::ELOOP | libc::ENOTDIR)
                if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) =>
            {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{} is a symbolic link: jinbao does not write through links",
                        dir.display()
                    ),
                )
            }
            Some(libc::ENOTDIR) => io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a folder", dir.display()),
            ),
            _ => at(dir, e),
        })?;
    let meta = d.metadata().map_err(|e| at(dir, e))?;
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions.
    if meta.uid() != unsafe { libc::geteuid() } {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} belongs to another user: jinbao writes private files only into its own folders",
                dir.display()
            ),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        d.set_permissions(std::fs::Permissions::from_mode(0o700))
            .map_err(|e| at(dir, e))?;
    }
    Ok(())
}

fn open_private(path: &Path, opts: &mut OpenOptions) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        private_dir(dir)?;
    }
    let f = opts
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} is a symbolic link: jinbao does not write through links",
                    path.display()
                ),
            ),
            _ => at(path, e),
        })?;
    // a file that existed with a wider mode is narrowed: it may hold what only its owner reads
    let meta = f.metadata().map_err(|e| at(path, e))?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| at(path, e))?;
    }
    Ok(f)
}

/// Creates (or truncates) a file only its owner can read, in a private folder.
pub fn create_private(path: &Path) -> io::Result<File> {
    open_private(
        path,
        OpenOptions::new().write(true).create(true).truncate(true),
    )
}

/// Appends one line to a JSON-lines file (0600), fsynced. When the file's last line was torn
/// by a crash, the new line starts on a line of its own, so the damage costs only that line.
pub fn append_line(path: &Path, line: &[u8]) -> io::Result<()> {
    let mut f = open_private(
        path,
        OpenOptions::new().read(true).append(true).create(true),
    )?;
    let mut buf = Vec::with_capacity(line.len() + 2);
    if ends_mid_line(&mut f).map_err(|e| at(path, e))? {
        buf.push(b'\n');
    }
    buf.extend_from_slice(&crate::privacy::scrub_bytes(line));
    if buf.last() != Some(&b'\n') {
        buf.push(b'\n');
    }
    f.write_all(&buf).map_err(|e| at(path, e))?;
    f.sync_data().map_err(|e| at(path, e))
}

/// Opens `path` as [`append_line`] would, writing nothing: can a line be appended now?
pub fn append_line_ready(path: &Path) -> io::Result<()> {
    open_private(
        path,
        OpenOptions::new().read(true).append(true).create(true),
    )
    .map(drop)
}

/// True when the file is not empty and does not end with a newline.
pub fn ends_mid_line(f: &mut File) -> io::Result<bool> {
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// Replaces `path` with `bytes` atomically (a private temp file beside it, fsynced, renamed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = create_private(&tmp)?;
        f.write_all(&crate::privacy::scrub_bytes(bytes))
            .and_then(|_| f.sync_all())
            .map_err(|e| at(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| at(path, e))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| at(dir, e))?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// 16 random bytes from the kernel as 32 hexadecimal digits; None when there is no randomness.
pub fn random_hex() -> Option<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_line_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl");
        append_line(&p, b"{\"a\":1}").unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{\"a\":")
            .unwrap();
        append_line(&p, b"{\"a\":2}\n").unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "{\"a\":1}\n{\"a\":\n{\"a\":2}\n");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn private_files_refuse_links_and_narrow_modes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "x").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = create_private(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "x");
        let wide = dir.path().join("wide");
        std::fs::write(&wide, "x").unwrap();
        std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_private(&wide).unwrap();
        let mode = std::fs::metadata(&wide).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let sub = dir.path().join("a/b");
        private_dir(&sub).unwrap();
        let mode = std::fs::metadata(&sub).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
