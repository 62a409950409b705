//! Reading one county extract file: opened only as a regular file, its encoding detected, its
//! header matched to the entity's columns, then every line turned into a converted row or a
//! reject (line, reason, the row as written) — bounded in line and field length, one line at a
//! time, so no input can make jinbao hold more than a line of it or echo more than an excerpt.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::csv_line::{self, Fields, Line, LineProblem, Lines, MAX_FIELD, MAX_LINE, excerpt};
use super::csv_out::{CsvOut, OutEncoding};
use super::format::{self, Entity};
use super::import::ImportError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "gb18030")]
    Gb18030,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GB18030",
        }
    }
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Ok(Encoding::Gb18030),
            _ => Err(format!("`{s}`: utf-8, gbk or gb18030")),
        }
    }
}

/// A mapping file (templates/mappings/*.toml): another county layout onto the standard one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub entity: Option<String>,
    pub encoding: Option<String>,
    /// standard column → the county's header
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// standard column → (county value → standard value)
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// One rejected row as people see it: its line and why (personal data masked).
#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub line: u64,
    pub reason: String,
}

/// How many rejects a manifest lists (the reject file has them all).
pub const REJECTS_LISTED: usize = 1000;

pub struct Spec<'a> {
    pub city_code: &'a str,
    pub city: &'a str,
    pub county: &'a str,
    pub encoding: Option<Encoding>,
    pub mapping: Option<&'a Mapping>,
    pub dry_run: bool,
    /// Delete the county's rows marked missing (the extract no longer holds them).
    pub apply_missing: bool,
    /// Write every row again, changed or not.
    pub full: bool,
    /// Where reject files go.
    pub rejects_dir: &'a Path,
    /// The city's counties: a row whose area code is another of them is that county's row.
    pub city_counties: Vec<String>,
}

/// Reads and hashes a file as it streams through.
pub struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// The encoding of a file from its start: UTF-8 unless most of its lines with non-ASCII text
/// are not UTF-8 (then GB18030, which GBK is part of). A UTF-8 file with one broken line, or a
/// GBK file with one UTF-8 line, is read in the encoding of the rest; the odd line is rejected.
pub fn detect(head: &[u8]) -> Encoding {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let (mut utf8, mut other) = (0u32, 0u32);
    for line in head.split(|b| *b == b'\n').filter(|l| !l.is_ascii()) {
        match std::str::from_utf8(line) {
            Ok(_) => utf8 += 1,
            // a character cut at the end of the sample is still UTF-8
            Err(e)
                if e.error_len().is_none()
                    && line.as_ptr_range().end == head.as_ptr_range().end =>
            {
                utf8 += 1
            }
            Err(_) => other += 1,
        }
    }
    if other > utf8 {
        Encoding::Gb18030
    } else {
        Encoding::Utf8
    }
}

fn decode(bytes: &[u8], enc: Encoding) -> Option<String> {
    match enc {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_string),
        Encoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|c| c.into_owned()),
    }
}

/// True when a line of a GB18030 file reads better as UTF-8: valid UTF-8 whose characters are
/// more often the common ones (GB 2312 level 1) than those of its GB18030 reading. A GBK line
/// is valid UTF-8 now and then by chance, but then reads as rare characters.
fn utf8_in_gbk(line: &[u8]) -> bool {
    if line.is_ascii() {
        return false;
    }
    let Ok(as_utf8) = std::str::from_utf8(line) else {
        return false;
    };
    let as_gbk = encoding_rs::GB18030
        .decode_without_bom_handling(line)
        .0
        .into_owned();
    common_share(as_utf8) > common_share(&as_gbk)
}

/// The share of non-ASCII characters that are GB 2312 level-1 characters (the 3,755 most
/// common: GBK bytes B0A1–D7FE).
fn common_share(text: &str) -> f64 {
    let mut all = 0u32;
    let mut common = 0u32;
    let mut buf = [0u8; 4];
    for c in text.chars().filter(|c| !c.is_ascii()) {
        all += 1;
        let (bytes, _, _) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        if let [lead @ 0xB0..=0xD7, trail @ 0xA1..=0xFE] = bytes.as_ref()
            && !(*lead == 0xD7 && *trail > 0xF9)
        {
            common += 1;
        }
    }
    if all == 0 {
        0.0
    } else {
        f64::from(common) / f64::from(all)
    }
}

/// A converted row goes to the stage: its line and its values.
pub type Sink<'s> = dyn FnMut(u64, &[format::Value]) -> Result<(), ImportError> + 's;

