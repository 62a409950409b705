//! The end of a city's rollout: its servers keep the last N releases (never the current or
//! the previous one) and give the city lock back; then, whatever the city's result, the release
//! ledger, the audit log and the journal's `city-done` record it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{CityResult, CityRun, Outcome, Rollout};
use crate::release::journal::EventKind;
use crate::release::remote;

impl Rollout<'_> {
    /// Old releases cleaned up on every app server and the city's server locks given back
    /// (also after a stop was asked for).
    pub(super) fn finalize(&self, c: &CityRun, previous: &HashMap<usize, Option<String>>) {
        c.bar.set_message("finalize");
        let m = &self.release.manifest;
        let keep = c.site.profile.app.keep_releases;
        let quiet = self.progress.hidden();
        let results = self.on_always(&c.app, &quiet, "finalize", |host, t| {
            let i = self.index_of(host);
            let prev = previous.get(&i).cloned().flatten().unwrap_or_default();
            let script = remote::finalize_script(
                t.root(),
                c.install(),
                keep,
                &[&m.version, &prev],
                &self.journal.run,
            );
            let out = t.run(&script, b"", Duration::from_secs(120))?;
            anyhow::ensure!(out.ok(), "{}", out.stderr_text().trim());
            Ok(())
        });
        // the city's result stands; a lock left behind is said, never passed over in silence
        for (i, r) in results {
            if let Err(e) = r {
                tracing::warn!(
                    "{}: old releases or the city lock may be left ({e}): `jinbao rollout unlock {}` gives the lock back",
                    self.fleet.host(i).label(),
                    c.city
                );
            }
        }
    }

    /// Records how the city ended: its time, the ledger and the audit log (for a city that was
    /// worked on), then the journal's `city-done`.
    pub(super) fn done(&self, out: &mut Outcome, start: Instant) {
        out.ms = start.elapsed().as_millis() as u64;
        if !matches!(out.result, CityResult::Skipped | CityResult::Interrupted) {
            let record = crate::state::ReleaseRecord {
                time: crate::clock::now().to_rfc3339(),
                action: crate::state::ChangeAction::Rollout,
                run: Some(self.journal.run.clone()),
                result: out.result,
                from: out.from.clone(),
                to: out.to.clone(),
                reason: out.reason.clone(),
            };
            // the journal already holds the outcome: a ledger that cannot be written is a
            // warning for `status`, not a reason to stop a rollout
            if let Err(e) =
                crate::state::record_release(self.journal.state_dir(), &out.city, &record)
            {
                tracing::warn!("cannot record {}'s release for status: {e}", out.city);
            }
            let audited = crate::state::audit::record(
                self.journal.state_dir(),
                crate::state::audit::Entry {
                    action: "rollout",
                    targets: vec![out.city.clone()],
                    what: format!(
                        "{} → {} (run {}){}",
                        if out.from.is_empty() {
                            "(none)".to_string()
                        } else {
                            out.from.join("/")
                        },
                        out.to,
                        self.journal.run,
                        out.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ),
                    result: out.result.as_str(),
                    identity: self
                        .profiles
                        .find(&out.city)
                        .map(|s| crate::inventory::identity(&s.profile)),
                },
            );
            if let Err(e) = audited {
                tracing::error!("cannot write the audit log: {e}");
            }
        }
        // the ledger and the audit log first: a crash between them and this event makes the
        // resume do the city again (and find it `already`), never leave the ledger behind
        self.log(EventKind::CityDone {
            city: out.city.clone(),
            result: out.result.as_str().into(),
            from: out.from.clone(),
            to: out.to.clone(),
            ms: out.ms,
            changes: out.changes,
            reason: out.reason.clone(),
            restore_point: out.restore_point.clone(),
            transfer: out.transfer.clone(),
        });
    }
}
