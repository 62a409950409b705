//! The scripts a rollout runs on a server, one round trip each, and what they report.
//!
//! On the server: `<install>/releases/<version>/` (unpacked, then renamed into place, so it is
//! complete or absent), `<install>/releases/.<version>.sha256` (the tarball it came from),
//! `<install>/current` (a symlink switched with rename), `<install>/.rollout.lock/` (the city lock).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::provision::resource::{CONFINED, SERVICE_DIR};
use crate::transport::shell_quote;

/// What `preflight` found on one server.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServerFacts {
    /// The version `current` points at (None: no current release).
    pub current: Option<String>,
    /// Installed versions, newest install first.
    pub installed: Vec<String>,
    /// Checksum of the tarball the target version was installed from (when installed).
    pub target_sha256: Option<String>,
    /// Free space where releases are unpacked, in KiB.
    pub free_kb: u64,
    /// The lock, when one is held: its info line.
    pub lock: Option<String>,
    /// Configuration the release needs that the server does not have (never provisioned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

fn q(root: &str, path: &str) -> String {
    shell_quote(&format!("{root}{path}"))
}

/// Reads the state of the install folder (no changes), in sections of raw tool output.
pub fn preflight_script(root: &str, install: &str, version: &str) -> String {
    let i = q(root, install);
    let v = shell_quote(version);
    format!(
        "I={i}; V={v}\n\
         echo @current; readlink \"$I/current\"\n\
         echo @installed; ls -1t \"$I\"/releases/.*.sha256 2>/dev/null\n\
         echo @sha; [ -d \"$I/releases/$V\" ] && read -r x < \"$I/releases/.$V.sha256\" 2>/dev/null && printf '%s\\n' \"$x\"\n\
         d=\"$I\"; while [ ! -d \"$d\" ]; do d=${{d%/*}}; d=${{d:-/}}; done\n\
         echo @free; [ -d \"$I/releases/$V\" ] || df -Pk \"$d\"\n\
         echo @lock; [ -f \"$I/.rollout.lock/info\" ] && read -r x < \"$I/.rollout.lock/info\" && printf '%s\\n' \"$x\"\n\
         true\n"
    )
}

/// The preflight, also listing which of `needed` (paths on the server) are missing.
pub fn preflight_needing(root: &str, install: &str, version: &str, needed: &[String]) -> String {
    let mut s = preflight_script(root, install, version);
    if !needed.is_empty() {
        let paths: Vec<String> = needed.iter().map(|p| shell_quote(p)).collect();
        s.push_str(&format!(
            "echo @missing; R={}; for f in {}; do [ -e \"$R$f\" ] || printf '%s\\n' \"$f\"; done; true\n",
            shell_quote(root),
            paths.join(" ")
        ));
    }
    s
}

pub use crate::state::installed::version_of;

/// The preflight of every application and web server of `fleet`, one round trip each
/// (`version`: the release asked about, `-` for none): what `rollout plan`, `releases` and
/// `lock status` read.
pub fn preflight_app_servers(
    profiles: &crate::profile::Profiles,
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
    phase: &str,
    version: &str,
) -> Vec<crate::fleet::HostResult<ServerFacts>> {
    let app: Vec<usize> = (0..fleet.len())
        .filter(|i| fleet.host(*i).runs_app())
        .collect();
    fleet.each(Some(&app), progress, phase, |host, t, _| {
        let install = &profiles.of_host(host).profile.app.install_dir;
        let o = t.run(
            &preflight_script(t.root(), install, version),
            b"",
            std::time::Duration::from_secs(60),
        )?;
        Ok(parse_preflight(&o.stdout_text()))
    })
}

