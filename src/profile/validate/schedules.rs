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

    /// The link budget readable, and the business hours written as windows are.
    pub(super) fn transfer_budget(&mut self, site: &Site) {
        let n = &site.profile.network;
        for (key, value) in [
            ("transfer_rate", &n.transfer_rate),
            ("business_hours_rate", &n.business_hours_rate),
        ] {
            if let Err(e) = crate::profile::rate::parse_rate(value) {
                self.at(
                    site,
                    &["network", key],
                    format!("network.{key}: {e}"),
                    Some("write e.g. \"4 Mbit/s\", \"500 kbit/s\" or \"2 MB/s\", or \"\" for no limit"),
                );
            }
        }
        for (k, w) in n.business_hours.iter().enumerate() {
            if let Err(e) = super::super::maintenance::parse_window(w) {
                let index = k.to_string();
                self.at(
                    site,
                    &["network", "business_hours", &index],
                    e.to_string(),
                    Some("write e.g. \"weekdays 08:00-18:00\""),
                );
            }
        }
        let r = &n.relay;
        if !r.is_empty() && r != "none" && !site.profile.datacenter.servers.contains_key(r) {
            self.at(
                site,
                &["network", "relay"],
                format!(
                    "relay `{}` is not a server of this data center",
                    crate::profile::safe::excerpt(r)
                ),
                Some("name one of the city's servers, or \"none\" to send to each server directly"),
            );
        }
    }
}
