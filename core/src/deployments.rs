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
    pub id: Uuid,
    pub version_id: Uuid,
    pub environment_id: Uuid,
    pub name: String,
    pub status: DeploymentStatus,
    pub endpoint_url: Option<String>,
    pub replicas: i32,
    pub cpu_request: Option<String>,
    pub memory_request: Option<String>,
    pub gpu_count: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub deployed_at: Timestamp,
    pub deployed_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub terminated_at: Option<Timestamp>,
}

/// What a caller gives to deploy a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDeployment {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
        )
    )]
    pub name: String,
    #[serde(default = "default_status")]
    pub status: DeploymentStatus,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub endpoint_url: Option<String>,
    #[serde(default = "default_replicas")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub replicas: i32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub cpu_request: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
    pub memory_request: Option<String>,
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
    /// Checks every field against the rules of DESIGN.md.
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
    pub status: Option<DeploymentStatus>,
}

/// A serving deployment with what it serves and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveDeployment {
    pub deployment: Deployment,
    pub version: ModelVersion,
    pub model: Model,
    pub environment: Environment,
}

/// A deployment that runs something else than its model's production version:
/// designation and reality differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Drift {
    pub environment: Environment,
    pub model: Model,
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