pub fn parse_preflight(text: &str) -> ServerFacts {
    let mut f = ServerFacts::default();
    let mut section = "";
    for line in text.lines() {
        if let Some(tag) = line.strip_prefix('@') {
            section = tag;
            continue;
        }
        let v = line.trim();
        if v.is_empty() {
            continue;
        }
        match section {
            "current" => f.current = version_of(v),
            "installed" => {
                let name = v.rsplit('/').next().unwrap_or(v);
                if let Some(version) = name
                    .strip_prefix('.')
                    .and_then(|n| n.strip_suffix(".sha256"))
                {
                    f.installed.push(version.to_string());
                }
            }
            "sha" => f.target_sha256 = Some(v.to_string()),
            "free" => {
                if let Some(avail) = v.split_whitespace().nth(3).and_then(|x| x.parse().ok()) {
                    f.free_kb = avail;
                }
            }
            "lock" => f.lock = Some(v.to_string()),
            "missing" => f.missing.push(v.to_string()),
            _ => {}
        }
    }
    f
}

/// Takes the city lock on this server (mkdir is atomic); a lock of the same run is ours.
/// Prints `LOCKED` or `HELD <info>`, and leaves `L_OK=1` set when the lock is held, for what
/// the same round trip does next.
pub fn lock_script(root: &str, install: &str, run: &str, info: &str) -> String {
    let i = q(root, install);
    format!(
        "I={i}; L=\"$I/.rollout.lock\"; L_OK=; {CONFINED}confined \"$I\" || exit 1; [ -d \"$I\" ] || mkdir -p \"$I\"\n\
         if mkdir \"$L\" 2>/dev/null; then printf '%s\\n' {info} > \"$L/info\"; echo LOCKED; L_OK=1\n\
         else cur=; read -r cur < \"$L/info\" 2>/dev/null; case \"$cur\" in *{run}*) echo LOCKED; L_OK=1;; *) printf 'HELD\\t%s\\n' \"$cur\";; esac; fi\n",
        info = shell_quote(info),
        run = shell_quote(&format!("run={run} "))
    )
}

/// Removes the lock if it is this run's (or any lock, with `force`).
pub fn unlock_script(root: &str, install: &str, run: Option<&str>) -> String {
    let i = q(root, install);
    match run {
        Some(run) => format!(
            "L={i}/.rollout.lock; cur=; read -r cur < \"$L/info\" 2>/dev/null; case \"$cur\" in *{}*) rm -rf \"$L\";; esac; true\n",
            shell_quote(&format!("run={run} "))
        ),
        None => format!("rm -rf {i}/.rollout.lock\n"),
    }
}

/// Removes the lock only if its holder is still exactly `info` (a dead holder being taken
/// over: never a lock someone took in the meantime).
pub fn unlock_exact_script(root: &str, install: &str, info: &str) -> String {
    let i = q(root, install);
    format!(
        "L={i}/.rollout.lock; cur=; read -r cur < \"$L/info\" 2>/dev/null; [ \"$cur\" = {} ] && rm -rf \"$L\"; true\n",
        shell_quote(info)
    )
}

/// What a deploy needs to do on one server.
pub struct DeployPlan<'a> {
    pub root: &'a str,
    pub install: &'a str,
    pub version: &'a str,
    pub sha256: &'a str,
    /// Assemble the release from the server's store: the announced keys' SHA-256 and the
    /// skeleton's key (the transfer put every object there).
    pub upload: Option<(&'a str, &'a str)>,
    /// Switch `current`, restart and check health (false: only install the release).
    pub activate: bool,
    /// Files rendered from the release's templates: path in the release → content.
    pub rendered: &'a BTreeMap<String, String>,
    pub shared_dirs: &'a [String],
    /// Restart the service after the switch (name, start command); None: no service.
    pub service: Option<(&'a str, &'a str)>,
    pub local: bool,
    /// The health check command (already expanded), its timeout and interval in seconds.
    pub health: &'a str,
    pub health_timeout: u64,
    pub health_interval: u64,
}

