//! jinbao's test suite: one crate (one build, one link), a module per command and concern.
//! Every test drives the real binary against real parts: SQLite files, the machine's
//! PostgreSQL (`tests/testbed/postgres`), SSH servers in network namespaces
//! (`tests/testbed/hosts`), Debian servers with systemd (`hosts up --os`), headless Chromium.
//! Shared fixtures are in `common/` and written once: the binary with a clean environment
//! (`common::jinbao`), a sandbox rolled out (`common::sandbox_rollout`), the test bed, one test
//! at a time (`common::testbed::testbed`), PostgreSQL shared by the tests that read it and
//! held alone by those that stop it (`common::pg::available`, `common::pg::exclusive`).
//! Run one module with `cargo test --test suite <module>::`.
//!
//! - `assess`: The province's assessment (issue 16)
//! - `assess_history`: The assessment over time: milestones that stop holding keep the day they were first …
//! - `backup`: `jinbao db backup|backups|restore|drill` on the sandbox (SQLite): backups that restore, …
//! - `binary`: The binary province staff copy to a controller runs on a slim Debian 12 without …
//! - `compare_by_change`: Comparisons by change: an extract compared with what the city holds stages only …
//! - `cli`: The command line itself: help text, completions, exit codes of usage errors
//! - `data`: `jinbao data synth|import|check|compare` on SQLite (the sandbox) and on PostgreSQL
//! - `data_cycle`: The monthly data cycle: a county's re-sent full extract writes only what changed, …
//! - `data_lists`: `data check --lists DIR` never reaches out of DIR
//! - `data_standards`: The data checks held row by row against the standards on both engines (SQLite, …
//! - `db`: `jinbao db …` against a real PostgreSQL server and against SQLite files
//! - `faults`: The fault suite (`tests/faults`)
//! - `health`: `jinbao health` on the test bed's pilot cities and on the sandbox
//! - `hostile`: The hostile-input corpus (`tests/hostile/`)
//! - `hostile_csv`: The hostile CSV corpus (tests/hostile/csv/)
//! - `interface`: One interface for people and scripts (issue 14)
//! - `json_doc`: docs/json.md against the real output
//! - `layers`: The layers hold: the commands parse, call the domain and print: `src/cmd/` holds no …
//! - `os_hosts`: Real servers: Debian 12 hosts with systemd (`tests/testbed/hosts up --os`), their …
//! - `profile`: `jinbao profile …` over the shipped profiles and over broken copies of them
//! - `properties_data`: Properties of the county-data code, checked on generated inputs (proptest)
//! - `properties_trust`: Properties of what keeps hostile input away from servers, checked on generated …
//! - `provision`: `jinbao provision plan|apply` and `jinbao net check` on the test bed's pilot cities …
//! - `rollout`: `jinbao release` and `jinbao rollout` on the test bed's pilot cities and on the sandbox
//! - `secrets`: Secrets are never shown: the README's tour on the test bed (PostgreSQL and SSH, the …
//! - `state`: The state folder under damage and the small promises around it, on the sandbox
//! - `status`: `jinbao status`: the province-wide view, built from what rollouts, health and data …
//! - `tables`: What the table-printing commands show people, as snapshots of stdout, stderr and the …
//! - `transport`: `jinbao ping` and `jinbao exec` over real OpenSSH servers in network namespaces (the …

mod common;

mod assess;
mod assess_history;
mod backup;
mod binary;
mod checks_by_change;
mod cli;
mod compare_by_change;
mod data;
mod data_cycle;
mod data_lists;
mod data_standards;
mod db;
mod faults;
mod health;
mod hostile;
mod hostile_csv;
mod interface;
mod json_doc;
mod layers;
mod os_backup;
mod os_hosts;
mod profile;
mod properties_data;
mod properties_trust;
mod provision;
mod rollout;
mod secrets;
mod state;
mod status;
mod tables;
mod transfer;
mod transport;
