//! Printing results: tables for people, stable JSON for scripts. JSON is the
//! core types serialized as they are; tables pick columns from that same JSON.

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
    println!("{text}");
    Ok(())
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
                println!("{t}");
                Ok(())
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
                    println!("(none)");
                    return Ok(());
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
                println!("{t}");
                Ok(())
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
                    println!("{name}:");
                    match (value, columns) {
                        (Value::Array(items), Some(columns)) => self.list(items, columns)?,
                        (Value::Array(items), None) => {
                            let words: Vec<String> = items.iter().map(cell).collect();
                            println!(
                                "  {}",
                                if words.is_empty() {
                                    "(none)".to_owned()
                                } else {
                                    words.join(", ")
                                }
                            );
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
            OutputFormat::Table => {
                println!("{sentence}");
                Ok(())
            }
        }
    }
}

/// Serializes for [`Out::sections`].
pub fn value<T: Serialize>(item: &T) -> Result<Value> {
    to_json(item)
}
