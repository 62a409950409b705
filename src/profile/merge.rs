//! Deep merge of layers with provenance: tables merge key by key, anything else is replaced,
//! and every value remembers the file and key it came from.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Layer;
use super::source::{KeyPath, ProfileFile};

/// Where one merged value was written.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    pub layer: Layer,
    /// Index of the file in the loaded set.
    #[serde(skip)]
    pub file: usize,
    /// The key path inside that file.
    #[serde(skip)]
    pub path: KeyPath,
}

impl Origin {
    pub fn describe(&self, files: &[ProfileFile]) -> String {
        let file = &files[self.file];
        match file.span(&self.path) {
            Some(span) => {
                let (line, _, _) = file.source.locate(span.key.start);
                format!("{}:{line}", file.source.name)
            }
            None => file.source.name.clone(),
        }
    }

    pub fn diagnostic(
        &self,
        files: &[ProfileFile],
        message: impl Into<String>,
    ) -> crate::diagnostic::Diagnostic {
        files[self.file].diagnostic(&self.path, message)
    }
}

/// One layer's contribution: the table found at `prefix` in file `file`.
pub struct LayerRef<'a> {
    pub layer: Layer,
    pub file: usize,
    pub prefix: KeyPath,
    pub table: &'a toml::Table,
}

#[derive(Debug, Default)]
pub struct Merged {
    pub table: toml::Table,
    pub origins: BTreeMap<KeyPath, Origin>,
}

pub fn merge(layers: &[LayerRef<'_>]) -> Merged {
    let mut out = Merged::default();
    for layer in layers {
        merge_table(&mut out, layer, layer.table, &mut Vec::new());
    }
    out
}

fn merge_table(out: &mut Merged, layer: &LayerRef<'_>, src: &toml::Table, path: &mut KeyPath) {
    for (key, value) in src {
        path.push(key.clone());
        let origin = Origin {
            layer: layer.layer,
            file: layer.file,
            path: layer.prefix.iter().chain(path.iter()).cloned().collect(),
        };
        let dst = table_at(&mut out.table, &path[..path.len() - 1]);
        match (dst.get_mut(key), value) {
            (Some(toml::Value::Table(_)), toml::Value::Table(inner)) => {
                out.origins.insert(path.clone(), origin);
                merge_table(out, layer, inner, path);
            }
            _ => {
                // replaced whole: forget where the old value's parts came from
                out.origins.retain(|p, _| !p.starts_with(path));
                dst.insert(key.clone(), value.clone());
                record(out, layer, value, path, origin);
            }
        }
        path.pop();
    }
}

fn record(
    out: &mut Merged,
    layer: &LayerRef<'_>,
    value: &toml::Value,
    path: &mut KeyPath,
    origin: Origin,
) {
    out.origins.insert(path.clone(), origin);
    if let toml::Value::Table(inner) = value {
        for (key, v) in inner {
            path.push(key.clone());
            let o = Origin {
                layer: layer.layer,
                file: layer.file,
                path: layer.prefix.iter().chain(path.iter()).cloned().collect(),
            };
            record(out, layer, v, path, o);
            path.pop();
        }
    }
}

/// The table at `path`, created when missing (the path only ever walks tables).
fn table_at<'t>(root: &'t mut toml::Table, path: &[String]) -> &'t mut toml::Table {
    let mut table = root;
    for key in path {
        let entry = table
            .entry(key.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        table = entry.as_table_mut().expect("made a table just above");
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> toml::Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn tables_merge_and_arrays_replace() {
        let low = t("[a]\nx = 1\nlist = [1, 2]\n[a.s.one]\nv = 1\n");
        let high = t("[a]\ny = 2\nlist = [3]\n[a.s.two]\nv = 2\n");
        let m = merge(&[
            LayerRef {
                layer: Layer::Builtin,
                file: 0,
                prefix: vec![],
                table: &low,
            },
            LayerRef {
                layer: Layer::City,
                file: 1,
                prefix: vec!["defaults".into()],
                table: &high,
            },
        ]);
        let expect = t("[a]\nx = 1\ny = 2\nlist = [3]\n[a.s.one]\nv = 1\n[a.s.two]\nv = 2\n");
        assert_eq!(m.table, expect);
        let o = &m.origins[&vec!["a".to_string(), "list".to_string()]];
        assert_eq!((o.layer, o.file), (Layer::City, 1));
        assert_eq!(o.path, vec!["defaults", "a", "list"]);
        let o = &m.origins[&vec!["a".to_string(), "x".to_string()]];
        assert_eq!(o.layer, Layer::Builtin);
    }
}
