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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::sync::Arc;

use super::{Manifest, ReleaseError, io};
use crate::profile::safe;

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

/// An entry as checked (a hard link is already a file: its canonical form is a copy).
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    File,
    Dir,
    Symlink(String),
}

impl Kind {
    fn word(&self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Dir => "folder",
            Kind::Symlink(_) => "link",
        }
    }
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

/// What the entries before a real one said about it (GNU long names, a pax header).
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Option<BTreeMap<String, Vec<u8>>>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.long_name.is_none() && self.long_link.is_none() && self.pax.is_none()
    }

    /// A GNU long name (or, not `name`, long link) for the next entry.
    fn long(&mut self, name: bool, bytes: Vec<u8>) -> Result<(), &'static str> {
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
    fn pax(&mut self, global: bool, data: &[u8]) -> Result<(), &'static str> {
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
    fn names(self, header: &tar::Header) -> Result<(String, String), &'static str> {
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

/// Checks every entry of a tar.gz held in memory, reading at most `limit` unpacked bytes of
/// files (never more than [`MAX_UNPACKED`]), and writes the canonical archive from what it
/// checked. `templates` (paths in the release) are kept as text.
pub fn archive(
    data: &[u8],
    shown: &str,
    limit: Option<u64>,
    templates: &[String],
) -> Result<Checked, ReleaseError> {
    let limit = limit
        .filter(|l| *l > 0)
        .unwrap_or(MAX_UNPACKED)
        .min(MAX_UNPACKED);
    let refuse = |entry: &str, why: &'static str| ReleaseError::Unsafe {
        tarball: shown.to_string(),
        entry: safe::excerpt(entry),
        why,
    };
    let broken = |e: std::io::Error| {
        ReleaseError::Invalid(format!("{shown}: not a whole tar.gz archive: {e}"))
    };
    let mut c = Contents::default();
    let mut metadata = 0u64;
    let mut pending = Pending::default();
    let mut seen: HashMap<String, Kind> = HashMap::new();
    let mut entries: Vec<(String, Kind)> = Vec::new();
    let mut kept: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Writer::new().map_err(broken)?;
    let mut input: &[u8] = data;
    {
        let mut archive = tar::Archive::new(flate2::bufread::GzDecoder::new(&mut input));
        for entry in archive.entries().map_err(broken)?.raw(true) {
            let mut entry = entry.map_err(broken)?;
            let header = entry.header().clone();
            let kind = header.entry_type();
            let size = header.entry_size().map_err(broken)?;
            let named = String::from_utf8_lossy(&header.path_bytes()).into_owned();
            let mut meta = |bound: u64, why: &'static str| -> Result<Vec<u8>, ReleaseError> {
                metadata = metadata.saturating_add(size);
                if size > bound || metadata > MAX_METADATA {
                    return Err(refuse(&named, why));
                }
                let mut v = Vec::with_capacity(size as usize);
                entry.read_to_end(&mut v).map_err(broken)?;
                if v.len() as u64 != size {
                    return Err(refuse(&named, "is shorter than its header says"));
                }
                Ok(v)
            };
            if kind.is_gnu_longname() || kind.is_gnu_longlink() {
                let long = meta(MAX_LONG_NAME, "is a GNU long name longer than 4,096 bytes")?;
                pending
                    .long(kind.is_gnu_longname(), long)
                    .map_err(|why| refuse(&named, why))?;
                continue;
            }
            if kind.is_pax_local_extensions() || kind.is_pax_global_extensions() {
                let records = meta(MAX_PAX, "is a pax header larger than 64 KiB")?;
                pending
                    .pax(kind.is_pax_global_extensions(), &records)
                    .map_err(|why| refuse(&named, why))?;
                continue;
            }
            let (raw, link) = std::mem::take(&mut pending)
                .names(&header)
                .map_err(|why| refuse(&named, why))?;
            c.entries += 1;
            if c.entries > MAX_ENTRIES {
                return Err(refuse(
                    &raw,
                    "is one entry too many: a release has at most 20,000",
                ));
            }
            let rel = normal(&raw).map_err(|why| refuse(&raw, why))?;
            let mode = header.mode().map_err(broken)?;
            if mode & 0o7000 != 0 {
                return Err(refuse(&raw, "has a setuid, setgid or sticky bit"));
            }
            let is_file = matches!(
                kind,
                tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::Link
            );
            if size != 0 && !matches!(kind, tar::EntryType::Regular | tar::EntryType::Continuous) {
                return Err(refuse(&raw, "is a folder or link that carries data"));
            }
            let checked = match kind {
                tar::EntryType::Directory => Kind::Dir,
                tar::EntryType::Symlink => Kind::Symlink(link.clone()),
                _ if is_file => Kind::File,
                _ => return Err(refuse(&raw, "is a device, fifo or other special file")),
            };
            if rel.is_empty() {
                if checked != Kind::Dir {
                    return Err(refuse(&raw, "has an empty name"));
                }
                continue;
            }
            if again(seen.get(&rel), &checked).map_err(|why| refuse(&raw, why))? {
                continue; // a folder named twice is one folder
            }
            let written = match kind {
                tar::EntryType::Directory => out.dir(&rel),
                tar::EntryType::Symlink => out.symlink(&rel, &link),
                tar::EntryType::Link => {
                    let target = normal(&link).map_err(|_| {
                        refuse(&raw, "is a hard link that leads out of the release")
                    })?;
                    if seen.get(&target) != Some(&Kind::File) {
                        return Err(refuse(
                            &raw,
                            "is a hard link to something that is not a file of the release before it",
                        ));
                    }
                    let size = out.size_of(&target);
                    count_file(&mut c, size, limit).map_err(|why| refuse(&raw, why))?;
                    out.copy(&rel, &target, mode)
                }
                _ => {
                    count_file(&mut c, size, limit).map_err(|why| refuse(&raw, why))?;
                    let template = templates.contains(&rel);
                    let (read, text) = out
                        .file(&rel, mode, size, &mut entry, template)
                        .map_err(|e| e.refusal(&raw, &refuse, &broken))?;
                    if read != size {
                        return Err(refuse(&raw, "is shorter than its header says"));
                    }
                    if let Some(text) = text {
                        if text.len() as u64 > MAX_TEMPLATE_BYTES {
                            return Err(refuse(&raw, "is a template larger than 1 MiB"));
                        }
                        let text = String::from_utf8(text)
                            .map_err(|_| refuse(&raw, "is a template that is not UTF-8 text"))?;
                        kept.insert(rel.clone(), text);
                    }
                    Ok(())
                }
            };
            written.map_err(|e| e.refusal(&raw, &refuse, &broken))?;
            seen.insert(rel.clone(), checked.clone());
            entries.push((rel, checked));
        }
        if !pending.is_empty() {
            return Err(refuse(
                "",
                "ends with a long name or pax header that describes no entry",
            ));
        }
        // the rest of the gzip member, bounded: tar's padding, never a second archive
        let mut gz = archive.into_inner();
        let rest = std::io::copy(&mut (&mut gz).take(MAX_TRAILING + 1), &mut std::io::sink())
            .map_err(broken)?;
        if rest > MAX_TRAILING {
            return Err(refuse(
                "",
                "holds more than 1 MiB after the end of its archive",
            ));
        }
    }
    if !input.is_empty() {
        return Err(refuse(
            "",
            "has a second gzip member (or other data) after the first: gzip would unpack what the checker never saw",
        ));
    }
    structure(&entries).map_err(|(entry, why)| refuse(&entry, why))?;
    let canonical = out.finish().map_err(broken)?;
    Ok(Checked {
        contents: c,
        canonical: Canonical(Arc::new(canonical)),
        templates: kept,
    })
}

