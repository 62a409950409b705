//! The one target grammar every command shares: cities by pinyin, Chinese name or code (also
//! as a comma list), `--wave NAME`, `--all`, and `--province` for the province center.

use super::{Profiles, Site};

#[derive(Debug, Clone, Default)]
pub struct TargetSpec {
    pub cities: Vec<String>,
    pub wave: Option<String>,
    pub all: bool,
    pub province: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("no target given")]
    Empty,
    /// `hint` suggests the nearest names the profiles know.
    #[error("no city named `{query}`")]
    UnknownCity { query: String, hint: String },
    #[error("no wave named `{query}`")]
    UnknownWave { query: String, hint: String },
}

impl crate::error::Explain for TargetError {
    fn exit(&self) -> crate::error::Exit {
        crate::error::Exit::Usage
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            TargetError::Empty => {
                "name a city (pinyin, Chinese name or code), --wave NAME or --all".into()
            }
            TargetError::UnknownCity { hint, .. } | TargetError::UnknownWave { hint, .. } => {
                hint.clone()
            }
        })
    }
}

impl TargetSpec {
    pub fn is_empty(&self) -> bool {
        self.cities.is_empty() && self.wave.is_none() && !self.all && !self.province
    }
}

impl Profiles {
    /// The sites a target names, in rollout order (wave, then code), each once; the province
    /// center, when named, comes first.
    pub fn select(&self, spec: &TargetSpec) -> Result<Vec<&Site>, TargetError> {
        if spec.is_empty() {
            return Err(TargetError::Empty);
        }
        let mut chosen: Vec<&Site> = Vec::new();
        fn add<'s>(site: &'s Site, chosen: &mut Vec<&'s Site>) {
            if !chosen.iter().any(|c| std::ptr::eq(*c, site)) {
                chosen.push(site);
            }
        }
        if spec.province {
            add(self.province_site(), &mut chosen);
        }
        for query in spec.cities.iter().flat_map(|c| c.split(',')) {
            let query = query.trim();
            if query.is_empty() {
                continue;
            }
            let site = self.find(query).ok_or_else(|| {
                let pinyins: Vec<&str> = self.cities().map(|s| s.pinyin()).collect();
                TargetError::UnknownCity {
                    query: query.to_string(),
                    hint: crate::suggest::hint(query, &pinyins),
                }
            })?;
            add(site, &mut chosen);
        }
        if let Some(wave) = &spec.wave {
            if !self.waves.iter().any(|w| &w.name == wave) {
                let waves: Vec<&str> = self.waves.iter().map(|w| w.name.as_str()).collect();
                return Err(TargetError::UnknownWave {
                    query: wave.clone(),
                    hint: crate::suggest::hint(wave, &waves),
                });
            }
            for site in self.cities().filter(|s| &s.profile.city.wave == wave) {
                add(site, &mut chosen);
            }
        }
        if spec.all {
            for site in self.cities() {
                add(site, &mut chosen);
            }
        }
        chosen.sort_by_key(|s| {
            (
                !s.is_province(),
                self.wave_rank(&s.profile.city.wave),
                s.code().to_string(),
            )
        });
        Ok(chosen)
    }
}
