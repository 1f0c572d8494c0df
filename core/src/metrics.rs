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
    pub id: Uuid,
    pub version_id: Uuid,
    pub name: String,
    pub value: f64,
    pub split: Split,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
}

/// What a caller gives to record a metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMetric {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    pub value: f64,
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
    /// Checks every field against the rules of DESIGN.md.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name, 100)?;
        validate::finite("value", self.value)
    }
}

/// Which metrics a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricFilter {
    pub name: Option<String>,
    pub split: Option<Split>,
}