/// `step NAME`: reports a step done and the milliseconds since the script began (the
/// timings of `rollout --timings`); `fail STEP REASON...`: the step failed, with why (the
/// lines of `script_lines`, as every server script writes them).
/// Built-ins only (the clock is /proc/uptime's, in hundredths): a step costs no process.
const STEP_FN: &str = "cs() { read u _ < /proc/uptime; u=${u%.*}${u#*.}; while [ \"${u#0}\" != \"$u\" ]; do u=${u#0}; done; T=${u:-0}; }; cs; t0=$T; \
step() { cs; jb_ok \"$1\" $(( (T - t0) * 10 )); }\n\
fail() { jb_s=$1; shift; jb_fail \"$jb_s\" 1 \"$@\"; }\n";

/// `fail STEP 'message'`: the message is one shell word, whatever it holds.
fn fail_with(step: &str, message: &str) -> String {
    format!("fail {step} {}", shell_quote(message))
}

/// Unpack (when uploading), switch `current`, restart, and wait for health: one round trip.
/// Reports `STEP <name> ok` lines and `FAIL <step>` followed by the reason. The release is
/// unpacked into a temp folder that is removed whatever happens (a failed upload never leaves
/// a full disk behind), without the tarball's owners or modes, and moved into place whole.
/// gzip reads the stream itself (`tar -z` would feed it 512 bytes at a time, a context switch
/// each: a third of a second per release on a busy server).
pub fn deploy_script(d: &DeployPlan<'_>) -> String {
    let i = q(d.root, d.install);
    let v = shell_quote(d.version);
    let mut s = format!(
        "I={i}; V={v}; export JINBAO_HOST_ROOT={root}\n\
         {lines}{STEP_FN}{CONFINED}\
         confined \"$I\" || {}\n",
        fail_with(
            if d.upload.is_some() {
                "upload"
            } else {
                "switch"
            },
            "the install folder leads through a link"
        ),
        root = shell_quote(d.root),
        lines = crate::script_lines::SHELL,
    );
    if let Some((keys_sha, skeleton)) = d.upload {
        // the skeleton (folders, links, a hard link into the store per file) is checked by its
        // hash and unpacked from the install folder: every file a link to a verified object
        s.push_str(&format!(
            "T=\"$I/releases/.$V.tmp\"; trap 'rm -rf \"$T\"' EXIT\n\
             for x in \"$I\"/releases/.*.tmp; do [ -e \"$x\" ] && rm -rf \"$x\"; done; mkdir -p \"$I/releases\" || {}\n\
             S=\"$I/{store}\"; SK={sk}; KS={ks}\n\
             [ ! -L \"$S\" ] && [ ! -L \"$S/objects\" ] && [ -f \"$S/objects/$SK\" ] && [ \"$(sha256sum < \"$S/objects/$SK\")\" = \"$SK  -\" ] || {}\n\
             out=$(gzip -dc < \"$S/objects/$SK\" | tar -C \"$I\" --no-same-owner --no-same-permissions -xf - 2>&1) || fail upload \"tar: $out\"\n\
             [ -d \"$T\" ] || {}\n",
            fail_with("upload", "cannot make the releases folder"),
            fail_with("upload", "the release's skeleton is not whole in the store (transfer it again)"),
            fail_with("upload", "the release's skeleton made no release folder"),
            store = crate::release::content::STORE,
            sk = shell_quote(skeleton),
            ks = shell_quote(keys_sha),
        ));
        for (path, content) in d.rendered {
            let rel = path.strip_suffix(".j2").unwrap_or(path);
            let dest = shell_quote(rel);
            // a fresh file: never written through whatever the tarball put at that path
            s.push_str(&format!(
                "rm -rf \"$T\"/{dest} && base64 -d > \"$T\"/{dest} <<'__JINBAO_EOF__' || {}\n{}\n__JINBAO_EOF__\n",
                fail_with("upload", &format!("cannot write {rel}")),
                crate::provision::resource::wrap(&STANDARD.encode(content.as_bytes()))
            ));
        }
        for dir in d.shared_dirs {
            let dq = shell_quote(dir);
            s.push_str(&format!(
                "mkdir -p \"$I/shared\"/{dq} && rm -rf \"$T\"/{dq} && ln -s \"$I/shared\"/{dq} \"$T\"/{dq} || {}\n",
                fail_with("upload", &format!("cannot link shared {dir}"))
            ));
        }
        s.push_str(&format!(
            "{{ [ ! -e \"$I/releases/$V\" ] || rm -rf \"$I/releases/$V\"; }} && mv -T \"$T\" \"$I/releases/$V\" && printf '%s\\n' {sha} > \"$I/releases/.$V.sha256\" || {}\n\
             ln -f \"$S/layouts/$KS.keys\" \"$S/layouts/release-$V.keys\" 2>/dev/null; trap - EXIT\n\
             step upload\n",
            fail_with("upload", "cannot move the release into place"),
            sha = shell_quote(d.sha256)
        ));
    }
    if d.activate {
        s.push_str(&switch(
            "$V",
            "release $V is not installed",
            "cannot switch current",
        ));
        s.push_str(&restart(d.root, d.service, d.local));
        let unit = d.service.filter(|_| !d.local).map(|(name, _)| name);
        s.push_str(&health(d.health, d.health_timeout, d.health_interval, unit));
    }
    s
}

