//! The assessment's rules on records made by hand: what holds, what is missing, how the points
//! are weighed.

use chrono::{DateTime, Utc};

use super::milestones::{self, Frame, Milestone, MilestoneDetail};
use super::note::Lang;
use super::record::{Concentration, HealthRun, Record};
use super::score;
use crate::profile::assessment::{AssessmentConfig, WavePlan};
use crate::state::ReleaseRecord;
use crate::state::data_checks::CheckRecord;
use crate::state::facts::{Fact, FactRecord};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn change(time: &str, result: &str, to: &str) -> ReleaseRecord {
    ReleaseRecord {
        time: time.into(),
        action: crate::state::ChangeAction::Rollout,
        run: None,
        result: serde_json::from_value(serde_json::Value::from(result)).unwrap(),
        from: Vec::new(),
        to: to.into(),
        reason: None,
    }
}

fn health(time: &str, status: &str) -> HealthRun {
    HealthRun {
        time: time.into(),
        status: serde_json::from_value(serde_json::Value::from(status)).unwrap(),
        counts: Default::default(),
        problems: Vec::new(),
    }
}

fn check(time: &str, score: f64) -> CheckRecord {
    CheckRecord {
        time: time.into(),
        city: "hebi".into(),
        score,
        rules: 25,
        failed_errors: 0,
        failed_warnings: 0,
        violations: 0,
        min_score: 95.0,
        by_county: Default::default(),
        partial: false,
    }
}

fn fact(time: &str, fact: Fact) -> FactRecord {
    FactRecord {
        time: time.into(),
        by: "test".into(),
        fact,
    }
}

/// Hebi provisioned, at the newest schema and on 1.0.0 since March 1st.
fn live_record() -> Record {
    Record {
        facts: vec![
            fact(
                "2027-03-01T01:00:00+00:00",
                Fact::Provision {
                    clean: true,
                    hosts: 5,
                    pending: 0,
                },
            ),
            fact(
                "2027-03-01T01:30:00+00:00",
                Fact::Schema {
                    current: Some(9),
                    latest: 9,
                    drift: None,
                },
            ),
        ],
        ledger: vec![change("2027-03-01T02:00:00+00:00", "deployed", "1.0.0")],
        ..Default::default()
    }
}

fn frame<'a>(config: &'a AssessmentConfig, now: &str, target: &str) -> Frame<'a> {
    Frame {
        now: t(now),
        config,
        latest_schema: Some(9),
        target_release: Some(target.into()),
        min_score: 95.0,
    }
}

fn find(ms: &[MilestoneDetail], m: Milestone) -> &MilestoneDetail {
    ms.iter().find(|x| x.name == m).unwrap()
}

#[test]
fn points_add_up_and_what_cannot_be_measured_scales_the_rest() {
    let config = AssessmentConfig::default();
    let mut r = live_record();
    r.checks = vec![check("2027-03-02T00:00:00+00:00", 80.0)];
    r.health = ["OK", "WARNING", "CRITICAL", "OK"]
        .iter()
        .enumerate()
        .map(|(i, s)| health(&format!("2027-03-0{}T00:00:00+00:00", i + 2), s))
        .collect();
    r.trend = r.health.clone();
    let f = frame(&config, "2027-03-10T00:00:00+00:00", "1.0.0");
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let (total, criteria) = score::score(false, &r, &ms, None, &config, f.now);
    let sum: f64 = criteria.iter().map(|c| c.points).sum();
    assert!((sum - total).abs() < 1e-9, "{sum} vs {total}");
    let by = |n: &str| criteria.iter().find(|c| c.name == n).unwrap();
    assert_eq!(by("health").value, Some(0.625), "2 OK, 1 WARNING of 4");
    assert_eq!(by("data_score").value, Some(0.8));
    // neither concentration (unknown) nor timeliness (no plan) counts: the other 70 are 100
    assert_eq!(by("concentration").value, None);
    assert_eq!(by("timeliness").value, None);
    assert_eq!(by("concentration").max_points, 0.0);
    assert_eq!(by("milestones").max_points, 42.9);
    assert_eq!(by("data_score").max_points, 28.6);
    // the last health run was OK: live; data below 95: not accepted
    assert!(find(&ms, Milestone::ApplicationLive).holds);
    let accepted = find(&ms, Milestone::Accepted);
    assert!(!accepted.holds);
    assert!(
        accepted
            .missing
            .as_ref()
            .unwrap()
            .to_string()
            .contains("below the threshold")
    );
}

#[test]
fn every_weight_zero_but_one_gives_that_one_everything() {
    let mut config = AssessmentConfig::default();
    config.weights.milestones = 0.0;
    config.weights.health = 0.0;
    config.weights.concentration = 0.0;
    config.weights.timeliness = 0.0;
    let mut r = live_record();
    r.checks = vec![check("2027-03-02T00:00:00+00:00", 97.5)];
    let f = frame(&config, "2027-03-10T00:00:00+00:00", "1.0.0");
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let (total, _) = score::score(false, &r, &ms, None, &config, f.now);
    assert_eq!(total, 97.5);
}