/// One more file of `size` bytes in the release, within the unpacked bound.
fn count_file(c: &mut Contents, size: u64, limit: u64) -> Result<(), &'static str> {
    c.files += 1;
    c.unpacked = c.unpacked.saturating_add(size);
    if c.unpacked > limit {
        return Err("takes the release past its unpacked size (the manifest's, or 4 GiB)");
    }
    Ok(())
}

/// Whether a path seen `before` may come again as `now` (true: skip it, a folder named
/// twice); a path that comes back at all otherwise is refused (tar tools disagree on which
/// one stays).
fn again(before: Option<&Kind>, now: &Kind) -> Result<bool, &'static str> {
    match before {
        None => Ok(false),
        Some(Kind::Dir) if *now == Kind::Dir => Ok(true),
        Some(b) if b.word() != now.word() => {
            Err("comes back as another type: tar tools disagree on which one stays")
        }
        Some(_) => Err("appears twice: tar tools disagree on which one stays"),
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

/// Why writing the canonical archive stopped: the entry cannot be written plainly, or I/O.
enum WriteError {
    Unfit(&'static str),
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl WriteError {
    fn refusal(
        self,
        entry: &str,
        refuse: &impl Fn(&str, &'static str) -> ReleaseError,
        broken: &impl Fn(std::io::Error) -> ReleaseError,
    ) -> ReleaseError {
        match self {
            WriteError::Unfit(why) => refuse(entry, why),
            WriteError::Io(e) => broken(e),
        }
    }
}

/// Writes the canonical archive: plain ustar headers, fixed times and owners, into a
/// temporary file (a hard link's copy is read back from it), gzipped once at the end.
struct Writer {
    builder: tar::Builder<std::fs::File>,
    /// The same file, read at offsets for the copies of hard links.
    reader: std::fs::File,
    /// Where each file's data starts in the tar, and its size.
    files: HashMap<String, (u64, u64)>,
}

impl Writer {
    fn new() -> std::io::Result<Writer> {
        let file = tempfile::tempfile()?;
        let reader = file.try_clone()?;
        Ok(Writer {
            builder: tar::Builder::new(file),
            reader,
            files: HashMap::new(),
        })
    }

    fn header(
        rel: &str,
        kind: tar::EntryType,
        mode: u32,
        size: u64,
    ) -> Result<tar::Header, WriteError> {
        let mut h = tar::Header::new_ustar();
        h.set_path(rel).map_err(|_| {
            WriteError::Unfit("has a path longer than a plain tar header holds (a name of at most 100 bytes, 255 with its folders)")
        })?;
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_size(size);
        h.set_mtime(super::FIXED_MTIME);
        h.set_uid(0);
        h.set_gid(0);
        h.set_username("root")?;
        h.set_groupname("root")?;
        Ok(h)
    }

    fn dir(&mut self, rel: &str) -> Result<(), WriteError> {
        let mut h = Self::header(rel, tar::EntryType::Directory, 0o755, 0)?;
        h.set_cksum();
        self.builder.append(&h, std::io::empty())?;
        Ok(())
    }

    fn symlink(&mut self, rel: &str, target: &str) -> Result<(), WriteError> {
        let mut h = Self::header(rel, tar::EntryType::Symlink, 0o777, 0)?;
        // the link's text exactly as checked
        h.set_link_name_literal(target)
            .map_err(|_| WriteError::Unfit("is a link whose target is longer than 100 bytes"))?;
        h.set_cksum();
        self.builder.append(&h, std::io::empty())?;
        Ok(())
    }

    /// Copies `size` bytes of `data` as file `rel`; returns how many there were and, when
    /// `keep`, the bytes themselves (at most one more than a template may hold).
    fn file(
        &mut self,
        rel: &str,
        mode: u32,
        size: u64,
        data: &mut impl Read,
        keep: bool,
    ) -> Result<(u64, Option<Vec<u8>>), WriteError> {
        let mut h = Self::header(rel, tar::EntryType::Regular, file_mode(mode), size)?;
        h.set_cksum();
        let start = self.builder.get_mut().stream_position()? + 512;
        let mut counted = Counted {
            inner: data.take(size),
            read: 0,
            kept: keep.then(Vec::new),
        };
        self.builder.append(&h, &mut counted)?;
        self.files.insert(rel.to_string(), (start, counted.read));
        Ok((counted.read, counted.kept))
    }

    fn size_of(&self, rel: &str) -> u64 {
        self.files.get(rel).map_or(0, |(_, size)| *size)
    }

    /// File `rel` with the content of file `target` written before it.
    fn copy(&mut self, rel: &str, target: &str, mode: u32) -> Result<(), WriteError> {
        let (start, size) = self.files.get(target).copied().unwrap_or((0, 0));
        let mut h = Self::header(rel, tar::EntryType::Regular, file_mode(mode), size)?;
        h.set_cksum();
        let data_at = self.builder.get_mut().stream_position()? + 512;
        let mut from = At {
            file: &self.reader,
            pos: start,
            left: size,
        };
        self.builder.append(&h, &mut from)?;
        self.files.insert(rel.to_string(), (data_at, size));
        Ok(())
    }

    fn finish(self) -> std::io::Result<Vec<u8>> {
        let mut file = self.builder.into_inner()?;
        file.flush()?;
        file.rewind()?;
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::new(6));
        std::io::copy(&mut file, &mut gz)?;
        gz.finish()
    }
}

/// Executable for everyone or for no one: the modes a release's files get on servers.
fn file_mode(mode: u32) -> u32 {
    if mode & 0o111 != 0 { 0o755 } else { 0o644 }
}

/// A reader that counts what passes and keeps a copy when asked.
struct Counted<R> {
    inner: R,
    read: u64,
    kept: Option<Vec<u8>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(k) = &mut self.kept
            && (k.len() as u64) <= MAX_TEMPLATE_BYTES
        {
            k.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

/// Reads `left` bytes of a file from `pos`, without moving the file's own offset.
struct At<'a> {
    file: &'a std::fs::File,
    pos: u64,
    left: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = buf.len().min(self.left as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.pos += n as u64;
        self.left -= n as u64;
        Ok(n)
    }
}

/// An entry's path, normalised (`./a/b/` → `a/b`), or why it is unsafe.
fn normal(raw: &str) -> Result<String, &'static str> {
    if raw.starts_with('/') {
        return Err("has an absolute path");
    }
    let mut parts = Vec::new();
    for p in raw.split('/') {
        match p {
            "" | "." => {}
            ".." => return Err("climbs out with `..`"),
            p if p.chars().any(char::is_control) => {
                return Err("has a control character in its name");
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Ok(String::new());
    }
    Ok(parts.join("/"))
}

/// Links resolved against the release root: a symbolic link must point inside the release, at
/// something that is not itself a link, along a path with no link in it; no entry may lie below
/// a link (it would be written through it) or below a file.
fn structure(entries: &[(String, Kind)]) -> Result<(), (String, &'static str)> {
    let links: HashSet<&str> = entries
        .iter()
        .filter(|(_, k)| matches!(k, Kind::Symlink(_)))
        .map(|(p, _)| p.as_str())
        .collect();
    let files: HashSet<&str> = entries
        .iter()
        .filter(|(_, k)| matches!(k, Kind::File))
        .map(|(p, _)| p.as_str())
        .collect();
    // the first proper prefix of `path` that is in `set`
    let below = |set: &HashSet<&str>, path: &str| -> bool {
        path.match_indices('/')
            .any(|(i, _)| set.contains(&path[..i]))
    };
    for (path, kind) in entries {
        if below(&links, path) {
            return Err((
                path.clone(),
                "lies below a link: it would be written through it",
            ));
        }
        if below(&files, path) {
            return Err((path.clone(), "lies below a file"));
        }
        if let Kind::Symlink(target) = kind {
            if target.is_empty() || target.chars().any(char::is_control) {
                return Err((
                    path.clone(),
                    "is a link with an empty or unprintable target",
                ));
            }
            if target.starts_with('/') {
                return Err((path.clone(), "is a link to an absolute path"));
            }
            let base = path.rsplit_once('/').map_or("", |(d, _)| d);
            let resolved = resolve(base, target)
                .ok_or((path.clone(), "is a link that escapes the release folder"))?;
            if links.contains(resolved.as_str()) || below(&links, &resolved) {
                return Err((
                    path.clone(),
                    "is a link to a link: links must point at files or folders",
                ));
            }
        }
    }
    Ok(())
}

/// `target` seen from folder `base`, both inside the release; None when it climbs out.
fn resolve(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(entries: Vec<(&str, Kind)>) -> Result<(), (String, &'static str)> {
        let e: Vec<(String, Kind)> = entries
            .into_iter()
            .map(|(p, k)| (p.to_string(), k))
            .collect();
        structure(&e)
    }

    #[test]
    fn links_resolve_inside_and_never_through_links() {
        use Kind::*;
        assert!(
            check(vec![
                ("bin", Dir),
                ("bin/x", File),
                ("lib", Symlink("bin".into()))
            ])
            .is_ok()
        );
        assert!(check(vec![("a/b", Symlink("../../etc".into()))]).is_err());
        // a chain: each step looks harmless as text
        assert!(
            check(vec![
                ("a", Symlink("b".into())),
                ("b", Symlink("c".into())),
                ("c", Dir)
            ])
            .is_err()
        );
        // symlink, then a file below it: written through the link
        assert!(
            check(vec![
                ("d", Symlink("x".into())),
                ("x", Dir),
                ("d/evil", File)
            ])
            .is_err()
        );
        // a file, then something below it
        assert!(check(vec![("f", File), ("f/g", File)]).is_err());
        assert_eq!(resolve("a/b", "../c"), Some("a/c".into()));
        assert_eq!(resolve("", "../c"), None);
        assert_eq!(normal("./a//b/"), Ok("a/b".into()));
    }

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
