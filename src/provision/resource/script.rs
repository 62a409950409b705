//! The apply: one shell script per host doing every change in order, files written atomically
//! (a temp file beside the target, mode and owner set, then rename), stopping at the first
//! failure and saying which change and which command failed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::plan::{Action, Change};
use super::{Resource, SERVICE_DIR};
use crate::transport::shell_quote;

/// What the script reported.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    /// Indexes (into the changes) that were done.
    pub done: Vec<usize>,
    /// The change that failed, its exit status and what it printed.
    pub failed: Option<(usize, i32, String)>,
    /// Changes the host refused without the run failing (a kernel setting in a container),
    /// with its reason: never counted as done.
    pub refused: Vec<(usize, String)>,
}

/// The commands of one change (`None`: nothing to run for it).
fn commands(
    c: &Change,
    resources: &[Resource],
    root: &str,
    local: bool,
    systemd: bool,
) -> Option<String> {
    let p = |path: &str| shell_quote(&format!("{root}{path}"));
    if let Some((to, via)) = &c.delete_route {
        return Some(if local {
            ":".into()
        } else {
            format!("ip route del {} via {}", shell_quote(to), shell_quote(via))
        });
    }
    let r = &resources[c.index?];
    if c.action == Action::Unchanged {
        return None;
    }
    let chown = |path: &str, owner: &Option<super::Owner>| match owner {
        Some(o) if !local => format!(
            " && chown {}:{} {path}",
            shell_quote(&o.user),
            shell_quote(&o.group)
        ),
        _ => String::new(),
    };
    Some(match r {
        Resource::Group { name } => format!("groupadd --system {}", shell_quote(name)),
        Resource::User { name, group, home } => format!(
            "useradd --system --gid {} --home-dir {} --no-create-home --shell /usr/sbin/nologin {}",
            shell_quote(group),
            shell_quote(home),
            shell_quote(name)
        ),
        Resource::Dir { path, mode, owner } => {
            let d = p(path);
            let replace = if c.detail.contains("not a folder") {
                format!("rm -f {d} && ")
            } else {
                String::new()
            };
            // a new folder gets its mode as it is made (one command, not two)
            let make = if c.action == Action::Create && replace.is_empty() {
                format!("mkdir -p -m {mode:o} {d}")
            } else {
                format!("{replace}mkdir -p {d} && chmod {mode:o} {d}")
            };
            let guard = if replace.is_empty() {
                d.clone()
            } else {
                p(parent_of(path))
            };
            format!("confined {guard} && {make}{}", chown(&d, owner))
        }
        Resource::File {
            path,
            content,
            mode,
            owner,
            ..
        } => {
            let f = p(path);
            let tmp = p(&temp_name(path));
            let parent = p(parent_of(path));
            // written whole or not at all: the bytes that arrived are checked against the
            // checksum before the file is moved into place (a full disk truncates silently)
            let sha = crate::provision::resource::plan::sha256(content);
            let check = format!(
                "[ \"$(sha256sum < {tmp})\" = '{sha}  -' ] && chmod {mode:o} {tmp}{} && mv -fT {tmp} {f} \
                 || {{ rm -f {tmp}; echo 'not put in place (the old file, if any, is kept)' >&2; false; }}",
                chown(&tmp, owner)
            );
            match std::str::from_utf8(content) {
                // text is written by the shell itself (no process), quoted whole
                Ok(text) if !text.contains('\0') => format!(
                    "confined {parent} && {{ [ -d {parent} ] || mkdir -p {parent}; }} && printf '%s' {} > {tmp} && {check}",
                    shell_quote(text)
                ),
                _ => format!(
                    "confined {parent} && {{ [ -d {parent} ] || mkdir -p {parent}; }} && base64 -d > {tmp} <<'__JINBAO_EOF__' && {check}\n{}\n__JINBAO_EOF__",
                    wrap(&STANDARD.encode(content.as_slice())),
                ),
            }
        }
        Resource::Symlink { path, target } => {
            let tmp = p(&temp_name(path));
            // on the sandbox a link to an absolute path points inside the host's own folder
            let target = if local && target.starts_with('/') {
                format!("{root}{target}")
            } else {
                target.clone()
            };
            let parent = p(parent_of(path));
            format!(
                "confined {parent} && ln -sfn {} {tmp} && mv -fT {tmp} {}",
                shell_quote(&target),
                p(path)
            )
        }
        // a host may refuse a kernel setting (a container's /proc/sys is read-only): that is
        // said as its refusal, never as applied, and the run goes on
        Resource::Sysctl { key, value } => format!(
            "jb_out=$(sysctl -q -w {}={} 2>&1) || jb_refusal=\"refused by the host: $jb_out\"",
            shell_quote(key),
            shell_quote(value)
        ),
        Resource::Service { name, start, .. } => service_commands(
            c,
            name,
            start.as_deref().unwrap_or("true"),
            p,
            local,
            systemd,
        ),
        Resource::Restart { .. } | Resource::DbPassword { .. } if local => ":".into(),
        Resource::Restart { service, .. } => {
            let verb = if c.detail.starts_with("restart") {
                "restart"
            } else {
                "reload"
            };
            format!("systemctl {verb} {}", shell_quote(service))
        }
        Resource::DbPassword { role, password } => super::pg_server::set_password(role, password),
        Resource::Package { .. } if local => ":".into(),
        Resource::Package { .. } => super::packages::commands(r),
        Resource::Route { to, via, metric } => {
            if local {
                ":".into()
            } else {
                let m = metric.map(|m| format!(" metric {m}")).unwrap_or_default();
                format!(
                    "ip route replace {} via {}{m}",
                    shell_quote(to),
                    shell_quote(via)
                )
            }
        }
    })
}

