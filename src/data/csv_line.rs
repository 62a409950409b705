//! Reading county extracts line by line, with bounds. The extract format has no multi-line
//! fields (docs/extract-format.md), so a record is one physical line: a quote left open spoils
//! that line alone, line numbers are physical (CRLF or LF alike), and no line, field or header
//! can make jinbao hold more than [`MAX_LINE`] bytes of it in memory.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

/// The longest line kept; a longer one is rejected (or, as a header, refused) unread.
pub const MAX_LINE: usize = 1 << 20;
/// The longest field kept: the format's longest column is 120 characters.
pub const MAX_FIELD: usize = 4096;
/// How much of a value or a header a message shows.
pub const EXCERPT_CHARS: usize = 40;

/// Why an extract file cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path} is a symbolic link: extracts are read only from regular files")]
    Link { path: String },
    #[error("{path} is not a regular file (a {what}): extracts are read only from regular files")]
    NotRegular { path: String, what: &'static str },
}

/// Opens an extract for reading: never through a symbolic link, never a device, FIFO or
/// folder (a FIFO is opened without waiting for a writer, then refused).
pub fn open_regular(path: &Path) -> Result<File, ExtractError> {
    let shown = path.display().to_string();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => ExtractError::Link {
                path: shown.clone(),
            },
            _ => ExtractError::Io {
                path: shown.clone(),
                source: e,
            },
        })?;
    let meta = f.metadata().map_err(|e| ExtractError::Io {
        path: shown.clone(),
        source: e,
    })?;
    let ft = meta.file_type();
    if !ft.is_file() {
        use std::os::unix::fs::FileTypeExt;
        let what = if ft.is_dir() {
            "folder"
        } else if ft.is_char_device() || ft.is_block_device() {
            "device"
        } else if ft.is_fifo() {
            "FIFO"
        } else if ft.is_socket() {
            "socket"
        } else {
            "special file"
        };
        return Err(ExtractError::NotRegular { path: shown, what });
    }
    // reads block from here on, as for any regular file
    // SAFETY: fcntl on a descriptor this function owns; F_SETFL only changes its flags.
    unsafe {
        use std::os::fd::AsRawFd;
        let fd = f.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    Ok(f)
}

/// The first `n` bytes of a file, without moving its read position.
pub fn head(f: &File, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        let k = f.read_at(&mut buf[got..], got as u64)?;
        if k == 0 {
            break;
        }
        got += k;
    }
    buf.truncate(got);
    Ok(buf)
}

/// One physical line of a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line without its terminator (`\n` or `\r\n`).
    Text(&'a [u8]),
    /// A line longer than the bound: skipped, only its length known.
    TooLong(u64),
}

/// Lines of a reader, each at most `max` bytes kept.
pub struct Lines<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    number: u64,
    max: usize,
}

