//! The safe sets: what a name, a path on a server, a path under `templates/` or a release's
//! own path may look like. Profiles and release manifests come from many hands; every value
//! that ends up in a shell command or a path on a server passes one of these checks first, so
//! that quoting is a second line of defence, not the only one.

use std::path::{Component, Path};

use super::Site;

/// Folders a profile may place things in on a server when the province sets none
/// (`provision.allowed_roots`).
pub const DEFAULT_ROOTS: &[&str] = &[
    "/opt",
    "/srv",
    "/data",
    "/etc/jinbao",
    "/var/lib/jinbao",
    "/var/log/jinbao",
];

/// Folders that are never an allowed root themselves: the system lives there.
const SYSTEM_DIRS: &[&str] = &[
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/proc", "/root",
    "/run", "/sbin", "/sys", "/tmp", "/usr", "/var",
];

/// The longest name or version (the messages of [`Unsafe`] say 64).
const NAME_MAX: usize = 64;

/// A value outside its safe set. Each carries a short, printable excerpt of the value (values
/// can be megabytes long, or hold control characters) and says what the set allows.
#[derive(Debug, thiserror::Error)]
pub enum Unsafe {
    #[error(
        "`{0}` is not a safe name: use letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters"
    )]
    Name(String),
    #[error(
        "`{0}` is not a user or group name: lower-case letters, digits, `_` and `-`, starting with a letter, at most 32 characters"
    )]
    Account(String),
    #[error(
        "`{0}` is not a usable version: letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"
    )]
    Version(String),
    #[error("`{0}` must be a relative path like `bin/health-check`")]
    NotRelative(String),
    #[error("`{0}` is not a normalised relative path (no `..`, `.` or `//`)")]
    NotNormalised(String),
    #[error("in `{path}`: {part}")]
    Part { path: String, part: Box<Unsafe> },
    #[error("`{path}` is outside the folders jinbao may change on a server ({roots})")]
    OutsideRoots { path: String, roots: String },
    #[error("`{0}` is a system folder: name a folder of its own below it (e.g. /etc/jinbao)")]
    SystemFolder(String),
    #[error(
        "`{0}` must be an absolute, normalised path of safe names (no `..`, `.`, `//`, spaces or quotes)"
    )]
    NotAbsolute(String),
    #[error("`{0}` must be a path under templates/ (relative, without `..`)")]
    NotTemplatePath(String),
    #[error("{}: {source}", .path.display())]
    Unreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("`{rel}` leads outside {} (to {})", .base.display(), .to.display())]
    LeadsOutside {
        rel: String,
        base: std::path::PathBuf,
        to: std::path::PathBuf,
    },
    #[error(
        "`{0}` is not an endpoint: write HOST:PORT, the host an IP address, a host name or {{gateway}}"
    )]
    Endpoint(String),
    #[error("`{0}` must be one line of text without control characters, at most 4096 bytes")]
    NotOneLine(String),
    #[error(
        "`{0}` must be a program and its arguments separated by spaces, made of letters, digits and `_./:=,+@%{{}}-` (no quotes, pipes, redirections or substitutions)"
    )]
    CommandWords(String),
    #[error("`{0}` is not a sysctl key")]
    SysctlKey(String),
    #[error("a script cannot hold a NUL byte")]
    NulInScript,
    #[error(
        "`{0}` is not a package: write `name` or `name=version` (a name of lower-case letters, digits and `+.-`; a version of letters, digits and `.+~:-`)"
    )]
    Package(String),
    #[error("web_proxy `{0}` is not \"\" or \"nginx\"")]
    WebProxy(String),
    #[error("a package mirror needs its signing key")]
    MirrorWithoutKey,
    #[error(
        "`{0}` is not a mirror address: write http://HOST[:PORT]/PATH or https://… (letters, digits and `./:_~-` only)"
    )]
    MirrorUrl(String),
}

/// A name that may stand anywhere: a server, a service, a route, a release. Letters, digits,
/// `.`, `_`, `-`; starting with a letter or digit; at most 64 characters.
pub fn name(s: &str) -> Result<(), Unsafe> {
    let ok = !s.is_empty()
        && s.len() <= NAME_MAX
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Unsafe::Name(excerpt(s)))
    }
}

