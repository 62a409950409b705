//! A city's PostgreSQL server, built on its `db` servers (`[database.server] manage`): the
//! settings jinbao owns (listening on the city address, TLS with a certificate from the
//! province's CA, SCRAM passwords), who may connect (`pg_hba.conf`: the city's app and web
//! servers and the networks the profile names, nobody else), the admin's password, and a
//! restart or reload only when a file it reads changed.

use std::net::IpAddr;
use std::sync::Arc;

use super::{Owner, Resource};
use crate::profile::SiteProfile;
use crate::transport::shell_quote;

/// The cluster Debian's package makes: `postgresql@<version>-main`.
pub fn cluster_dir(version: &str) -> String {
    format!("/etc/postgresql/{version}/main")
}

/// What the server's resources are made of.
pub struct ServerSpec<'a> {
    pub p: &'a SiteProfile,
    /// The db server's own address on the city network.
    pub address: IpAddr,
    /// The certificate and key the province's CA issued to it.
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    /// The admin's password (a secret: never shown).
    pub admin_password: String,
    /// The settings that archive its log to the province's repository (pgBackRest), when
    /// the province has a backup host.
    pub archive: Vec<(&'static str, String)>,
}

/// Every resource of the server, in the order they are applied.
pub fn resources(s: &ServerSpec<'_>) -> Vec<Resource> {
    let server = &s.p.database.server;
    let dir = cluster_dir(&server.version);
    let postgres = Some(Owner {
        user: "postgres".into(),
        group: "postgres".into(),
    });
    let file =
        |path: String, content: Vec<u8>, mode: u32, secret: bool, source: &str| Resource::File {
            path,
            content: Arc::new(content),
            mode,
            owner: postgres.clone(),
            secret,
            source: source.to_string(),
        };
    let conf = format!("{dir}/conf.d/90-jinbao.conf");
    let hba = format!("{dir}/pg_hba.conf");
    let (cert, key) = (
        format!("{dir}/jinbao-server.crt"),
        format!("{dir}/jinbao-server.key"),
    );
    vec![
        file(
            cert.clone(),
            s.cert.clone(),
            0o644,
            false,
            "the province CA",
        ),
        file(key.clone(), s.key.clone(), 0o600, true, "the province CA"),
        file(
            conf.clone(),
            settings(s, &cert, &key).into_bytes(),
            0o644,
            false,
            "[database.server]",
        ),
        file(
            hba.clone(),
            access(s.p).into_bytes(),
            0o640,
            false,
            "[database.server] and the city's servers",
        ),
        Resource::Restart {
            service: format!("postgresql@{}-main", server.version),
            restart_on: vec![conf, cert, key],
            reload_on: vec![hba],
        },
        Resource::DbPassword {
            role: s.p.database.admin.user.clone(),
            password: s.admin_password.clone(),
        },
    ]
}

/// `postgresql.conf` settings jinbao owns (a file in `conf.d`, read after the package's own).
fn settings(s: &ServerSpec<'_>, cert: &str, key: &str) -> String {
    let mut out = String::from(
        "# written by jinbao provision ([database.server]); the package's postgresql.conf is left as it is\n",
    );
    let set = |out: &mut String, k: &str, v: &str| {
        out.push_str(&format!("{k} = '{}'\n", v.replace('\'', "''")))
    };
    set(
        &mut out,
        "listen_addresses",
        &format!("localhost,{}", s.address),
    );
    set(&mut out, "ssl", "on");
    set(&mut out, "ssl_cert_file", cert);
    set(&mut out, "ssl_key_file", key);
    set(&mut out, "password_encryption", "scram-sha-256");
    for (k, v) in &s.archive {
        set(&mut out, k, v);
    }
    // the profile's settings come last and win; the memory settings go in between, sized
    // from the server itself when its plan is made
    out.push_str(MEMORY_MARKER);
    for (k, v) in &s.p.database.server.settings {
        set(&mut out, k, v);
    }
    out
}

/// Where a settings file wants its memory settings, sized by [`sized`] from the server's facts.
pub const MEMORY_MARKER: &str = "# @memory: sized from the server's facts when it is planned\n";

/// What the probe read of a server for sizing PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostSize {
    pub cpus: u64,
    /// The memory PostgreSQL may use: the machine's, or its cgroup's limit when lower (a VM
    /// or container).
    pub memory_bytes: u64,
}

impl HostSize {
    /// The probe's line: `cpus mem_total_kb [cgroup limit in bytes or "max"]`.
    pub fn parse(line: &str) -> Option<HostSize> {
        let mut f = line.split_whitespace();
        let cpus: u64 = f.next()?.parse().ok()?;
        let total = f.next()?.parse::<u64>().ok()?.checked_mul(1024)?;
        let limit = f.next().and_then(|l| l.parse::<u64>().ok());
        let memory_bytes = limit.map_or(total, |l| l.min(total));
        (cpus > 0 && memory_bytes > 0).then_some(HostSize { cpus, memory_bytes })
    }
}

/// The probe's part reading CPUs and memory (cgroup v2, then v1, limits included).
pub const SIZE_PROBE: &str = "echo @Z; echo \"$(nproc 2>/dev/null || echo 0) $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)\"\n";

