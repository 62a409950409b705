//! What a city's switch must leave behind, checked once every server runs the release (each
//! server's health gate runs in its switch): no business data gone beyond the profile's
//! tolerance (`data_gate.rs`); and the health check itself, as a command for the servers.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::{CityResult, CityRun, Rollout, Stop, data_gate};

impl Rollout<'_> {
    /// The data gate after the switch: rows gone beyond the tolerance roll the city back,
    /// give its locks back and halt the run.
    pub(super) fn verify(
        &self,
        c: &CityRun,
        before: data_gate::Counts,
        switched: &[usize],
        previous: &HashMap<usize, Option<String>>,
        restore_point: Option<&str>,
    ) -> Result<(), Stop> {
        let p = &c.site.profile;
        if let Err(why) = data_gate::compare(
            before,
            data_gate::counts(p),
            p.checks.row_drop_tolerance_pct,
        ) {
            self.step(&c.city, None, "data-gate", false, why.to_string());
            self.halt.store(true, Ordering::Relaxed);
            let back = self.roll_back(c.site, switched, previous);
            self.unlock(c);
            let mut why = match back {
                Ok(()) => format!("data gate: {why}"),
                Err(e) => format!("data gate: {why}; the rollback failed too: {e}"),
            };
            if let Some(id) = restore_point {
                why.push_str(&format!(
                    "; the rows as they were are in restore point {id}: jinbao db restore {} --before-run {}",
                    c.city, self.journal.run
                ));
            }
            return Err(c.fail(CityResult::RolledBack, why));
        }
        Ok(())
    }
}

// how the installed application is asked for its health: health reads it too
pub use crate::state::installed::{HealthCommandError, health_command, health_source};
