//! Errors that point into a file: `file:line:col`, the offending line and a caret under it.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A text file read once and kept, so any later error can quote it.
#[derive(Debug)]
pub struct SourceText {
    /// The path as the user should see it (relative to where they ran jinbao when possible).
    pub name: String,
    pub text: String,
}

impl SourceText {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceText {
            name: name.into(),
            text: text.into(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset, and that line's text.
    pub fn locate(&self, offset: usize) -> (usize, usize, &str) {
        let offset = offset.min(self.text.len());
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        let line = self.text[..line_start].matches('\n').count() + 1;
        let col = self.text[line_start..offset].chars().count() + 1;
        (
            line,
            col,
            self.text[line_start..line_end].trim_end_matches('\r'),
        )
    }
}

/// One problem, at a place in a file when the place is known.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub file: Option<String>,
    pub line: usize,
    pub col: usize,
    pub snippet: Option<String>,
    /// How many characters the caret line underlines.
    pub width: usize,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `span` of `source`.
    pub fn at(source: &SourceText, span: Range<usize>, message: impl Into<String>) -> Self {
        let (line, col, text) = source.locate(span.start);
        let on_line = span
            .end
            .min(span.start + text.len())
            .saturating_sub(span.start);
        let width = source
            .text
            .get(span.start..span.start + on_line)
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count())
            .max(1);
        Diagnostic {
            message: message.into(),
            file: Some(source.name.clone()),
            line,
            col,
            snippet: Some(text.to_string()),
            width,
            hint: None,
        }
    }

    /// A problem with a whole file, or with no file at all.
    pub fn in_file(file: Option<&str>, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            file: file.map(str::to_string),
            line: 0,
            col: 0,
            snippet: None,
            width: 0,
            hint: None,
        }
    }

    /// The same problem with the offending value masked in the snippet (an inline secret).
    pub fn masked(mut self) -> Self {
        if let Some(snippet) = &self.snippet {
            let start = self.col.saturating_sub(1);
            let mut out: String = snippet.chars().take(start).collect();
            out.push_str(crate::privacy::MASK);
            out.extend(snippet.chars().skip(start + self.width));
            self.snippet = Some(out);
            self.width = crate::privacy::MASK.len();
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col`, or just the file.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(if self.line > 0 {
            format!("{file}:{}:{}", self.line, self.col)
        } else {
            file.clone()
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        let gutter = self.line.to_string().len();
        if let Some(location) = self.location() {
            writeln!(f, "{:gutter$}--> {location}", "")?;
        }
        if let Some(full) = &self.snippet {
            // a line of megabytes is shown as the part around the problem
            let (snippet, col) = window(full, self.col, SNIPPET_CHARS);
            let snippet = &snippet;
            let pad: String = snippet
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| match c {
                    '\t' => "\t",
                    c if is_wide(c) => "  ",
                    _ => " ",
                })
                .collect();
            let carets: usize = snippet
                .chars()
                .skip(col.saturating_sub(1))
                .take(self.width.min(SNIPPET_CHARS))
                .map(|c| if is_wide(c) { 2 } else { 1 })
                .sum();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {snippet}", self.line)?;
            writeln!(f, "{:gutter$} | {pad}{}", "", "^".repeat(carets.max(1)))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{:gutter$} = hint: {hint}", "")?;
        }
        Ok(())
    }
}

/// The most characters of a line a snippet shows.
const SNIPPET_CHARS: usize = 160;

/// At most `max` characters of `line` around column `col` (1-based), and the column in them.
fn window(line: &str, col: usize, max: usize) -> (String, usize) {
    let n = line.chars().count();
    if n <= max {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(1).saturating_sub(max / 4).min(n - max);
    let mut out: String = if start > 0 {
        "…".into()
    } else {
        String::new()
    };
    out.extend(line.chars().skip(start).take(max));
    out.push('…');
    (out, col - start + usize::from(start > 0))
}

/// East Asian wide characters (enough for Chinese text in profiles).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Every problem found in the configuration; the command stops with exit code 2.
#[derive(Debug)]
pub struct ConfigError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.diagnostics.len() {
            1 => write!(f, "{}", self.diagnostics[0].message),
            n => write!(f, "{n} problems in the profiles"),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_characters() {
        let src = SourceText::new("f.toml", "a = 1\nname = \"许昌\"\nbad = x\n");
        assert_eq!(src.locate(0), (1, 1, "a = 1"));
        let off = src.text.find("bad").unwrap();
        assert_eq!(src.locate(off), (3, 1, "bad = x"));
        let off = src.text.find('"').unwrap() + 1;
        assert_eq!(src.locate(off).1, 9);
    }

    #[test]
    fn renders_location_snippet_and_caret() {
        let src = SourceText::new("p/x.toml", "[city]\ncode = 12\n");
        let start = src.text.find("12").unwrap();
        let d = Diagnostic::at(&src, start..start + 2, "expected a string").with_hint("quote it");
        let text = d.to_string();
        assert!(text.contains("--> p/x.toml:2:8"), "{text}");
        assert!(text.contains("2 | code = 12"), "{text}");
        assert!(text.contains("  |        ^^"), "{text}");
        assert!(text.contains("= hint: quote it"), "{text}");
    }
}