/// One file being read: its rows converted and handed on, its rejects written as they come.
pub struct Reading<'a> {
    e: &'static Entity,
    spec: &'a Spec<'a>,
    pub encoding: Encoding,
    header: Vec<String>,
    /// Where each of the entity's columns is in the file.
    index: Vec<Option<usize>>,
    lines: Lines<Hashing<std::io::Take<File>>>,
    fields: Fields,
    /// The file as shown, and its size and modification time when it was opened: only that
    /// many bytes are read, and a file that changed meanwhile is refused.
    path: String,
    taken: (u64, Option<std::time::SystemTime>),
    pub rejects: Vec<Reject>,
    out: CsvOut,
    /// Where the converted row holds its area code (persons, employers).
    area_at: Option<usize>,
    /// Rows rejected as another county's, by that county.
    pub other_county: BTreeMap<String, u64>,
    pub read: u64,
    pub staged: u64,
    pub rejected: u64,
    /// Only the lines this keeps are read further than their bytes (a second reading of the
    /// buckets a first one found differing).
    only: Option<Box<dyn Fn(u64) -> bool + 'a>>,
}

impl<'a> Reading<'a> {
    /// From now on, reads only the lines `keep` keeps: the others are hashed, not parsed.
    pub fn only_lines(&mut self, keep: impl Fn(u64) -> bool + 'a) {
        self.only = Some(Box::new(keep));
    }

    /// Writes a reject: the full reason and the row to the file, the shown reason to the list.
    pub fn reject(
        &mut self,
        line: u64,
        full: String,
        shown: String,
        raw: &[String],
    ) -> Result<(), ImportError> {
        let mut cells = Vec::with_capacity(raw.len() + 2);
        cells.push(line.to_string());
        cells.push(full);
        cells.extend(raw.iter().cloned());
        self.out.record(&cells)?;
        self.rejected += 1;
        if self.rejects.len() < REJECTS_LISTED {
            self.rejects.push(Reject {
                line,
                reason: shown,
            });
        }
        Ok(())
    }

    fn column_name(&self, field: usize) -> String {
        self.header
            .get(field)
            .map_or_else(|| format!("field {}", field + 1), |h| excerpt(h))
    }

    /// Reads every row: converted rows go to `sink`, the others to the reject file;
    /// `progress` is told how many bytes of the file are read, now and then.
    pub fn stream(
        &mut self,
        sink: &mut Sink<'_>,
        progress: &dyn Fn(u64),
    ) -> Result<(), ImportError> {
        let mut raw: Vec<String> = Vec::with_capacity(self.header.len());
        let values_map = self
            .spec
            .mapping
            .map(|m| &m.values)
            .filter(|v| !v.is_empty());
        loop {
            let (no, line) = match self.lines.next_line()? {
                None => break,
                Some(l) => l,
            };
            if self.only.as_ref().is_some_and(|keep| !keep(no)) {
                continue;
            }
            let text = match line {
                Line::TooLong(n) => {
                    self.read += 1;
                    let why = format!("the line has {n} bytes, more than {MAX_LINE} (not read)");
                    self.reject(no, why.clone(), why, &[])?;
                    continue;
                }
                // blank lines hold no row
                Line::Text([]) => continue,
                // a byte-order mark starting a line (extracts concatenated) is no data
                Line::Text(t) if self.encoding == Encoding::Utf8 => {
                    t.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(t)
                }
                Line::Text(t) => t,
            };
            if text.is_empty() {
                continue;
            }
            self.read += 1;
            let parsed = self.fields.parse(text);
            let mixed = self.encoding == Encoding::Gb18030 && utf8_in_gbk(text);
            if let Err(LineProblem::UnclosedQuote { field }) = parsed {
                let whole = String::from_utf8_lossy(text).into_owned();
                let why = format!(
                    "a quote opened in field {field} is not closed on this line (fields never span lines)"
                );
                self.reject(no, why.clone(), why, &[whole])?;
                continue;
            }
            let undecodable = self.decode_fields(&mut raw);
            if self.rejected_fields(no, &mut raw, mixed, undecodable)? {
                continue;
            }
            if !self.convert_row(no, &raw, values_map, sink)? {
                continue;
            }
            if self.read % 4096 == 0 {
                progress(self.consumed());
            }
        }
        // a file another process appends to (an export still running) would be loaded cut
        let file = self.lines.get_mut().inner.get_ref();
        let now = file.metadata().map(|m| (m.len(), m.modified().ok()))?;
        if now != self.taken {
            return Err(ImportError::File {
                path: self.path.clone(),
                message: format!(
                    "the file changed while it was read ({} bytes when opened, {} now): is it still being written? Nothing of it was loaded; import it again once it is complete",
                    self.taken.0, now.0
                ),
            });
        }
        progress(self.consumed());
        Ok(())
    }

