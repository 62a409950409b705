//! What jinbao keeps in its state folder (`./.jinbao` or `--state-dir`): the audit log,
//! rollout journals, health and data-check histories.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

/// Appends one line to a JSON-lines file, creating folders, and flushes it to disk.
pub fn append_line<T: Serialize>(path: &Path, record: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(&line)?;
    f.sync_data()
}

/// Records a decision people must be able to find later (an overridden window, a broken lock).
pub fn audit(state_dir: &Path, action: &str, cities: &[&str], note: &str) -> std::io::Result<()> {
    append_line(
        &state_dir.join("audit.jsonl"),
        &serde_json::json!({
            "time": crate::window::now().to_rfc3339(),
            "operator": crate::db::operator(),
            "action": action,
            "cities": cities,
            "note": note,
        }),
    )
}
