//! pgBackRest as provisioning builds it (see `backup::pgbackrest`): on a city's db server,
//! the stanza and the repository host to archive to; on the province's backup host, the
//! encrypted repository, a stanza per city and the timers of its full and differential
//! backups. Each side runs pgBackRest's TLS server with a certificate of the province's CA
//! and admits only the other side's certificate, for its stanzas only.

use std::net::IpAddr;
use std::sync::Arc;

use super::{Owner, Resource};
use crate::backup::pgbackrest::{CONF, REPO_PATH, Stanza, TLS_DIR};
use crate::profile::SiteProfile;

/// Where a db server's log waits to be archived in batches.
const SPOOL: &str = "/var/spool/pgbackrest";

/// The certificate of the server, its key and the province's CA.
pub struct Tls {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub ca: Vec<u8>,
}

fn postgres() -> Option<Owner> {
    Some(Owner {
        user: "postgres".into(),
        group: "postgres".into(),
    })
}

fn file(path: String, content: Vec<u8>, mode: u32, secret: bool, source: &str) -> Resource {
    Resource::File {
        path,
        content: Arc::new(content),
        mode,
        owner: postgres(),
        secret,
        source: source.to_string(),
    }
}

fn tls_files(tls: &Tls) -> Vec<Resource> {
    vec![
        Resource::Dir {
            path: "/etc/pgbackrest".into(),
            mode: 0o755,
            owner: None,
        },
        Resource::Dir {
            path: TLS_DIR.into(),
            mode: 0o750,
            owner: postgres(),
        },
        file(
            format!("{TLS_DIR}/ca.crt"),
            tls.ca.clone(),
            0o644,
            false,
            "the province CA",
        ),
        file(
            format!("{TLS_DIR}/host.crt"),
            tls.cert.clone(),
            0o644,
            false,
            "the province CA",
        ),
        file(
            format!("{TLS_DIR}/host.key"),
            tls.key.clone(),
            0o600,
            true,
            "the province CA",
        ),
    ]
}

/// The TLS server's lines: listening on `address`, admitting `clients` (`CN=stanzas`).
fn tls_server(address: IpAddr, clients: &[String]) -> String {
    let mut out = format!(
        "tls-server-address={address}\n\
         tls-server-cert-file={TLS_DIR}/host.crt\n\
         tls-server-key-file={TLS_DIR}/host.key\n\
         tls-server-ca-file={TLS_DIR}/ca.crt\n"
    );
    for c in clients {
        out.push_str(&format!("tls-server-auth={c}\n"));
    }
    out
}

fn tls_client(prefix: &str) -> String {
    format!(
        "{prefix}-type=tls\n\
         {prefix}-cert-file={TLS_DIR}/host.crt\n\
         {prefix}-key-file={TLS_DIR}/host.key\n\
         {prefix}-ca-file={TLS_DIR}/ca.crt\n"
    )
}

/// pgBackRest's server, running and restarted when what it reads changed (its configuration
/// and its certificates).
fn server() -> Vec<Resource> {
    let changed = vec![
        CONF.into(),
        format!("{TLS_DIR}/host.crt"),
        format!("{TLS_DIR}/host.key"),
        format!("{TLS_DIR}/ca.crt"),
    ];
    vec![
        Resource::Service {
            name: "pgbackrest".into(),
            start: None,
            runs_release: false,
        },
        Resource::Restart {
            service: "pgbackrest".into(),
            restart_on: changed,
            reload_on: Vec::new(),
        },
    ]
}

/// A city's db server: its stanza, archived to the backup host at `repo`.
pub fn db_server(stanza: &Stanza, repo: (&str, IpAddr), tls: &Tls) -> Vec<Resource> {
    let conf = format!(
        "# written by jinbao provision: this city's database, archived and backed up to the province's backup host\n\
         [global]\n\
         repo1-host={}\n{}\
         log-level-file=warn\n\
         archive-async=y\n\
         spool-path={SPOOL}\n\
         process-max=2\n\
         {}\n\
         [{}]\n\
         pg1-path={}\n",
        repo.1,
        tls_client("repo1-host"),
        tls_server(stanza.address, &[format!("{}={}", repo.0, stanza.name)]),
        stanza.name,
        stanza.pg_path(),
    );
    let mut out = tls_files(tls);
    // archived in batches, in parallel, through a spool: a day's log after a large import
    // reaches the repository in minutes, not one segment per connection
    out.push(Resource::Dir {
        path: SPOOL.into(),
        mode: 0o750,
        owner: postgres(),
    });
    out.push(file(
        CONF.into(),
        conf.into_bytes(),
        0o640,
        false,
        "[backup]",
    ));
    out.extend(server());
    out
}

