//! The canonical archive servers unpack, written from the entries as they were checked: one
//! gzip member, plain ustar headers, fixed times and owners, a hard link as a copy.

use std::collections::HashMap;
use std::io::{Read, Seek, Write};

use super::{MAX_TEMPLATE_BYTES, Shown};
use crate::release::ReleaseError;

/// Why writing the canonical archive stopped: the entry cannot be written plainly, or I/O.
pub(super) enum WriteError {
    Unfit(&'static str),
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl WriteError {
    pub(super) fn refusal(self, entry: &str, at: Shown<'_>) -> ReleaseError {
        match self {
            WriteError::Unfit(why) => at.refuse(entry, why),
            WriteError::Io(e) => at.broken(e),
        }
    }
}

/// Writes the canonical archive: plain ustar headers, fixed times and owners, into a
/// temporary file (a hard link's copy is read back from it), gzipped once at the end.
pub(super) struct Writer {
    builder: tar::Builder<std::fs::File>,
    /// The same file, read at offsets for the copies of hard links.
    reader: std::fs::File,
    /// Where each file's data starts in the tar, and its size.
    files: HashMap<String, (u64, u64)>,
}

impl Writer {
    pub(super) fn new() -> std::io::Result<Writer> {
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
        h.set_mtime(crate::release::FIXED_MTIME);
        h.set_uid(0);
        h.set_gid(0);
        h.set_username("root")?;
        h.set_groupname("root")?;
        Ok(h)
    }

    pub(super) fn dir(&mut self, rel: &str) -> Result<(), WriteError> {
        let mut h = Self::header(rel, tar::EntryType::Directory, 0o755, 0)?;
        h.set_cksum();
        self.builder.append(&h, std::io::empty())?;
        Ok(())
    }

    pub(super) fn symlink(&mut self, rel: &str, target: &str) -> Result<(), WriteError> {
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
    pub(super) fn file(
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

    pub(super) fn size_of(&self, rel: &str) -> u64 {
        self.files.get(rel).map_or(0, |(_, size)| *size)
    }

    /// File `rel` with the content of file `target` written before it.
    pub(super) fn copy(&mut self, rel: &str, target: &str, mode: u32) -> Result<(), WriteError> {
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

    pub(super) fn finish(self) -> std::io::Result<Vec<u8>> {
        let mut file = self.builder.into_inner()?;
        file.flush()?;
        file.rewind()?;
        // held in memory only, until laid out by content: speed over size
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::fast());
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
