//! The benchmark's report for people: one table of phases and a few lines.

use modelreg_core::Result;
use serde_json::Value;

use crate::output::line;

/// Prints the report as a table of phases, with the other figures below it.
pub fn print_summary(report: &Value) -> Result<()> {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["phase", "ops", "seconds", "ops/s", "p50 ms", "p99 ms", "max ms"]);
    let phases = [
        ("a  create models + tags", &report["a"]),
        ("b  register versions", &report["b"]),
        ("c  version by name@semver", &report["c"]),
        ("d  list a model's versions", &report["d"]["list_versions"]),
        ("d  search by name", &report["d"]["search"]),
        ("e  promote to production", &report["e"]["promote"]),
        ("e  resolve production", &report["e"]["resolve_production"]),
        ("f  writers (tasks)", &report["f"]["tasks"]),
        ("f  writers (processes)", &report["f"]["processes"]),
        ("g  raw insert, 1 writer", &report["g"]["one_writer"]),
        ("g  raw insert, W writers", &report["g"]["writers"]),
    ];
    for (name, p) in phases {
        if p.is_null() {
            continue;
        }
        let num = |k: &str, digits: usize| format!("{:.*}", digits, p[k].as_f64().unwrap_or(0.0));
        table.add_row([
            name.to_owned(),
            p["ops"].to_string(),
            num("wall_seconds", 2),
            num("ops_per_sec", 0),
            num("p50_ms", 3),
            num("p99_ms", 3),
            num("max_ms", 3),
        ]);
    }
    line(&format!(
        "modelreg {} bench on {}",
        report["modelreg_version"].as_str().unwrap_or("?"),
        report["backend"].as_str().unwrap_or("?")
    ))?;
    line(&table.to_string())?;
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
        line(&format!(
            "b / g(1 writer) = {:.2}; f(tasks) / g(W writers) = {:.2}",
            report["ratios"]["b_over_g_one_writer"].as_f64().unwrap_or(0.0),
            report["ratios"]["f_tasks_over_g_writers"].as_f64().unwrap_or(0.0)
        ))?;
    }
    line(&format!(
        "database size {:.1} MiB, peak RSS {:.1} MiB",
        report["database_size_bytes"].as_f64().unwrap_or(0.0) / 1048576.0,
        report["peak_rss_bytes"].as_f64().unwrap_or(0.0) / 1048576.0
    ))?;
    Ok(())
}