/// A user or group name as `useradd` takes it: lower case, digits, `_` and `-`.
pub fn account(s: &str) -> Result<(), Unsafe> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && (s.as_bytes()[0].is_ascii_lowercase() || s.as_bytes()[0] == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Unsafe::Account(excerpt(s)))
    }
}

/// A release version: letters, digits, `.`, `_`, `+`, `-`, starting with a letter or digit.
pub fn version(s: &str) -> Result<(), Unsafe> {
    let ok = !s.is_empty()
        && s.len() <= NAME_MAX
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Unsafe::Version(excerpt(s)))
    }
}

/// A path below some folder, written relative to it: normalised, no `..`, no `.`, no empty
/// part, each part a safe name (`bin/health-check`, `logs`).
pub fn relative(s: &str) -> Result<(), Unsafe> {
    if s.is_empty() || s.starts_with('/') || s.ends_with('/') || s.len() > 4096 {
        return Err(Unsafe::NotRelative(excerpt(s)));
    }
    for part in s.split('/') {
        if part == ".." || part == "." || part.is_empty() {
            return Err(Unsafe::NotNormalised(excerpt(s)));
        }
        name(part).map_err(|e| Unsafe::Part {
            path: excerpt(s),
            part: Box::new(e),
        })?;
    }
    Ok(())
}

/// An absolute, normalised path on a server inside one of `roots`.
pub fn server_path(s: &str, roots: &[String]) -> Result<(), Unsafe> {
    absolute(s)?;
    if roots.iter().any(|r| within(s, r)) {
        Ok(())
    } else {
        Err(Unsafe::OutsideRoots {
            path: excerpt(s),
            roots: roots.join(", "),
        })
    }
}

/// An allowed root: absolute, normalised, and not a system folder itself.
pub fn root(s: &str) -> Result<(), Unsafe> {
    absolute(s)?;
    if SYSTEM_DIRS.contains(&s) {
        return Err(Unsafe::SystemFolder(s.to_string()));
    }
    Ok(())
}

/// Absolute, normalised: `/a/b`, never `/a/../b`, `/a/./b`, `/a//b` or `/a/`.
pub fn absolute(s: &str) -> Result<(), Unsafe> {
    let normal = s.starts_with('/')
        && (s == "/" || !s.ends_with('/'))
        && s.len() <= 4096
        && s[1..]
            .split('/')
            .all(|p| p.is_empty() && s == "/" || name(p).is_ok());
    if normal {
        Ok(())
    } else {
        Err(Unsafe::NotAbsolute(excerpt(s)))
    }
}

/// True when `path` is `root` or below it.
pub fn within(path: &str, root: &str) -> bool {
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/') || root == "/")
}

/// `path` resolved inside `base` (a real folder): links followed, and the result still inside.
pub fn inside_folder(base: &Path, rel: &str) -> Result<std::path::PathBuf, Unsafe> {
    relative_loose(rel)?;
    let base_real = base.canonicalize().map_err(|source| Unsafe::Unreadable {
        path: base.to_path_buf(),
        source,
    })?;
    let full = base_real.join(rel);
    let real = full.canonicalize().map_err(|source| Unsafe::Unreadable {
        path: full.clone(),
        source,
    })?;
    if real.starts_with(&base_real) {
        Ok(real)
    } else {
        Err(Unsafe::LeadsOutside {
            rel: excerpt(rel),
            base: base.to_path_buf(),
            to: real,
        })
    }
}

/// A relative path with no `..` or absolute part (other characters allowed: template names).
fn relative_loose(rel: &str) -> Result<(), Unsafe> {
    let p = Path::new(rel);
    if rel.is_empty()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(Unsafe::NotTemplatePath(excerpt(rel)));
    }
    Ok(())
}

/// An endpoint a server must reach: `HOST:PORT`, the host an IP address, a host name (letters,
/// digits, `.` and `-`) or `{gateway}` (the server's gateway). The host ends up inside a
/// `bash -c` that opens `/dev/tcp/HOST/PORT`, so nothing else may stand there.
pub fn endpoint(s: &str) -> Result<(), Unsafe> {
    let bad = || Unsafe::Endpoint(excerpt(s));
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let host_ok = host == "{gateway}"
        || host.parse::<std::net::IpAddr>().is_ok()
        || (!host.is_empty()
            && host.len() <= 253
            && host.as_bytes()[0].is_ascii_alphanumeric()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b)));
    match port.parse::<u16>() {
        Ok(p) if p > 0 && host_ok => Ok(()),
        _ => Err(bad()),
    }
}

