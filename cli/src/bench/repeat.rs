//! Repeated runs: every figure's median, and its spread (the least and the
//! most any run measured).

use serde_json::{Map, Value};

/// One run's report as it is; several runs as the median report (the same
/// shape as one run's), with `spread` (`{"min", "max"}` in place of every
/// number) and every run's own report under `runs`.
pub fn combine(mut runs: Vec<Value>) -> Value {
    if runs.len() == 1 {
        return runs.pop().unwrap_or(Value::Null);
    }
    let mut report = median(&runs);
    report["repeat"] = Value::from(runs.len());
    report["spread"] = spread(&runs);
    report["runs"] = Value::Array(runs);
    report
}

/// The value at the same place in every run.
fn at(runs: &[Value], key: &str) -> Vec<Value> {
    runs.iter()
        .map(|run| run.get(key).cloned().unwrap_or(Value::Null))
        .collect()
}

/// The median of the numbers where every run has a number; elsewhere the first run's value.
fn median(runs: &[Value]) -> Value {
    match &runs[0] {
        Value::Object(first) => Value::Object(first.keys().map(|k| (k.clone(), median(&at(runs, k)))).collect()),
        Value::Number(_) => match numbers(runs) {
            Some(mut xs) => {
                xs.sort_by(f64::total_cmp);
                let mid = xs.len() / 2;
                let m = if xs.len() % 2 == 1 {
                    xs[mid]
                } else {
                    (xs[mid - 1] + xs[mid]) / 2.0
                };
                whole_if_all_whole(m, runs)
            }
            None => runs[0].clone(),
        },
        other => other.clone(),
    }
}

/// `{"min", "max"}` for every number every run has, in the report's shape.
fn spread(runs: &[Value]) -> Value {
    match &runs[0] {
        Value::Object(first) => {
            let inner: Map<String, Value> = first
                .keys()
                .map(|k| (k.clone(), spread(&at(runs, k))))
                .filter(|(_, v)| !v.is_null())
                .collect();
            if inner.is_empty() {
                Value::Null
            } else {
                Value::Object(inner)
            }
        }
        Value::Number(_) => match numbers(runs) {
            Some(xs) => {
                let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
                let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                serde_json::json!({"min": whole_if_all_whole(min, runs), "max": whole_if_all_whole(max, runs)})
            }
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

fn numbers(runs: &[Value]) -> Option<Vec<f64>> {
    runs.iter().map(Value::as_f64).collect()
}

/// Counts stay integers when every run's is one.
fn whole_if_all_whole(x: f64, runs: &[Value]) -> Value {
    if runs.iter().all(|v| v.is_u64()) && x.fract() == 0.0 {
        Value::from(x as u64)
    } else {
        Value::from(x)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::combine;

    #[test]
    fn one_run_is_reported_as_it_is() {
        let run = json!({"b": {"ops_per_sec": 10.0}});
        assert_eq!(combine(vec![run.clone()]), run);
    }

    #[test]
    fn several_runs_give_medians_and_spreads_in_the_same_shape() {
        let runs = vec![
            json!({"backend": "sqlite", "b": {"ops": 10, "ops_per_sec": 3.0}, "f": null}),
            json!({"backend": "sqlite", "b": {"ops": 12, "ops_per_sec": 1.0}, "f": null}),
            json!({"backend": "sqlite", "b": {"ops": 11, "ops_per_sec": 2.5}, "f": null}),
        ];
        let report = combine(runs);
        assert_eq!(report["backend"], "sqlite");
        assert_eq!(report["b"]["ops"], 11);
        assert_eq!(report["b"]["ops_per_sec"], 2.5);
        assert_eq!(report["spread"]["b"]["ops_per_sec"], json!({"min": 1.0, "max": 3.0}));
        assert_eq!(report["spread"]["b"]["ops"], json!({"min": 10, "max": 12}));
        assert!(report["spread"].get("f").is_none() && report["f"].is_null());
        assert_eq!(report["repeat"], 3);
        assert_eq!(report["runs"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn an_even_count_takes_the_mean_of_the_middle_two() {
        let report = combine(vec![
            json!({"x": 1.0}),
            json!({"x": 2.0}),
            json!({"x": 4.0}),
            json!({"x": 8.0}),
        ]);
        assert_eq!(report["x"], 3.0);
    }
}
