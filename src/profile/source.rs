//! One profile file: its text, its values and where each key sits, so that any later problem
//! can be reported at `file:line:col`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use super::secret;
use crate::diagnostic::{Diagnostic, SourceText};

/// A path of keys from the top of a file, e.g. `["datacenter", "servers", "xc-db1", "address"]`.
pub type KeyPath = Vec<String>;

/// Shows a key path the way TOML writes it: `datacenter.servers.xc-db1`, quoting odd keys.
pub fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|k| {
            if !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                k.clone()
            } else {
                format!("{k:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[derive(Debug, Clone)]
pub struct Span {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// A parsed profile file.
#[derive(Debug)]
pub struct ProfileFile {
    pub source: Arc<SourceText>,
    pub table: toml::Table,
    spans: HashMap<KeyPath, Span>,
}

impl ProfileFile {
    /// Parses `text`; on syntax errors returns every one found.
    pub fn parse(name: String, text: String) -> Result<Self, Vec<Diagnostic>> {
        let source = SourceText::new(name, text);
        let (doc, errors) = DeTable::parse_recoverable(&source.text);
        if !errors.is_empty() {
            return Err(errors
                .iter()
                .map(|e| toml_diagnostic(&source, e, "invalid TOML"))
                .collect());
        }
        let mut spans = HashMap::new();
        collect_spans(doc.get_ref(), &mut Vec::new(), &mut spans);
        let table = toml::from_str::<toml::Table>(&source.text)
            .map_err(|e| vec![toml_diagnostic(&source, &e, "invalid TOML")])?;
        Ok(ProfileFile {
            source,
            table,
            spans,
        })
    }

    pub fn span(&self, path: &[String]) -> Option<&Span> {
        self.spans.get(path)
    }

    /// A diagnostic at the value under `path` (or the file when the path is not in it).
    pub fn diagnostic(&self, path: &[String], message: impl Into<String>) -> Diagnostic {
        match self.span(path) {
            Some(span) => Diagnostic::at(&self.source, span.value.clone(), message),
            None => Diagnostic::in_file(Some(&self.source.name), message),
        }
    }

    /// Checks the file against the schema `T`: unknown keys and wrong types, every one of them.
    ///
    /// serde stops at the first error, so after each one the offending entry is blanked out
    /// (offsets kept) and the file is read again.
    pub fn check_schema<T: DeserializeOwned>(&self) -> Vec<Diagnostic> {
        let mut text = self.source.text.clone();
        let mut found = Vec::new();
        for _ in 0..50 {
            let err = match toml::from_str::<T>(&text) {
                Ok(_) => break,
                Err(e) => e,
            };
            let Some(span) = err.span() else {
                found.push(Diagnostic::in_file(
                    Some(&self.source.name),
                    crate::serde_words::plain(err.message()).0,
                ));
                break;
            };
            found.push(toml_diagnostic(&self.source, &err, "invalid profile"));
            if !blank_entry(&mut text, span.start) {
                break;
            }
        }
        found
    }

    /// Every password, key or token written inline, and every DSN carrying a password.
    pub fn inline_secrets(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        walk_values(&self.table, &mut Vec::new(), &mut |path, value| {
            let key = path.last().map(String::as_str).unwrap_or("");
            if let Some(what) = secret::inline_secret(key, value) {
                if let Some(text) = value.as_str() {
                    secret::register_inline(key, text);
                }
                found.push(
                    self.diagnostic(path, format!("{what} at `{}`", dotted(path)))
                        .masked()
                        .with_hint(secret::INLINE_SECRET_HINT),
                );
            }
        });
        found
    }
}

/// Calls `f` for every non-table value under `table`.
pub fn walk_values(
    table: &toml::Table,
    path: &mut KeyPath,
    f: &mut dyn FnMut(&KeyPath, &toml::Value),
) {
    for (key, value) in table {
        path.push(key.clone());
        match value {
            toml::Value::Table(inner) => walk_values(inner, path, f),
            other => f(path, other),
        }
        path.pop();
    }
}

fn collect_spans(table: &DeTable<'_>, path: &mut KeyPath, out: &mut HashMap<KeyPath, Span>) {
    for (key, value) in table.iter() {
        path.push(key.get_ref().to_string());
        out.insert(
            path.clone(),
            Span {
                key: key.span(),
                value: value.span(),
            },
        );
        match value.get_ref() {
            DeValue::Table(inner) => collect_spans(inner, path, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    out.insert(
                        path.clone(),
                        Span {
                            key: item.span(),
                            value: item.span(),
                        },
                    );
                    if let DeValue::Table(inner) = item.get_ref() {
                        collect_spans(inner, path, out);
                    }
                    path.pop();
                }
            }
            _ => {}
        }
        path.pop();
    }
}

fn toml_diagnostic(source: &SourceText, err: &toml::de::Error, fallback: &str) -> Diagnostic {
    let message = err.message().trim();
    let (message, hint) = if message.is_empty() {
        (fallback.to_string(), None)
    } else {
        crate::serde_words::plain(message)
    };
    let d = match err.span() {
        Some(span) => Diagnostic::at(source, span, message),
        None => Diagnostic::in_file(Some(&source.name), message),
    };
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Blanks the entry at `offset` (a `key = value` line, or a `[table]` header with its body)
/// keeping every other offset. False when nothing sensible can be blanked.
fn blank_entry(text: &mut String, offset: usize) -> bool {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..line_end].trim_start();
    let end = if line.starts_with('[') {
        // a table header: blank its whole body, up to the next header
        let mut end = line_end;
        while end < text.len() {
            let next_start = end + 1;
            let next_end = text[next_start..]
                .find('\n')
                .map_or(text.len(), |i| next_start + i);
            if text[next_start..next_end].trim_start().starts_with('[') {
                break;
            }
            end = next_end;
        }
        end
    } else {
        line_end
    };
    if start >= end {
        return false;
    }
    // keep byte offsets: every character becomes as many spaces as its UTF-8 length
    let blanked: String = text[start..end]
        .chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            c => " ".repeat(c.len_utf8()),
        })
        .collect();
    text.replace_range(start..end, &blanked);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        a: Option<u32>,
        t: Option<Inner>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: Option<String>,
    }

    #[test]
    fn every_schema_error_is_reported_with_its_line() {
        let text = "a = \"x\"\nbogus = 1\n[t]\nname = 3\nother = \"许昌\"\n";
        let file = ProfileFile::parse("f.toml".into(), text.into()).unwrap();
        let found = file.check_schema::<Shape>();
        let lines: Vec<usize> = found.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1, 2, 4, 5], "{found:#?}");
    }

    #[test]
    fn spans_point_at_values() {
        let file = ProfileFile::parse("f.toml".into(), "[t]\nname = \"v\"\n".into()).unwrap();
        let d = file.diagnostic(&["t".into(), "name".into()], "bad");
        assert_eq!((d.line, d.col), (2, 8));
    }

    #[test]
    fn syntax_errors_are_located() {
        let errs = ProfileFile::parse("f.toml".into(), "a = \n".into()).unwrap_err();
        assert_eq!(errs[0].line, 1);
    }
}