/// Points `current` at release `$var` with one rename (never a moment without a whole release).
fn switch(var: &str, missing: &str, failed: &str) -> String {
    format!(
        "[ -d \"$I/releases/{var}\" ] || fail switch \"{missing}\"\n\
         ln -sfn \"$I/releases/{var}\" \"$I/.current.tmp\" && mv -fT \"$I/.current.tmp\" \"$I/current\" || {}\n\
         step switch\n",
        fail_with("switch", failed)
    )
}

fn restart(root: &str, service: Option<(&str, &str)>, local: bool) -> String {
    let Some((name, start)) = service else {
        return String::new();
    };
    let n = shell_quote(name);
    let failed = fail_with("restart", &format!("cannot restart {name}"));
    if local {
        let running = q(root, &format!("{SERVICE_DIR}/{name}.running"));
        return format!(
            "mkdir -p {dir} && date +%s > {running} || {failed}\nstep restart\n",
            dir = q(root, SERVICE_DIR)
        );
    }
    format!(
        "if [ -d /run/systemd/system ]; then out=$(systemctl restart {n} 2>&1) || fail restart \"$out\"; \
         else p=$(cat {pid} 2>/dev/null) && kill \"$p\" 2>/dev/null; \
         out=$( {start} 2>&1 ) || fail restart \"$out\"; fi\nstep restart\n",
        pid = shell_quote(&format!("{SERVICE_DIR}/{name}.pid")),
        start = crate::provision::resource::start_command(name, start)
    )
}

/// Runs the health check until it passes or the timeout ends; `HEALTHY` or `FAIL health`.
/// It is tried again after 50 ms, then twice as long each time up to `interval`, so a service
/// that is ready at once is seen at once. Where systemd runs `unit`, a failure also says what
/// systemd says of it: its state and its last journal lines that say why it died (its own
/// words and systemd's exit line, not the start, stop and restart lines a crash loop repeats
/// until they push the reason out).
pub fn health(command: &str, timeout: u64, interval: u64, unit: Option<&str>) -> String {
    let max_ms = (interval.max(1) * 1000).max(50);
    let why = match unit {
        Some(name) => {
            let n = shell_quote(name);
            format!(
                "[ -d /run/systemd/system ] && out=\"$out\n{name} (systemd): $(systemctl show -p ActiveState,SubState,Result,NRestarts {n} 2>/dev/null | tr '\\n' ' ')\n$(journalctl -u {n} -n 200 --no-pager -o cat 2>/dev/null | grep -v -E '^(Started|Starting|Stopped|Stopping) |Scheduled restart job|Consumed ' | tail -n 6)\"; "
            )
        }
        None => String::new(),
    };
    format!(
        "end=$(( $(date +%s) + {timeout} )); w=50\n\
         while :; do out=$( ( {command} ) 2>&1 ) && break; \
         [ \"$(date +%s)\" -ge \"$end\" ] && {{ {why}fail health \"$out\"; }}; \
         sleep \"$((w / 1000)).$(printf '%03d' $((w % 1000)))\"; w=$((w * 2)); [ \"$w\" -gt {max_ms} ] && w={max_ms}; done\n\
         step health\n"
    )
}

