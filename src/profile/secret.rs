//! Secret references: profiles never hold a password, key or token, only where to find it.
//!
//! A secret is `{ env = "VAR" }` (an environment variable), `{ file = "/path" }` (a file only
//! its owner can read, mode 0600 or stricter), or both (the variable first, then the file).

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::env_vars;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret {0} is not set")]
    Missing(SecretRef),
    #[error("secret file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")]
    TooOpen { path: String, mode: u32 },
    #[error("cannot read secret file {path}: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.env, &self.file) {
            (Some(e), Some(p)) => write!(f, "${e} (or file {})", p.display()),
            (Some(e), None) => write!(f, "${e}"),
            (None, Some(p)) => write!(f, "file {}", p.display()),
            (None, None) => write!(f, "(empty reference)"),
        }
    }
}

impl SecretRef {
    /// The secret's value: the environment variable when set, else the file's first line.
    /// The value is registered with `privacy`, so that no output ever shows it.
    pub fn resolve(&self) -> Result<String, SecretError> {
        let value = self.lookup()?;
        crate::privacy::register_secret(&value);
        Ok(value)
    }

    fn lookup(&self) -> Result<String, SecretError> {
        if let Some(value) = self.env.as_deref().and_then(env_vars::get) {
            return Ok(value);
        }
        if let Some(path) = &self.file {
            let shown = path.display().to_string();
            match std::fs::metadata(path) {
                Ok(meta) => {
                    let mode = meta.permissions().mode() & 0o777;
                    if mode & 0o077 != 0 {
                        return Err(SecretError::TooOpen { path: shown, mode });
                    }
                    return read_secret_file(path, &meta).map_err(|source| {
                        SecretError::Unreadable {
                            path: shown,
                            source,
                        }
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(SecretError::Unreadable {
                        path: shown,
                        source,
                    });
                }
            }
        }
        Err(SecretError::Missing(self.clone()))
    }
}

/// The largest secret file jinbao reads: a password, key or token is far smaller.
const MAX_SECRET_FILE: u64 = 64 << 10;

/// A secret file's first line. Only a regular file of bounded size is read, opened so that it
/// can never block (a FIFO put in its place would hang jinbao past any signal).
fn read_secret_file(path: &std::path::Path, meta: &std::fs::Metadata) -> std::io::Result<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, why.to_string());
    if !meta.is_file() {
        return Err(refuse(
            "it is not a regular file (a FIFO, device or folder)",
        ));
    }
    if meta.len() > MAX_SECRET_FILE {
        return Err(refuse("it is larger than 64 KiB: no secret is"));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    // what it is now, not what it was when looked at: it may have been replaced
    let now = file.metadata()?;
    if !now.is_file() {
        return Err(refuse(
            "it is not a regular file (a FIFO, device or folder)",
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SECRET_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SECRET_FILE {
        return Err(refuse("it is larger than 64 KiB: no secret is"));
    }
    let text = String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8 text"))?;
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Keys whose value is a secret: a plain string there is refused.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passphrase",
    "passwd",
    "token",
    "secret",
    "api_key",
    "private_key",
];

/// Why a value written in a profile is an inline secret, if it is one.
pub fn inline_secret(key: &str, value: &toml::Value) -> Option<&'static str> {
    let text = value.as_str()?;
    if SECRET_KEYS.contains(&key) {
        return Some("a secret written inline");
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("a private key written inline");
    }
    if key == "dsn" && dsn_has_password(text) {
        return Some("a password inside the DSN");
    }
    None
}

pub const INLINE_SECRET_HINT: &str = "reference the secret instead: password = { env = \"VAR\" } \
     (an environment variable) or password = { file = \"/etc/jinbao/secrets/name\" } \
     (a file of mode 0600)";

/// Remembers a secret written inline (refused, but its value must still never be shown):
/// the DSN's password, or the whole value.
pub fn register_inline(key: &str, text: &str) {
    match dsn_password(text) {
        Some(pw) if key == "dsn" => crate::privacy::register_secret(pw),
        _ => crate::privacy::register_secret(text),
    }
}

/// The password inside `scheme://user:password@host`, if any.
fn dsn_password(dsn: &str) -> Option<&str> {
    let (_, rest) = dsn.split_once("://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let (userinfo, _) = authority.rsplit_once('@')?;
    userinfo.split_once(':').map(|(_, pw)| pw)
}

/// `scheme://user:password@host` carries a password; `scheme://user@host` does not.
fn dsn_has_password(dsn: &str) -> bool {
    let Some((_, rest)) = dsn.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo.contains(':'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsn_password_is_found() {
        assert!(dsn_has_password("postgresql://u:pw@h:5432/db"));
        assert!(!dsn_has_password("postgresql://u@h:5432/db"));
        assert!(!dsn_has_password("postgresql://h:5432/db"));
        assert!(!dsn_has_password(".jinbao/sandbox/x.sqlite"));
    }

    #[test]
    fn inline_password_is_refused() {
        let v = toml::Value::String("hunter2".into());
        assert!(inline_secret("password", &v).is_some());
        assert!(inline_secret("user", &v).is_none());
        let table = toml::Value::Table(Default::default());
        assert!(inline_secret("password", &table).is_none());
    }
}