/// A service enabled and started: by systemd where it runs, else by jinbao's runner.
fn service_commands(
    c: &Change,
    name: &str,
    start: &str,
    p: impl Fn(&str) -> String,
    local: bool,
    systemd: bool,
) -> String {
    let mut cmds = Vec::new();
    let want_enable = c.detail.contains("enable");
    let want_start = c.detail.contains("start");
    if systemd && !local {
        // systemd reads unit files once for the whole apply; `enable` would reload again
        cmds.push(format!("daemon_reload_if_changed {}", shell_quote(name)));
        if want_enable {
            cmds.push(format!(
                "systemctl enable --no-reload {}",
                shell_quote(name)
            ));
        }
        if want_start {
            cmds.push(format!("systemctl start {}", shell_quote(name)));
        }
    } else {
        let dir = p(SERVICE_DIR);
        cmds.push(format!("mkdir -p {dir}"));
        if want_enable {
            cmds.push(format!(
                "touch {}",
                p(&format!("{SERVICE_DIR}/{name}.enabled"))
            ));
        }
        if want_start && local {
            cmds.push(format!(
                "date +%s > {}",
                p(&format!("{SERVICE_DIR}/{name}.running"))
            ));
        } else if want_start {
            cmds.push(start_command(name, start));
        }
    }
    cmds.join(" && ")
}

/// `confined PATH`: true only when no part of PATH that exists is a link, so that nothing
/// jinbao creates or writes lands elsewhere than the path it names. Shell built-ins only (the
/// deepest part that exists is entered with `cd -P` and its physical path compared): it runs
/// for every change on every server and must not cost a process each time.
pub const CONFINED: &str = "confined() { p=$1; while [ ! -e \"$p\" ] && [ ! -L \"$p\" ]; do p=${p%/*}; p=${p:-/}; done; \
if [ -L \"$p\" ]; then echo \"$1 leads through a link: refused\" >&2; return 1; fi; \
[ -d \"$p\" ] || { p=${p%/*}; p=${p:-/}; }; \
o=$PWD; cd -P -- \"$p\" 2>/dev/null || { echo \"$1: cannot enter $p\" >&2; return 1; }; r=$PWD; cd -- \"$o\" 2>/dev/null; \
[ \"$r\" = \"$p\" ] || { echo \"$1 leads through a link: refused\" >&2; return 1; }; }\n";

/// `daemon_reload_if_changed NAME`: systemd reads unit files again only when the apply wrote
/// one since it last did, or NAME's changed on disk before (an apply that stopped halfway): a
/// reload costs the server's manager a pass over every unit, and `enable` no longer adds its
/// own. A unit written with no service change after it is read at the apply's end.
const DAEMON_RELOAD: &str = "daemon_reload_if_changed() { \
if [ -n \"$jb_units_changed\" ] || [ \"$(systemctl show -p NeedDaemonReload --value \"$1\" 2>/dev/null)\" = yes ]; \
then systemctl daemon-reload && jb_units_changed=; fi; }\n";

