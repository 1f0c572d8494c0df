//! Reading deployments.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter};
use modelreg_core::store::{DeploymentReads, Page, RecordKind};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

fn deployment_columns() -> String {
    columns(RecordKind::Deployment, "", "")
}

pub(crate) fn by_id(conn: &Connection, deployment: Uuid) -> Result<Option<Deployment>> {
    entity(
        conn,
        sql!("SELECT {} FROM deployments WHERE id = ?1", deployment_columns()),
        [id(deployment)],
    )
}

fn in_environment(
    conn: &Connection,
    environment: Uuid,
    filter: DeploymentFilter,
    page: Page,
) -> Result<Vec<Deployment>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM deployments WHERE environment_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY deployed_at DESC, id DESC LIMIT ?3 OFFSET ?4",
            deployment_columns()
        ),
        params![
            id(environment),
            filter.status.map(|s| s.as_str()),
            limit(page),
            offset(page)
        ],
    )
}

fn of_version(conn: &Connection, version: Uuid, filter: DeploymentFilter, page: Page) -> Result<Vec<Deployment>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM deployments WHERE version_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY deployed_at DESC, id DESC LIMIT ?3 OFFSET ?4",
            deployment_columns()
        ),
        params![
            id(version),
            filter.status.map(|s| s.as_str()),
            limit(page),
            offset(page)
        ],
    )
}

/// Deployments in `environment` of any version of `model`, newest first.
pub(crate) fn of_model_in(conn: &Connection, model: Uuid, environment: Uuid) -> Result<Vec<Deployment>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM deployments d JOIN model_versions v ON v.id = d.version_id
             WHERE v.model_id = ?1 AND d.environment_id = ?2
             ORDER BY d.deployed_at DESC, d.id DESC",
            columns(RecordKind::Deployment, "d", "")
        ),
        [id(model), id(environment)],
    )
}

fn active(conn: &Connection, page: Page) -> Result<Vec<ActiveDeployment>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM deployments d JOIN model_versions v ON v.id = d.version_id
             JOIN models m ON m.id = v.model_id JOIN environments e ON e.id = d.environment_id
             WHERE d.status IN ('healthy', 'degraded') ORDER BY d.deployed_at DESC, d.id DESC LIMIT ?1 OFFSET ?2",
            ActiveDeployment::select_list()
        ),
        params![limit(page), offset(page)],
    )
}

#[async_trait]
impl DeploymentReads for SqliteStore {
    async fn deployment(&self, deployment: Uuid) -> Result<Option<Deployment>> {
        self.read(move |conn| by_id(conn, deployment)).await
    }

    async fn deployments_in(&self, environment: Uuid, filter: DeploymentFilter, page: Page) -> Result<Vec<Deployment>> {
        self.read(move |conn| in_environment(conn, environment, filter, page))
            .await
    }

    async fn deployments_of_version(
        &self,
        version: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.read(move |conn| of_version(conn, version, filter, page)).await
    }

    async fn active_deployments(&self, page: Page) -> Result<Vec<ActiveDeployment>> {
        self.read(move |conn| active(conn, page)).await
    }
}
