//! Metrics measured on a version.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;
use crate::time::Timestamp;
use crate::validate;

crate::string_enum!(
    /// The data a metric was measured on.
    Split, field = "split" {
        Train => "train",
        Validation => "validation",
        Test => "test",
        Production => "production",
    }
);

/// One measured value of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metric {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The version measured (deleting the version deletes the metric).
    pub version_id: Uuid,
    /// What was measured (`accuracy`), 1..=100 characters; a name may be recorded many times.
    pub name: String,
    /// The measurement: a finite float (never NaN or infinite).
    pub value: f64,
    /// The data it was measured on.
    pub split: Split,
    /// When it was measured.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
}

/// What a caller gives to record a metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMetric {
    /// What was measured (`accuracy`), 1..=100 characters, no surrounding whitespace.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    /// The measurement: a finite float (NaN and infinities are refused).
    pub value: f64,
    /// The data it was measured on.
    pub split: Split,
    /// When it was measured; now when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub recorded_at: Option<Timestamp>,
}

impl NewMetric {
    /// A metric recorded now.
    pub fn new(name: impl Into<String>, value: f64, split: Split) -> Self {
        NewMetric {
            name: name.into(),
            value,
            split,
            recorded_at: None,
        }
    }
}

impl Metric {
    /// Checks the name (1..=100 characters) and that the value is finite.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name, 100)?;
        validate::timestamp("recorded_at", &self.recorded_at)?;
        validate::finite("value", self.value)
    }
}

/// Which metrics a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricFilter {
    /// Only the metrics of this name.
    pub name: Option<String>,
    /// Only the metrics measured on this split.
    pub split: Option<Split>,
}
