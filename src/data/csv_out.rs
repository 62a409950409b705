//! Every CSV file jinbao writes (reject files, differences, problem lists): private (0600 in a
//! 0700 folder, never through a link), quoted by RFC 4180 so that a comma or a line break in a
//! value or a header never moves a column, and with formulas neutralised, so that a cell from a
//! county extract cannot run in the spreadsheet of the person who opens the file.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// How the bytes of a written CSV file are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 starting with a byte-order mark (Excel then reads it as UTF-8).
    Utf8Bom,
    /// GBK (GB18030 for characters GBK lacks), for county systems that read nothing else.
    Gbk,
}

/// A cell as it is safe to open in a spreadsheet: one starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` (OWASP's advice for CSV injection).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A CSV file being written.
pub struct CsvOut {
    out: BufWriter<File>,
    encoding: OutEncoding,
    line: String,
    pub rows: u64,
}

impl CsvOut {
    /// Creates `path` (0600; its folder 0700), refusing to write through a link.
    pub fn create(path: &Path, encoding: OutEncoding) -> io::Result<Self> {
        Self::from_file(crate::files::create_private(path)?, encoding)
    }

    /// Writes into a file already opened (a private temp file renamed into place at the end).
    pub fn from_file(f: File, encoding: OutEncoding) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(256 * 1024, f);
        if encoding == OutEncoding::Utf8Bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        Ok(CsvOut {
            out,
            encoding,
            line: String::with_capacity(256),
            rows: 0,
        })
    }

    /// Writes one record: every cell neutralised and quoted where it must be.
    pub fn record<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        self.line.clear();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            let c = neutralise(c.as_ref());
            if c.contains([',', '"', '\n', '\r']) {
                self.line.push('"');
                self.line.push_str(&c.replace('"', "\"\""));
                self.line.push('"');
            } else {
                self.line.push_str(&c);
            }
        }
        self.line.push('\n');
        match self.encoding {
            OutEncoding::Gbk => {
                let (bytes, _, _) = encoding_rs::GB18030.encode(&self.line);
                self.out.write_all(&bytes)?;
            }
            _ => self.out.write_all(self.line.as_bytes())?,
        }
        self.rows += 1;
        Ok(())
    }

    /// Flushes and syncs the file.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()?;
        self.out.get_ref().sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_cells_quoted() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("张三"), "张三");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/x.csv");
        let mut w = CsvOut::create(&p, OutEncoding::Utf8Bom).unwrap();
        w.record(&["a,b", "line\nbreak", "=1+1", "q\"q"]).unwrap();
        w.finish().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "\u{feff}\"a,b\",\"line\nbreak\",'=1+1,\"q\"\"q\"\n");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mode = std::fs::metadata(p.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700);
    }
}
