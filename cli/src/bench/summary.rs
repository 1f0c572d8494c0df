//! The benchmark's report for people: one table of phases and a few lines.

use modelreg_core::Result;
use serde_json::Value;

use crate::output::line;

/// The phases of the table, each with its place in the report.
pub const PHASES: &[(&str, &[&str])] = &[
    ("a  create models + tags", &["a"]),
    ("b  register versions", &["b"]),
    ("c  version by name@semver", &["c"]),
    ("d  list a model's versions", &["d", "list_versions"]),
    ("d  search by name", &["d", "search"]),
    ("e  promote to production", &["e", "promote"]),
    ("e  resolve production", &["e", "resolve_production"]),
    ("as of: production at a time", &["as_of", "production"]),
    ("q  a model's versions", &["q", "model"]),
    ("q  status = production", &["q", "status"]),
    ("q  created_at window", &["q", "created_at"]),
    ("q  alias = champion", &["q", "alias"]),
    ("q  metadata, one model", &["q", "metadata"]),
    ("q  sort by metadata, one model", &["q", "metadata_sort"]),
    ("f  writers (tasks)", &["f", "tasks"]),
    ("f  writers (processes)", &["f", "processes"]),
    ("g  raw insert, 1 writer", &["g", "one_writer"]),
    ("g  raw insert, W writers", &["g", "writers"]),
];

/// The table of every phase `report` has; with `spread`, each throughput's
/// least and most over the runs; with `ratios`, each throughput's ratio.
fn phase_table(report: &Value, spread: Option<&Value>, ratios: Option<&Value>) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    let mut header = vec!["phase", "ops", "seconds", "ops/s", "p50 ms", "p99 ms", "max ms"];
    if spread.is_some() {
        header.push("ops/s min–max");
    }
    if ratios.is_some() {
        header.push("× in-process");
    }
    table.set_header(header);
    for (name, path) in PHASES {
        let p = path.iter().fold(report, |v, k| &v[*k]);
        if p.is_null() {
            continue;
        }
        let num = |k: &str, digits: usize| format!("{:.*}", digits, p[k].as_f64().unwrap_or(0.0));
        let mut row = vec![
            name.to_string(),
            p["ops"].to_string(),
            num("wall_seconds", 2),
            num("ops_per_sec", 0),
            num("p50_ms", 3),
            num("p99_ms", 3),
            num("max_ms", 3),
        ];
        if let Some(spread) = spread {
            let s = &path.iter().fold(spread, |v, k| &v[*k])["ops_per_sec"];
            let (min, max) = (s["min"].as_f64().unwrap_or(0.0), s["max"].as_f64().unwrap_or(0.0));
            row.push(format!("{min:.0}–{max:.0}"));
        }
        if let Some(ratios) = ratios {
            row.push(
                ratios[&ratio_key(name)]
                    .as_f64()
                    .map_or("-".to_owned(), |r| format!("{r:.2}")),
            );
        }
        table.add_row(row);
    }
    table.to_string()
}

/// Phase h: at each client count, `GET …/production` next to `GET /healthz`; then `POST` writers.
fn h_table(h: &Value) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header([
        "h  clients",
        "GET production/s",
        "p99 ms",
        "GET /healthz/s",
        "p99 ms",
        "production / healthz",
    ]);
    let f = |v: &Value, digits: usize| format!("{:.*}", digits, v.as_f64().unwrap_or(0.0));
    if let Some(clients) = h["clients"].as_object() {
        let mut counts: Vec<(&String, &Value)> = clients.iter().collect();
        counts.sort_by_key(|(n, _)| n.parse::<usize>().unwrap_or(0));
        for (n, c) in counts {
            table.add_row([
                n.clone(),
                f(&c["production"]["ops_per_sec"], 0),
                f(&c["production"]["p99_ms"], 3),
                f(&c["healthz"]["ops_per_sec"], 0),
                f(&c["healthz"]["p99_ms"], 3),
                f(&c["production_over_healthz"], 2),
            ]);
        }
    }
    let r = &h["register"];
    format!(
        "{table}\nh  POST register, {} writers: {} ops/s, p50 {} ms, p99 {} ms, errors {}",
        r["writers"],
        f(&r["ops_per_sec"], 0),
        f(&r["p50_ms"], 3),
        f(&r["p99_ms"], 3),
        r["errors"]
    )
}

/// Prints the report as a table of phases, with the other figures below it.
pub fn print_summary(report: &Value) -> Result<()> {
    let spread = report["repeat"].as_u64().filter(|&n| n > 1).map(|_| &report["spread"]);
    line(&format!(
        "modelreg {} bench on {}",
        report["modelreg_version"].as_str().unwrap_or("?"),
        report["backend"].as_str().unwrap_or("?")
    ))?;
    line(&phase_table(report, spread, None))?;
    if !report["http"].is_null() {
        line("through HTTP (a server of this process, the client), with each throughput's ratio to in-process:")?;
        let spread = spread.map(|s| &s["http"]);
        line(&phase_table(&report["http"], spread, Some(&report["http_ratios"])))?;
    }
    if !report["h"].is_null() {
        line(&h_table(&report["h"]))?;
    }
    for mode in ["tasks", "processes"] {
        let f = &report["f"][mode];
        if !f.is_null() {
            line(&format!(
                "f ({mode}): {} successes, errors {}, fewest per writer {}, mean per writer {:.0}",
                f["successes"],
                f["errors"],
                f["fewest_successes_of_a_writer"],
                f["mean_successes_per_writer"].as_f64().unwrap_or(0.0)
            ))?;
        }
    }
    if !report["load"].is_null() {
        let load = &report["load"];
        line(&format!(
            "scale: loaded {} records in {:.1} s ({:.0} records/s)",
            load["records"],
            load["seconds"].as_f64().unwrap_or(0.0),
            load["records_per_sec"].as_f64().unwrap_or(0.0)
        ))?;
    } else {
        let r = &report["ratios"];
        let x = |k: &str| r[k].as_f64().map_or("-".to_owned(), |v| format!("{v:.2}"));
        line(&format!(
            "ratios to g (1 writer): b {}, f tasks {}, f processes {}, h POST {}; f tasks / g (W writers) {}",
            x("b_over_g_one_writer"),
            x("f_tasks_over_g_one_writer"),
            x("f_processes_over_g_one_writer"),
            x("h_register_over_g_one_writer"),
            x("f_tasks_over_g_writers")
        ))?;
    }
    line(&format!(
        "database size {:.1} MiB, peak RSS {:.1} MiB",
        report["database_size_bytes"].as_f64().unwrap_or(0.0) / 1048576.0,
        report["peak_rss_bytes"].as_f64().unwrap_or(0.0) / 1048576.0
    ))?;
    Ok(())
}

/// The key of a phase (a label of [`PHASES`]) in the report's ratios: its
/// words, single-spaced.
pub fn ratio_key(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}
