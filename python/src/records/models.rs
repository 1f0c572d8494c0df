//! Results about teams, models and tags, and the registry's counts.

use modelreg_core as mr;
use pyo3::prelude::*;

records! {
    /// A team that owns models.
    Team = mr::teams::Team {
        id: "The team's id (a UUID made by the registry).",
        name: "Unique among teams.",
        department: "The department the team belongs to.",
        cost_center: "Where the team's spending is booked.",
        active: "False once the team is deactivated.",
        created_at: "When the team was created (UTC).",
    }

    /// A machine-learning model: the unit that has versions.
    Model = mr::models::Model {
        id: "The model's id.",
        name: "Unique among models.",
        description: "Free text about the model.",
        use_case: "What the model is used for.",
        team_id: "The owning team's id, if it has a team.",
        risk_level: r#""low", "medium", "high" or "critical"."#,
        compliance_required: "Whether the model is subject to compliance review.",
        is_active: "False for a model no longer in use.",
        created_at: "When the model was created (UTC).",
        updated_at: "When the model last changed (UTC).",
    }

    /// A label attached to any number of models.
    Tag = mr::models::Tag {
        id: "The tag's id.",
        name: "Unique among tags.",
        description: "Free text about the tag.",
        created_at: "When the tag was created (UTC).",
    }

    /// A tag with the number of models carrying it.
    TagUsage = mr::models::TagUsage {
        tag: "The tag counted.",
        model_count: "How many models carry it.",
    }

    /// What a model amounts to.
    ModelSummary = mr::analytics::ModelSummary {
        version_count: "How many versions the model has.",
        training_run_count: "How many training runs its versions have.",
        deployment_count: "How many deployments its versions have, in any status.",
        latest_version: "The semver of highest precedence.",
        production_version: "The semver of the production version, if any.",
        total_gpu_hours: "The GPU hours of all its runs.",
        total_cost_usd: "The known cost of all its runs, in US dollars.",
    }

    /// What a team amounts to.
    TeamMetrics = mr::analytics::TeamMetrics {
        model_count: "How many models the team owns.",
        version_count: "How many versions those models have.",
        training_run_count: "How many training runs those versions have.",
        deployment_count: "How many deployments those versions have.",
        total_gpu_hours: "The GPU hours of all those runs.",
        total_cost_usd: "The known cost of all those runs, in US dollars.",
    }

    /// How many of each entity the registry holds.
    Stats = mr::analytics::Stats {
        teams: "Teams, active or not.",
        tags: "Tags.",
        models: "Models, active or not.",
        model_versions: "Model versions, in any status.",
        training_runs: "Training runs.",
        metrics: "Recorded metric values.",
        environments: "Environments, active or not.",
        deployments: "Deployments, terminated ones included.",
        audit_events: "Audit events.",
    }
}
