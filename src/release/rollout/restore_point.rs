//! A city's restore point: a backup of the city database before anything of the release can
//! change it (its migrations, its start), named in the journal, the city's outcome and a
//! failed data gate's reason. A city whose database cannot be backed up is not rolled out,
//! unless `--no-restore-point` says why (audited).

use std::time::Instant;

use super::{CityResult, CityRun, Outcome, Rollout, Stop};
use crate::backup::{self, BackupError, Reason};

impl Rollout<'_> {
    pub(super) fn restore_point_step(&self, c: &CityRun, out: &mut Outcome) -> Result<(), Stop> {
        let p = &c.site.profile;
        // a city without its database yet has nothing to lose
        if crate::db::never_made(p) {
            return Ok(());
        }
        c.bar.set_message("restore point");
        let began = Instant::now();
        let run = self.journal.run.clone();
        let store = backup::store(self.profiles, c.site, self.progress);
        let taken = store.restore_point(p, self.journal.state_dir(), Reason::BeforeRollout(run));
        self.span(&c.city, None, "restore-point", began, Instant::now());
        match taken {
            Ok(b) => {
                self.step(&c.city, None, "restore-point", true, b.id.clone());
                out.restore_point = Some(b.id);
                Ok(())
            }
            Err(e @ BackupError::NotSetUp { .. }) => {
                self.step(&c.city, None, "restore-point", true, format!("none: {e}"));
                Ok(())
            }
            Err(e) => match &self.opts.no_restore_point {
                Some(reason) => {
                    self.audit(
                        "rollout",
                        c.site,
                        format!("rolled out without a restore point ({e}): {reason}"),
                        "ok",
                        None,
                    );
                    self.step(&c.city, None, "restore-point", false, e.to_string());
                    Ok(())
                }
                None => {
                    self.step(&c.city, None, "restore-point", false, e.to_string());
                    Err(c.fail(
                        CityResult::Failed,
                        format!(
                            "no restore point: {e} (nothing was changed; fix the backup, or pass --no-restore-point REASON, audited)"
                        ),
                    ))
                }
            },
        }
    }
}
