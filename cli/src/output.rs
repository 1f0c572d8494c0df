//! Printing results: tables for people, stable JSON for scripts. JSON is the
//! core types serialized as they are; tables pick columns from that same JSON.
//!
//! Everything goes through [`line`] (stdout) and [`note`] (stderr), never
//! `println!`: a reader that goes away (`modelreg model list | head -1`)
//! ends the output quietly instead of a panic.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use modelreg_core::{Error, Result};
use serde::Serialize;
use serde_json::Value;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Tables for people
    Table,
    /// Stable JSON for scripts
    Json,
}

/// Where and how results are printed.
#[derive(Clone, Copy)]
pub struct Out {
    pub format: OutputFormat,
}

fn to_json<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::internal(format!("cannot print the result: {e}")))
}

fn print_json(value: &Value) -> Result<()> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Error::internal(format!("cannot print the result: {e}")))?;
    line(&text)
}

/// Set once stdout's reader has gone away: nothing more is written to it.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` and a newline to stdout through its locked handle. When the
/// reader has gone away (a broken pipe, as after `| head -1`) the rest of the
/// output is dropped and the command ends as it would have (exit 0 on
/// success); any other write error is an error.
pub fn line(text: &str) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Error::internal(format!("cannot write the output: {e}"))),
    }
}

/// Writes `text` and a newline to stderr (hints, progress, errors); a
/// stderr that cannot be written to is ignored.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The value at a dotted path (`version.semver`) of a JSON object.
fn lookup<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(value, |v, key| v.get(key).unwrap_or(&Value::Null))
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Long cells (audit changes, metadata) are cut in list tables; `--output json` has them whole.
fn shortened(text: String) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

impl Out {
    /// One record: a two-column table of its fields, or its JSON.
    pub fn record<T: Serialize>(&self, value: &T) -> Result<()> {
        let json = to_json(value)?;
        match self.format {
            OutputFormat::Json => print_json(&json),
            OutputFormat::Table => {
                let mut t = table();
                t.set_header(["field", "value"]);
                if let Value::Object(map) = &json {
                    for (key, value) in map {
                        t.add_row([key.clone(), cell(value)]);
                    }
                }
                line(&t.to_string())
            }
        }
    }

    /// A list: a table of the given columns (dotted paths), or a JSON array.
    pub fn list<T: Serialize>(&self, items: &[T], columns: &[&str]) -> Result<()> {
        let json = to_json(&items)?;
        match self.format {
            OutputFormat::Json => print_json(&json),
            OutputFormat::Table => {
                let rows = json.as_array().map(Vec::as_slice).unwrap_or_default();
                if rows.is_empty() {
                    return line("(none)");
                }
                // A column is a dotted path, optionally labelled: "model=model.name".
                let columns: Vec<(&str, &str)> = columns
                    .iter()
                    .map(|c| c.split_once('=').unwrap_or((c.rsplit('.').next().unwrap_or(c), c)))
                    .collect();
                let mut t = table();
                t.set_header(columns.iter().map(|(label, _)| *label));
                for row in rows {
                    t.add_row(columns.iter().map(|(_, path)| shortened(cell(lookup(row, path)))));
                }
                line(&t.to_string())
            }
        }
    }

    /// Several named sections (a model with its versions, tags and summary).
    pub fn sections(&self, sections: &[(&str, Value, Option<&[&str]>)]) -> Result<()> {
        match self.format {
            OutputFormat::Json => {
                let object: serde_json::Map<String, Value> = sections
                    .iter()
                    .map(|(name, value, _)| (name.to_string(), value.clone()))
                    .collect();
                print_json(&Value::Object(object))
            }
            OutputFormat::Table => {
                for (name, value, columns) in sections {
                    line(&format!("{name}:"))?;
                    match (value, columns) {
                        (Value::Array(items), Some(columns)) => self.list(items, columns)?,
                        (Value::Array(items), None) => {
                            let words: Vec<String> = items.iter().map(cell).collect();
                            line(&format!(
                                "  {}",
                                if words.is_empty() {
                                    "(none)".to_owned()
                                } else {
                                    words.join(", ")
                                }
                            ))?;
                        }
                        (other, _) => self.record(other)?,
                    }
                }
                Ok(())
            }
        }
    }

    /// A short confirmation: a sentence for people, an object for scripts.
    pub fn done(&self, sentence: &str, json: Value) -> Result<()> {
        match self.format {
            OutputFormat::Json => print_json(&json),
            OutputFormat::Table => line(sentence),
        }
    }

    /// One page of a query: a table, then `more: --next TOKEN` on stderr when
    /// there is a next page; or JSON, `{"items": […], "next": TOKEN|null}`
    /// when `envelope` (a query flag was given), else the items' array as
    /// lists always were.
    pub fn page<T: Serialize>(&self, items: &[T], next: Option<&str>, envelope: bool, columns: &[&str]) -> Result<()> {
        match self.format {
            OutputFormat::Json if envelope => print_json(&serde_json::json!({"items": to_json(&items)?, "next": next})),
            OutputFormat::Json => self.list(items, columns),
            OutputFormat::Table => {
                self.list(items, columns)?;
                if let Some(token) = next {
                    note(&format!("more: --next {token}"));
                }
                Ok(())
            }
        }
    }
}

/// Serializes for [`Out::sections`].
pub fn value<T: Serialize>(item: &T) -> Result<Value> {
    to_json(item)
}
