//! What makes a release safe to put on a server, checked before any server sees it: every
//! manifest field in its safe set, and every entry of the tarball — paths normalised and inside
//! the release, no device or special file, no setuid bit, links that resolve inside the release
//! without passing through another link, nothing written through a link, and every size within
//! bounds (a gzip bomb or a huge long name stops at the bound, not at a full disk or memory).
//!
//! There is one reading of an archive: this one. Servers never unpack the tarball as it came;
//! they unpack the canonical archive written here from the entries as they were checked (one
//! gzip member, plain ustar headers, only regular files, folders and checked in-release
//! symbolic links; a hard link becomes a copy of its file). Where another tar or gzip would
//! read the original differently (a second gzip member, a pax key given twice, an entry that
//! comes back as another type), the original is refused with the reason.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::{Manifest, ReleaseError, io};
use crate::profile::safe;

mod canonical;
mod raw;
mod rules;

use canonical::Writer;
use raw::Pending;
use rules::{Kind, again, count_file, normal, structure};

/// The most a release may unpack to, whatever its manifest says.
pub const MAX_UNPACKED: u64 = 4 << 30;
/// The most entries a release may have.
pub const MAX_ENTRIES: u64 = 20_000;
/// The longest GNU long name or long link an entry may carry (PATH_MAX).
const MAX_LONG_NAME: u64 = 4096;
/// The largest pax header one entry may carry.
const MAX_PAX: u64 = 64 << 10;
/// All metadata of an archive together (long names and pax headers).
const MAX_METADATA: u64 = 32 << 20;
/// What may follow the end of the archive inside its gzip member (tar pads to its record size).
const MAX_TRAILING: u64 = 1 << 20;
/// The largest template a release may carry.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// What the tarball holds, counted while checking it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contents {
    pub files: u64,
    pub entries: u64,
    /// Bytes of all regular files together.
    pub unpacked: u64,
}

/// The canonical archive: what servers unpack, written by jinbao from the checked entries.
#[derive(Clone, Default)]
pub struct Canonical(pub Arc<Vec<u8>>);

impl std::fmt::Debug for Canonical {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Canonical({} bytes)", self.0.len())
    }
}

/// A release tarball as checked: what it holds, its canonical form and its templates' text.
#[derive(Debug, Clone)]
pub struct Checked {
    pub contents: Contents,
    pub canonical: Canonical,
    /// Path in the release → the template's text, for the templates asked for.
    pub templates: BTreeMap<String, String>,
}

/// Every manifest field in its safe set: these become paths and words on servers.
pub fn manifest(m: &Manifest, shown: &str) -> Result<(), ReleaseError> {
    let bad =
        |field: &str, why: String| ReleaseError::Invalid(format!("{shown}: `{field}`: {why}"));
    safe::name(&m.name).map_err(|e| bad("name", e.to_string()))?;
    safe::version(&m.version).map_err(|e| bad("version", e.to_string()))?;
    safe::name(&m.tarball).map_err(|e| bad("tarball", e.to_string()))?;
    // only opened beside the manifest (never named on a server): any plain name `--out` gave
    if !m.tarball.ends_with(".tar.gz") {
        return Err(bad(
            "tarball",
            format!("`{}` does not end in .tar.gz", safe::excerpt(&m.tarball)),
        ));
    }
    if m.sha256.len() != 64 || !m.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("sha256", "must be 64 hexadecimal digits".into()));
    }
    if let Some(h) = &m.health {
        safe::relative(h).map_err(|e| bad("health", e.to_string()))?;
    }
    for t in &m.templates {
        safe::relative(t).map_err(|e| bad("templates", e.to_string()))?;
        if !t.ends_with(".j2") {
            return Err(bad(
                "templates",
                format!("`{}` does not end in .j2", safe::excerpt(t)),
            ));
        }
    }
    if m.unpacked > MAX_UNPACKED {
        return Err(bad(
            "unpacked",
            format!(
                "{} bytes is more than the {MAX_UNPACKED} a release may unpack to",
                m.unpacked
            ),
        ));
    }
    Ok(())
}

