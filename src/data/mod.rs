//! County data moving into a city's center (数据采集、比对、整合、转换): synthetic extracts,
//! import with every row accounted for, data-quality rules run inside the database, and
//! row-level comparison.

pub mod batch;
pub mod buckets;
pub mod changes;
pub mod check;
pub mod compare;
pub mod crosscity;
pub mod csv_line;
pub mod csv_out;
pub mod extract;
pub mod format;
pub mod ids;
pub mod import;
pub mod progress;
pub mod rules;
pub mod synth;
