//! Reading deployments.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter};
use modelreg_core::store::{DeploymentReads, Page, RecordKind};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{Lock, columns, entities, entity, select, sql};

fn deployment_columns() -> String {
    columns(RecordKind::Deployment, "", "")
}

pub(crate) async fn by_id(conn: impl PgExecutor<'_>, lock: Lock, deployment: Uuid) -> Result<Option<Deployment>> {
    let sql = select!(lock, "SELECT {} FROM deployments WHERE id = $1", deployment_columns());
    entity(conn, sqlx::query(sql).bind(deployment)).await
}

/// Deployments in `environment` of any version of `model`, newest first.
pub(crate) async fn of_model_in(conn: impl PgExecutor<'_>, model: Uuid, environment: Uuid) -> Result<Vec<Deployment>> {
    let sql = sql!(
        "SELECT {} FROM deployments d JOIN model_versions v ON v.id = d.version_id
         WHERE v.model_id = $1 AND d.environment_id = $2
         ORDER BY d.deployed_at DESC, d.id DESC",
        columns(RecordKind::Deployment, "d", "")
    );
    entities(conn, sqlx::query(sql).bind(model).bind(environment)).await
}

#[async_trait]
impl DeploymentReads for PostgresStore {
    async fn deployment(&self, deployment: Uuid) -> Result<Option<Deployment>> {
        by_id(&self.pool, Lock::None, deployment).await
    }

    async fn deployments_in(&self, environment: Uuid, filter: DeploymentFilter, page: Page) -> Result<Vec<Deployment>> {
        let sql = sql!(
            "SELECT {} FROM deployments WHERE environment_id = $1 AND ($2::text IS NULL OR status = $2)
             ORDER BY deployed_at DESC, id DESC LIMIT $3 OFFSET $4",
            deployment_columns()
        );
        let query = sqlx::query(sql)
            .bind(environment)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn deployments_of_version(
        &self,
        version: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        let sql = sql!(
            "SELECT {} FROM deployments WHERE version_id = $1 AND ($2::text IS NULL OR status = $2)
             ORDER BY deployed_at DESC, id DESC LIMIT $3 OFFSET $4",
            deployment_columns()
        );
        let query = sqlx::query(sql)
            .bind(version)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn active_deployments(&self, page: Page) -> Result<Vec<ActiveDeployment>> {
        let sql = sql!(
            "SELECT {} FROM deployments d JOIN model_versions v ON v.id = d.version_id
             JOIN models m ON m.id = v.model_id JOIN environments e ON e.id = d.environment_id
             WHERE d.status IN ('healthy', 'degraded') ORDER BY d.deployed_at DESC, d.id DESC LIMIT $1 OFFSET $2",
            ActiveDeployment::select_list()
        );
        entities(&self.pool, sqlx::query(sql).bind(limit(page)).bind(offset(page))).await
    }
}
