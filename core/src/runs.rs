//! Training runs: how a version was produced, and what it cost.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::validate::{self, JsonObject};

crate::string_enum!(
    /// Where a training run is.
    RunStatus, field = "status" {
        Running => "running",
        Succeeded => "succeeded",
        Failed => "failed",
        Cancelled => "cancelled",
        Timeout => "timeout",
    }
);

/// The most GPU hours one run may record (about 1,100 GPU-years): bounded so
/// that totals over any number of runs stay finite.
pub const MAX_GPU_HOURS: f64 = 10_000_000.0;
/// The largest cost one run may record, in US dollars.
pub const MAX_COST_USD: f64 = 1_000_000_000.0;
/// The longest duration one run may record: 100 years.
pub const MAX_DURATION_SECONDS: i64 = 3_155_760_000;

/// One training run that produced (or tried to produce) a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingRun {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The version the run produced or tried to produce (deleting the version deletes the run).
    pub version_id: Uuid,
    /// 1..=200 characters in NFC, no surrounding whitespace; need not be unique.
    pub run_name: String,
    /// Running until the run is finished, then how it ended.
    pub status: RunStatus,
    /// When the run started.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub started_at: Timestamp,
    /// When the run ended; absent while it is running.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub completed_at: Option<Timestamp>,
    /// How long it ran, in seconds (0..=100 years); absent while it is running.
    pub duration_seconds: Option<i64>,
    /// GPU time it used, in hours (0..=[`MAX_GPU_HOURS`]); 0 unless given.
    pub gpu_hours: f64,
    /// What it cost in US dollars (0..=[`MAX_COST_USD`]); absent when unknown.
    pub cost_usd: Option<f64>,
    /// The dataset it trained on, at most 200 characters.
    pub dataset_name: Option<String>,
    /// The version of that dataset, at most 50 characters.
    pub dataset_version: Option<String>,
    /// The training settings: a JSON object (at most 64 KiB, 32 levels deep).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub hyperparameters: JsonObject,
    /// The machine and software the run used: a JSON object (at most 64 KiB, 32 levels deep).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub environment: JsonObject,
    /// Who started the run, at most 100 characters.
    pub created_by: Option<String>,
}

/// What a caller gives to start a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRun {
    /// 1..=200 characters, no surrounding whitespace; need not be unique.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub run_name: String,
    /// When the run started; now when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub started_at: Option<Timestamp>,
    /// GPU time used so far, in hours (0..=[`MAX_GPU_HOURS`]); 0 when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub gpu_hours: f64,
    /// Cost so far in US dollars (0..=[`MAX_COST_USD`]), when known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub cost_usd: Option<f64>,
    /// The dataset it trains on, at most 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub dataset_name: Option<String>,
    /// The version of that dataset, at most 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub dataset_version: Option<String>,
    /// The training settings: a JSON object (at most 64 KiB, 32 levels deep); `{}` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub hyperparameters: JsonObject,
    /// The machine and software the run uses: a JSON object (at most 64 KiB, 32 levels deep); `{}` if absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub environment: JsonObject,
    /// Who starts the run, at most 100 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub created_by: Option<String>,
}

impl NewRun {
    /// A run with only a name, starting now.
    pub fn named(run_name: impl Into<String>) -> Self {
        NewRun {
            run_name: run_name.into(),
            ..NewRun::default()
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunFinish {
    /// How the run ended: any status but running.
    pub status: RunStatus,
    /// When it ended; now when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub completed_at: Option<Timestamp>,
    /// Its length; `completed_at - started_at` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub duration_seconds: Option<i64>,
    /// Replaces the GPU hours recorded at start, when given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub gpu_hours: Option<f64>,
    /// Replaces the cost recorded at start, when given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub cost_usd: Option<f64>,
}

impl RunFinish {
    /// A finish with only a status; everything else derived.
    pub fn with_status(status: RunStatus) -> Self {
        RunFinish {
            status,
            completed_at: None,
            duration_seconds: None,
            gpu_hours: None,
            cost_usd: None,
        }
    }
}

impl TrainingRun {
    /// Checks every field: a run name of 1..=200 characters, GPU hours, cost and
    /// duration within their maximums, the texts' lengths, and JSON objects within bounds.
    pub fn validate(&self) -> Result<()> {
        validate::name("run_name", &self.run_name, 200)?;
        validate::timestamp("started_at", &self.started_at)?;
        if let Some(completed_at) = &self.completed_at {
            validate::timestamp("completed_at", completed_at)?;
        }
        validate::bounded("gpu_hours", self.gpu_hours, MAX_GPU_HOURS)?;
        if let Some(cost) = self.cost_usd {
            validate::bounded("cost_usd", cost, MAX_COST_USD)?;
        }
        if let Some(duration) = self.duration_seconds {
            validate::non_negative_int("duration_seconds", duration)?;
            if duration > MAX_DURATION_SECONDS {
                return Err(Error::invalid(
                    "duration_seconds",
                    format!("must be at most {MAX_DURATION_SECONDS} (100 years; got {duration})"),
                ));
            }
        }
        validate::opt_text("dataset_name", self.dataset_name.as_deref(), 200)?;
        validate::opt_text("dataset_version", self.dataset_version.as_deref(), 50)?;
        validate::opt_text("created_by", self.created_by.as_deref(), 100)?;
        validate::json_object("hyperparameters", &self.hyperparameters)?;
        validate::json_object("environment", &self.environment)
    }

    /// Rewrites the figures and JSON into the one form every backend stores and reads back.
    pub fn canonicalize(&mut self) {
        validate::canonical_json(&mut self.hyperparameters);
        validate::canonical_json(&mut self.environment);
        self.gpu_hours = validate::canonical_float(self.gpu_hours);
        self.cost_usd = self.cost_usd.map(validate::canonical_float);
    }

    /// This run ended as `finish` says, at `now` unless it says otherwise.
    pub fn finished(&self, finish: RunFinish, now: Timestamp) -> Result<TrainingRun> {
        if self.status != RunStatus::Running {
            return Err(Error::invalid(
                "status",
                format!("run {} already ended as {}", self.id, self.status),
            ));
        }
        if finish.status == RunStatus::Running {
            return Err(Error::invalid(
                "status",
                "a run finishes as succeeded, failed, cancelled or timeout",
            ));
        }
        let completed_at = finish.completed_at.map(crate::time::truncate).unwrap_or(now);
        if completed_at < self.started_at {
            return Err(Error::invalid("completed_at", "must not be before the run started"));
        }
        let duration = finish
            .duration_seconds
            .unwrap_or_else(|| (completed_at - self.started_at).num_seconds());
        let mut run = self.clone();
        run.status = finish.status;
        run.completed_at = Some(completed_at);
        run.duration_seconds = Some(duration);
        if let Some(gpu_hours) = finish.gpu_hours {
            run.gpu_hours = gpu_hours;
        }
        if let Some(cost) = finish.cost_usd {
            run.cost_usd = Some(cost);
        }
        run.validate()?;
        Ok(run)
    }
}

/// Which runs a listing returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only the runs of this status.
    pub status: Option<RunStatus>,
}

/// What a set of runs cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostSummary {
    /// The sum of the runs' known costs, in US dollars (runs of unknown cost add nothing).
    pub total_cost_usd: f64,
    /// The sum of the runs' GPU hours.
    pub total_gpu_hours: f64,
    /// How many runs there are.
    pub run_count: u64,
}
