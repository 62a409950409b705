//! The raw tar reader's part of the check: the extension headers (GNU long names and links,
//! pax headers) read strictly and held for the entry they describe.

use std::collections::BTreeMap;

/// What the entries before a real one said about it (GNU long names, a pax header).
#[derive(Default)]
pub(super) struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Option<BTreeMap<String, Vec<u8>>>,
}

impl Pending {
    pub(super) fn is_empty(&self) -> bool {
        self.long_name.is_none() && self.long_link.is_none() && self.pax.is_none()
    }

    /// A GNU long name (or, not `name`, long link) for the next entry.
    pub(super) fn long(&mut self, name: bool, bytes: Vec<u8>) -> Result<(), &'static str> {
        let slot = if name {
            &mut self.long_name
        } else {
            &mut self.long_link
        };
        if slot.is_some() {
            return Err("is a second GNU long name for one entry");
        }
        *slot = Some(until_nul(bytes));
        Ok(())
    }

    /// A pax header: for the next entry, or (`global`) for every entry after it, where only a
    /// comment is taken (anything else would rename what follows).
    pub(super) fn pax(&mut self, global: bool, data: &[u8]) -> Result<(), &'static str> {
        let records = pax(data)?;
        if global {
            if records.keys().any(|k| k != "comment") {
                return Err("is a global pax header that would change the entries after it");
            }
            return Ok(());
        }
        if self.pax.is_some() {
            return Err("is a second pax header for one entry");
        }
        self.pax = Some(records);
        Ok(())
    }

    /// The entry's name and link target: what the extension headers before it said, else its
    /// own header. One said twice (GNU and pax) or not UTF-8 is refused.
    pub(super) fn names(self, header: &tar::Header) -> Result<(String, String), &'static str> {
        let pax = self.pax.unwrap_or_default();
        let pick = |long: Option<Vec<u8>>, key: &str, own: Option<Vec<u8>>, twice| match (
            long,
            pax.get(key),
        ) {
            (Some(_), Some(_)) => Err(twice),
            (Some(l), None) => Ok(Some(l)),
            (None, Some(p)) => Ok(Some(p.clone())),
            (None, None) => Ok(own),
        };
        let name = pick(
            self.long_name,
            "path",
            Some(header.path_bytes().into_owned()),
            "is named twice, by a GNU long name and a pax path",
        )?
        .unwrap_or_default();
        let name = String::from_utf8(name).map_err(|_| "has a name that is not UTF-8")?;
        let link = pick(
            self.long_link,
            "linkpath",
            header.link_name_bytes().map(|l| l.into_owned()),
            "names its link twice, by a GNU long link and a pax linkpath",
        )?
        .map(String::from_utf8)
        .transpose()
        .map_err(|_| "links to a name that is not UTF-8")?
        .unwrap_or_default();
        Ok((name, link))
    }
}

/// A GNU long name's bytes up to its first NUL.
fn until_nul(mut v: Vec<u8>) -> Vec<u8> {
    if let Some(end) = v.iter().position(|b| *b == 0) {
        v.truncate(end);
    }
    v
}

/// The records of a pax header (`LEN KEY=VALUE\n` each), strictly: a key given twice, a
/// malformed record or a key that changes how the data is read is refused.
fn pax(data: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, &'static str> {
    let mut out = BTreeMap::new();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|b| *b == b' ')
            .ok_or("is a pax header with a malformed record")?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
            .ok_or("is a pax header with a malformed record")?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err("is a pax header with a malformed record");
        }
        let record = &rest[space + 1..len - 1];
        let eq = record
            .iter()
            .position(|b| *b == b'=')
            .ok_or("is a pax header with a malformed record")?;
        let key = std::str::from_utf8(&record[..eq])
            .map_err(|_| "is a pax header with a malformed record")?;
        let allowed = matches!(
            key,
            "path"
                | "linkpath"
                | "mtime"
                | "atime"
                | "ctime"
                | "uid"
                | "gid"
                | "uname"
                | "gname"
                | "comment"
        ) || key.starts_with("SCHILY.xattr.")
            || key.starts_with("LIBARCHIVE.xattr.");
        if !allowed {
            return Err(
                "is a pax header with a key jinbao does not read (size, sparse files, charsets …)",
            );
        }
        if out
            .insert(key.to_string(), record[eq + 1..].to_vec())
            .is_some()
        {
            return Err(
                "is a pax header that gives one key twice: tar tools disagree on which counts",
            );
        }
        rest = &rest[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records_are_read_strictly() {
        let ok = pax(b"12 path=abc\n17 mtime=1234567\n").unwrap();
        assert_eq!(ok.get("path").map(Vec::as_slice), Some(&b"abc"[..]));
        assert!(pax(b"12 path=abc\n12 path=xyz\n").is_err());
        assert!(pax(b"12 size=100\n").is_err());
        assert!(pax(b"99 path=abc\n").is_err());
        assert!(pax(b"path=abc\n").is_err());
    }
}