/// A package as the package manager takes it: `name` (Debian's rules: lower case, digits,
/// `+.-`, starting with a letter or digit) or `name=version` (a Debian or RPM version).
pub fn package(s: &str) -> Result<(), Unsafe> {
    let (name, version) = match s.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (s, None),
    };
    let name_ok = name.len() >= 2
        && name.len() <= NAME_MAX
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(&b));
    let version_ok = version.is_none_or(|v| {
        !v.is_empty()
            && v.len() <= NAME_MAX
            && v.as_bytes()[0].is_ascii_alphanumeric()
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".+~:-".contains(&b))
    });
    if name_ok && version_ok {
        Ok(())
    } else {
        Err(Unsafe::Package(excerpt(s)))
    }
}

/// The mirror's address, written into an apt source: http or https, and nothing a file or a
/// shell would read another way.
pub fn mirror_url(s: &str) -> Result<(), Unsafe> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    let ok = rest.is_some_and(|r| {
        !r.is_empty()
            && r.len() <= 2048
            && r.as_bytes()[0].is_ascii_alphanumeric()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"./:_~-".contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(Unsafe::MirrorUrl(excerpt(s)))
    }
}

/// Text with no line breaks or other control characters (values written into files).
pub fn one_line(s: &str) -> Result<(), Unsafe> {
    if s.chars().any(char::is_control) || s.len() > 4096 {
        Err(Unsafe::NotOneLine(excerpt(s)))
    } else {
        Ok(())
    }
}

