//! Results about environments and deployments.

use modelreg_core as mr;
use pyo3::prelude::*;

records! {
    /// A place deployments run in.
    Environment = mr::environments::Environment {
        id: "The environment's id.",
        name: "Unique among environments.",
        kind: r#""development", "staging", "production" or "sandbox"."#,
        region: "The cloud region it is in.",
        kubernetes_namespace: "The Kubernetes namespace its deployments run in.",
        config: "Its settings (a JSON object).",
        is_active: "False once deactivated.",
        created_at: "When it was created (UTC).",
    }

    /// A version running in an environment.
    Deployment = mr::deployments::Deployment {
        id: "The deployment's id.",
        version_id: "The id of the version it runs.",
        environment_id: "The id of the environment it runs in.",
        name: "Its name.",
        status: r#""deploying", "healthy", "degraded", "failed" or "terminated"."#,
        endpoint_url: "Where it serves requests.",
        replicas: "How many copies run.",
        cpu_request: r#"The CPU each replica asks for ("500m")."#,
        memory_request: r#"The memory each replica asks for ("2Gi")."#,
        gpu_count: "How many GPUs each replica uses.",
        deployed_at: "When it was deployed (UTC).",
        deployed_by: "Who deployed it.",
        terminated_at: "When it was terminated (UTC); None until then.",
    }

    /// A serving deployment with what it serves and where.
    ActiveDeployment = mr::deployments::ActiveDeployment {
        deployment: "The serving deployment.",
        version: "The version it runs.",
        model: "The model of that version.",
        environment: "The environment it runs in.",
    }

    /// A deployment that runs something else than its model's production version.
    Drift = mr::deployments::Drift {
        environment: "Where the deployment runs.",
        model: "The model whose designation and reality differ.",
        deployment: "The deployment that runs another version.",
        deployed: "The version it runs.",
        production: "The model's production version, if it has one.",
    }
}
