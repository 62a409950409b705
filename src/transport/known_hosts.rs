//! OpenSSH known_hosts, checked strictly: plain and hashed (`|1|salt|hash`) names, `[host]:port`,
//! wildcards and negations, `@revoked`. Unknown hosts are recorded only when asked to.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// What the file says of the key a server offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Known,
    /// No entry for this host.
    Unknown,
    /// An entry of the same type holds another key (or the key is revoked).
    Changed {
        known: String,
        line: usize,
    },
    /// Only keys of other types are known for this host.
    OtherType {
        known_types: Vec<String>,
    },
    Revoked {
        line: usize,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    revoked: bool,
    patterns: Vec<String>,
    key_type: String,
    blob: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct KnownHosts {
    path: PathBuf,
    entries: Vec<Entry>,
}

/// `host` for port 22, `[host]:port` otherwise: how known_hosts names a server.
pub fn host_name(host: &str, port: u16) -> String {
    if port == 22 {
        host.to_string()
    } else {
        format!("[{host}]:{port}")
    }
}

/// `SHA256:…` as OpenSSH prints it.
pub fn fingerprint(blob: &[u8]) -> String {
    format!("SHA256:{}", STANDARD_NO_PAD.encode(Sha256::digest(blob)))
}

/// The key type named inside a public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …).
pub fn blob_type(blob: &[u8]) -> Option<String> {
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    String::from_utf8(blob.get(4..4 + len)?.to_vec()).ok()
}

impl KnownHosts {
    /// Reads the file; a missing file is empty (every host unknown).
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        Ok(Self::parse(path, &text))
    }

    pub fn parse(path: &Path, text: &str) -> Self {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split_whitespace();
            let mut first = fields.next().unwrap_or("");
            let mut revoked = false;
            if first.starts_with('@') {
                match first {
                    "@revoked" => revoked = true,
                    _ => continue, // @cert-authority: certificates are not used here
                }
                first = fields.next().unwrap_or("");
            }
            let (Some(key_type), Some(key)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Ok(blob) = STANDARD.decode(key) else {
                continue;
            };
            entries.push(Entry {
                line: line_no,
                revoked,
                patterns: first.split(',').map(str::to_string).collect(),
                key_type: key_type.to_string(),
                blob,
            });
        }
        KnownHosts {
            path: path.to_path_buf(),
            entries,
        }
    }

    /// Key types known for this host, to offer them first in the key exchange.
    pub fn known_types(&self, host: &str, port: u16) -> Vec<String> {
        let name = host_name(host, port);
        let mut types: Vec<String> = Vec::new();
        for e in self
            .entries
            .iter()
            .filter(|e| !e.revoked && matches(&e.patterns, &name))
        {
            if !types.contains(&e.key_type) {
                types.push(e.key_type.clone());
            }
        }
        types
    }

    pub fn check(&self, host: &str, port: u16, blob: &[u8]) -> Verdict {
        let name = host_name(host, port);
        let offered_type = blob_type(blob).unwrap_or_default();
        let mine: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| matches(&e.patterns, &name) || (e.revoked && e.patterns == ["*"]))
            .collect();
        if let Some(r) = mine.iter().find(|e| e.revoked && e.blob == blob) {
            return Verdict::Revoked { line: r.line };
        }
        let valid: Vec<&&Entry> = mine.iter().filter(|e| !e.revoked).collect();
        if valid.iter().any(|e| e.blob == blob) {
            return Verdict::Known;
        }
        if let Some(same) = valid.iter().find(|e| e.key_type == offered_type) {
            return Verdict::Changed {
                known: fingerprint(&same.blob),
                line: same.line,
            };
        }
        if valid.is_empty() {
            Verdict::Unknown
        } else {
            Verdict::OtherType {
                known_types: valid.iter().map(|e| e.key_type.clone()).collect(),
            }
        }
    }

    /// Appends the host's key (like OpenSSH's accept-new), under a lock shared with other
    /// jinbao processes, and remembers it.
    pub fn append(&mut self, host: &str, port: u16, blob: &[u8]) -> std::io::Result<()> {
        let key_type = blob_type(blob).unwrap_or_else(|| "ssh-ed25519".into());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        // SAFETY: flock on a file descriptor we own; released when the file is closed.
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        let line = format!(
            "{} {key_type} {}\n",
            host_name(host, port),
            STANDARD.encode(blob)
        );
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        self.entries.push(Entry {
            line: 0,
            revoked: false,
            patterns: vec![host_name(host, port)],
            key_type,
            blob: blob.to_vec(),
        });
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// True when `name` matches the comma-separated patterns of an entry (and no negation).
fn matches(patterns: &[String], name: &str) -> bool {
    let mut hit = false;
    for p in patterns {
        if let Some(neg) = p.strip_prefix('!') {
            if glob(neg, name) {
                return false;
            }
        } else if let Some(hashed) = p.strip_prefix("|1|") {
            hit |= hashed_matches(hashed, name);
        } else {
            hit |= glob(p, name);
        }
    }
    hit
}

/// `|1|salt|hash`: HMAC-SHA1 of the name keyed with the salt.
fn hashed_matches(salt_and_hash: &str, name: &str) -> bool {
    let Some((salt, hash)) = salt_and_hash.split_once('|') else {
        return false;
    };
    let (Ok(salt), Ok(hash)) = (STANDARD.decode(salt), STANDARD.decode(hash)) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&salt) else {
        return false;
    };
    mac.update(name.as_bytes());
    mac.verify_slice(&hash).is_ok()
}