/// `content` with its memory marker replaced by settings sized for `size` (PostgreSQL's
/// defaults, said in a comment, when the server's size is unknown). A key the content sets
/// itself (the profile's `settings`) is left to it.
pub fn sized(content: &[u8], size: Option<HostSize>) -> Vec<u8> {
    let text = String::from_utf8_lossy(content);
    let Some((before, after)) = text.split_once(MEMORY_MARKER) else {
        return content.to_vec();
    };
    let given = |k: &str| {
        after
            .lines()
            .any(|l| l.split('=').next().is_some_and(|key| key.trim() == k))
    };
    let mut memory = String::new();
    match size {
        None => memory
            .push_str("# memory: PostgreSQL's defaults (the server's size could not be read)\n"),
        Some(size) => {
            memory.push_str(&format!(
                "# memory: sized for {} CPUs and {} MB\n",
                size.cpus,
                size.memory_bytes >> 20
            ));
            let connections = after
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == "max_connections")
                        .then(|| v.trim().trim_matches('\'').parse().ok())?
                })
                .unwrap_or(100u64);
            for (k, v) in memory_settings(size, connections) {
                if !given(k) {
                    memory.push_str(&format!("{k} = '{v}'\n"));
                }
            }
        }
    }
    format!("{before}{memory}{after}").into_bytes()
}

/// The usual rules for a dedicated database server (as pgtune gives them for a mixed load):
/// a quarter of memory for shared buffers, three quarters as the planner's cache, the rest
/// shared by the connections' sorts; a parallel worker per CPU.
fn memory_settings(size: HostSize, connections: u64) -> Vec<(&'static str, String)> {
    let mb = size.memory_bytes >> 20;
    let shared = (mb / 4).max(128);
    let per_gather = (size.cpus / 2).clamp(1, 4);
    let work_kb =
        ((mb.saturating_sub(shared) << 10) / (connections.max(1) * 3) / per_gather).max(4096);
    vec![
        ("shared_buffers", format!("{shared}MB")),
        (
            "effective_cache_size",
            format!("{}MB", (mb * 3 / 4).max(256)),
        ),
        (
            "maintenance_work_mem",
            format!("{}MB", (mb / 16).clamp(64, 2048)),
        ),
        ("work_mem", format!("{work_kb}kB")),
        ("max_worker_processes", size.cpus.max(8).to_string()),
        ("max_parallel_workers", size.cpus.to_string()),
        ("max_parallel_workers_per_gather", per_gather.to_string()),
        ("max_parallel_maintenance_workers", per_gather.to_string()),
    ]
}

/// `pg_hba.conf`: local administration by peer, the city's app and web servers and the
/// profile's client networks over TLS with a SCRAM password; nothing else.
fn access(p: &SiteProfile) -> String {
    let mut out = String::from(
        "# written by jinbao provision: who may reach the city database\n\
         # TYPE  DATABASE USER ADDRESS            METHOD\n\
         local   all      postgres                    peer\n\
         local   all      all                         peer\n\
         host    all      all  127.0.0.1/32           scram-sha-256\n",
    );
    for (name, server) in &p.datacenter.servers {
        let serves = server.roles.iter().any(|r| r == "app" || r == "web");
        if let (true, Some(a)) = (serves, server.address) {
            let cidr = if a.is_ipv4() {
                format!("{a}/32")
            } else {
                format!("{a}/128")
            };
            out.push_str(&format!(
                "hostssl all      all  {cidr:<22} scram-sha-256   # {name}\n"
            ));
        }
    }
    for net in &p.database.server.clients {
        out.push_str(&format!(
            "hostssl all      all  {net:<22} scram-sha-256   # [database.server] clients\n"
        ));
    }
    out
}

/// The probe's part for the admin's password: `@W ok` when it logs in over the loopback.
pub fn probe(role: &str, password: &str) -> String {
    format!(
        "echo @W; if command -v psql >/dev/null 2>&1 && PGPASSWORD={} PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U {} -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then echo ok; fi\n",
        shell_quote(password),
        shell_quote(role)
    )
}

/// Sets the admin's password through the local socket (as the postgres user, by peer): the
/// statement travels on the script's stdin, never in an argument.
pub fn set_password(role: &str, password: &str) -> String {
    let ident = format!("\"{}\"", role.replace('"', "\"\""));
    let literal = format!("'{}'", password.replace('\'', "''"));
    format!(
        "su postgres -s /bin/sh -c 'psql -q -v ON_ERROR_STOP=1 -d postgres' <<'__JINBAO_SQL__'\n\
         SET log_statement = 'none';\nALTER ROLE {ident} PASSWORD {literal};\n__JINBAO_SQL__"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_sized_from_the_server_and_the_profile_wins() {
        let conf = format!("ssl = 'on'\n{MEMORY_MARKER}work_mem = '64MB'\n");
        let size = HostSize::parse("4 8388608 max").unwrap();
        assert_eq!(size.memory_bytes, 8 << 30);
        let out = String::from_utf8(sized(conf.as_bytes(), Some(size))).unwrap();
        assert!(out.contains("shared_buffers = '2048MB'"), "{out}");
        assert!(out.contains("effective_cache_size = '6144MB'"), "{out}");
        assert!(
            out.contains("max_parallel_workers_per_gather = '2'"),
            "{out}"
        );
        assert_eq!(out.matches("work_mem = ").count(), 2, "{out}"); // maintenance_ and the profile's
        assert!(out.ends_with("work_mem = '64MB'\n"), "{out}");
        // a container's limit below the machine's memory is what counts
        let limited = HostSize::parse("2 8388608 1073741824").unwrap();
        assert_eq!(limited.memory_bytes, 1 << 30);
        let out = String::from_utf8(sized(conf.as_bytes(), None)).unwrap();
        assert!(
            out.contains("PostgreSQL's defaults") && !out.contains("@memory"),
            "{out}"
        );
    }

    #[test]
    fn the_password_statement_quotes_what_it_is_given() {
        let sql = set_password("postgres", "it's");
        assert!(sql.contains("PASSWORD 'it''s';"), "{sql}");
        assert!(sql.contains("ALTER ROLE \"postgres\""), "{sql}");
    }
}