/// A short, printable excerpt of a value for messages (values can be megabytes long).
pub fn excerpt(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(60)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The words of a command written in a profile (`{install}/current/bin/health-check --quick`):
/// a program and its arguments, split at spaces, each word from a safe set. No pipes,
/// redirections, quotes or substitutions: each word is quoted when the command is run.
pub fn command_words(s: &str) -> Result<Vec<String>, Unsafe> {
    let words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    let safe = |w: &str| {
        w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./:=,+@%{}-".contains(&b))
    };
    if words.is_empty() || s.chars().any(char::is_control) || !words.iter().all(|w| safe(w)) {
        return Err(Unsafe::CommandWords(excerpt(s)));
    }
    Ok(words)
}

/// Every value of a site that reaches a server's shell or file system, checked: (the key path
/// of the value, what is wrong, how to fix it).
pub fn check_site(site: &Site) -> Vec<(Vec<String>, Unsafe, Option<&'static str>)> {
    let p = &site.profile;
    let mut out = Vec::new();
    let mut push = |path: &[&str], r: Result<(), Unsafe>, hint: Option<&'static str>| {
        if let Err(e) = r {
            out.push((path.iter().map(|s| s.to_string()).collect(), e, hint));
        }
    };
    let roots: Vec<String> = if p.provision.allowed_roots.is_empty() {
        DEFAULT_ROOTS.iter().map(|s| s.to_string()).collect()
    } else {
        p.provision.allowed_roots.clone()
    };
    for (i, r) in p.provision.allowed_roots.iter().enumerate() {
        push(
            &["provision", "allowed_roots", &i.to_string()],
            root(r),
            None,
        );
    }
    const ROOTS_HINT: Option<&str> =
        Some("paths on servers must lie inside provision.allowed_roots (set by the province)");
    for name_of in p.datacenter.servers.keys() {
        push(&["datacenter", "servers", name_of], name(name_of), None);
    }
    for route in p.network.routes.keys() {
        push(&["network", "routes", route], name(route), None);
    }
    let server = &p.database.server;
    push(
        &["database", "server", "version"],
        name(&server.version),
        None,
    );
    for (k, v) in &server.settings {
        push(&["database", "server", "settings", k], name(k), None);
        push(&["database", "server", "settings", k], one_line(v), None);
    }
    let proxy = &p.provision.web_proxy;
    if !["", "nginx"].contains(&proxy.as_str()) {
        push(
            &["provision", "web_proxy"],
            Err(Unsafe::WebProxy(excerpt(proxy))),
            None,
        );
    }
    let pk = &p.packages;
    if !pk.mirror.is_empty() {
        push(&["packages", "mirror"], mirror_url(&pk.mirror), None);
    }
    if !pk.mirror.is_empty() && pk.mirror_key.is_empty() {
        push(
            &["packages", "mirror_key"],
            Err(Unsafe::MirrorWithoutKey),
            Some(
                "name its ASCII-armoured public key: a file under templates/ or an absolute path on this machine",
            ),
        );
    }
    push(&["packages", "suite"], name(&pk.suite), None);
    for (i, c) in pk.components.iter().enumerate() {
        push(&["packages", "components", &i.to_string()], name(c), None);
    }
    for (role, list) in &pk.roles {
        for (i, spec) in list.iter().enumerate() {
            push(
                &["packages", "roles", role, &i.to_string()],
                package(spec),
                None,
            );
        }
    }
    for (i, spec) in pk.remove.iter().enumerate() {
        push(&["packages", "remove", &i.to_string()], package(spec), None);
    }
    for (name_of, value) in p.network.endpoints.iter().filter(|(_, v)| !v.is_empty()) {
        push(&["network", "endpoints", name_of], endpoint(value), None);
    }
    let app = &p.app;
    if !app.service.is_empty() {
        push(&["app", "service"], name(&app.service), None);
    }
    if !app.user.is_empty() {
        push(&["app", "user"], account(&app.user), None);
    }
    if !app.group.is_empty() {
        push(&["app", "group"], account(&app.group), None);
    }
    if !app.name.is_empty() {
        push(&["app", "name"], one_line(&app.name), None);
    }
    push(
        &["app", "install_dir"],
        server_path(&app.install_dir, &roots),
        ROOTS_HINT,
    );
    push(
        &["app", "config_dir"],
        server_path(&app.config_dir, &roots),
        ROOTS_HINT,
    );
    for (i, d) in app.shared_dirs.iter().enumerate() {
        push(&["app", "shared_dirs", &i.to_string()], relative(d), None);
    }
    if !app.health.command.is_empty() {
        push(
            &["app", "health", "command"],
            command_words(&app.health.command).map(|_| ()),
            Some(
                "for a shell pipeline, write it as app.health.script (run by sh -c, quoted whole)",
            ),
        );
    }
    if !app.health.script.is_empty() && app.health.script.contains('\0') {
        push(&["app", "health", "script"], Err(Unsafe::NulInScript), None);
    }
    for (i, d) in p.provision.directories.iter().enumerate() {
        push(
            &["provision", "directories", &i.to_string()],
            server_path(d, &roots),
            ROOTS_HINT,
        );
    }
    for dest in p.provision.files.keys() {
        push(
            &["provision", "files", dest],
            server_path(dest, &roots),
            ROOTS_HINT,
        );
    }
    for (key, value) in &p.provision.sysctl {
        let key_ok = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        push(
            &["provision", "sysctl", key],
            if key_ok {
                Ok(())
            } else {
                Err(Unsafe::SysctlKey(excerpt(key)))
            },
            None,
        );
        push(&["provision", "sysctl", key], one_line(value), None);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert!(name("hebi-app1").is_ok());
        assert!(name("x$(touch /tmp/p)").is_err());
        assert!(name("a\"\nb").is_err());
        assert!(name(".hidden").is_err());
        assert!(version("1.2.0-rc.1+b7").is_ok());
        assert!(version("../../../../tmp/victim").is_err());
        assert!(relative("bin/health-check").is_ok());
        assert!(relative("../x").is_err());
        assert!(relative("a//b").is_err());
        let roots = vec!["/opt".to_string(), "/etc/jinbao".to_string()];
        assert!(server_path("/opt/jinbao", &roots).is_ok());
        assert!(server_path("/etc/jinbao", &roots).is_ok());
        assert!(server_path("/opt/../etc", &roots).is_err());
        assert!(server_path("/etc/jinbaox", &roots).is_err());
        assert!(server_path("/etc/shadow", &roots).is_err());
        assert!(server_path("/opt/a b", &roots).is_err());
        assert!(root("/etc").is_err());
        assert!(root("/etc/jinbao").is_ok());
        assert!(absolute("/").is_ok());
        assert!(command_words("{install}/current/bin/health-check --quick").is_ok());
        assert!(command_words("x; rm -rf /").is_err());
        assert!(command_words("a $(b)").is_err());
    }
}
