//! The real `modelreg` binary, end to end: on temporary SQLite files, and on
//! PostgreSQL when a test server is available (see the README).

mod bench;
mod config;
mod db;
mod errors;
mod files;
mod readme;
mod sandbox;
mod scenario;
mod secrets;
mod usage;
