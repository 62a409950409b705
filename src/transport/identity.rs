//! Who the server is (its key against known_hosts) and who we are (a key file, then the agent).

use ssh2::Session;

use super::known_hosts::{Verdict, blob_type, fingerprint};
use super::ssh::ETIMEOUT;
use super::{Connector, Endpoint, TransportError};

pub(super) fn check_host_key(
    c: &Connector,
    ep: &Endpoint,
    session: &Session,
    host: &str,
) -> Result<(), TransportError> {
    let (blob, _) = session
        .host_key()
        .ok_or_else(|| TransportError::Other("the server sent no host key".into()))?;
    let blob = blob.to_vec();
    let offered = fingerprint(&blob);
    let shown = super::known_hosts::host_name(host, ep.port);
    let file = ep.known_hosts.display().to_string();
    let accept = c.accept_new_host_keys;
    c.with_known_hosts(&ep.known_hosts, |kh| match kh.check(host, ep.port, &blob) {
        Verdict::Known => Ok(()),
        Verdict::Unknown if accept => kh.append(host, ep.port, &blob).map_err(|e| {
            TransportError::Other(format!("cannot record the host key in {file}: {e}"))
        }),
        Verdict::Unknown => Err(TransportError::UnknownHostKey {
            host: shown.clone(),
            fingerprint: offered.clone(),
            file: file.clone(),
        }),
        Verdict::Changed { known, line } => Err(TransportError::HostKeyChanged {
            host: shown.clone(),
            known,
            offered: offered.clone(),
            file: file.clone(),
            line,
        }),
        Verdict::OtherType { known_types } => Err(TransportError::HostKeyRefused {
            host: shown.clone(),
            detail: format!(
                "of type {} ({offered}), but {file} knows only {} keys for it",
                blob_type(&blob).unwrap_or_default(),
                known_types.join(", ")
            ),
        }),
        Verdict::Revoked { line } => Err(TransportError::HostKeyRefused {
            host: shown.clone(),
            detail: format!("revoked ({offered}, {file}:{line})"),
        }),
    })?
}

pub(super) fn authenticate(
    ep: &Endpoint,
    session: &Session,
    shown: &str,
) -> Result<(), TransportError> {
    let mut tried = Vec::new();
    if let Some(key) = &ep.key
        && key.exists()
    {
        let passphrase = match &ep.passphrase {
            Some(secret) => Some(secret.resolve().map_err(|e| TransportError::Auth {
                user: ep.user.clone(),
                addr: shown.to_string(),
                detail: format!("key passphrase: {e}"),
            })?),
            None => None,
        };
        match session.userauth_pubkey_file(&ep.user, None, key, passphrase.as_deref()) {
            Ok(()) if session.authenticated() => return Ok(()),
            Ok(()) => tried.push(format!("key {} not accepted", key.display())),
            Err(e) if e.code() == ssh2::ErrorCode::Session(ETIMEOUT) => {
                return Err(TransportError::HandshakeTimeout {
                    addr: shown.to_string(),
                    stage: "authentication",
                    after: ep.connect_timeout,
                });
            }
            Err(e) => tried.push(format!("key {}: {}", key.display(), e.message())),
        }
    } else if let Some(key) = &ep.key {
        tried.push(format!("key {} does not exist", key.display()));
    }
    if ep.agent && crate::env_vars::is_set("SSH_AUTH_SOCK") {
        match agent_auth(session, &ep.user) {
            Ok(true) => return Ok(()),
            Ok(false) => tried.push("no ssh-agent identity accepted".into()),
            Err(e) => tried.push(format!("ssh-agent: {}", e.message())),
        }
    }
    if tried.is_empty() {
        tried.push("no key file and no ssh-agent".into());
    }
    Err(TransportError::Auth {
        user: ep.user.clone(),
        addr: shown.to_string(),
        detail: tried.join("; "),
    })
}

fn agent_auth(session: &Session, user: &str) -> Result<bool, ssh2::Error> {
    let mut agent = session.agent()?;
    agent.connect()?;
    agent.list_identities()?;
    for id in agent.identities()? {
        if agent.userauth(user, &id).is_ok() && session.authenticated() {
            return Ok(true);
        }
    }
    Ok(false)
}