/// Whether writing `path` changes what systemd must read again.
fn is_unit_file(path: &str) -> bool {
    path.starts_with("/etc/systemd/")
}

/// jinbao's runner for servers without systemd: the start command in its own session, its
/// pid in `SERVICE_DIR/<name>.pid`, its output in `/var/log/jinbao/<name>.log`.
pub fn start_command(name: &str, start: &str) -> String {
    format!(
        "mkdir -p /var/log/jinbao {SERVICE_DIR} && \
         (setsid {start} >> {log} 2>&1 < /dev/null & echo $! > {pid})",
        start = shell_quote(start),
        log = shell_quote(&format!("/var/log/jinbao/{name}.log")),
        pid = shell_quote(&format!("{SERVICE_DIR}/{name}.pid")),
    )
}

/// The folder a server path lies in (`/` for a top-level one).
fn parent_of(path: &str) -> &str {
    path.rsplit_once('/')
        .map_or("/", |(d, _)| if d.is_empty() { "/" } else { d })
}

fn temp_name(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, base)) => format!("{dir}/.{base}.jinbao-tmp"),
        None => format!(".{path}.jinbao-tmp"),
    }
}

/// Base64 in lines of 76, as a here-document carries it.
pub fn wrap(b64: &str) -> String {
    b64.as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The script doing `changes` in order; `None` when nothing is to be done.
pub fn apply_script(
    changes: &[Change],
    resources: &[Resource],
    root: &str,
    local: bool,
    systemd: bool,
) -> Option<String> {
    let mut s = String::from(crate::script_lines::SHELL);
    s.push_str(CONFINED);
    if systemd && !local {
        s.push_str(DAEMON_RELOAD);
    }
    let mut any = false;
    for (i, c) in changes.iter().enumerate() {
        let Some(cmds) = commands(c, resources, root, local, systemd) else {
            continue;
        };
        any = true;
        let cmds = match &resources.get(c.index.unwrap_or(usize::MAX)) {
            Some(Resource::File { path, .. }) if systemd && !local && is_unit_file(path) => {
                format!("{cmds} && jb_units_changed=1")
            }
            _ => cmds,
        };
        // a change's own output goes to stderr (no process to capture it); on a failure the
        // script stops there, so stderr ends with what the failing change said
        s.push_str(&format!(
            "s{i}() {{\n{cmds}\n}}\ns{i} >&2 || jb_fail {i} $?\n\
             if [ -n \"$jb_refusal\" ]; then jb_refused {i} \"$jb_refusal\"; jb_refusal=; else jb_ok {i}; fi\n"
        ));
    }
    if systemd && !local {
        s.push_str("[ -z \"$jb_units_changed\" ] || systemctl daemon-reload\n");
    }
    any.then_some(s)
}

/// What the apply script reported (its steps are the changes' indexes).
pub fn parse_apply(stdout: &str) -> ApplyOutcome {
    let report = crate::script_lines::parse(stdout);
    let index = |step: &str| step.parse::<usize>().ok();
    ApplyOutcome {
        done: report.done.iter().filter_map(|(s, _)| index(s)).collect(),
        refused: report
            .refused
            .into_iter()
            .filter_map(|(s, reason)| Some((index(&s)?, reason)))
            .collect(),
        failed: report
            .failed
            .map(|f| (index(&f.step).unwrap_or(usize::MAX), f.status, f.reason)),
    }
}

/// The commands of change `i`, for error messages (file contents left out).
pub fn describe_commands(
    c: &Change,
    resources: &[Resource],
    root: &str,
    local: bool,
    systemd: bool,
) -> String {
    // a file's content is in its commands (it may be a secret): described, never shown
    if let Some(Resource::File {
        path,
        content,
        mode,
        ..
    }) = c.index.and_then(|i| resources.get(i))
    {
        if c.action != Action::Unchanged {
            let tmp = format!("{root}{}", temp_name(path));
            return format!(
                "write {tmp} ({} bytes, content not shown) && [ its SHA-256 is right ] && chmod {mode:o} {tmp} && mv -fT {tmp} {root}{path}",
                content.len()
            );
        }
    }
    if let Some(Resource::DbPassword { role, .. }) = c.index.and_then(|i| resources.get(i)) {
        return format!(
            "ALTER ROLE {role} PASSWORD (not shown), as postgres through the local socket"
        );
    }
    commands(c, resources, root, local, systemd).unwrap_or_default()
}
