//! Environments and the deployments that run versions in them.

use modelreg_core::deployments::{DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::environments::{EnvironmentFilter, EnvironmentUpdate, NewEnvironment};
use pyo3::prelude::*;

use super::{Answer, Any, Registry};
use crate::convert::{self, Change};

listings! {
    /// Deployments in an environment, newest first, optionally of one status.
    fn deployments_in(environment = entity_ref("environment"), status: DeploymentFilter);

    /// Deployments of a version, newest first, optionally of one status.
    fn deployments_of_version(version = version_ref(), status: DeploymentFilter);
}

#[pymethods]
impl Registry {
    // Environments.

    /// Creates an environment of a kind ("development", "staging", "production" or "sandbox").
    #[pyo3(signature = (name, kind, *, region=None, kubernetes_namespace=None, config=None))]
    fn create_environment<'py>(
        &self,
        py: Python<'py>,
        name: String,
        kind: &str,
        region: Option<String>,
        kubernetes_namespace: Option<String>,
        config: Option<&Any<'py>>,
    ) -> Answer<'py> {
        let mut new = NewEnvironment::new(name, convert::closed(kind)?);
        new.region = region;
        new.kubernetes_namespace = kubernetes_namespace;
        new.config = convert::opt_json_object("config", config)?.unwrap_or(new.config);
        self.ask(py, |api| async move { api.create_environment(new).await })
    }

    /// The environment with this name or id.
    fn environment<'py>(&self, py: Python<'py>, environment: &Any<'py>) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        self.ask(py, |api| async move { api.environment(&env).await })
    }

    /// Environments by name, optionally of one kind, active ones only with active_only=True.
    #[pyo3(signature = (*, kind=None, active_only=false, offset=0, limit=None))]
    fn list_environments<'py>(
        &self,
        py: Python<'py>,
        kind: Option<&str>,
        active_only: bool,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let filter = EnvironmentFilter {
            kind: convert::opt_closed(kind)?,
            active_only,
        };
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.list_environments(filter, page).await })
    }

    /// Changes an environment's fields; config replaces the whole object;
    /// None clears an optional text.
    #[pyo3(signature = (
        environment, *, name=None, kind=None, region=Change::Keep, kubernetes_namespace=Change::Keep,
        config=None, is_active=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn update_environment<'py>(
        &self,
        py: Python<'py>,
        environment: &Any<'py>,
        name: Option<String>,
        kind: Option<&str>,
        region: Change<String>,
        kubernetes_namespace: Change<String>,
        config: Option<&Any<'py>>,
        is_active: Option<bool>,
    ) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        let update = EnvironmentUpdate {
            name,
            kind: convert::opt_closed(kind)?,
            region: region.into_update(),
            kubernetes_namespace: kubernetes_namespace.into_update(),
            config: convert::opt_json_object("config", config)?,
            is_active,
        };
        self.ask(py, |api| async move { api.update_environment(&env, update).await })
    }

    /// Marks an environment inactive.
    fn deactivate_environment<'py>(&self, py: Python<'py>, environment: &Any<'py>) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        self.ask(py, |api| async move { api.deactivate_environment(&env).await })
    }

    // Deployments.

    /// Deploys a version into an environment (status "deploying" and one
    /// replica unless given).
    #[pyo3(signature = (
        version, environment, name, *, status=None, endpoint_url=None, replicas=None,
        cpu_request=None, memory_request=None, gpu_count=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn deploy<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        environment: &Any<'py>,
        name: String,
        status: Option<&str>,
        endpoint_url: Option<String>,
        replicas: Option<i32>,
        cpu_request: Option<String>,
        memory_request: Option<String>,
        gpu_count: Option<i32>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let env = convert::entity_ref("environment", environment)?;
        let mut new = NewDeployment::named(name);
        new.status = convert::opt_closed(status)?.unwrap_or(new.status);
        new.endpoint_url = endpoint_url;
        new.replicas = replicas.unwrap_or(new.replicas);
        new.cpu_request = cpu_request;
        new.memory_request = memory_request;
        new.gpu_count = gpu_count.unwrap_or(new.gpu_count);
        self.ask(py, |api| async move { api.deploy(&version, &env, new).await })
    }

    /// The deployment with this id.
    fn deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        self.ask(py, |api| async move { api.deployment(id).await })
    }

    /// Healthy and degraded deployments with their version, model and environment.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn active_deployments<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.active_deployments(page).await })
    }

    /// How many deployments are in each status (every status present).
    fn deployment_status_counts<'py>(&self, py: Python<'py>) -> Answer<'py> {
        self.ask(py, |api| async move { api.deployment_status_counts().await })
    }

    /// Moves a deployment to a status; "terminated" is final and stamps terminated_at.
    fn set_deployment_status<'py>(&self, py: Python<'py>, deployment: &Any<'py>, status: &str) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        let status: DeploymentStatus = convert::closed(status)?;
        self.ask(py, |api| async move { api.set_deployment_status(id, status).await })
    }

    /// Terminates a deployment.
    fn terminate_deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        self.ask(py, |api| async move { api.terminate_deployment(id).await })
    }

    /// Sets a deployment's number of replicas.
    fn scale_deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>, replicas: i32) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        self.ask(py, |api| async move { api.scale_deployment(id, replicas).await })
    }

    /// Terminates a deployment and deploys, in the same environment, the
    /// version of its model that ran there before; answers the new deployment.
    fn rollback_deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        self.ask(py, |api| async move { api.rollback_deployment(id).await })
    }
}
