//! One module per noun of the command line: its clap definition next to the
//! code that runs it.

pub mod audit;
pub mod completions;
pub mod db;
pub mod deploy;
pub mod env;
pub mod info;
pub mod metric;
pub mod model;
pub mod names;
pub mod report;
pub mod run;
pub mod serve;
pub mod stats;
pub mod tag;
pub mod team;
pub mod transfer;
pub mod version;