impl<R: Read> Lines<R> {
    pub fn new(inner: R, max: usize) -> Self {
        Lines {
            inner,
            buf: vec![0; max.max(64 * 1024) + 64 * 1024],
            start: 0,
            end: 0,
            eof: false,
            number: 0,
            max,
        }
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end < self.buf.len() {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.end += n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next line with its number (1-based), or None at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        let mut scanned = 0;
        loop {
            let window = &self.buf[self.start + scanned..self.end];
            if let Some(i) = memchr::memchr(b'\n', window) {
                let at = self.start + scanned + i;
                let len = at - self.start;
                self.number += 1;
                let s = self.start;
                self.start = at + 1;
                if len > self.max {
                    return Ok(Some((self.number, Line::TooLong(len as u64))));
                }
                return Ok(Some((self.number, Line::Text(strip_cr(&self.buf[s..at])))));
            }
            scanned = self.end - self.start;
            if scanned > self.max {
                // too long: skip to the end of the line without keeping it
                let mut skipped = scanned as u64;
                self.start = 0;
                self.end = 0;
                loop {
                    if self.eof {
                        self.number += 1;
                        return Ok(Some((self.number, Line::TooLong(skipped))));
                    }
                    self.fill()?;
                    if let Some(i) = memchr::memchr(b'\n', &self.buf[..self.end]) {
                        skipped += i as u64;
                        self.start = i + 1;
                        self.number += 1;
                        return Ok(Some((self.number, Line::TooLong(skipped))));
                    }
                    skipped += self.end as u64;
                    self.end = 0;
                }
            }
            if self.eof {
                if self.start == self.end {
                    return Ok(None);
                }
                self.number += 1;
                let s = self.start;
                self.start = self.end;
                return Ok(Some((
                    self.number,
                    Line::Text(strip_cr(&self.buf[s..self.end])),
                )));
            }
            // keeps the unscanned part's offset from `start`
            self.fill()?;
        }
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// True when a line holds a CR outside quotes: its file ends lines with CR alone.
pub fn has_bare_cr(line: &[u8]) -> bool {
    let mut quoted = false;
    for b in line {
        match b {
            b'"' => quoted = !quoted,
            b'\r' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// Why one line is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// A quoted field whose closing quote is missing (the format has no multi-line fields).
    UnclosedQuote { field: usize },
}

/// The fields of one line, in one buffer (as `csv::ByteRecord` keeps them).
#[derive(Debug, Default)]
pub struct Fields {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Fields {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.bytes[start..end])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Splits one line (RFC 4180 quoting, no line breaks inside fields) into fields.
    pub fn parse(&mut self, line: &[u8]) -> Result<(), LineProblem> {
        self.bytes.clear();
        self.ends.clear();
        let mut i = 0;
        let n = line.len();
        loop {
            if i < n && line[i] == b'"' {
                // quoted: up to the closing quote, "" is one quote; whatever follows the
                // closing quote up to the next comma is kept as it is (as csv readers do)
                i += 1;
                loop {
                    match memchr::memchr(b'"', &line[i..]) {
                        None => {
                            return Err(LineProblem::UnclosedQuote {
                                field: self.ends.len() + 1,
                            });
                        }
                        Some(q) => {
                            self.bytes.extend_from_slice(&line[i..i + q]);
                            i += q + 1;
                            if line.get(i) == Some(&b'"') {
                                self.bytes.push(b'"');
                                i += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                let rest = memchr::memchr(b',', &line[i..]).map_or(n, |c| i + c);
                self.bytes.extend_from_slice(&line[i..rest]);
                i = rest;
            } else {
                let rest = memchr::memchr(b',', &line[i..]).map_or(n, |c| i + c);
                self.bytes.extend_from_slice(&line[i..rest]);
                i = rest;
            }
            self.ends.push(self.bytes.len());
            if i >= n {
                return Ok(());
            }
            i += 1; // the comma
        }
    }
}

/// At most [`EXCERPT_CHARS`] characters of `s`, with `…` when cut.
pub fn excerpt(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(u64, Result<String, u64>)> {
        let mut l = Lines::new(input, max);
        let mut out = Vec::new();
        while let Some((number, line)) = l.next_line().unwrap() {
            let v = match line {
                Line::Text(t) => Ok(String::from_utf8_lossy(t).into_owned()),
                Line::TooLong(n) => Err(n),
            };
            out.push((number, v));
        }
        out
    }

    #[test]
    fn lines_are_physical_and_bounded() {
        assert_eq!(
            lines(b"a\r\nb\n\nc", 10),
            vec![
                (1, Ok("a".into())),
                (2, Ok("b".into())),
                (3, Ok("".into())),
                (4, Ok("c".into()))
            ]
        );
        let mut big = b"h\n".to_vec();
        big.extend(std::iter::repeat_n(b'x', 300_000));
        big.extend_from_slice(b"\nlast\n");
        assert_eq!(
            lines(&big, 1000),
            vec![
                (1, Ok("h".into())),
                (2, Err(300_000)),
                (3, Ok("last".into()))
            ]
        );
        let endless = vec![0u8; 200_000];
        assert_eq!(lines(&endless, 1000), vec![(1, Err(200_000))]);
    }

    #[test]
    fn fields_follow_rfc_4180_on_one_line() {
        let mut f = Fields::default();
        f.parse(br#"a,"b,c","d""e",,"""""#).unwrap();
        let got: Vec<&[u8]> = f.iter().collect();
        assert_eq!(got, vec![&b"a"[..], b"b,c", b"d\"e", b"", b"\""]);
        assert_eq!(
            f.parse(br#"a,"open,b"#),
            Err(LineProblem::UnclosedQuote { field: 2 })
        );
        f.parse(b"").unwrap();
        assert_eq!(f.len(), 1);
    }
}
