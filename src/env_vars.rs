//! The one place jinbao reads environment variables, so their names are listed once.

/// Folder holding province.toml, cities/ and env/ (like `--profiles`).
pub const PROFILES: &str = "JINBAO_PROFILES";
/// The project folder (holding `profiles/` and `.jinbao/`): jinbao otherwise looks for it from
/// the current folder upwards, as git finds its repository.
pub const HOME: &str = "JINBAO_HOME";
/// Environment overlay (like `--env`).
pub const ENV: &str = "JINBAO_ENV";
/// Folder for journals, locks, histories and the sandbox (default `./.jinbao`).
pub const STATE_DIR: &str = "JINBAO_STATE_DIR";
/// Default city of `jinbao health`.
pub const CITY: &str = "JINBAO_CITY";
/// Log filter for `tracing` (overrides -v).
pub const LOG: &str = "JINBAO_LOG";
/// Any value turns colour off (https://no-color.org).
pub const NO_COLOR: &str = "NO_COLOR";

/// `dumb` is a terminal that cannot move its cursor or show colour.
pub const TERM: &str = "TERM";
/// Width of the terminal in columns: tables fit it (also when stdout is not a terminal, where
/// they are otherwise as wide as they need).
pub const COLUMNS: &str = "COLUMNS";

/// The variable's value, when set and valid UTF-8.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// True when the variable is set to anything non-empty.
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}
