//! The only module that writes to the terminal: tables and text for people, JSON for
//! scripts on stdout; notes, warnings and errors on stderr, where the bars of the progress
//! handle it hands out (`progress::Progress`) go too. Everything it writes passes
//! through `privacy::scrub`: no secret and no unmasked ID number reaches the terminal.
//! Every table goes through `layout` (fit to the terminal, no word cut) and every JSON
//! document carries `"v": 1` (docs/json.md).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod failure;
mod layout;

pub use failure::report;

use std::io::{self, IsTerminal, Write};

use comfy_table::{Cell, Color, Table, presets};
use serde::Serialize;

use crate::privacy::{scrub, scrub_bytes};
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
    /// Progress bars: only on a terminal, never with --json or -q.
    progress: Progress,
    /// Columns tables must fit in (None: as wide as they need, when stdout is no terminal).
    table_width: Option<usize>,
}

pub use crate::numbers::tenths;

/// The version of every JSON document jinbao prints (the `v` key, docs/json.md).
pub const JSON_VERSION: u64 = 1;

/// A terminal that cannot show colour or move its cursor (`TERM=dumb`).
fn dumb_terminal() -> bool {
    crate::env_vars::get(crate::env_vars::TERM).as_deref() == Some("dumb")
}

/// Columns of the terminal on stdout (None when it is no terminal or does not say).
fn terminal_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills a winsize the size of the one passed; a failure leaves it zeroed.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// How wide tables may be: the terminal's width; on a terminal that reports 0 columns (a
/// serial console), `COLUMNS` or 80; off a terminal, `COLUMNS` when set, else no limit.
fn table_width(stdout_tty: bool) -> Option<usize> {
    let columns = crate::env_vars::get(crate::env_vars::COLUMNS)
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    if !stdout_tty {
        return columns;
    }
    Some(terminal_columns().or(columns).unwrap_or(80))
}

/// `"v": 1` first in an object, or in each object of a list (a list stays a list: scripts
/// that read `.[0].city` go on working).
fn versioned(value: &mut serde_json::Value) {
    fn stamp(map: &mut serde_json::Map<String, serde_json::Value>) {
        if map.contains_key("v") {
            return;
        }
        let rest = std::mem::take(map);
        map.insert("v".into(), JSON_VERSION.into());
        map.extend(rest);
    }
    match value {
        serde_json::Value::Object(map) => stamp(map),
        serde_json::Value::Array(items) => {
            for item in items {
                if let serde_json::Value::Object(map) = item {
                    stamp(map);
                }
            }
        }
        _ => {}
    }
}

/// The tone of a status cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Muted,
    Plain,
}

impl Printer {
    pub fn new(json: bool, quiet: bool, verbose: u8, color: Option<bool>) -> Self {
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        let dumb = dumb_terminal();
        let color = color.unwrap_or(
            stdout_tty && !crate::env_vars::is_set(crate::env_vars::NO_COLOR) && !json && !dumb,
        );
        Printer {
            json,
            quiet,
            verbose,
            color,
            progress: Progress::new(stdout_tty && stderr_tty && !json && !quiet && !dumb),
            table_width: table_width(stdout_tty),
        }
    }

