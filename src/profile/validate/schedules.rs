//! What a profile schedules: maintenance windows and blackouts, and the backup host's timers.

use super::{Site, Validator};

impl Validator<'_> {
    /// Windows, blackouts and the offset readable: a typo must not open a window nobody meant.
    pub(super) fn maintenance(&mut self, site: &Site) {
        for (key, index, e) in super::super::maintenance::problems(&site.profile.maintenance) {
            let index = index.map(|i| i.to_string());
            let mut path = vec!["maintenance", key];
            path.extend(index.as_deref());
            self.at(
                site,
                &path,
                e.to_string(),
                Some(match key {
                    "windows" => "write e.g. \"daily 22:00-06:00\" or \"sat,sun 00:00-24:00\"",
                    "blackout" => {
                        "write e.g. \"monthly 25-31\", \"2026-10-01..2026-10-07\" or \"2026-12-31\""
                    }
                    _ => "write e.g. \"+08:00\"",
                }),
            );
        }
    }

    /// A schedule is written into a systemd timer on the backup host: calendar words only.
    pub(super) fn backup_schedules(&mut self, site: &Site) {
        let b = &site.profile.backup;
        for (key, value) in [
            ("full_schedule", &b.full_schedule),
            ("diff_schedule", &b.diff_schedule),
        ] {
            let calendar = |c: char| c.is_ascii_alphanumeric() || " *:.,/~-".contains(c);
            if !value.chars().all(calendar) || value.len() > 80 {
                self.at(
                    site,
                    &["backup", key],
                    format!("backup.{key} `{value}` is not a systemd calendar"),
                    Some("write e.g. \"Sun *-*-* 01:00:00\" or \"Mon..Sat *-*-* 01:00:00\" (see systemd.time), or \"\" for none"),
                );
            }
        }
    }
}
