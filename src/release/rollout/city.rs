//! One city's rollout, step by step over one `CityRun`: the preflight, the gates, the lock
//! and the preparation, the upload's check, the switch batch by batch, the verification and
//! the clean-up; each step is a module of its own beside this one.

use std::sync::atomic::Ordering;
use std::time::Instant;

use indicatif::ProgressBar;

use super::{CityResult, Outcome, Rollout};
use crate::profile::Site;
use crate::release::journal::EventKind;

/// How a step ended the city early: its result and why.
pub(super) type Stop = (CityResult, String);

/// One city being rolled out: its site, its servers in the run's fleet (as the fleet was made
/// from the plan's cities) and its progress bar.
pub(super) struct CityRun<'r> {
    pub site: &'r Site,
    pub city: String,
    /// Every server of the city in the fleet: provisioning works on all of them.
    pub hosts: Vec<usize>,
    /// The app and web servers among them: they get the release and the lock.
    pub app: Vec<usize>,
    pub bar: ProgressBar,
}

impl<'r> CityRun<'r> {
    fn new(rollout: &Rollout<'_>, site: &'r Site, hosts: &[usize]) -> Self {
        let city = site.pinyin().to_string();
        let app: Vec<usize> = hosts
            .iter()
            .copied()
            .filter(|i| rollout.fleet.host(*i).runs_app())
            .collect();
        let bar = rollout.progress.city_bar(&rollout.multi, &city, app.len());
        CityRun {
            site,
            city,
            hosts: hosts.to_vec(),
            app,
            bar,
        }
    }

    /// The install folder on the city's servers.
    pub fn install(&self) -> &str {
        &self.site.profile.app.install_dir
    }

    /// Ends the city early with `result`: its bar goes.
    pub fn fail(&self, result: CityResult, why: impl Into<String>) -> Stop {
        self.bar.finish_and_clear();
        (result, why.into())
    }
}

impl Rollout<'_> {
    pub(super) fn city(&self, site: &Site, hosts: &[usize], wave: &str) -> Outcome {
        let start = Instant::now();
        let city = site.pinyin().to_string();
        let mut out = Outcome {
            city: city.clone(),
            wave: wave.to_string(),
            from: Vec::new(),
            to: self.release.manifest.version.clone(),
            result: CityResult::Skipped,
            reason: None,
            restore_point: None,
            ms: 0,
            changes: 0,
            transfer: None,
            blocked: false,
        };
        if let Some(why) = self.stopping() {
            out.result = CityResult::Interrupted;
            out.reason = Some(format!("{why}: not started"));
            return out;
        }
        let budget_left = self.failures.load(Ordering::Relaxed) <= self.opts.max_failures;
        if !budget_left || self.halt.load(Ordering::Relaxed) {
            out.reason = Some("failure budget exhausted: not started".into());
            self.done(&mut out, start);
            return out;
        }
        self.log(EventKind::CityStart { city: city.clone() });
        let run = CityRun::new(self, site, hosts);
        let (mut result, reason) = match self.deploy_city(&run, &mut out) {
            Ok(r) => (r, None),
            Err((r, why)) => (r, Some(why)),
        };
        // work cut short by a stop (hosts not started, a step not run) is not the city's own
        // failure: the city is on its old release and `--resume` does it again
        if self.stopping().is_some()
            && matches!(result, CityResult::Failed | CityResult::RolledBack)
        {
            result = CityResult::Interrupted;
        }
        out.result = result;
        out.reason = reason;
        if result.went_wrong() {
            self.failures.fetch_add(1, Ordering::Relaxed);
            if self.failures.load(Ordering::Relaxed) > self.opts.max_failures {
                self.halt.store(true, Ordering::Relaxed);
            }
        }
        self.done(&mut out, start);
        out
    }

    fn deploy_city(&self, c: &CityRun, out: &mut Outcome) -> Result<CityResult, Stop> {
        if c.app.is_empty() {
            return Err(c.fail(CityResult::Failed, "the city has no app or web server"));
        }
        // 1. what every server has; a city that has it all is done
        let pre = self.preflight(c, out)?;
        if pre.already {
            c.bar.finish_and_clear();
            return Ok(CityResult::Already);
        }
        // the release's contents into the city, only what its servers lack (nothing runs it)
        self.transfer_step(c, &pre.work, out)?;
        // 2. a restore point, then the city database at the schema version the release needs
        self.restore_point_step(c, out)?;
        self.schema_step(c)?;
        // 3. the city lock, each server prepared (provisioned, the release installed) under it
        let (_controller_lock, done) = self.lock_step(c, &pre.work, out)?;
        self.prepared(c, &pre.work, &done, out)?;
        if pre.released {
            // only provisioning had changes: the release was already everywhere
            self.unlock(c);
            c.bar.finish_and_clear();
            return Ok(CityResult::Already);
        }
        // 4. business data before the switch
        let before = self.data_before(c);
        // 5. switch, restart, health: batch by batch
        let previous = pre.previous();
        let switched = self.switch_city(c, &previous, out)?;
        // 6. business data after the switch and the health gate
        self.verify(
            c,
            before,
            &switched,
            &previous,
            out.restore_point.as_deref(),
        )?;
        // 7. keep the last N releases, never the current or the previous; unlock
        self.finalize(c, &previous);
        c.bar.finish_and_clear();
        Ok(CityResult::Deployed)
    }
}