    /// The handle through which the domain reports progress (bars on stderr).
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// A value as pretty JSON on stdout, with `"v": 1`.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let mut value = serde_json::to_value(value).map_err(io::Error::other)?;
        versioned(&mut value);
        let mut text = serde_json::to_vec_pretty(&value).map_err(io::Error::other)?;
        text.push(b'\n');
        io::stdout().lock().write_all(&scrub_bytes(&text))
    }

    /// One JSON value per line (for `--events ndjson`).
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let mut text = serde_json::to_vec(value).map_err(io::Error::other)?;
        text.push(b'\n');
        let mut out = io::stdout().lock();
        out.write_all(&scrub_bytes(&text))?;
        out.flush()
    }

    /// Text for people on stdout.
    pub fn text(&self, text: impl std::fmt::Display) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let text = scrub(&text.to_string()).into_owned();
        if self.color {
            // coloured tables carry their own escapes; their cells were made visible already
            writeln!(out, "{text}")
        } else {
            writeln!(out, "{}", visible(&text))
        }
    }

    /// A table with the house style.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        t.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
        if self.color {
            t.enforce_styling();
        }
        t
    }

    /// Every table is printed here: fitted to the terminal, its words never cut; too wide for
    /// that, one record per block.
    pub fn print_table(&self, table: &Table) -> io::Result<()> {
        let mut table = table.clone();
        self.text(layout::render(&mut table, self.table_width))
    }

    /// A cell coloured by its tone (plain when colour is off).
    pub fn cell(&self, text: impl ToString, tone: Tone) -> Cell {
        let cell = Cell::new(visible(&text.to_string()));
        if !self.color {
            return cell;
        }
        match tone {
            Tone::Good => cell.fg(Color::Green),
            Tone::Warn => cell.fg(Color::Yellow),
            Tone::Bad => cell.fg(Color::Red),
            Tone::Muted => cell.fg(Color::DarkGrey),
            Tone::Plain => cell,
        }
    }

    /// A count that wants a look when it is not zero (rows rejected, rows missing): a warning
    /// then, plain otherwise.
    pub fn count_cell(&self, text: impl ToString, n: u64) -> Cell {
        self.cell(text, if n > 0 { Tone::Warn } else { Tone::Plain })
    }

    /// A remark for people on stderr (silent with -q).
    pub fn note(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{}", visible(&scrub(&text.to_string())));
        }
    }

    pub fn warn(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!(
                "{}: {}",
                self.paint("warning", "33"),
                visible(&scrub(&text.to_string()))
            );
        }
    }

    /// An error with its causes and a hint (cargo's layout).
    pub fn error(&self, message: &str, causes: &[String], hint: Option<&str>) {
        eprintln!(
            "{}: {}",
            self.paint("error", "31;1"),
            visible(&scrub(message))
        );
        for cause in causes {
            eprintln!("\nCaused by:\n    {}", visible(&scrub(cause)));
        }
        if let Some(h) = hint {
            eprintln!("{}: {}", self.paint("hint", "36"), visible(&scrub(h)));
        }
    }

    /// A pre-rendered diagnostic block (with location and snippet).
    pub fn diagnostic(&self, text: &str) {
        eprint!("{}: {}", self.paint("error", "31;1"), visible(&scrub(text)));
    }

    /// Asks a yes/no question on the terminal; false when stdin is not a terminal, `Stopped`
    /// when a signal (Ctrl-C) came while it waited.
    pub fn confirm(&self, question: &str) -> Result<bool, crate::interrupt::Stopped> {
        if !io::stdin().is_terminal() {
            return Ok(false);
        }
        eprint!("{question} [y/N] ");
        let _ = io::stderr().flush();
        // signals are caught and reads restart after them (SA_RESTART): a blocking read would
        // sit through Ctrl-C, so wait for the answer in short polls that look for a stop
        loop {
            if let Some(sig) = crate::interrupt::requested() {
                eprintln!();
                return Err(crate::interrupt::Stopped(sig));
            }
            let mut fd = libc::pollfd {
                fd: libc::STDIN_FILENO,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: poll reads and writes the one pollfd passed.
            let ready = unsafe { libc::poll(&mut fd, 1, 100) };
            let interrupted =
                ready < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted;
            // a line, a closed terminal or a poll that cannot work: the read decides
            if ready > 0 || (ready < 0 && !interrupted) {
                break;
            }
        }
        let mut answer = String::new();
        Ok(io::stdin().read_line(&mut answer).is_ok()
            && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
    }

    fn paint(&self, text: &str, sgr: &str) -> String {
        if self.color && io::stderr().is_terminal() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// `text` with control characters (other than newline and tab) shown as escapes, so that
/// bytes from a server, a lock file or an extract cannot drive the operator's terminal.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let is_control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_score_is_never_minus_zero() {
        assert_eq!(super::tenths(-0.0), "0.0");
        assert_eq!(super::tenths(-0.04), "0.0");
        assert_eq!(super::tenths(64.6), "64.6");
        assert_eq!(super::tenths(100.0), "100.0");
    }

    #[test]
    fn every_json_document_carries_its_version() {
        let mut object = serde_json::json!({"city": "xuchang", "score": 90});
        super::versioned(&mut object);
        assert_eq!(
            serde_json::to_string(&object).unwrap(),
            r#"{"v":1,"city":"xuchang","score":90}"#
        );
        let mut list = serde_json::json!([{"city": "a"}, {"city": "b"}]);
        super::versioned(&mut list);
        assert_eq!(list[1]["v"], 1);
        assert!(list.is_array(), "a list stays a list");
        let mut own = serde_json::json!({"v": 2});
        super::versioned(&mut own);
        assert_eq!(own["v"], 2, "a document with its own version keeps it");
    }

    #[test]
    fn control_bytes_are_shown_not_obeyed() {
        assert_eq!(super::visible("a\x1b[2Jb\n"), "a\\u{1b}[2Jb\n");
        assert_eq!(super::visible("许昌\tok"), "许昌\tok");
    }
}
