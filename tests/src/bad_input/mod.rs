//! The bad-input table (issue 11, item 6): every writable field of every
//! entity against every rule that applies to it, each row with its bad value
//! and the field the error must name.
//!
//! Four entry points run the table, and after every row check that the
//! registry is unchanged (its stats and the length of its audit trail):
//! the library on each backend and `import` ([`crate::cases::bad_input`]),
//! the HTTP API (`server/tests/bad_input.rs`) and the command line
//! (`cli/tests/bad_input.rs`). A row an entry point cannot express is marked
//! not applicable to it, with the reason.
//!
//! A row ([`Row`]) is an operation, a field, the rule its bad value breaks
//! and what the answer must name; [`table`] lists them all; [`prepare`]
//! writes the fixture every entry point runs the table against.

mod fixture;
mod row;
mod table;
mod values;

pub use fixture::{
    Fixture, Footprint, LOOK_ALIKE, PARENT_ALIAS, PARENT_ENV, PARENT_MODEL, PARENT_SEMVER, PARENT_TEAM, TAKEN,
    assert_no_failures, footprint, prepare,
};
pub use row::{Bad, EntryPoint, Expect, Kind, Op, Row, Rule};
pub use table::{report, table};
pub use values::{nested_arrays, nested_object, object_of_bytes};