/// Points `current` back at `previous` (or removes it when there was none), restarts, checks.
pub fn rollback_script(
    root: &str,
    install: &str,
    previous: Option<&str>,
    service: Option<(&str, &str)>,
    local: bool,
    health_cmd: &str,
    timeout: u64,
) -> String {
    let i = q(root, install);
    let mut s = format!(
        "I={i}; export JINBAO_HOST_ROOT={root}\n\
         {lines}{STEP_FN}",
        root = shell_quote(root),
        lines = crate::script_lines::SHELL,
    );
    match previous {
        Some(p) => {
            s.push_str(&format!("P={}\n", shell_quote(p)));
            s.push_str(&switch(
                "$P",
                "previous release $P is gone",
                "cannot switch back",
            ));
            s.push_str(&restart(root, service, local));
            let unit = service.filter(|_| !local).map(|(name, _)| name);
            s.push_str(&health(health_cmd, timeout, 1, unit));
        }
        None => s.push_str("rm -f \"$I/current\"; step switch\n"),
    }
    s
}

/// Stops the application where a release is installed (nothing installed: nothing to stop),
/// as `restart` would have started it: systemd's unit, the process of its pid file, or the
/// local host's marker.
pub fn stop_script(root: &str, install: &str, service: &str, local: bool) -> String {
    let mut s = format!(
        "I={i}; export JINBAO_HOST_ROOT={r}\n{lines}{STEP_FN}[ -e \"$I/current\" ] || exit 0\n",
        i = q(root, install),
        r = shell_quote(root),
        lines = crate::script_lines::SHELL,
    );
    let failed = fail_with("stop", &format!("cannot stop {service}"));
    if local {
        let running = q(root, &format!("{SERVICE_DIR}/{service}.running"));
        s.push_str(&format!("rm -f {running} || {failed}\nstep stop\n"));
    } else {
        s.push_str(&format!(
            "if [ -d /run/systemd/system ]; then out=$(systemctl stop {n} 2>&1) || fail stop \"$out\"; \
             else p=$(cat {pid} 2>/dev/null) && kill \"$p\" 2>/dev/null && \
             {{ n=0; while kill -0 \"$p\" 2>/dev/null; do n=$((n+1)); [ $n -gt 100 ] && fail stop \"process $p did not stop in 10 s\"; sleep 0.1; done; }}; fi\nstep stop\n",
            n = shell_quote(service),
            pid = shell_quote(&format!("{SERVICE_DIR}/{service}.pid")),
        ));
    }
    s
}

/// Starts the application of the installed release again and waits for its health check.
pub fn start_script(
    root: &str,
    install: &str,
    service: (&str, &str),
    local: bool,
    health_cmd: &str,
    timeout: u64,
) -> String {
    let mut s = format!(
        "I={i}; export JINBAO_HOST_ROOT={r}\n{lines}{STEP_FN}[ -e \"$I/current\" ] || exit 0\n",
        i = q(root, install),
        r = shell_quote(root),
        lines = crate::script_lines::SHELL,
    );
    s.push_str(&restart(root, Some(service), local));
    let unit = (!local).then_some(service.0);
    s.push_str(&health(health_cmd, timeout, 1, unit));
    s
}

