//! A health check's verdict (its status, measured value, threshold, hint and performance
//! data): what `health` produces and the histories keep, so it lives with the records.

use serde::{Deserialize, Serialize};

/// The monitoring-plugin statuses; the exit code of `jinbao health` is the worst one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Status {
    /// How bad, for sorting and aggregation: CRITICAL > UNKNOWN > WARNING > OK.
    pub fn rank(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Unknown => 2,
            Status::Critical => 3,
        }
    }

    /// The monitoring-plugin exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }

    /// OK below `warn`, WARNING from it, CRITICAL from `crit`.
    pub fn of(value: f64, warn: f64, crit: f64) -> Status {
        if value >= crit {
            Status::Critical
        } else if value >= warn {
            Status::Warning
        } else {
            Status::Ok
        }
    }
}

/// Performance data for the monitoring-plugin line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Perf {
    pub label: String,
    pub value: f64,
    pub uom: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    /// A value below the thresholds is the problem (a score): written `95:` for Nagios.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lower_is_worse: bool,
    /// A value away from zero either way is the problem (a clock offset): `-2:2`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub both_signs: bool,
}

impl Perf {
    /// A threshold in the monitoring-plugin range syntax: `N` alerts above N (and below 0),
    /// `N:` below N, `-N:N` outside ±N.
    pub fn range(&self, threshold: Option<f64>) -> String {
        match threshold {
            None => String::new(),
            Some(t) if self.lower_is_worse => format!("{t}:"),
            Some(t) if self.both_signs => format!("{}:{t}", -t.abs()),
            Some(t) => format!("{t}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub city: String,
    /// The server (None: a check of the whole city or its database).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub check: String,
    pub status: Status,
    pub value: String,
    pub threshold: String,
    pub hint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perf: Option<Perf>,
}

impl Check {
    pub fn new(
        city: &str,
        host: Option<&str>,
        check: &str,
        status: Status,
        value: impl Into<String>,
    ) -> Self {
        Check {
            city: city.to_string(),
            host: host.map(str::to_string),
            check: check.to_string(),
            status,
            value: value.into(),
            threshold: String::new(),
            hint: String::new(),
            perf: None,
        }
    }

    pub fn threshold(mut self, t: impl Into<String>) -> Self {
        self.threshold = t.into();
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = h.into();
        self
    }

    pub fn perf(
        mut self,
        label: impl Into<String>,
        value: f64,
        uom: &str,
        warn: Option<f64>,
        crit: Option<f64>,
    ) -> Self {
        self.perf = Some(Perf {
            label: label.into(),
            // never `-0` in a plugin line
            value: value + 0.0,
            uom: uom.to_string(),
            warn,
            crit,
            lower_is_worse: false,
            both_signs: false,
        });
        self
    }

    /// Its measurement is a problem below the thresholds (a score).
    pub fn lower_is_worse(mut self) -> Self {
        if let Some(p) = &mut self.perf {
            p.lower_is_worse = true;
        }
        self
    }

    /// Its measurement is a problem away from zero either way (an offset).
    pub fn both_signs(mut self) -> Self {
        if let Some(p) = &mut self.perf {
            p.both_signs = true;
        }
        self
    }
}