#[test]
fn known_county_loads_name_the_missing_counties() {
    let config = AssessmentConfig::default();
    let mut r = live_record();
    r.concentration = Some(Concentration {
        counties: 5,
        loaded: 3,
        missing: vec!["411023".into(), "411081".into()],
        names: [("411081".to_string(), "禹州市".to_string())].into(),
        last_import: Some("2027-03-02T00:00:00Z".into()),
        last_cycle: None,
    });
    let f = frame(&config, "2027-03-10T00:00:00+00:00", "1.0.0");
    let ms = milestones::evaluate("xuchang", false, &r, &f);
    let m = find(&ms, Milestone::DataConcentrated);
    assert!(!m.holds);
    assert_eq!(
        m.missing.as_ref().map(|n| n.to_string()).as_deref(),
        Some("2 counties not loaded: 411023, 411081 禹州市"),
        "counties by name as well as code"
    );
    let (_, criteria) = score::score(false, &r, &ms, None, &config, f.now);
    assert_eq!(criteria[3].value, Some(0.6));
    r.concentration = Some(Concentration {
        counties: 5,
        loaded: 5,
        missing: Vec::new(),
        names: Default::default(),
        last_import: Some("2027-03-02T00:00:00Z".into()),
        last_cycle: None,
    });
    let ms = milestones::evaluate("xuchang", false, &r, &f);
    let m = find(&ms, Milestone::DataConcentrated);
    assert!(m.holds);
    assert_eq!(
        m.reached_at.as_deref(),
        Some("2027-03-02T00:00:00+00:00"),
        "reached when its last county's import finished"
    );
}

#[test]
fn live_means_the_waves_release_and_healthy_at_the_latest_evidence() {
    let config = AssessmentConfig::default();
    let mut r = live_record();
    let f = frame(&config, "2027-03-10T00:00:00+00:00", "1.1.0");
    let live = |r: &Record, f: &Frame| {
        find(
            &milestones::evaluate("hebi", false, r, f),
            Milestone::ApplicationLive,
        )
        .clone()
    };
    let m = live(&r, &f);
    assert!(!m.holds && m.reached_at.is_none());
    assert_eq!(
        m.missing.as_ref().map(|n| n.to_string()).as_deref(),
        Some("runs 1.0.0, its wave's release is 1.1.0")
    );
    assert_eq!(
        m.missing.as_ref().map(|n| n.text(Lang::Zh)).as_deref(),
        Some("运行 1.0.0，所在批次的版本为 1.1.0")
    );
    // on the release, then a CRITICAL health run, then a rollout whose health gate passed
    let f = frame(&config, "2027-03-10T00:00:00+00:00", "1.0.0");
    assert!(live(&r, &f).holds);
    r.trend = vec![health("2027-03-02T00:00:00+00:00", "CRITICAL")];
    let m = live(&r, &f);
    assert!(!m.holds && m.lapsed(), "{m:?}");
    assert!(
        m.missing
            .as_ref()
            .unwrap()
            .to_string()
            .contains("health CRITICAL")
    );
    r.ledger
        .push(change("2027-03-03T00:00:00+00:00", "already", "1.0.0"));
    let m = live(&r, &f);
    assert!(m.holds);
    assert_eq!(m.reached_at.as_deref(), Some("2027-03-01T02:00:00+00:00"));
}

#[test]
fn schema_holds_at_the_newest_migration_without_drift() {
    let config = AssessmentConfig::default();
    let mut r = live_record();
    let mut f = frame(&config, "2027-03-10T00:00:00+00:00", "1.0.0");
    f.latest_schema = Some(10);
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let m = find(&ms, Milestone::SchemaReady);
    assert!(!m.holds && m.lapsed());
    assert!(
        m.missing
            .as_ref()
            .unwrap()
            .to_string()
            .contains("newest migration is V010")
    );
    f.latest_schema = Some(9);
    r.facts.push(fact(
        "2027-03-04T00:00:00+00:00",
        Fact::Schema {
            current: Some(9),
            latest: 9,
            drift: Some(true),
        },
    ));
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let m = find(&ms, Milestone::SchemaReady);
    assert!(!m.holds);
    assert_eq!(m.reached_at.as_deref(), Some("2027-03-01T01:30:00+00:00"));
}

#[test]
fn a_remembered_date_is_kept_when_the_facts_are_gone() {
    let config = AssessmentConfig::default();
    let mut r = Record::default();
    r.remembered.insert(
        "environment_ready".into(),
        "2027-01-05T00:00:00+00:00".into(),
    );
    let f = frame(&config, "2027-03-10T00:00:00+00:00", "1.0.0");
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let m = find(&ms, Milestone::EnvironmentReady);
    assert!(!m.holds && m.lapsed());
    assert_eq!(m.reached_at.as_deref(), Some("2027-01-05T00:00:00+00:00"));
    // the province center has two milestones only
    assert_eq!(milestones::evaluate("henan", true, &r, &f).len(), 2);
}

#[test]
fn timeliness_falls_evenly_over_late_days() {
    let config = AssessmentConfig::default();
    let plan: WavePlan = toml::from_str("live = 2027-04-30").unwrap();
    let mut r = live_record();
    r.ledger = vec![change("2027-05-30T02:00:00+00:00", "deployed", "1.0.0")];
    let f = frame(&config, "2027-06-10T00:00:00+00:00", "1.0.0");
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let (_, criteria) = score::score(false, &r, &ms, Some(&plan), &config, f.now);
    assert_eq!(criteria[4].value, Some(0.5), "30 of 60 days late");
    assert_eq!(
        score::overdue(&ms, Some(&plan), f.now),
        None,
        "live, if late"
    );
    r.ledger.clear();
    let ms = milestones::evaluate("hebi", false, &r, &f);
    let (_, criteria) = score::score(false, &r, &ms, Some(&plan), &config, f.now);
    assert!((criteria[4].value.unwrap() - (1.0 - 41.0 / 60.0)).abs() < 1e-3);
    assert!(score::overdue(&ms, Some(&plan), f.now).is_some());
}

#[test]
fn plurals() {
    assert_eq!(super::plural(1, "county"), "1 county");
    assert_eq!(super::plural(2, "county"), "2 counties");
    assert_eq!(super::plural(3, "health run"), "3 health runs");
}
