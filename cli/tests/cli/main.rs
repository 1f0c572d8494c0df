//! The real `modelreg` binary, end to end: on temporary SQLite files, and on
//! PostgreSQL when a test server is available (see the README).

mod bench;
mod config;
mod curation;
mod db;
mod errors;
mod files;
mod pipe;
mod query;
mod readme;
mod remote;
mod sandbox;
mod scenario;
mod secrets;
mod serve;
mod usage;
mod versions;
