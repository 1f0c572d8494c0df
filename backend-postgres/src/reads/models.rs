//! Reading models and their tags.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::models::{Model, StoredModelFilter, Tag, TagUsage};
use modelreg_core::store::{ModelReads, Page, RecordKind};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::error::db;
use crate::row::{Lock, columns, entities, entity, select, sql};

fn model_columns() -> String {
    columns(RecordKind::Model, "", "")
}

pub(crate) async fn by_id(conn: impl PgExecutor<'_>, lock: Lock, model: Uuid) -> Result<Option<Model>> {
    let sql = select!(lock, "SELECT {} FROM models WHERE id = $1", model_columns());
    entity(conn, sqlx::query(sql).bind(model)).await
}

pub(crate) async fn by_name(conn: impl PgExecutor<'_>, lock: Lock, name: &str) -> Result<Option<Model>> {
    let sql = select!(lock, "SELECT {} FROM models WHERE name = $1", model_columns());
    entity(conn, sqlx::query(sql).bind(name)).await
}

pub(crate) async fn tag_by_name(conn: impl PgExecutor<'_>, name: &str) -> Result<Option<Tag>> {
    let sql = sql!("SELECT {} FROM tags WHERE name = $1", columns(RecordKind::Tag, "", ""));
    entity(conn, sqlx::query(sql).bind(name)).await
}

pub(crate) async fn has_tag(conn: impl PgExecutor<'_>, model: Uuid, tag: Uuid) -> Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM model_tags WHERE model_id = $1 AND tag_id = $2)")
        .bind(model)
        .bind(tag)
        .fetch_one(conn)
        .await
        .map_err(db)
}

pub(crate) async fn models_tagged(conn: impl PgExecutor<'_>, tag: Uuid) -> Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT model_id FROM model_tags WHERE tag_id = $1 ORDER BY model_id FOR UPDATE")
        .bind(tag)
        .fetch_all(conn)
        .await
        .map_err(db)
}

#[async_trait]
impl ModelReads for PostgresStore {
    async fn model(&self, model: Uuid) -> Result<Option<Model>> {
        by_id(&self.pool, Lock::None, model).await
    }

    async fn model_by_name(&self, name: &str) -> Result<Option<Model>> {
        by_name(&self.pool, Lock::None, name).await
    }

    async fn list_models(&self, filter: StoredModelFilter, page: Page) -> Result<Vec<Model>> {
        let sql = sql!(
            "SELECT {} FROM models WHERE (NOT $1 OR is_active) AND ($2::uuid IS NULL OR team_id = $2)
               AND ($3::text IS NULL OR risk_level = $3) ORDER BY name LIMIT $4 OFFSET $5",
            model_columns()
        );
        let query = sqlx::query(sql)
            .bind(filter.active_only)
            .bind(filter.team_id)
            .bind(filter.risk_level.map(|r| r.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        let sql = sql!(
            "SELECT {} FROM models WHERE strpos(name_folded, $1) > 0 ORDER BY name LIMIT $2 OFFSET $3",
            model_columns()
        );
        let query = sqlx::query(sql).bind(term).bind(limit(page)).bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn models_by_tag(&self, tag: &str, page: Page) -> Result<Vec<Model>> {
        let sql = sql!(
            "SELECT {} FROM models m JOIN model_tags mt ON mt.model_id = m.id JOIN tags t ON t.id = mt.tag_id
             WHERE t.name = $1 ORDER BY m.name LIMIT $2 OFFSET $3",
            columns(RecordKind::Model, "m", "")
        );
        let query = sqlx::query(sql).bind(tag).bind(limit(page)).bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn tags_of_model(&self, model: Uuid, page: Page) -> Result<Vec<Tag>> {
        let sql = sql!(
            "SELECT {} FROM tags t JOIN model_tags mt ON mt.tag_id = t.id WHERE mt.model_id = $1 ORDER BY t.name
             LIMIT $2 OFFSET $3",
            columns(RecordKind::Tag, "t", "")
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(model).bind(limit(page)).bind(offset(page)),
        )
        .await
    }

    async fn list_tags(&self, page: Page) -> Result<Vec<TagUsage>> {
        let sql = sql!(
            "SELECT {}, (SELECT count(*) FROM model_tags mt WHERE mt.tag_id = t.id) AS model_count
             FROM tags t ORDER BY t.name LIMIT $1 OFFSET $2",
            columns(RecordKind::Tag, "t", "")
        );
        entities(&self.pool, sqlx::query(sql).bind(limit(page)).bind(offset(page))).await
    }
}
