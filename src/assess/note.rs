//! What the assessment says of a site (what a milestone is missing, the facts it rests on,
//! why a city needs attention) as values, so that each reader gets them in its language:
//! `status` and `--json` in English, the report in Chinese by default (`--lang en`).

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::milestones::Milestone;

/// The language of the words shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// The latest evidence of a site's health.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthSeen {
    Run { status: String, when: String },
    Gate { when: String },
    Never,
}

/// One thing the assessment says. `Display` is the English; `text` either language.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    // what a milestone is missing
    NeverProvisioned {
        city: String,
    },
    ServersDiffer {
        city: String,
    },
    NoSchema {
        city: String,
    },
    SchemaDrifted {
        city: String,
    },
    SchemaBehind {
        city: String,
        at: Option<u32>,
        newest: u32,
    },
    NoRelease {
        city: String,
    },
    WrongRelease {
        runs: String,
        target: Option<String>,
    },
    NotHealthy {
        seen: HealthSeen,
        city: String,
    },
    LoadsUnknown,
    CountiesMissing {
        names: Vec<String>,
    },
    NotLive,
    NoDataCheck {
        city: String,
    },
    ScoreBelow {
        city: String,
    },
    NoGoodHealth {
        days: u32,
        city: String,
    },
    DaysLeft {
        left: i64,
        days: u32,
    },
    // the facts a milestone rests on
    Provisioned {
        by: String,
        when: String,
        hosts: usize,
        pending: Option<usize>,
    },
    SchemaSeen {
        by: String,
        when: String,
        at: Option<u32>,
        drift: Option<bool>,
    },
    Runs {
        current: Option<String>,
        target: Option<String>,
    },
    Health(HealthSeen),
    ConcentrationUnknown,
    CountiesLoaded {
        loaded: usize,
        counties: usize,
    },
    DataScoreAt {
        score: String,
        when: String,
        min: f64,
    },
    SteadySince {
        when: String,
    },
    // the facts a criterion rests on
    MilestonesHold {
        holding: Vec<Milestone>,
        of: usize,
    },
    DataCheckAt {
        when: String,
        score: String,
        errors: usize,
        warnings: usize,
    },
    ProvinceNoDataCheck,
    NoDataCheckRecorded,
    NoHealthIn {
        days: u32,
    },
    HealthRuns {
        runs: usize,
        days: u32,
        ok: usize,
        warning: usize,
    },
    ProvinceNoCounties,
    LoadsUnknownLeftOut,
    ProvinceNoWave,
    NoPlannedDate,
    LiveOn {
        day: NaiveDate,
        due: NaiveDate,
    },
    NotLiveYet {
        due: NaiveDate,
        left: i64,
    },
    Overdue {
        due: NaiveDate,
        late: i64,
    },
    // why a city needs attention
    Unreadable {
        lines: usize,
    },
    HealthWarning {
        when: String,
    },
    /// No drill found a backup of the city database whole within the profile's period.
    BackupsUnverified {
        city: String,
        days: u64,
    },
    HealthBad {
        status: String,
        when: String,
        city: String,
    },
    Lost {
        milestone: Milestone,
        missing: Option<Box<Note>>,
    },
    LastChange {
        change: String,
        reason: Option<String>,
    },
    FailingRules {
        n: usize,
    },
    Late {
        wave: String,
        due: NaiveDate,
    },
}

/// A milestone's name in `lang`.
pub fn milestone_title(m: Milestone, lang: Lang) -> &'static str {
    match (lang, m) {
        (Lang::En, m) => m.title(),
        (Lang::Zh, Milestone::EnvironmentReady) => "环境就绪",
        (Lang::Zh, Milestone::SchemaReady) => "库表就绪",
        (Lang::Zh, Milestone::ApplicationLive) => "应用上线",
        (Lang::Zh, Milestone::DataConcentrated) => "数据集中完成",
        (Lang::Zh, Milestone::Accepted) => "验收通过",
    }
}