    /// Decodes the fields of the line just parsed into `raw`; returns the first field that is
    /// not text in the file's encoding (kept lossily, for the reject file).
    fn decode_fields(&self, raw: &mut Vec<String>) -> Option<usize> {
        raw.clear();
        let mut undecodable = None;
        for (i, f) in self.fields.iter().enumerate() {
            raw.push(match decode(f, self.encoding) {
                Some(s) => s,
                None => {
                    undecodable.get_or_insert(i);
                    String::from_utf8_lossy(f).into_owned()
                }
            });
        }
        undecodable
    }

    /// Rejects a line whose fields cannot make a row (a NUL byte, a field too long, text in
    /// the wrong encoding, the wrong number of fields); says whether it did.
    fn rejected_fields(
        &mut self,
        no: u64,
        raw: &mut [String],
        mixed: bool,
        undecodable: Option<usize>,
    ) -> Result<bool, ImportError> {
        let nul = self.fields.iter().position(|f| f.contains(&0));
        if let Some(i) = nul {
            let why = format!("a NUL byte in {}", self.column_name(i));
            for r in raw.iter_mut() {
                *r = r.replace('\0', "\\0");
            }
            self.reject(no, why.clone(), why, raw)?;
            return Ok(true);
        }
        let long = self
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.len() > MAX_FIELD)
            .map(|(i, f)| (i, f.len()));
        if let Some((i, len)) = long {
            let why = format!(
                "{} has {len} bytes, more than {MAX_FIELD}",
                self.column_name(i)
            );
            let cut: Vec<String> = raw.iter().map(|r| excerpt(r)).collect();
            self.reject(no, why.clone(), why, &cut)?;
            return Ok(true);
        }
        let why = if mixed {
            "UTF-8 text in a GB18030 (GBK) file: the county's export mixed encodings".to_string()
        } else if let Some(i) = undecodable {
            format!(
                "{} is not valid {} text",
                self.column_name(i),
                self.encoding.name()
            )
        } else if raw.len() != self.header.len() {
            format!("{} fields, the header has {}", raw.len(), self.header.len())
        } else {
            return Ok(false);
        };
        self.reject(no, why.clone(), why, raw)?;
        Ok(true)
    }

    /// Converts a row and hands it to `sink`, or rejects it (as the converter says, or as
    /// another county's); false when it was another county's.
    fn convert_row(
        &mut self,
        no: u64,
        raw: &[String],
        values_map: Option<&BTreeMap<String, BTreeMap<String, String>>>,
        sink: &mut Sink<'_>,
    ) -> Result<bool, ImportError> {
        let ordered: Vec<&str> = self
            .e
            .columns
            .iter()
            .zip(&self.index)
            .map(|(c, at)| {
                let v = at.map_or("", |i| raw[i].as_str());
                values_map
                    .and_then(|m| m.get(c.name))
                    .and_then(|t| t.get(v.trim()))
                    .map_or(v, String::as_str)
            })
            .collect();
        match format::convert(self.e, &ordered) {
            Ok(values) => {
                // an area code naming another county of the city: the row is that
                // county's (a code of no county is a data-quality finding, loaded)
                let other = self
                    .area_at
                    .and_then(|i| values[i].as_deref())
                    .filter(|a| {
                        *a != self.spec.county && self.spec.city_counties.iter().any(|c| c == a)
                    })
                    .map(str::to_string);
                if let Some(a) = other {
                    let why = format!(
                        "area_code `{a}` is county {a}, not {} (the county imported)",
                        self.spec.county
                    );
                    *self.other_county.entry(a).or_default() += 1;
                    self.reject(no, why.clone(), why, raw)?;
                    return Ok(false);
                }
                sink(no, &values)?;
                self.staged += 1;
            }
            Err(r) => {
                let (full, shown) = (r.full(), r.shown());
                self.reject(no, full, shown, raw)?;
            }
        }
        Ok(true)
    }

    /// How many bytes of the file have been read so far (what a progress bar over its size
    /// shows).
    fn consumed(&mut self) -> u64 {
        self.taken.0 - self.lines.get_mut().inner.limit()
    }

    /// The SHA-256 of every byte read (call after `stream`).
    pub fn sha256(&mut self) -> String {
        let h = std::mem::take(&mut self.lines.get_mut().hash).finalize();
        h.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// The county most rows belong to when that is another county than the one imported:
    /// (that county, its rows).
    pub fn seems_other_county(&self) -> Option<(String, u64)> {
        self.other_county
            .iter()
            .max_by_key(|(_, n)| **n)
            .filter(|(_, n)| **n * 2 > self.read)
            .map(|(c, n)| (c.clone(), *n))
    }

    /// Flushes the reject file.
    pub fn finish(self) -> Result<(Vec<Reject>, u64), ImportError> {
        self.out.finish()?;
        Ok((self.rejects, self.rejected))
    }
}

