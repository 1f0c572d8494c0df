//! Deployments: a version running in an environment.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::environments::Environment;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::time::Timestamp;
use crate::validate;
use crate::versions::ModelVersion;

crate::string_enum!(
    /// How a deployment is doing.
    DeploymentStatus, field = "status" {
        Deploying => "deploying",
        Healthy => "healthy",
        Degraded => "degraded",
        Failed => "failed",
        Terminated => "terminated",
    }
);

impl DeploymentStatus {
    /// Healthy and degraded deployments serve traffic.
    pub fn is_active(self) -> bool {
        matches!(self, DeploymentStatus::Healthy | DeploymentStatus::Degraded)
    }
}

/// A version running in an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deployment {
    /// Made by the registry at creation (a UUID v7); never changes.
    pub id: Uuid,
    /// The version it runs (deleting the version deletes the deployment).
    pub version_id: Uuid,
    /// The environment it runs in (deleting the environment deletes the deployment).
    pub environment_id: Uuid,
    /// 1..=200 characters in NFC, no surrounding whitespace; need not be unique.
    pub name: String,
    /// How it is doing; terminated is final.
    pub status: DeploymentStatus,
    /// Where it serves requests, at most 500 characters.
    pub endpoint_url: Option<String>,
    /// How many copies run (0 or more).
    pub replicas: i32,
    /// The CPU each replica asks for, as the orchestrator writes it (`500m`), at most 20 characters.
    pub cpu_request: Option<String>,
    /// The memory each replica asks for, as the orchestrator writes it (`2Gi`), at most 20 characters.
    pub memory_request: Option<String>,
    /// How many GPUs each replica uses (0 or more).
    pub gpu_count: i32,
    /// When the deployment was made.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub deployed_at: Timestamp,
    /// Who deployed it, at most 100 characters.
    pub deployed_by: Option<String>,
    /// When it was terminated; absent until then.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub terminated_at: Option<Timestamp>,
}

/// What a caller gives to deploy a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDeployment {
    /// 1..=200 characters, no surrounding whitespace; need not be unique.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    /// How it starts out; deploying when absent.
    #[serde(default = "default_status")]
    pub status: DeploymentStatus,
    /// Where it serves requests, at most 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub endpoint_url: Option<String>,
    /// How many copies run (0 or more); 1 when absent.
    #[serde(default = "default_replicas")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub replicas: i32,
    /// The CPU each replica asks for (`500m`), at most 20 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub cpu_request: Option<String>,
    /// The memory each replica asks for (`2Gi`), at most 20 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub memory_request: Option<String>,
    /// How many GPUs each replica uses (0 or more); 0 when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub gpu_count: i32,
}

fn default_status() -> DeploymentStatus {
    DeploymentStatus::Deploying
}

fn default_replicas() -> i32 {
    1
}

impl NewDeployment {
    /// A deployment with only a name: deploying, one replica, no GPU.
    pub fn named(name: impl Into<String>) -> Self {
        NewDeployment {
            name: name.into(),
            status: default_status(),
            endpoint_url: None,
            replicas: default_replicas(),
            cpu_request: None,
            memory_request: None,
            gpu_count: 0,
        }
    }
}

impl Deployment {
    /// Checks every field: a name of 1..=200 characters, the texts' lengths, and
    /// replica and GPU counts of 0 or more.
    pub fn validate(&self) -> Result<()> {
        validate::name("name", &self.name, 200)?;
        validate::opt_text("endpoint_url", self.endpoint_url.as_deref(), 500)?;
        validate::non_negative_int("replicas", self.replicas.into())?;
        validate::opt_text("cpu_request", self.cpu_request.as_deref(), 20)?;
        validate::opt_text("memory_request", self.memory_request.as_deref(), 20)?;
        validate::non_negative_int("gpu_count", self.gpu_count.into())?;
        validate::opt_text("deployed_by", self.deployed_by.as_deref(), 100)
    }

    /// This deployment moved to `status` at `now`; terminated is final and stamps `terminated_at`.
    pub fn with_status(&self, status: DeploymentStatus, now: Timestamp) -> Result<Deployment> {
        self.ensure_not_terminated("status")?;
        let mut deployment = self.clone();
        deployment.status = status;
        if status == DeploymentStatus::Terminated {
            deployment.terminated_at = Some(now);
        }
        Ok(deployment)
    }

    /// This deployment with `replicas` replicas.
    pub fn scaled(&self, replicas: i32) -> Result<Deployment> {
        self.ensure_not_terminated("replicas")?;
        validate::non_negative_int("replicas", replicas.into())?;
        let mut deployment = self.clone();
        deployment.replicas = replicas;
        Ok(deployment)
    }

    fn ensure_not_terminated(&self, field: &'static str) -> Result<()> {
        if self.status == DeploymentStatus::Terminated {
            return Err(Error::invalid(
                field,
                format!("deployment {} is terminated; deploy again instead", self.id),
            ));
        }
        Ok(())
    }
}

/// Which deployments a listing returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeploymentFilter {
    /// Only the deployments of this status.
    pub status: Option<DeploymentStatus>,
}

/// A serving deployment with what it serves and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveDeployment {
    /// The serving deployment.
    pub deployment: Deployment,
    /// The version it runs.
    pub version: ModelVersion,
    /// The model of that version.
    pub model: Model,
    /// The environment it runs in.
    pub environment: Environment,
}

/// A deployment that runs something else than its model's production version:
/// designation and reality differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Drift {
    /// Where the deployment runs.
    pub environment: Environment,
    /// The model whose designation and reality differ.
    pub model: Model,
    /// The healthy or degraded deployment that runs another version.
    pub deployment: Deployment,
    /// The version the deployment runs.
    pub deployed: ModelVersion,
    /// The model's production version, if it has one.
    pub production: Option<ModelVersion>,
}

/// The deployments a rollback of `current` may return to, best first: of the
/// deployments of the same model in the same environment (newest first),
/// those deployed before `current` that run a different version. The registry
/// takes the first whose version is not deprecated.
pub fn rollback_candidates<'a>(
    current: &'a Deployment,
    same_model_same_env: &'a [Deployment],
) -> impl Iterator<Item = &'a Deployment> + 'a {
    same_model_same_env.iter().filter(move |d| {
        d.id != current.id
            && d.version_id != current.version_id
            && (d.deployed_at, d.id) < (current.deployed_at, current.id)
    })
}
