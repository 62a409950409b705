//! Software from the province's package mirror: the mirror as an apt source (its address and
//! signing key), then each role's packages installed, held at a version, or removed.
//!
//! Debian's apt is what the test bed proves; on a server with dnf (RHEL, Kylin) the same
//! resource runs `dnf` and reads `rpm` (written, not yet tried on such a server).

use std::collections::HashMap;

use super::Resource;
use super::plan::Action;
use crate::transport::shell_quote;

/// Where the mirror's source and key are written on a Debian server.
pub const SOURCE_FILE: &str = "/etc/apt/sources.list.d/jinbao-mirror.sources";
pub const KEY_FILE: &str = "/etc/apt/keyrings/jinbao-mirror.asc";

/// One package as the server's package database has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub version: String,
    /// Held at its version (`apt-mark hold`, or dnf's versionlock).
    pub held: bool,
}

/// The packages `spec` names, each `name` or `name=version` (a version is installed and held).
pub fn wanted(spec: &str) -> (String, Option<String>) {
    match spec.split_once('=') {
        Some((name, version)) => (name.to_string(), Some(version.to_string())),
        None => (spec.to_string(), None),
    }
}

/// The mirror's apt source, in deb822 form.
pub fn source_text(mirror: &str, suite: &str, components: &[String]) -> String {
    format!(
        "# written by jinbao provision: the province's package mirror ([packages] mirror)\n\
         Types: deb\nURIs: {mirror}\nSuites: {suite}\nComponents: {}\nSigned-By: {KEY_FILE}\n",
        components.join(" ")
    )
}

/// The probe's part for `names`: `@P` then `name TAB version TAB status` for each installed
/// one (dpkg's status letters: a first `h` is a hold, a second `i` is installed).
pub fn probe(names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = names.iter().map(|n| shell_quote(n)).collect();
    let list = quoted.join(" ");
    format!(
        "echo @P; if command -v dpkg-query >/dev/null 2>&1; then \
           dpkg-query -W -f='${{Package}}\\t${{Version}}\\t${{db:Status-Abbrev}}\\n' {list} 2>/dev/null; \
         elif command -v rpm >/dev/null 2>&1; then \
           rpm -q --qf '%{{NAME}}\\t%{{VERSION}}-%{{RELEASE}}\\tii\\n' {list} 2>/dev/null | grep -v ' is not installed'; \
           {{ dnf versionlock list 2>/dev/null || true; }} | sed -n 's/^\\([A-Za-z0-9_.+-]*\\)-[0-9].*/\\1\\thold/p'; \
         fi\n"
    )
}

/// One line of the probe's `@P` section into `seen`.
pub fn parse_line(line: &str, seen: &mut HashMap<String, Installed>) {
    match line.split('\t').collect::<Vec<_>>().as_slice() {
        [name, "hold"] => {
            if let Some(p) = seen.get_mut(*name) {
                p.held = true;
            }
        }
        [name, version, status] => {
            let s = status.as_bytes();
            if s.get(1) == Some(&b'i') {
                seen.insert(
                    name.to_string(),
                    Installed {
                        version: version.to_string(),
                        held: s.first() == Some(&b'h'),
                    },
                );
            }
        }
        _ => {}
    }
}

/// What would change of one package.
pub fn compare(
    name: &str,
    version: &Option<String>,
    present: bool,
    seen: &HashMap<String, Installed>,
) -> (Action, String) {
    match (seen.get(name), present) {
        (None, false) => (Action::Unchanged, "not installed".into()),
        (Some(p), false) => (Action::Delete, format!("remove {}", p.version)),
        (None, true) => (
            Action::Create,
            match version {
                Some(v) => format!("install {v} and hold it"),
                None => "install".into(),
            },
        ),
        (Some(p), true) => match version {
            None => (Action::Unchanged, p.version.clone()),
            Some(v) if *v == p.version && p.held => (Action::Unchanged, format!("{v}, held")),
            Some(v) if *v == p.version => (Action::Update, format!("{v}: hold it")),
            Some(v) => (Action::Update, format!("{} → {v}, held", p.version)),
        },
    }
}

/// The commands of one package change. `apt-get update` runs once per script, before the first
/// package; apt waits `lock_wait_s` for a lock another process holds, then fails with its own
/// reason.
pub fn commands(r: &Resource) -> String {
    let Resource::Package {
        name,
        version,
        present,
        lock_wait_s,
    } = r
    else {
        return String::new();
    };
    let n = shell_quote(name);
    let apt = format!(
        "DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout={lock_wait_s} -o Dpkg::Options::=--force-confold"
    );
    let refresh = format!(
        "{{ [ -n \"$jb_apt_fresh\" ] || {{ {apt} update >/dev/null && jb_apt_fresh=1; }}; }}"
    );
    if !present {
        return format!(
            "if command -v apt-get >/dev/null 2>&1; then apt-mark unhold {n} >/dev/null 2>&1; {apt} remove {n}; \
             else dnf -y remove {n}; fi"
        );
    }
    match version {
        None => format!(
            "if command -v apt-get >/dev/null 2>&1; then {refresh} && {apt} --no-install-recommends install {n}; \
             else dnf -y install {n}; fi"
        ),
        Some(v) => {
            let apt_pin = shell_quote(&format!("{name}={v}"));
            let dnf_pin = shell_quote(&format!("{name}-{v}"));
            format!(
                "if command -v apt-get >/dev/null 2>&1; then apt-mark unhold {n} >/dev/null 2>&1; \
                   {refresh} && {apt} --no-install-recommends --allow-downgrades install {apt_pin} && apt-mark hold {n} >/dev/null; \
                 else dnf -y install {dnf_pin} && dnf versionlock add {n}; fi"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_lines_say_installed_and_held() {
        let mut seen = HashMap::new();
        for line in [
            "postgresql-15\t15.10-0+deb12u1\thi ",
            "nginx-light\t1.22.1-9\tii ",
            "exim4\t4.96-15\trc ",
        ] {
            parse_line(line, &mut seen);
        }
        assert!(seen["postgresql-15"].held);
        assert!(!seen["nginx-light"].held);
        assert!(
            !seen.contains_key("exim4"),
            "configuration left is not installed"
        );
        let v = Some("15.10-0+deb12u1".to_string());
        assert_eq!(
            compare("postgresql-15", &v, true, &seen).0,
            Action::Unchanged
        );
        assert_eq!(
            compare("nginx-light", &None, true, &seen).0,
            Action::Unchanged
        );
        assert_eq!(
            compare("nginx-light", &None, false, &seen).0,
            Action::Delete
        );
        assert_eq!(compare("curl", &None, true, &seen).0, Action::Create);
        let other = Some("15.9".to_string());
        assert_eq!(
            compare("postgresql-15", &other, true, &seen).0,
            Action::Update
        );
    }

    #[test]
    fn a_pinned_package_is_installed_at_its_version_and_held() {
        let r = Resource::Package {
            name: "postgresql-15".into(),
            version: Some("15.10-0+deb12u1".into()),
            present: true,
            lock_wait_s: 120,
        };
        let c = commands(&r);
        assert!(
            c.contains("install postgresql-15=15.10-0+deb12u1")
                || c.contains("install 'postgresql-15=15.10-0+deb12u1'"),
            "{c}"
        );
        assert!(c.contains("apt-mark hold"), "{c}");
        assert!(c.contains("DPkg::Lock::Timeout=120"), "{c}");
    }
}
