//! Each site's profile merged from its layers: the province center's and every city's, with
//! their placeholders expanded, and the center first.

use super::{Files, Layers, LoadOptions};
use crate::diagnostic::Diagnostic;
use crate::profile::merge::{LayerRef, merge};
use crate::profile::source::{KeyPath, ProfileFile};
use crate::profile::{Layer, Site, SiteKind, SiteProfile};

/// The province center's site and every city's, each merged from its layers (or the problem
/// that spoils it).
pub(super) fn build_sites(read: &mut Layers, opts: &LoadOptions) -> Vec<Result<Site, Diagnostic>> {
    let (builtin, province, env, flags) = (read.builtin, read.province, read.env, read.flags);
    let files = &read.files;
    let placeholders = Placeholders {
        state: opts.state_dir.display().to_string(),
        env: opts.env.clone(),
    };
    let empty = toml::Table::new();
    let sub = |id: usize, path: &[&str]| -> (&toml::Table, KeyPath) {
        let mut table = &files.list[id].table;
        for key in path {
            table = table.get(*key).and_then(|v| v.as_table()).unwrap_or(&empty);
        }
        (table, path.iter().map(|s| s.to_string()).collect())
    };
    let layer = |layer: Layer, id: usize, path: &[&str]| {
        let (table, prefix) = sub(id, path);
        LayerRef {
            layer,
            file: id,
            prefix,
            table,
        }
    };

    let mut sites = Vec::new();
    // the province center: [province] gives it its identity
    let identity = province_identity(&files.list[province].table);
    let layers = [
        layer(Layer::Builtin, builtin, &[]),
        layer(Layer::Province, province, &["defaults"]),
        LayerRef {
            layer: Layer::Province,
            file: province,
            prefix: vec!["province".into()],
            table: &identity,
        },
        layer(Layer::Province, province, &["center"]),
        layer(Layer::Environment, env, &["defaults"]),
        layer(Layer::Environment, env, &["province"]),
        layer(Layer::CommandLine, flags, &[]),
    ];
    sites.push(build_site(
        SiteKind::Province,
        &layers,
        &placeholders,
        files,
    ));

    let mut city_diags = Vec::new();
    for (path, id) in &read.cities {
        let Some(id) = *id else { continue };
        city_diags.extend(province_only_keys(&files.list[id]));
        let pinyin = files.list[id]
            .table
            .get("city")
            .and_then(|c| c.get("pinyin"))
            .and_then(|p| p.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| {
                path.file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            });
        let layers = [
            layer(Layer::Builtin, builtin, &[]),
            layer(Layer::Province, province, &["defaults"]),
            layer(Layer::City, id, &[]),
            layer(Layer::Environment, env, &["defaults"]),
            layer(Layer::Environment, env, &["cities", &pinyin]),
            layer(Layer::CommandLine, flags, &[]),
        ];
        sites.push(build_site(SiteKind::City, &layers, &placeholders, files));
    }
    read.files.diags.extend(city_diags);
    sites
}

/// Where jinbao runs and what runs on the controller is the province's (or an environment's)
/// to say, in every environment, whether or not an overlay hides it: a city file that chose
/// the local transport and a health script would run that script as root on the controller.
fn province_only_keys(file: &ProfileFile) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for key in [
        &["datacenter", "transport"][..],
        &["datacenter", "local_root"],
        &["app", "health", "script"],
    ] {
        let mut value = Some(&file.table);
        for k in &key[..key.len() - 1] {
            value = value.and_then(|t| t.get(*k)).and_then(|v| v.as_table());
        }
        if value.is_some_and(|t| t.contains_key(key[key.len() - 1])) {
            let path: Vec<String> = key.iter().map(|k| k.to_string()).collect();
            let d = file
                .diagnostic(
                    &path,
                    format!(
                        "{} can be set only in province.toml or an environment file, not in a city's file",
                        key.join(".")
                    ),
                )
                .with_hint(
                    "the province sets it for a city in the environment's file ([cities.<pinyin>])",
                );
            diags.push(d);
        }
    }
    diags
}

/// The province center's site first, then the cities' by code; the problems of sites that
/// could not be built go to `diags`. None when the province's could not be.
pub(super) fn province_first(
    sites: Vec<Result<Site, Diagnostic>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Site>> {
    let mut city_sites: Vec<Site> = Vec::new();
    let mut province_site = None;
    for s in sites {
        let s = match s {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match s.kind {
            SiteKind::Province => province_site = Some(s),
            SiteKind::City => city_sites.push(s),
        }
    }
    city_sites.sort_by(|a, b| a.code().cmp(b.code()));
    let mut all = vec![province_site?];
    all.extend(city_sites);
    Some(all)
}

struct Placeholders {
    state: String,
    env: String,
}

fn build_site(
    kind: SiteKind,
    layers: &[LayerRef<'_>],
    placeholders: &Placeholders,
    files: &Files,
) -> Result<Site, Diagnostic> {
    let mut merged = merge(layers);
    let (pinyin, code) = {
        let city = merged.table.get("city");
        let get = |k: &str| {
            city.and_then(|c| c.get(k))
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        (get("pinyin"), get("code"))
    };
    expand(&mut merged.table, &|s: &str| {
        s.replace("{pinyin}", &pinyin)
            .replace("{code}", &code)
            .replace("{state}", &placeholders.state)
            .replace("{env}", &placeholders.env)
    });
    // every layer passed the schema alone, so only an expanded placeholder can break it
    let profile: SiteProfile = toml::Value::Table(merged.table.clone())
        .try_into()
        .map_err(|e: toml::de::Error| {
            let file = layers
                .iter()
                .find(|l| l.layer == Layer::City)
                .unwrap_or(&layers[0])
                .file;
            Diagnostic::in_file(
                Some(&files.list[file].source.name),
                format!(
                    "the merged profile of `{pinyin}` is not valid: {}",
                    crate::serde_words::plain(e.message()).0
                ),
            )
        })?;
    Ok(Site {
        kind,
        profile,
        merged: merged.table,
        origins: merged.origins,
    })
}

fn expand(table: &mut toml::Table, f: &dyn Fn(&str) -> String) {
    for (_, value) in table.iter_mut() {
        expand_value(value, f);
    }
}

fn expand_value(value: &mut toml::Value, f: &dyn Fn(&str) -> String) {
    match value {
        toml::Value::String(s) if s.contains('{') => *s = f(s),
        toml::Value::Array(items) => items.iter_mut().for_each(|v| expand_value(v, f)),
        toml::Value::Table(t) => expand(t, f),
        _ => {}
    }
}

/// `[province]` of province.toml as the center's `[city]` table.
fn province_identity(province: &toml::Table) -> toml::Table {
    let mut city = toml::Table::new();
    if let Some(info) = province.get("province").and_then(|v| v.as_table()) {
        for key in ["code", "name", "pinyin"] {
            if let Some(v) = info.get(key) {
                city.insert(key.into(), v.clone());
            }
        }
    }
    let mut t = toml::Table::new();
    t.insert("city".into(), toml::Value::Table(city));
    t
}
