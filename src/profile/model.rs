//! The shape of a site profile (a city's or the province center's), shared by every layer.
//!
//! Each layer file is deserialized into these same types with `deny_unknown_fields`, so unknown
//! keys and type errors are caught per file with their position; values a site must have are
//! checked after the layers are merged (see `validate`).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::secret::SecretRef;

/// The 18 province-administered cities of Henan: GB/T 2260 code, name, pinyin.
pub const CITY_NAMES: &[(&str, &str, &str)] = &[
    ("410100", "郑州市", "zhengzhou"),
    ("410200", "开封市", "kaifeng"),
    ("410300", "洛阳市", "luoyang"),
    ("410400", "平顶山市", "pingdingshan"),
    ("410500", "安阳市", "anyang"),
    ("410600", "鹤壁市", "hebi"),
    ("410700", "新乡市", "xinxiang"),
    ("410800", "焦作市", "jiaozuo"),
    ("410900", "濮阳市", "puyang"),
    ("411000", "许昌市", "xuchang"),
    ("411100", "漯河市", "luohe"),
    ("411200", "三门峡市", "sanmenxia"),
    ("411300", "南阳市", "nanyang"),
    ("411400", "商丘市", "shangqiu"),
    ("411500", "信阳市", "xinyang"),
    ("411600", "周口市", "zhoukou"),
    ("411700", "驻马店市", "zhumadian"),
    ("419001", "济源市", "jiyuan"),
];

/// The effective profile of one site after merging every layer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteProfile {
    pub city: CityInfo,
    /// Counties and districts whose data concentrates into this center, keyed by GB/T 2260 code.
    pub counties: BTreeMap<String, County>,
    pub datacenter: Datacenter,
    pub network: Network,
    pub database: Database,
    pub app: App,
    pub checks: Checks,
    pub maintenance: Maintenance,
    pub provision: Provision,
    pub packages: Packages,
    pub data: DataSettings,
    pub backup: BackupSettings,
}

/// Backups of the city database (`[backup]`): how many are kept and how old the last backup
/// and the last good drill may be before `health` says so.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// Backups kept per city; older ones are pruned after each new one.
    pub keep: u32,
    /// A last backup older than this is a WARNING, twice as old CRITICAL ("0s": none
    /// required, `health` only shows the last one).
    #[serde(with = "human_duration")]
    pub max_age: Duration,
    /// A last good drill older than this is a WARNING, and the assessment stops counting the
    /// city's backups as verified ("0s": none required).
    #[serde(with = "human_duration")]
    pub drill_max_age: Duration,
    /// When the province's backup host takes a full backup of a PostgreSQL city (systemd's
    /// OnCalendar; "" for none), and a differential one.
    pub full_schedule: String,
    pub diff_schedule: String,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            keep: 7,
            max_age: Duration::ZERO,
            drill_max_age: Duration::ZERO,
            full_schedule: "Sun *-*-* 01:00:00".into(),
            diff_schedule: "Mon..Sat *-*-* 01:00:00".into(),
        }
    }
}

/// Software from the province's package mirror (`[packages]`): city servers have no internet,
/// so every package comes from the mirror inside the business network.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Packages {
    /// The province's apt repository, `http://…` or `https://…` (empty: the servers' own
    /// sources are left as they are).
    pub mirror: String,
    /// The mirror's signing key, ASCII-armoured: a file under templates/, or an absolute path
    /// on this machine (as the SSH key and known_hosts are).
    pub mirror_key: String,
    pub suite: String,
    pub components: Vec<String>,
    /// How long apt waits for a lock another process holds before it fails.
    #[serde(with = "human_duration")]
    pub lock_wait: Duration,
    /// Each role's packages: `name`, or `name=version` to install that version and hold it.
    pub roles: BTreeMap<String, Vec<String>>,
    /// Packages no server may have.
    pub remove: Vec<String>,
}

/// County data moving into the center: its deadline and the limits its checks use.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSettings {
    /// When every county's data must be in the center (YYYY-MM-DD; empty: no deadline).
    /// `jinbao data progress` exits 1 past it while a county is not fully loaded. A TOML date
    /// (`2010-12-31`, unquoted) is taken as well.
    #[serde(deserialize_with = "date_or_string")]
    pub concentration_deadline: String,
    /// The city's yearly contribution base limits, keyed by year ("2008"): a base outside
    /// them is a finding of `data check` (rule kind `base_limits`).
    pub contribution_base: BTreeMap<String, BaseLimits>,
}

/// A string, or a TOML date written without quotes, as text.
fn date_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateOrString {
        Text(String),
        Date(toml::value::Datetime),
    }
    Ok(match DateOrString::deserialize(d)? {
        DateOrString::Text(s) => s,
        DateOrString::Date(d) => d.to_string(),
    })
}

