//! Request bodies that JSON cannot carry as serde writes them.
//!
//! An update's `Option<Option<T>>` field means "leave" (`None`) or "clear"
//! (`Some(None)`), but both serialize as `null`, which the server reads as
//! "clear": a field left alone is left out of the body instead. Each update
//! is taken apart field by field, so a new field is a compile error here
//! until it is sent right.
//!
//! JSON has no NaN or infinity: serde writes them as `null`, which would
//! mean "absent" to the server. A non-finite float is refused here with the
//! error the library gives it.

use modelreg_core::environments::EnvironmentUpdate;
use modelreg_core::metrics::NewMetric;
use modelreg_core::models::{ModelUpdate, TagUpdate};
use modelreg_core::runs::{NewRun, RunFinish};
use modelreg_core::teams::TeamUpdate;
use modelreg_core::validate;
use modelreg_core::versions::VersionUpdate;
use modelreg_core::{Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};

/// The fields of an update that are given: a field whose value is `None`
/// is left out, `Some(x)` is sent as `x` (`Some(None)` as `null`).
struct Partial(Map<String, Value>);

impl Partial {
    fn new() -> Partial {
        Partial(Map::new())
    }

    fn set<T: Serialize>(mut self, name: &str, value: &Option<T>) -> Result<Partial> {
        if let Some(value) = value {
            let value = serde_json::to_value(value)
                .map_err(|e| Error::internal(format!("the update's {name} does not serialize: {e}")))?;
            self.0.insert(name.to_owned(), value);
        }
        Ok(self)
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

pub(super) fn team_update(update: &TeamUpdate) -> Result<Value> {
    let TeamUpdate {
        name,
        department,
        cost_center,
        active,
    } = update;
    Ok(Partial::new()
        .set("name", name)?
        .set("department", department)?
        .set("cost_center", cost_center)?
        .set("active", active)?
        .done())
}

pub(super) fn model_update(update: &ModelUpdate) -> Result<Value> {
    let ModelUpdate {
        name,
        description,
        use_case,
        team,
        risk_level,
        compliance_required,
        is_active,
    } = update;
    Ok(Partial::new()
        .set("name", name)?
        .set("description", description)?
        .set("use_case", use_case)?
        .set("team", team)?
        .set("risk_level", risk_level)?
        .set("compliance_required", compliance_required)?
        .set("is_active", is_active)?
        .done())
}

pub(super) fn environment_update(update: &EnvironmentUpdate) -> Result<Value> {
    let EnvironmentUpdate {
        name,
        kind,
        region,
        kubernetes_namespace,
        config,
        is_active,
    } = update;
    Ok(Partial::new()
        .set("name", name)?
        .set("kind", kind)?
        .set("region", region)?
        .set("kubernetes_namespace", kubernetes_namespace)?
        .set("config", config)?
        .set("is_active", is_active)?
        .done())
}

pub(super) fn tag_update(update: &TagUpdate) -> Result<Value> {
    let TagUpdate { description } = update;
    Ok(Partial::new().set("description", description)?.done())
}

pub(super) fn version_update(update: &VersionUpdate) -> Result<Value> {
    let VersionUpdate {
        description,
        metadata,
        set_metadata,
        unset_metadata,
        framework_version,
        python_version,
        size_bytes,
        checksum_sha256,
    } = update;
    let mut partial = Partial::new()
        .set("description", description)?
        .set("metadata", metadata)?
        .set("framework_version", framework_version)?
        .set("python_version", python_version)?
        .set("size_bytes", size_bytes)?
        .set("checksum_sha256", checksum_sha256)?;
    if !set_metadata.is_empty() {
        partial = partial.set("set_metadata", &Some(set_metadata))?;
    }
    if !unset_metadata.is_empty() {
        partial = partial.set("unset_metadata", &Some(unset_metadata))?;
    }
    Ok(partial.done())
}

/// Refuses the NaN or infinite figures of a new run, as the library does.
pub(super) fn check_new_run(new: &NewRun) -> Result<()> {
    validate::finite("gpu_hours", new.gpu_hours)?;
    new.cost_usd.map_or(Ok(()), |cost| validate::finite("cost_usd", cost))
}

/// Refuses the NaN or infinite figures of a run's end, as the library does.
pub(super) fn check_finish(finish: &RunFinish) -> Result<()> {
    finish
        .gpu_hours
        .map_or(Ok(()), |hours| validate::finite("gpu_hours", hours))?;
    finish
        .cost_usd
        .map_or(Ok(()), |cost| validate::finite("cost_usd", cost))
}

/// Refuses a NaN or infinite metric value, as the library does.
pub(super) fn check_metric(new: &NewMetric) -> Result<()> {
    validate::finite("value", new.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_left_alone_is_left_out_and_a_cleared_one_is_null() {
        let update = TeamUpdate {
            department: Some(None),
            cost_center: Some(Some("cc-1".into())),
            ..TeamUpdate::default()
        };
        assert_eq!(
            team_update(&update).unwrap(),
            json!({"department": null, "cost_center": "cc-1"})
        );
        assert_eq!(version_update(&VersionUpdate::default()).unwrap(), json!({}));
    }

    #[test]
    fn non_finite_figures_are_refused_naming_the_field() {
        let run = NewRun {
            cost_usd: Some(f64::INFINITY),
            ..NewRun::named("r")
        };
        assert!(matches!(
            check_new_run(&run),
            Err(Error::Invalid { field: "cost_usd", .. })
        ));
        let metric = NewMetric {
            value: f64::NAN,
            ..serde_json::from_value(json!({"name": "auc", "value": 0.5, "split": "test"})).unwrap()
        };
        assert!(matches!(
            check_metric(&metric),
            Err(Error::Invalid { field: "value", .. })
        ));
    }
}