/// Opens a file: encoding, header, where each column is, a reject file at `tmp_rejects`.
pub fn open<'a>(
    e: &'static Entity,
    path: &Path,
    spec: &'a Spec<'a>,
    tmp_rejects: &Path,
) -> Result<Reading<'a>, ImportError> {
    let shown = path.display().to_string();
    let bad = |message: String| ImportError::File {
        path: shown.clone(),
        message,
    };
    let file = csv_line::open_regular(path)?;
    let taken = file.metadata().map(|m| (m.len(), m.modified().ok()))?;
    let head = csv_line::head(&file, 64 * 1024)?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(bad(
            "UTF-16 text (it starts with a UTF-16 byte-order mark): save the extract as UTF-8 or GBK"
                .into(),
        ));
    }
    let encoding = match spec.encoding.or_else(|| {
        spec.mapping
            .and_then(|m| m.encoding.as_deref()?.parse().ok())
    }) {
        Some(e) => e,
        None => detect(&head),
    };
    let mut lines = Lines::new(
        Hashing {
            // only the bytes there were when it was opened
            inner: file.take(taken.0),
            hash: Sha256::new(),
        },
        MAX_LINE,
    );
    let mut fields = Fields::default();
    let header_line = match lines.next_line()? {
        None => return Err(bad("the file is empty (a header row is expected)".into())),
        Some((_, Line::TooLong(n))) => {
            return Err(bad(format!(
                "the first line has {n} bytes, more than {MAX_LINE}: not an extract with a header row"
            )));
        }
        Some((_, Line::Text(t))) => t.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(t),
    };
    if header_line.contains(&0) {
        return Err(bad("the header holds a NUL byte: not a CSV extract".into()));
    }
    // lines ended by CR alone are one line to jinbao: the header would swallow every row
    if csv_line::has_bare_cr(header_line) {
        return Err(bad(
            "the lines end in CR alone (an old Mac export): save the extract with LF or CRLF line ends"
                .into(),
        ));
    }
    if let Err(LineProblem::UnclosedQuote { field }) = fields.parse(header_line) {
        return Err(bad(format!(
            "a quote opened in column {field} of the header is not closed on its line"
        )));
    }
    if let Some(f) = fields.iter().find(|f| f.len() > MAX_FIELD) {
        return Err(bad(format!(
            "a column name of the header has {} bytes, more than {MAX_FIELD}",
            f.len()
        )));
    }
    let header: Vec<String> = fields
        .iter()
        .map(|f| decode(f, encoding).map(|s| s.trim().to_string()))
        .collect::<Option<_>>()
        .ok_or_else(|| bad(format!("the header is not {} text", encoding.name())))?;
    let mut index = Vec::new();
    for c in e.columns {
        let source = spec
            .mapping
            .and_then(|m| m.columns.get(c.name))
            .map(String::as_str)
            .unwrap_or(c.name);
        let mut found = header.iter().enumerate().filter(|(_, h)| *h == source);
        let at = found.next().map(|(i, _)| i);
        // two columns of one name: which one holds the data cannot be told
        if let (Some(first), Some((second, _))) = (at, found.next()) {
            return Err(bad(format!(
                "the header names column `{}` twice (columns {} and {}): keep one",
                excerpt(source),
                first + 1,
                second + 1
            )));
        }
        if at.is_none() && c.required {
            return Err(bad(format!(
                "no column `{source}` ({}) in the header: {}",
                c.name,
                excerpt(&header.join(","))
            )));
        }
        index.push(at);
    }
    crate::files::private_dir(spec.rejects_dir)?;
    let mut out = CsvOut::create(tmp_rejects, OutEncoding::Utf8)?;
    let mut cells = vec!["line".to_string(), "reason".to_string()];
    cells.extend(header.iter().cloned());
    out.record(&cells)?;
    Ok(Reading {
        e,
        spec,
        encoding,
        header,
        index,
        lines,
        fields,
        path: shown,
        taken,
        rejects: Vec::new(),
        out,
        area_at: e.columns.iter().position(|c| c.name == "area_code"),
        other_county: BTreeMap::new(),
        read: 0,
        staged: 0,
        rejected: 0,
        only: None,
    })
}