/// The lowest and highest contribution base of a year (usually 60% and 300% of the average
/// wage of the year before).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaseLimits {
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CityInfo {
    /// GB/T 2260 administrative division code, e.g. "411000".
    pub code: String,
    /// Chinese name, e.g. "许昌市".
    pub name: String,
    /// Pinyin, lower case: the city's short name everywhere (file names, databases).
    pub pinyin: String,
    /// Rollout wave: one of the waves province.toml declares. Empty for the province center.
    pub wave: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct County {
    pub name: String,
    /// district | county | city (county-level city)
    pub kind: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// OpenSSH servers reached with the `ssh2` library.
    #[default]
    Ssh,
    /// This machine, each server under its own root folder (the sandbox).
    Local,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Datacenter {
    pub transport: TransportKind,
    /// With the local transport: folder under which each server gets `<pinyin>/<server>/`.
    pub local_root: String,
    /// Name of the server (usually the gateway) every other server is reached through.
    pub jump: String,
    pub ssh: Ssh,
    pub servers: BTreeMap<String, Server>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ssh {
    pub user: String,
    pub port: u16,
    /// Private key file; empty means ssh-agent only.
    pub key: String,
    pub passphrase: Option<SecretRef>,
    /// Try ssh-agent identities too.
    pub agent: bool,
    /// OpenSSH known_hosts file every host key is checked against.
    pub known_hosts: String,
    #[serde(with = "human_duration")]
    pub connect_timeout: Duration,
    #[serde(with = "human_duration")]
    pub command_timeout: Duration,
    #[serde(with = "human_duration")]
    pub keepalive: Duration,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub address: Option<IpAddr>,
    /// db, app, web, gateway
    pub roles: Vec<String>,
    pub user: Option<String>,
    pub port: Option<u16>,
    /// Overrides the data center's jump host for this server; "none" reaches it directly.
    pub jump: Option<String>,
    /// This server's next hop for the managed routes (default: network.gateway).
    pub gateway: Option<IpAddr>,
    /// How this server is reached when not as the rest of its data center (an environment
    /// that keeps the province center a folder but reaches its backup host over SSH).
    pub transport: Option<TransportKind>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// The data center's own subnets on the business network.
    pub subnets: Vec<IpNet>,
    /// The data center's router onto the e-government network.
    pub gateway: Option<IpAddr>,
    /// Endpoints every server must reach over TCP, as "host:port" (`net check`, `health`).
    /// `{gateway}` is the server's own next hop; an empty value withdraws the endpoint.
    pub endpoints: BTreeMap<String, String>,
    /// Static routes jinbao manages on every server, keyed by a short name.
    pub routes: BTreeMap<String, Route>,
    /// What a rollout may send across the city's link, e.g. "4 Mbit/s" (empty: no limit).
    pub transfer_rate: String,
    /// The budget inside business hours, when it differs (empty: `transfer_rate` always).
    pub business_hours_rate: String,
    /// When the city's business uses its link, as maintenance windows are written
    /// (e.g. "weekdays 08:00-18:00"), in the maintenance time zone.
    pub business_hours: Vec<String>,
    /// The server inside the city that passes a release on to the others: "" (the city's jump
    /// host, when it has one), "none" (each server is sent it directly), or a server's name.
    pub relay: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Route {
    pub to: Option<IpNet>,
    pub via: Option<IpAddr>,
    pub metric: Option<u32>,
    /// Set to false in a higher layer to withdraw a route a lower layer added.
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Postgres,
    Sqlite,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Sqlite => "sqlite",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    pub engine: Engine,
    /// postgresql://user@host:port/db (no password here) or, for SQLite, the file path.
    pub dsn: String,
    /// TLS to PostgreSQL: disable | prefer | require.
    pub sslmode: String,
    /// The account `db init` uses to create the database and roles.
    pub admin: DbAccount,
    pub roles: DbRoles,
    /// The CA certificate a `verify-full` connection trusts (default: the province's own CA,
    /// which jinbao keeps in its state folder and signs the city servers' certificates with).
    pub sslrootcert: String,
    /// The city's PostgreSQL server, when jinbao builds it.
    pub server: DbServer,
}

/// A city's PostgreSQL server on its `db` servers, built by `provision` (`[database.server]`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DbServer {
    /// jinbao builds it: settings, TLS, who may connect, the admin's password.
    pub manage: bool,
    /// PostgreSQL's major version (Debian's cluster `<version>/main`).
    pub version: String,
    /// Networks that may connect besides the city's app and web servers (the province's
    /// operators, where jinbao runs).
    pub clients: Vec<IpNet>,
    /// More `postgresql.conf` settings, by name.
    pub settings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DbAccount {
    pub user: String,
    pub password: Option<SecretRef>,
}

impl Database {
    /// Every secret the database settings refer to (the admin's and each role's password).
    pub fn secrets(&self) -> impl Iterator<Item = &SecretRef> {
        [
            &self.admin,
            &self.roles.migrator,
            &self.roles.app,
            &self.roles.readonly,
        ]
        .into_iter()
        .filter_map(|a| a.password.as_ref())
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DbRoles {
    /// Owns the schema and runs migrations.
    pub migrator: DbAccount,
    /// The application: data access only.
    pub app: DbAccount,
    /// Read-only: what the checks use.
    pub readonly: DbAccount,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct App {
    /// Name of the unified application.
    pub name: String,
    pub install_dir: String,
    pub config_dir: String,
    /// Template (under templates/) rendered into the application's config file.
    pub config_template: String,
    pub service: String,
    pub user: String,
    pub group: String,
    pub port: u16,
    pub keep_releases: u32,
    /// Take releases older than the one a city runs without `rollout --allow-downgrade` (a
    /// test bed whose servers go back and forth; never production).
    pub allow_downgrade: bool,
    /// Folders under `<install>/shared` linked into every release.
    pub shared_dirs: Vec<String>,
    pub health: HealthCheck,
    /// Free-form application settings for the templates (`app.settings.<name>`).
    pub settings: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthCheck {
    /// Program and arguments run on the server; it must exit 0. `{install}` is the install
    /// folder. Each word is quoted: no shell syntax.
    pub command: String,
    /// Instead of `command`: a shell script the province writes (pipes, `&&`, `$(…)`), run as
    /// `sh -c SCRIPT` with the script passed whole as one quoted argument.
    pub script: String,
    #[serde(with = "human_duration")]
    pub timeout: Duration,
    #[serde(with = "human_duration")]
    pub interval: Duration,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Checks {
    pub disk_warn_pct: f64,
    pub disk_crit_pct: f64,
    pub inode_warn_pct: f64,
    pub inode_crit_pct: f64,
    pub mem_warn_pct: f64,
    pub mem_crit_pct: f64,
    pub load_warn_per_cpu: f64,
    pub load_crit_per_cpu: f64,
    pub clock_warn_s: f64,
    pub clock_crit_s: f64,
    pub latency_warn_ms: f64,
    #[serde(with = "human_duration")]
    pub timeout: Duration,
    /// Checks this site never runs (names as `jinbao health --only` takes them).
    pub skip: Vec<String>,
    /// Largest drop of a key table's row count a rollout tolerates, in percent.
    pub row_drop_tolerance_pct: f64,
    /// Least data-quality score (0–100) a city may have before `data check` fails it.
    pub data_min_score: f64,
    /// A city database server's connections in use against its `max_connections`, in percent.
    pub connections_warn_pct: f64,
    pub connections_crit_pct: f64,
    /// An open transaction older than this holds back vacuum and locks: a warning.
    #[serde(with = "human_duration")]
    pub transaction_warn: Duration,
    /// A replication slot further behind than this keeps WAL on the server's disk: a warning.
    pub slot_lag_warn_mb: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Maintenance {
    /// When changes are allowed, e.g. "daily 22:00-06:00" or "sat,sun 00:00-24:00".
    /// Empty: always.
    pub windows: Vec<String>,
    /// Days no change may happen, e.g. "monthly 25-31" (benefits paid) or "2026-10-01..2026-10-07".
    pub blackout: Vec<String>,
    /// Time zone offset of the windows, e.g. "+08:00".
    pub utc_offset: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Provision {
    /// Which kinds of resources jinbao manages: users, directories, files, symlinks, service,
    /// sysctl, routes (empty: all).
    pub resources: Vec<String>,
    /// sysctl settings on every server; an empty value withdraws one a lower layer set.
    pub sysctl: BTreeMap<String, String>,
    /// Extra folders on every server (absolute paths).
    pub directories: Vec<String>,
    /// Plain copies: path on the server -> file under templates/.
    pub files: BTreeMap<String, String>,
    /// The folders on a server jinbao may create and write in (province.toml only; empty: the
    /// built-in set /opt, /srv, /data, /etc/jinbao, /var/lib/jinbao, /var/log/jinbao).
    pub allowed_roots: Vec<String>,
    /// What fronts the application on `web` servers: "" (nothing) or "nginx" (its site,
    /// proxying to the city's app servers, written and reloaded by provision).
    pub web_proxy: String,
    /// Servers with systemd get the managed routes back at every boot (a unit of jinbao's);
    /// off only where there is no service manager (the simulated test bed).
    pub routes_at_boot: bool,
}

/// `serde(with)` for durations written as "5s", "2m", "1h 30m".
pub mod human_duration {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(|e| {
            serde::de::Error::custom(format!(
                "invalid duration `{text}`: {e} (write e.g. \"5s\", \"2m\", \"1h 30m\")"
            ))
        })
    }
}