/// Drops from the store what no kept release uses (objects an hour old at least: a transfer
/// of another run may be filling the store for a release not yet assembled). A kept release
/// never loses a file: its files are links of their own to the same content.
pub const PRUNE_STORE: &str = "S=\"$I/releases/.store\"; if [ -d \"$S/objects\" ] && [ ! -L \"$S\" ] && [ ! -L \"$S/objects\" ]; then\n\
  for f in \"$S\"/layouts/release-*.keys; do [ -f \"$f\" ] || continue; v=${f##*/release-}; v=${v%.keys}; [ -d \"$I/releases/$v\" ] || rm -f \"$f\"; done\n\
  cat \"$S\"/layouts/release-*.keys 2>/dev/null | LC_ALL=C sort -u > \"$S/.keep\"\n\
  n=$(cd \"$S/objects\" && ls -1 | LC_ALL=C sort | LC_ALL=C comm -23 - \"$S/.keep\" | xargs -r sh -c 'find \"$@\" -maxdepth 0 -type f -mmin +60 -print -delete' sh | wc -l)\n\
  [ \"$n\" -gt 0 ] && printf 'STORE_PRUNED\\t%s\\n' \"$n\"\n\
  find \"$S/layouts\" -maxdepth 1 -name '*.keys' -links 1 ! -name 'release-*' -mmin +1440 -delete 2>/dev/null; rm -f \"$S/.keep\"\n\
fi\n";

/// Deletes releases beyond the newest `keep`, never `current` nor `previous`; then unlocks.
pub fn finalize_script(
    root: &str,
    install: &str,
    keep: u32,
    protect: &[&str],
    run: &str,
) -> String {
    let i = q(root, install);
    let protect: Vec<String> = protect.iter().map(|p| shell_quote(p)).collect();
    format!(
        "I={i}; n=0\n\
         for f in $(ls -1t \"$I\"/releases/.*.sha256 2>/dev/null); do v=${{f##*/.}}; v=${{v%.sha256}}; n=$((n+1))\n\
           case \" {protect} \" in *\" $v \"*) continue;; esac\n\
           if [ \"$n\" -gt {keep} ]; then rm -rf \"$I/releases/$v\" \"$f\" && printf 'PRUNED\\t%s\\n' \"$v\"; fi\n\
         done\n{prune}{}",
        unlock_script(root, install, Some(run)),
        protect = protect.join(" "),
        prune = PRUNE_STORE,
    )
}

/// The steps a script reported done, and the step that failed with its reason.
pub type Steps = (Vec<String>, Option<(String, String)>);

/// The steps done, and the failure (step, reason) if any.
pub fn parse_steps(text: &str) -> Steps {
    let report = crate::script_lines::parse(text);
    (
        report.done.into_iter().map(|(step, _)| step).collect(),
        report.failed.map(|f| (f.step, f.reason)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_output() {
        let f = parse_preflight(
            "@current\n/opt/jinbao/releases/1.0.0\n@installed\n/opt/jinbao/releases/.1.1.0.sha256\n/opt/jinbao/releases/.1.0.0.sha256\n\
             @sha\nabc\n@free\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 100 50 1234 50% /\n@lock\n",
        );
        assert_eq!(f.current.as_deref(), Some("1.0.0"));
        assert_eq!(f.installed, vec!["1.1.0", "1.0.0"]);
        assert_eq!(f.target_sha256.as_deref(), Some("abc"));
        assert_eq!(f.free_kb, 1234);
        assert_eq!(f.lock, None);
        assert_eq!(
            version_of("/x/opt/jinbao/releases/2.0/"),
            Some("2.0".into())
        );
        assert_eq!(version_of("/opt/elsewhere"), None);
    }

    #[test]
    fn steps() {
        let (done, fail) =
            parse_steps("OK\tupload\t10\nOK\tswitch\t20\nFAIL\thealth\t1\nnot ready\n");
        assert_eq!(done, vec!["upload", "switch"]);
        assert_eq!(fail, Some(("health".into(), "not ready".into())));
    }
}