/// Notes joined by `sep`, in `lang`.
pub fn join(notes: &[Note], sep: &str, lang: Lang) -> String {
    notes
        .iter()
        .map(|n| n.text(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

fn schema_version(at: Option<u32>, lang: Lang) -> String {
    match (at, lang) {
        (Some(n), _) => format!("V{n:03}"),
        (None, Lang::En) => "no schema".into(),
        (None, Lang::Zh) => "无库表".into(),
    }
}

impl HealthSeen {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (HealthSeen::Run { status, when }, Lang::En) => format!("health {status} at {when}"),
            (HealthSeen::Run { status, when }, Lang::Zh) => format!("{when} 健康检查 {status}"),
            (HealthSeen::Gate { when }, Lang::En) => {
                format!("rollout health gate passed at {when}")
            }
            (HealthSeen::Gate { when }, Lang::Zh) => format!("{when} 部署健康关口通过"),
            (HealthSeen::Never, Lang::En) => "never checked".into(),
            (HealthSeen::Never, Lang::Zh) => "从未检查".into(),
        }
    }
}

impl Note {
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.english(),
            Lang::Zh => self.chinese(),
        }
    }

    fn english(&self) -> String {
        let plural = super::plural;
        match self {
            Note::NeverProvisioned { city } => format!(
                "provisioning never compared its servers with the profile (jinbao provision plan {city})"
            ),
            Note::ServersDiffer { city } => {
                format!("its servers differ from the profile (jinbao provision apply {city})")
            }
            Note::NoSchema { city } => format!("no schema recorded yet (jinbao db migrate {city})"),
            Note::SchemaDrifted { city } => {
                format!("its schema drifted from the migrations (jinbao db drift {city})")
            }
            Note::SchemaBehind { city, at, newest } => format!(
                "at {}, the newest migration is V{newest:03} (jinbao db migrate {city})",
                schema_version(*at, Lang::En)
            ),
            Note::NoRelease { city } => {
                format!("no release rolled out (jinbao rollout RELEASE {city})")
            }
            Note::WrongRelease { runs, target } => format!(
                "runs {runs}, its wave's release is {}",
                target.as_deref().unwrap_or("(none yet)")
            ),
            Note::NotHealthy { seen, city } => {
                format!(
                    "not healthy: {} (jinbao health {city})",
                    seen.text(Lang::En)
                )
            }
            Note::LoadsUnknown => "county loads not known yet (jinbao data progress)".into(),
            Note::CountiesMissing { names } => format!(
                "{} not loaded: {}",
                plural(names.len(), "county"),
                names.join(", ")
            ),
            Note::NotLive => "the application is not live".into(),
            Note::NoDataCheck { city } => {
                format!("no data check recorded (jinbao data check {city})")
            }
            Note::ScoreBelow { city } => {
                format!("the data score is below the threshold (jinbao data check {city})")
            }
            Note::NoGoodHealth { days, city } => format!(
                "no good health run since the last bad one in the last {days} days (jinbao health {city})"
            ),
            Note::DaysLeft { left, days } => {
                format!("{left} more days live, healthy and at the data threshold (of {days})")
            }
            Note::Provisioned {
                by,
                when,
                hosts,
                pending,
            } => format!(
                "{by} at {when}: {hosts} servers, {}",
                match pending {
                    None => "nothing to change".to_string(),
                    Some(n) => format!("{n} changes pending or failed"),
                }
            ),
            Note::SchemaSeen {
                by,
                when,
                at,
                drift,
            } => format!(
                "{by} at {when}: {}{}",
                schema_version(*at, Lang::En),
                match drift {
                    Some(true) => ", drift found",
                    Some(false) => ", no drift",
                    None => "",
                }
            ),
            Note::Runs { current, target } => format!(
                "runs {}, wave release {}",
                current.as_deref().unwrap_or("nothing"),
                target.as_deref().unwrap_or("(none yet)")
            ),
            Note::Health(seen) => seen.text(Lang::En),
            Note::ConcentrationUnknown => "concentration: –".into(),
            Note::CountiesLoaded { loaded, counties } => {
                format!("{loaded} of {counties} counties loaded")
            }
            Note::DataScoreAt { score, when, min } => {
                format!("data score {score} at {when} (threshold {min})")
            }
            Note::SteadySince { when } => {
                format!("live, healthy and at the threshold since {when}")
            }
            Note::MilestonesHold { holding, of } => {
                let names: Vec<&str> = holding.iter().map(|m| m.title()).collect();
                format!(
                    "{} of {of} milestones hold{}",
                    names.len(),
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", names.join(", "))
                    }
                )
            }
            Note::DataCheckAt {
                when,
                score,
                errors,
                warnings,
            } => format!(
                "data check at {when}: score {score}, {errors} error and {warnings} warning rules failed"
            ),
            Note::ProvinceNoDataCheck => "no data check of the province center: left out".into(),
            Note::NoDataCheckRecorded => "no data check recorded".into(),
            Note::NoHealthIn { days } => format!("no health run in the last {days} days"),
            Note::HealthRuns {
                runs,
                days,
                ok,
                warning,
            } => format!(
                "{} in the last {days} days: {ok} OK, {warning} WARNING (half), {} CRITICAL or UNKNOWN",
                plural(*runs, "health run"),
                runs - ok - warning
            ),
            Note::ProvinceNoCounties => "the province center loads no counties: left out".into(),
            Note::LoadsUnknownLeftOut => {
                "county loads not known yet (jinbao data progress): left out".into()
            }
            Note::ProvinceNoWave => "the province center is in no wave: left out".into(),
            Note::NoPlannedDate => "no planned live date for its wave: left out".into(),
            Note::LiveOn { day, due } => format!("live on {day}, planned by {due}"),
            Note::NotLiveYet { due, left } => {
                format!("not live yet, planned by {due} ({left} days left)")
            }
            Note::Overdue { due, late } => {
                format!("not live, planned by {due}: {late} days overdue")
            }
            Note::Unreadable { lines } => format!(
                "{} of its history could not be read: what is shown here may be incomplete",
                plural(*lines, "line")
            ),
            Note::HealthWarning { when } => format!("health WARNING at {when}"),
            Note::BackupsUnverified { city, days } => super::unverified(city, *days, Lang::En),
            Note::HealthBad { status, when, city } => {
                format!("health {status} at {when} (jinbao health {city})")
            }
            Note::Lost { milestone, missing } => format!(
                "{} no longer holds: {}",
                milestone.title(),
                missing.as_ref().map_or(String::new(), |m| m.english())
            ),
            Note::LastChange { change, reason } => format!(
                "last {change}{}",
                reason
                    .as_deref()
                    .map_or(String::new(), |r| format!(": {r}"))
            ),
            Note::FailingRules { n } => format!("{n} data rules of severity error fail"),
            Note::Late { wave, due } => format!("late: wave {wave} was due live by {due}"),
        }
    }

    fn chinese(&self) -> String {
        let zh = Lang::Zh;
        match self {
            Note::NeverProvisioned { city } => {
                format!("尚未将服务器与配置比对（jinbao provision plan {city}）")
            }
            Note::ServersDiffer { city } => {
                format!("服务器与配置不一致（jinbao provision apply {city}）")
            }
            Note::NoSchema { city } => format!("尚无库表记录（jinbao db migrate {city}）"),
            Note::SchemaDrifted { city } => {
                format!("库表结构偏离迁移脚本（jinbao db drift {city}）")
            }
            Note::SchemaBehind { city, at, newest } => format!(
                "库表为 {}，最新迁移为 V{newest:03}（jinbao db migrate {city}）",
                schema_version(*at, zh)
            ),
            Note::NoRelease { city } => {
                format!("尚未部署任何版本（jinbao rollout RELEASE {city}）")
            }
            Note::WrongRelease { runs, target } => format!(
                "运行 {runs}，所在批次的版本为 {}",
                target.as_deref().unwrap_or("（暂无）")
            ),
            Note::NotHealthy { seen, city } => {
                format!("不健康：{}（jinbao health {city}）", seen.text(zh))
            }
            Note::LoadsUnknown => "各县数据加载情况尚不清楚（jinbao data progress）".into(),
            Note::CountiesMissing { names } => {
                format!("{} 个县未加载：{}", names.len(), names.join("、"))
            }
            Note::NotLive => "应用尚未上线".into(),
            Note::NoDataCheck { city } => {
                format!("尚无数据检查记录（jinbao data check {city}）")
            }
            Note::ScoreBelow { city } => {
                format!("数据得分低于门槛（jinbao data check {city}）")
            }
            Note::NoGoodHealth { days, city } => {
                format!("近 {days} 天内最后一次异常之后没有正常的健康检查（jinbao health {city}）")
            }
            Note::DaysLeft { left, days } => {
                format!("还需 {left} 天保持上线、健康且数据达标（共 {days} 天）")
            }
            Note::Provisioned {
                by,
                when,
                hosts,
                pending,
            } => format!(
                "{by} 于 {when}：{hosts} 台服务器，{}",
                match pending {
                    None => "无需变更".to_string(),
                    Some(n) => format!("{n} 项变更待执行或失败"),
                }
            ),
            Note::SchemaSeen {
                by,
                when,
                at,
                drift,
            } => format!(
                "{by} 于 {when}：{}{}",
                schema_version(*at, zh),
                match drift {
                    Some(true) => "，发现偏离",
                    Some(false) => "，无偏离",
                    None => "",
                }
            ),
            Note::Runs { current, target } => format!(
                "运行 {}，批次版本 {}",
                current.as_deref().unwrap_or("无"),
                target.as_deref().unwrap_or("（暂无）")
            ),
            Note::Health(seen) => seen.text(zh),
            Note::ConcentrationUnknown => "数据集中：–".into(),
            Note::CountiesLoaded { loaded, counties } => {
                format!("{counties} 个县中已加载 {loaded} 个")
            }
            Note::DataScoreAt { score, when, min } => {
                format!("{when} 数据得分 {score}（门槛 {min}）")
            }
            Note::SteadySince { when } => format!("自 {when} 起上线、健康且数据达标"),
            Note::MilestonesHold { holding, of } => {
                let names: Vec<&str> = holding.iter().map(|m| milestone_title(*m, zh)).collect();
                format!(
                    "{of} 个里程碑中 {} 个达成{}",
                    names.len(),
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", names.join("、"))
                    }
                )
            }
            Note::DataCheckAt {
                when,
                score,
                errors,
                warnings,
            } => format!(
                "{when} 数据检查：得分 {score}，{errors} 条错误级、{warnings} 条警告级规则未通过"
            ),
            Note::ProvinceNoDataCheck => "省中心无数据检查：不计".into(),
            Note::NoDataCheckRecorded => "尚无数据检查记录".into(),
            Note::NoHealthIn { days } => format!("近 {days} 天无健康检查"),
            Note::HealthRuns {
                runs,
                days,
                ok,
                warning,
            } => format!(
                "近 {days} 天健康检查 {runs} 次：OK {ok} 次，WARNING {warning} 次（计一半），CRITICAL 或 UNKNOWN {} 次",
                runs - ok - warning
            ),
            Note::ProvinceNoCounties => "省中心不加载县数据：不计".into(),
            Note::LoadsUnknownLeftOut => {
                "各县数据加载情况尚不清楚（jinbao data progress）：不计".into()
            }
            Note::ProvinceNoWave => "省中心不属于任何批次：不计".into(),
            Note::NoPlannedDate => "所在批次没有计划上线日期：不计".into(),
            Note::LiveOn { day, due } => format!("{day} 上线，计划 {due} 前"),
            Note::NotLiveYet { due, left } => {
                format!("尚未上线，计划 {due} 前（还剩 {left} 天）")
            }
            Note::Overdue { due, late } => format!("未上线，计划 {due} 前：已逾期 {late} 天"),
            Note::Unreadable { lines } => {
                format!("其历史记录有 {lines} 行无法读取：此处所示可能不完整")
            }
            Note::HealthWarning { when } => format!("{when} 健康检查 WARNING"),
            Note::BackupsUnverified { city, days } => super::unverified(city, *days, Lang::Zh),
            Note::HealthBad { status, when, city } => {
                format!("{when} 健康检查 {status}（jinbao health {city}）")
            }
            Note::Lost { milestone, missing } => format!(
                "「{}」不再成立：{}",
                milestone_title(*milestone, zh),
                missing.as_ref().map_or(String::new(), |m| m.chinese())
            ),
            Note::LastChange { change, reason } => format!(
                "最近一次变更 {change}{}",
                reason
                    .as_deref()
                    .map_or(String::new(), |r| format!("：{r}"))
            ),
            Note::FailingRules { n } => format!("{n} 条错误级数据规则未通过"),
            Note::Late { wave, due } => format!("逾期：批次 {wave} 应于 {due} 前上线"),
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

/// Scripts read the English, as before.
impl Serialize for Note {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_has_its_chinese() {
        let notes = [
            Note::NotLive,
            Note::Lost {
                milestone: Milestone::ApplicationLive,
                missing: Some(Box::new(Note::NotHealthy {
                    seen: HealthSeen::Run {
                        status: "CRITICAL".into(),
                        when: "2026-12-01 10:00 +08:00".into(),
                    },
                    city: "hebi".into(),
                })),
            },
            Note::CountiesMissing {
                names: vec!["淇滨区 410611".into()],
            },
        ];
        for n in &notes {
            let zh = n.text(Lang::Zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            assert_ne!(zh, n.to_string());
        }
        assert_eq!(
            notes[1].to_string(),
            "application live no longer holds: not healthy: health CRITICAL at 2026-12-01 10:00 +08:00 (jinbao health hebi)"
        );
    }
}
