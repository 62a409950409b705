//! A server's part in the city's database: its PostgreSQL server on a `db` server, and
//! pgBackRest on it and on the province's backup host.

use super::{Building, DesiredError};
use crate::profile::{Engine, SiteProfile, TransportKind};

impl Building<'_> {
    /// The city's PostgreSQL server on a `db` server, when jinbao builds it.
    pub(super) fn db_server(&mut self) -> Result<(), DesiredError> {
        let state = self.state.clone();
        let (p, host) = (self.p, self.host);
        let label = || host.label().to_string();
        if !p.database.server.manage
            || !host.has_role("db")
            || p.database.engine != Engine::Postgres
            || p.datacenter.transport == TransportKind::Local
        {
            return Ok(());
        }
        let (Some(address), Some(secret)) = (host.endpoint.address, &p.database.admin.password)
        else {
            return Err(DesiredError::ServerIncomplete { host: label() });
        };
        let admin_password = secret.resolve().map_err(|source| DesiredError::Secret {
            host: label(),
            what: format!("the password of {}", p.database.admin.user),
            source,
        })?;
        let issued = crate::tls::server_cert(&state, &host.name, address).map_err(|source| {
            DesiredError::Certificate {
                host: label(),
                source,
            }
        })?;
        // archived and backed up to the province's backup host, when it has one
        let mut archive = Vec::new();
        if let (Some(stanza), Some((repo, _))) = (
            crate::backup::pgbackrest::stanza(self.site),
            crate::backup::pgbackrest::repository(self.profiles),
        ) {
            let tls = self.backup_tls(address)?;
            archive = super::super::pg_backup::archive_settings(&stanza.name);
            self.out.extend(super::super::pg_backup::db_server(
                &stanza,
                (&repo.name, repo.endpoint.address.unwrap_or(address)),
                &tls,
            ));
        }
        self.out.extend(super::super::pg_server::resources(
            &super::super::pg_server::ServerSpec {
                p,
                address,
                cert: issued.cert,
                key: issued.key,
                admin_password,
                archive,
            },
        ));
        Ok(())
    }

    /// The province's backup host (the role `backup`): the repository of every city whose
    /// PostgreSQL server jinbao builds.
    pub(super) fn backup_host(&mut self) -> Result<(), DesiredError> {
        let host = self.host;
        if !host.has_role("backup") || host.endpoint.kind == TransportKind::Local {
            return Ok(());
        }
        let Some(address) = host.endpoint.address else {
            return Err(DesiredError::ServerIncomplete {
                host: host.label().to_string(),
            });
        };
        let tls = self.backup_tls(address)?;
        let cipher = crate::backup::pgbackrest::cipher_pass(&self.state).map_err(|source| {
            DesiredError::Unreadable {
                host: host.label().to_string(),
                what: "the repository's key",
                path: self.state.join("ca").display().to_string(),
                source,
            }
        })?;
        let stanzas: Vec<(&SiteProfile, crate::backup::pgbackrest::Stanza)> =
            crate::backup::pgbackrest::stanzas(self.profiles)
                .into_iter()
                .map(|(site, s)| (&site.profile, s))
                .collect();
        self.out.extend(super::super::pg_backup::repository(
            self.p, address, &stanzas, &cipher, &tls,
        ));
        Ok(())
    }

    /// pgBackRest's certificate for this server, and the province's CA.
    fn backup_tls(
        &self,
        address: std::net::IpAddr,
    ) -> Result<super::super::pg_backup::Tls, DesiredError> {
        let certificate = |source| DesiredError::Certificate {
            host: self.host.label().to_string(),
            source,
        };
        let issued =
            crate::tls::backup_cert(&self.state, &self.host.name, address).map_err(certificate)?;
        let (ca, _) = crate::tls::province_ca(&self.state).map_err(certificate)?;
        Ok(super::super::pg_backup::Tls {
            cert: issued.cert,
            key: issued.key,
            ca: ca.to_pem().map_err(|e| certificate(e.into()))?,
        })
    }
}