/// The lines the city's `postgresql.conf` gets: every log segment to the repository.
pub fn archive_settings(stanza: &str) -> Vec<(&'static str, String)> {
    vec![
        ("archive_mode", "on".into()),
        (
            "archive_command",
            format!("pgbackrest --stanza={stanza} archive-push %p"),
        ),
    ]
}

/// The province's backup host: the repository (encrypted with `cipher`, a secret), a stanza
/// per city and each city's timers.
pub fn repository(
    p: &SiteProfile,
    address: IpAddr,
    stanzas: &[(&SiteProfile, Stanza)],
    cipher: &str,
    tls: &Tls,
) -> Vec<Resource> {
    let clients: Vec<String> = stanzas
        .iter()
        .map(|(_, s)| format!("{}={}", s.db.name, s.name))
        .collect();
    let mut conf = format!(
        "# written by jinbao provision: the province's backup repository ([backup], a stanza per city)\n\
         [global]\n\
         repo1-path={REPO_PATH}\n\
         repo1-cipher-type=aes-256-cbc\n\
         repo1-cipher-pass={cipher}\n\
         repo1-retention-full={}\n\
         start-fast=y\n\
         archive-timeout=600\n\
         log-level-file=warn\n\
         {}",
        p.backup.keep.max(1),
        tls_server(address, &clients),
    );
    for (_, s) in stanzas {
        conf.push_str(&format!(
            "\n[{}]\npg1-host={}\n{}pg1-path={}\n",
            s.name,
            s.address,
            tls_client("pg1-host"),
            s.pg_path()
        ));
    }
    let mut out = tls_files(tls);
    out.push(Resource::Dir {
        path: REPO_PATH.into(),
        mode: 0o750,
        owner: postgres(),
    });
    out.push(file(
        CONF.into(),
        conf.into_bytes(),
        0o640,
        true,
        "[backup] and every city's db server",
    ));
    let mut units = Vec::new();
    for (city, s) in stanzas {
        for (kind, calendar) in [
            ("full", &city.backup.full_schedule),
            ("diff", &city.backup.diff_schedule),
        ] {
            if calendar.is_empty() {
                continue;
            }
            let name = format!("jinbao-backup-{}-{kind}", s.name);
            let root = Some(Owner {
                user: "root".into(),
                group: "root".into(),
            });
            let unit = |path: String, text: String| Resource::File {
                path,
                content: Arc::new(text.into_bytes()),
                mode: 0o644,
                owner: root.clone(),
                secret: false,
                source: format!("[backup] {kind}_schedule"),
            };
            out.push(unit(
                format!("/etc/systemd/system/{name}.service"),
                format!(
                    "# written by jinbao provision\n[Unit]\nDescription=jinbao: {kind} backup of {stanza} to the province's repository\nAfter=network-online.target\n\n\
                     [Service]\nType=oneshot\nUser=postgres\nGroup=postgres\n\
                     ExecStart=/usr/bin/pgbackrest --stanza={stanza} --type={kind} backup\n",
                    stanza = s.name,
                ),
            ));
            out.push(unit(
                format!("/etc/systemd/system/{name}.timer"),
                format!(
                    "# written by jinbao provision\n[Unit]\nDescription=jinbao: {kind} backups of {stanza}\n\n\
                     [Timer]\nOnCalendar={calendar}\nPersistent=true\nRandomizedDelaySec=10min\n\n\
                     [Install]\nWantedBy=timers.target\n",
                    stanza = s.name,
                ),
            ));
            units.push(format!("{name}.timer"));
        }
    }
    out.extend(server());
    for name in units {
        out.push(Resource::Service {
            name,
            start: None,
            runs_release: false,
        });
    }
    out
}