/// Reads a tarball from disk whole, once: a FIFO or device is refused rather than waited on,
/// and a file larger than any release may be is refused rather than read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReleaseError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if !meta.is_file() {
        return Err(ReleaseError::Invalid(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_UNPACKED) as usize);
    file.take(MAX_UNPACKED + 1)
        .read_to_end(&mut bytes)
        .map_err(io(path))?;
    if bytes.len() as u64 > MAX_UNPACKED {
        return Err(ReleaseError::Invalid(format!(
            "{} is larger than a release may be (4 GiB)",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Checks the tarball at `path`; see [`archive`].
pub fn tarball(
    path: &Path,
    limit: Option<u64>,
    templates: &[String],
) -> Result<Checked, ReleaseError> {
    let bytes = read_file(path)?;
    archive(&bytes, &path.display().to_string(), limit, templates)
}

/// The tarball as the user named it, for the reasons it is refused.
#[derive(Clone, Copy)]
struct Shown<'a>(&'a str);

impl Shown<'_> {
    fn refuse(self, entry: &str, why: &'static str) -> ReleaseError {
        ReleaseError::Unsafe {
            tarball: self.0.to_string(),
            entry: safe::excerpt(entry),
            why,
        }
    }

    fn broken(self, e: std::io::Error) -> ReleaseError {
        ReleaseError::Invalid(format!("{}: not a whole tar.gz archive: {e}", self.0))
    }
}

/// Checks every entry of a tar.gz held in memory, reading at most `limit` unpacked bytes of
/// files (never more than [`MAX_UNPACKED`]), and writes the canonical archive from what it
/// checked. `templates` (paths in the release) are kept as text.
pub fn archive(
    data: &[u8],
    shown: &str,
    limit: Option<u64>,
    templates: &[String],
) -> Result<Checked, ReleaseError> {
    let at = Shown(shown);
    let mut ck = Checking {
        at,
        limit: limit
            .filter(|l| *l > 0)
            .unwrap_or(MAX_UNPACKED)
            .min(MAX_UNPACKED),
        templates,
        c: Contents::default(),
        metadata: 0,
        pending: Pending::default(),
        seen: HashMap::new(),
        entries: Vec::new(),
        kept: BTreeMap::new(),
        out: Writer::new().map_err(|e| at.broken(e))?,
    };
    let mut input: &[u8] = data;
    {
        let mut archive = tar::Archive::new(flate2::bufread::GzDecoder::new(&mut input));
        for entry in archive.entries().map_err(|e| at.broken(e))?.raw(true) {
            let mut entry = entry.map_err(|e| at.broken(e))?;
            ck.entry(&mut entry)?;
        }
        if !ck.pending.is_empty() {
            return Err(at.refuse(
                "",
                "ends with a long name or pax header that describes no entry",
            ));
        }
        // the rest of the gzip member, bounded: tar's padding, never a second archive
        let mut gz = archive.into_inner();
        let rest = std::io::copy(&mut (&mut gz).take(MAX_TRAILING + 1), &mut std::io::sink())
            .map_err(|e| at.broken(e))?;
        if rest > MAX_TRAILING {
            return Err(at.refuse("", "holds more than 1 MiB after the end of its archive"));
        }
    }
    if !input.is_empty() {
        return Err(at.refuse(
            "",
            "has a second gzip member (or other data) after the first: gzip would unpack what the checker never saw",
        ));
    }
    structure(&ck.entries).map_err(|(entry, why)| at.refuse(&entry, why))?;
    let canonical = ck.out.finish().map_err(|e| at.broken(e))?;
    Ok(Checked {
        contents: ck.c,
        canonical: Canonical(Arc::new(canonical)),
        templates: ck.kept,
    })
}

/// One archive being checked entry by entry, and its canonical form being written.
struct Checking<'a> {
    at: Shown<'a>,
    /// The most unpacked bytes of files.
    limit: u64,
    templates: &'a [String],
    c: Contents,
    /// Bytes of long names and pax headers so far.
    metadata: u64,
    pending: Pending,
    seen: HashMap<String, Kind>,
    entries: Vec<(String, Kind)>,
    /// The templates' text.
    kept: BTreeMap<String, String>,
    out: Writer,
}

/// An entry whose header passed the rules: its normalised path, what it is and its mode.
struct Admitted {
    rel: String,
    kind: Kind,
    mode: u32,
}

impl Checking<'_> {
    /// Checks one entry of the tarball and writes it to the canonical archive.
    fn entry<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), ReleaseError> {
        let at = self.at;
        let header = entry.header().clone();
        let kind = header.entry_type();
        let size = header.entry_size().map_err(|e| at.broken(e))?;
        let named = String::from_utf8_lossy(&header.path_bytes()).into_owned();
        if self.extension(entry, kind, size, &named)? {
            return Ok(());
        }
        let (raw, link) = std::mem::take(&mut self.pending)
            .names(&header)
            .map_err(|why| at.refuse(&named, why))?;
        let Some(admitted) = self.admit(&header, size, &raw, &link)? else {
            return Ok(());
        };
        self.write(entry, kind, &admitted, &raw, &link, size)?;
        let Admitted { rel, kind, .. } = admitted;
        self.seen.insert(rel.clone(), kind.clone());
        self.entries.push((rel, kind));
        Ok(())
    }

    /// A GNU long name or link, or a pax header, kept for the entry it describes: true when
    /// the entry was one.
    fn extension<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        kind: tar::EntryType,
        size: u64,
        named: &str,
    ) -> Result<bool, ReleaseError> {
        let at = self.at;
        if kind.is_gnu_longname() || kind.is_gnu_longlink() {
            let long = self.meta(
                entry,
                size,
                named,
                MAX_LONG_NAME,
                "is a GNU long name longer than 4,096 bytes",
            )?;
            self.pending
                .long(kind.is_gnu_longname(), long)
                .map_err(|why| at.refuse(named, why))?;
            return Ok(true);
        }
        if kind.is_pax_local_extensions() || kind.is_pax_global_extensions() {
            let records = self.meta(
                entry,
                size,
                named,
                MAX_PAX,
                "is a pax header larger than 64 KiB",
            )?;
            self.pending
                .pax(kind.is_pax_global_extensions(), &records)
                .map_err(|why| at.refuse(named, why))?;
            return Ok(true);
        }
        Ok(false)
    }

    /// An extension header's data, within its own bound and the archive's metadata bound.
    fn meta<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        size: u64,
        named: &str,
        bound: u64,
        why: &'static str,
    ) -> Result<Vec<u8>, ReleaseError> {
        self.metadata = self.metadata.saturating_add(size);
        if size > bound || self.metadata > MAX_METADATA {
            return Err(self.at.refuse(named, why));
        }
        let mut v = Vec::with_capacity(size as usize);
        entry.read_to_end(&mut v).map_err(|e| self.at.broken(e))?;
        if v.len() as u64 != size {
            return Err(self.at.refuse(named, "is shorter than its header says"));
        }
        Ok(v)
    }

    /// The entry as the rules allow it, or why not; None for one that adds nothing (the
    /// release's own folder, a folder named again).
    fn admit(
        &mut self,
        header: &tar::Header,
        size: u64,
        raw: &str,
        link: &str,
    ) -> Result<Option<Admitted>, ReleaseError> {
        let at = self.at;
        let kind = header.entry_type();
        self.c.entries += 1;
        if self.c.entries > MAX_ENTRIES {
            return Err(at.refuse(raw, "is one entry too many: a release has at most 20,000"));
        }
        let rel = normal(raw).map_err(|why| at.refuse(raw, why))?;
        let mode = header.mode().map_err(|e| at.broken(e))?;
        if mode & 0o7000 != 0 {
            return Err(at.refuse(raw, "has a setuid, setgid or sticky bit"));
        }
        let is_file = matches!(
            kind,
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::Link
        );
        if size != 0 && !matches!(kind, tar::EntryType::Regular | tar::EntryType::Continuous) {
            return Err(at.refuse(raw, "is a folder or link that carries data"));
        }
        let checked = match kind {
            tar::EntryType::Directory => Kind::Dir,
            tar::EntryType::Symlink => Kind::Symlink(link.to_string()),
            _ if is_file => Kind::File,
            _ => return Err(at.refuse(raw, "is a device, fifo or other special file")),
        };
        if rel.is_empty() {
            if checked != Kind::Dir {
                return Err(at.refuse(raw, "has an empty name"));
            }
            return Ok(None);
        }
        if again(self.seen.get(&rel), &checked).map_err(|why| at.refuse(raw, why))? {
            return Ok(None); // a folder named twice is one folder
        }
        Ok(Some(Admitted {
            rel,
            kind: checked,
            mode,
        }))
    }

    /// Writes an admitted entry to the canonical archive (a hard link as a copy of its file).
    fn write<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        kind: tar::EntryType,
        admitted: &Admitted,
        raw: &str,
        link: &str,
        size: u64,
    ) -> Result<(), ReleaseError> {
        let at = self.at;
        let Admitted { rel, mode, .. } = admitted;
        let written = match kind {
            tar::EntryType::Directory => self.out.dir(rel),
            tar::EntryType::Symlink => self.out.symlink(rel, link),
            tar::EntryType::Link => {
                let target = normal(link)
                    .map_err(|_| at.refuse(raw, "is a hard link that leads out of the release"))?;
                if self.seen.get(&target) != Some(&Kind::File) {
                    return Err(at.refuse(
                        raw,
                        "is a hard link to something that is not a file of the release before it",
                    ));
                }
                let size = self.out.size_of(&target);
                count_file(&mut self.c, size, self.limit).map_err(|why| at.refuse(raw, why))?;
                self.out.copy(rel, &target, *mode)
            }
            _ => return self.write_file(entry, rel, *mode, size, raw),
        };
        written.map_err(|e| e.refusal(raw, at))
    }

    /// Writes a regular file, keeping its text when it is one of the templates.
    fn write_file<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        rel: &str,
        mode: u32,
        size: u64,
        raw: &str,
    ) -> Result<(), ReleaseError> {
        let at = self.at;
        count_file(&mut self.c, size, self.limit).map_err(|why| at.refuse(raw, why))?;
        let template = self.templates.iter().any(|t| t == rel);
        let (read, text) = self
            .out
            .file(rel, mode, size, entry, template)
            .map_err(|e| e.refusal(raw, at))?;
        if read != size {
            return Err(at.refuse(raw, "is shorter than its header says"));
        }
        if let Some(text) = text {
            if text.len() as u64 > MAX_TEMPLATE_BYTES {
                return Err(at.refuse(raw, "is a template larger than 1 MiB"));
            }
            let text = String::from_utf8(text)
                .map_err(|_| at.refuse(raw, "is a template that is not UTF-8 text"))?;
            self.kept.insert(rel.to_string(), text);
        }
        Ok(())
    }
}
