//! Results about training runs and metrics.

use modelreg_core as mr;
use pyo3::prelude::*;

records! {
    /// One training run that produced (or tried to produce) a version.
    TrainingRun = mr::runs::TrainingRun {
        id: "The run's id.",
        version_id: "The id of the version it produced.",
        run_name: "The run's name.",
        status: r#""running", "succeeded", "failed", "cancelled" or "timeout"."#,
        started_at: "When the run started (UTC).",
        completed_at: "When it ended (UTC); None while it runs.",
        duration_seconds: "How long it ran, in seconds; None while it runs.",
        gpu_hours: "GPU time it used, in hours.",
        cost_usd: "What it cost in US dollars, when known.",
        dataset_name: "The dataset it trained on.",
        dataset_version: "The version of that dataset.",
        hyperparameters: "The training settings (a JSON object).",
        environment: "The machine and software it used (a JSON object).",
        created_by: "Who started it.",
    }

    /// What a set of training runs cost.
    CostSummary = mr::runs::CostSummary {
        total_cost_usd: "The sum of the runs' known costs, in US dollars.",
        total_gpu_hours: "The sum of their GPU hours.",
        run_count: "How many runs there are.",
    }

    /// One measured value of a version.
    Metric = mr::metrics::Metric {
        id: "The metric's id.",
        version_id: "The id of the version measured.",
        name: r#"What was measured ("auc")."#,
        value: "The measurement.",
        split: r#""train", "validation", "test" or "production"."#,
        recorded_at: "When it was measured (UTC).",
    }
}
