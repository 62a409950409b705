//! What can go wrong when the assessment keeps or hands out what it found.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    #[error("cannot write the assessment snapshot {}", path.display())]
    Snapshot {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode the assessment")]
    Encode(#[source] serde_json::Error),
    #[error("cannot write the report {}", path.display())]
    Report {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the province table as CSV")]
    Csv(#[source] csv::Error),
}
