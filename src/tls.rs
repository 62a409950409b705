//! The province's own certificate authority, kept in the state folder, and the certificates it
//! issues to city database servers: so that jinbao and the applications reach a city database
//! with `sslmode=verify-full`, trusting the province and nothing else.
//!
//! Keys are written 0600 and never leave the state folder except to the server they belong to
//! (as a secret file). An issued certificate is kept and reused while its names still hold, so
//! a plan does not see a new certificate at every run.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509, X509NameBuilder};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a certificate or key jinbao can read ({detail}); move it away to have a new one made", .path.display())]
    Damaged { path: PathBuf, detail: String },
    #[error("making a certificate: {0}")]
    Openssl(#[from] openssl::error::ErrorStack),
}

/// A certificate and its private key, in PEM.
pub struct Issued {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
}

/// Where the province's CA certificate is (what a client trusts).
pub fn ca_cert_path(state: &Path) -> PathBuf {
    state.join("ca").join("province-ca.crt")
}

/// Made once even when several servers' resources are listed at the same time.
static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The province's CA, made on first use.
pub fn province_ca(state: &Path) -> Result<(X509, PKey<Private>), TlsError> {
    let _one = MAKING.lock().unwrap_or_else(|p| p.into_inner());
    let (cert_path, key_path) = (
        ca_cert_path(state),
        state.join("ca").join("province-ca.key"),
    );
    if let (Some(cert), Some(key)) = (read(&cert_path)?, read(&key_path)?) {
        let cert = X509::from_pem(&cert).map_err(|e| damaged(&cert_path, e))?;
        let key = PKey::private_key_from_pem(&key).map_err(|e| damaged(&key_path, e))?;
        return Ok((cert, key));
    }
    let key = new_key()?;
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let name = subject("jinbao province CA")?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(&name)?;
    b.set_pubkey(&key)?;
    validity(&mut b, 3650)?;
    b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
    b.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()?,
    )?;
    b.sign(&key, MessageDigest::sha256())?;
    let cert = b.build();
    write_private(&key_path, &key.private_key_to_pem_pkcs8()?)?;
    write_private(&cert_path, &cert.to_pem()?)?;
    Ok((cert, key))
}

/// The certificate of server `name` at `address`, issued by the province's CA (kept under
/// the state folder and reused while it names the same address).
pub fn server_cert(state: &Path, name: &str, address: IpAddr) -> Result<Issued, TlsError> {
    issue(state, name, name, address, false)
}

/// The certificate pgBackRest's TLS server and client use on server `name` (a db server or
/// the province's backup host): it proves the server to the other side and itself to it
/// (its common name is what `tls-server-auth` admits), and names the address as a DNS name
/// too, the only form pgBackRest 2.45 compares a host with.
pub fn backup_cert(state: &Path, name: &str, address: IpAddr) -> Result<Issued, TlsError> {
    issue(state, &format!("{name}.pgbackrest"), name, address, true)
}

fn issue(
    state: &Path,
    stem: &str,
    name: &str,
    address: IpAddr,
    peer: bool,
) -> Result<Issued, TlsError> {
    let dir = state.join("ca").join("issued");
    let (cert_path, key_path) = (
        dir.join(format!("{stem}.crt")),
        dir.join(format!("{stem}.key")),
    );
    if let (Some(cert), Some(key)) = (read(&cert_path)?, read(&key_path)?) {
        let parsed = X509::from_pem(&cert).map_err(|e| damaged(&cert_path, e))?;
        let names_it = parsed.subject_alt_names().is_some_and(|names| {
            names
                .iter()
                .any(|n| n.ipaddress() == Some(&ip_bytes(address)[..]))
        });
        if names_it {
            return Ok(Issued { cert, key });
        }
    }
    let (ca, ca_key) = province_ca(state)?;
    let key = new_key()?;
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let name_of = subject(name)?;
    b.set_subject_name(&name_of)?;
    b.set_issuer_name(ca.subject_name())?;
    b.set_pubkey(&key)?;
    validity(&mut b, 825)?;
    b.append_extension(BasicConstraints::new().critical().build()?)?;
    b.append_extension(
        KeyUsage::new()
            .critical()
            .digital_signature()
            .key_agreement()
            .build()?,
    )?;
    let mut usage = ExtendedKeyUsage::new();
    usage.server_auth();
    if peer {
        usage.client_auth();
    }
    b.append_extension(usage.build()?)?;
    let mut san = SubjectAlternativeName::new();
    san.ip(&address.to_string()).dns(name);
    if peer {
        san.dns(&address.to_string());
    }
    let san = san.build(&b.x509v3_context(Some(&ca), None))?;
    b.append_extension(san)?;
    b.sign(&ca_key, MessageDigest::sha256())?;
    let issued = Issued {
        cert: b.build().to_pem()?,
        key: key.private_key_to_pem_pkcs8()?,
    };
    write_private(&key_path, &issued.key)?;
    write_private(&cert_path, &issued.cert)?;
    Ok(issued)
}

fn new_key() -> Result<PKey<Private>, TlsError> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    Ok(PKey::from_ec_key(EcKey::generate(&group)?)?)
}

fn subject(common_name: &str) -> Result<openssl::x509::X509Name, TlsError> {
    let mut n = X509NameBuilder::new()?;
    n.append_entry_by_nid(Nid::COMMONNAME, common_name)?;
    Ok(n.build())
}

fn validity(b: &mut openssl::x509::X509Builder, days: u32) -> Result<(), TlsError> {
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    b.set_serial_number(&serial)?;
    let (from, to) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(days)?);
    b.set_not_before(&from)?;
    b.set_not_after(&to)?;
    Ok(())
}

fn ip_bytes(a: IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    }
}

fn read(path: &Path) -> Result<Option<Vec<u8>>, TlsError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(TlsError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn damaged(path: &Path, e: openssl::error::ErrorStack) -> TlsError {
    TlsError::Damaged {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Writes a key or certificate 0600, whole or not at all. Not through `files::write_atomic`:
/// that masks every registered secret in what it writes, and a short password can occur
/// inside base64 by chance, which would corrupt the key.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write;
    let io = |source| TlsError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::files::private_dir(dir).map_err(io)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let written = crate::files::create_private(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key is written as it is, even when a registered secret happens to occur in its text.
    #[test]
    fn a_key_is_never_masked_where_a_secret_occurs_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let (ca, _) = province_ca(dir.path()).unwrap();
        let pem = ca.to_pem().unwrap();
        let chunk = String::from_utf8_lossy(&pem[40..52]).into_owned();
        crate::privacy::register_secret(&chunk);
        let path = dir.path().join("ca").join("again.crt");
        write_private(&path, &pem).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), pem);
    }

    #[test]
    fn a_server_certificate_is_issued_once_and_verifies_against_the_ca() {
        let dir = tempfile::tempdir().unwrap();
        let addr: IpAddr = "10.203.102.2".parse().unwrap();
        let first = server_cert(dir.path(), "xuchang-db1", addr).unwrap();
        let again = server_cert(dir.path(), "xuchang-db1", addr).unwrap();
        assert_eq!(first.cert, again.cert, "kept, not made again");
        let (ca, _) = province_ca(dir.path()).unwrap();
        let cert = X509::from_pem(&first.cert).unwrap();
        assert!(cert.verify(&ca.public_key().unwrap()).unwrap());
        let moved =
            server_cert(dir.path(), "xuchang-db1", "10.203.102.3".parse().unwrap()).unwrap();
        assert_ne!(first.cert, moved.cert, "a new address, a new certificate");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("ca/province-ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
