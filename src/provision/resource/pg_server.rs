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
    let mut set = |k: &str, v: &str| out.push_str(&format!("{k} = '{}'\n", v.replace('\'', "''")));
    set("listen_addresses", &format!("localhost,{}", s.address));
    set("ssl", "on");
    set("ssl_cert_file", cert);
    set("ssl_key_file", key);
    set("password_encryption", "scram-sha-256");
    for (k, v) in &s.p.database.server.settings {
        set(k, v);
    }
    out
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
    fn the_password_statement_quotes_what_it_is_given() {
        let sql = set_password("postgres", "it's");
        assert!(sql.contains("PASSWORD 'it''s';"), "{sql}");
        assert!(sql.contains("ALTER ROLE \"postgres\""), "{sql}");
    }
}