/// `*` and `?` wildcards, case-insensitive as host names are.
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut b = (kind.len() as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind.as_bytes());
        b.extend_from_slice(body);
        b
    }

    fn hashed(name: &str, salt: &[u8]) -> String {
        let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(salt).unwrap();
        mac.update(name.as_bytes());
        format!(
            "|1|{}|{}",
            STANDARD.encode(salt),
            STANDARD.encode(mac.finalize().into_bytes())
        )
    }

    #[test]
    fn plain_hashed_and_port_entries() {
        let k1 = blob("ssh-ed25519", b"one");
        let k2 = blob("ssh-ed25519", b"two");
        let text = format!(
            "# comment\n10.0.0.1,gw ssh-ed25519 {}\n{} ssh-ed25519 {}\n[10.0.0.3]:2222 ssh-ed25519 {}\n",
            STANDARD.encode(&k1),
            hashed("10.0.0.2", b"saltsaltsaltsaltsalt"),
            STANDARD.encode(&k2),
            STANDARD.encode(&k1),
        );
        let kh = KnownHosts::parse(Path::new("kh"), &text);
        assert_eq!(kh.check("10.0.0.1", 22, &k1), Verdict::Known);
        assert_eq!(kh.check("GW", 22, &k1), Verdict::Known);
        assert_eq!(kh.check("10.0.0.2", 22, &k2), Verdict::Known);
        assert_eq!(kh.check("10.0.0.3", 2222, &k1), Verdict::Known);
        assert_eq!(kh.check("10.0.0.3", 22, &k1), Verdict::Unknown);
        assert_eq!(
            kh.check("10.0.0.2", 22, &k1),
            Verdict::Changed {
                known: fingerprint(&k2),
                line: 3
            }
        );
        let rsa = blob("ssh-rsa", b"x");
        assert!(matches!(
            kh.check("10.0.0.1", 22, &rsa),
            Verdict::OtherType { .. }
        ));
    }

    #[test]
    fn wildcards_negations_and_revoked() {
        let k = blob("ssh-ed25519", b"k");
        let text = format!(
            "10.1.*,!10.1.0.9 ssh-ed25519 {0}\n@revoked * ssh-ed25519 {1}\n",
            STANDARD.encode(&k),
            STANDARD.encode(blob("ssh-ed25519", b"bad"))
        );
        let kh = KnownHosts::parse(Path::new("kh"), &text);
        assert_eq!(kh.check("10.1.2.3", 22, &k), Verdict::Known);
        assert_eq!(kh.check("10.1.0.9", 22, &k), Verdict::Unknown);
        let bad = blob("ssh-ed25519", b"bad");
        assert_eq!(kh.check("10.1.2.3", 22, &bad), Verdict::Revoked { line: 2 });
    }

    #[test]
    fn fingerprint_is_openssh_style() {
        // `ssh-keygen -lf` of this key prints this fingerprint
        let key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        let blob = STANDARD.decode(key).unwrap();
        assert_eq!(blob_type(&blob).as_deref(), Some("ssh-ed25519"));
        assert!(fingerprint(&blob).starts_with("SHA256:"));
        assert_eq!(fingerprint(&blob).len(), 7 + 43);
    }

    #[test]
    fn append_records_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("known_hosts");
        let k = blob("ssh-ed25519", b"new");
        let mut kh = KnownHosts::load(&path).unwrap();
        assert_eq!(kh.check("10.0.0.5", 2200, &k), Verdict::Unknown);
        kh.append("10.0.0.5", 2200, &k).unwrap();
        let again = KnownHosts::load(&path).unwrap();
        assert_eq!(again.check("10.0.0.5", 2200, &k), Verdict::Known);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("[10.0.0.5]:2200 ssh-ed25519 ")
        );
    }
}
