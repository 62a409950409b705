//! The release's upload: the install script each server runs in the preparation round trip
//! (the tarball on its stdin, unpacked beside the running release with the release's own
//! templates rendered for it), and the check that every server that needed it got it.

use std::collections::{BTreeMap, HashMap};

use super::prepare::{Done, Work};
use super::{CityRun, Rollout, last_lines};
use crate::inventory::Host;
use crate::profile::Site;
use crate::release::remote;

impl Rollout<'_> {
    /// The script that unpacks the release on `host` (the tarball comes on its stdin).
    pub(super) fn install_script(
        &self,
        host: &Host,
        t: &dyn crate::transport::Transport,
    ) -> Result<String, crate::template::TemplateError> {
        let site = self.profiles.of_host(host);
        let rendered = self.render(site, host)?;
        let p = &site.profile;
        let m = &self.release.manifest;
        let layout = self.layout().ok();
        Ok(remote::deploy_script(&remote::DeployPlan {
            root: t.root(),
            install: &p.app.install_dir,
            version: &m.version,
            sha256: &m.sha256,
            upload: layout.map(|l| (l.keys_sha.as_str(), l.skeleton.as_str())),
            activate: false,
            rendered: &rendered,
            shared_dirs: &p.app.shared_dirs,
            service: None,
            local: t.kind() == crate::profile::TransportKind::Local,
            health: "",
            health_timeout: 1,
            health_interval: 1,
        }))
    }

    /// The release's own templates, rendered with the city's profile for this server.
    pub(super) fn render(
        &self,
        site: &Site,
        host: &Host,
    ) -> Result<BTreeMap<String, String>, crate::template::TemplateError> {
        if self.templates.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut ctx = crate::provision::resource::context(self.profiles, site, host);
        ctx["release"] = serde_json::json!({
            "name": self.release.manifest.name,
            "version": self.release.manifest.version,
            "sha256": self.release.manifest.sha256,
        });
        let mut out = BTreeMap::new();
        for (path, source) in &self.templates {
            out.insert(
                path.clone(),
                crate::template::render_str(path, source, &ctx)?,
            );
        }
        Ok(out)
    }

    /// Every server that needed the release has it installed; each server's upload is
    /// recorded as a step.
    pub(super) fn uploaded(
        &self,
        c: &CityRun,
        work: &HashMap<usize, Work>,
        done: &HashMap<usize, Done>,
    ) -> Result<(), NotInstalled> {
        let mut failures = Vec::new();
        for (i, d) in done {
            let name = &self.fleet.host(*i).name;
            match &d.installed {
                Some((_, Some((step, why)))) => {
                    self.step(&c.city, Some(name), step, false, why.clone());
                    failures.push(format!("{name}: {step} failed: {}", last_lines(why)));
                }
                Some((_, None)) => self.step(&c.city, Some(name), "upload", true, String::new()),
                None if work.get(i).is_some_and(|w| w.install) => {
                    failures.push(format!("{name}: the release was not installed"));
                }
                None => {}
            }
        }
        if failures.is_empty() {
            return Ok(());
        }
        failures.sort();
        Err(NotInstalled(failures))
    }
}

/// Servers that needed the release and have not got it installed: `server: why` each, sorted.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("; "))]
pub struct NotInstalled(pub Vec<String>);
