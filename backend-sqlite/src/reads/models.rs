//! Reading models and their tags.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::models::{Model, StoredModelFilter, Tag, TagUsage};
use modelreg_core::store::{ModelReads, Page, RecordKind};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

fn model_columns() -> String {
    columns(RecordKind::Model, "", "")
}

pub(crate) fn by_id(conn: &Connection, model: Uuid) -> Result<Option<Model>> {
    entity(
        conn,
        sql!("SELECT {} FROM models WHERE id = ?1", model_columns()),
        [id(model)],
    )
}

pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<Model>> {
    entity(
        conn,
        sql!("SELECT {} FROM models WHERE name = ?1", model_columns()),
        [name],
    )
}

fn list(conn: &Connection, filter: StoredModelFilter, page: Page) -> Result<Vec<Model>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM models WHERE (?1 = 0 OR is_active = 1) AND (?2 IS NULL OR team_id = ?2)
               AND (?3 IS NULL OR risk_level = ?3) ORDER BY name LIMIT ?4 OFFSET ?5",
            model_columns()
        ),
        params![
            filter.active_only,
            filter.team_id.map(id),
            filter.risk_level.map(|r| r.as_str()),
            limit(page),
            offset(page)
        ],
    )
}

fn search(conn: &Connection, term: &str, page: Page) -> Result<Vec<Model>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM models WHERE instr(name_folded, ?1) > 0 ORDER BY name LIMIT ?2 OFFSET ?3",
            model_columns()
        ),
        params![term, limit(page), offset(page)],
    )
}

fn by_tag(conn: &Connection, tag: &str, page: Page) -> Result<Vec<Model>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM models m JOIN model_tags mt ON mt.model_id = m.id JOIN tags t ON t.id = mt.tag_id
             WHERE t.name = ?1 ORDER BY m.name LIMIT ?2 OFFSET ?3",
            columns(RecordKind::Model, "m", "")
        ),
        params![tag, limit(page), offset(page)],
    )
}

fn tags_of(conn: &Connection, model: Uuid, page: Page) -> Result<Vec<Tag>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM tags t JOIN model_tags mt ON mt.tag_id = t.id WHERE mt.model_id = ?1 ORDER BY t.name LIMIT ?2 OFFSET ?3",
            columns(RecordKind::Tag, "t", "")
        ),
        params![id(model), limit(page), offset(page)],
    )
}

fn list_tags(conn: &Connection, page: Page) -> Result<Vec<TagUsage>> {
    entities(
        conn,
        sql!(
            "SELECT {}, (SELECT count(*) FROM model_tags mt WHERE mt.tag_id = t.id) AS model_count
             FROM tags t ORDER BY t.name LIMIT ?1 OFFSET ?2",
            columns(RecordKind::Tag, "t", "")
        ),
        params![limit(page), offset(page)],
    )
}

pub(crate) fn tag_by_name(conn: &Connection, name: &str) -> Result<Option<Tag>> {
    entity(
        conn,
        sql!("SELECT {} FROM tags WHERE name = ?1", columns(RecordKind::Tag, "", "")),
        [name],
    )
}

pub(crate) fn has_tag(conn: &Connection, model: Uuid, tag: Uuid) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM model_tags WHERE model_id = ?1 AND tag_id = ?2")
        .and_then(|mut stmt| stmt.exists([id(model), id(tag)]))
        .map_err(crate::error::db)
}

pub(crate) fn models_tagged(conn: &Connection, tag: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt = conn
        .prepare_cached("SELECT model_id FROM model_tags WHERE tag_id = ?1 ORDER BY model_id")
        .map_err(crate::error::db)?;
    stmt.query_map([id(tag)], |row| row.get::<_, String>(0))
        .map_err(crate::error::db)?
        .map(|text| {
            let text = text.map_err(crate::error::db)?;
            Uuid::parse_str(&text).map_err(|e| modelreg_core::tables::undecodable("model_id", e))
        })
        .collect()
}

#[async_trait]
impl ModelReads for SqliteStore {
    async fn model(&self, model: Uuid) -> Result<Option<Model>> {
        self.read(move |conn| by_id(conn, model)).await
    }

    async fn model_by_name(&self, name: &str) -> Result<Option<Model>> {
        let name = name.to_owned();
        self.read(move |conn| by_name(conn, &name)).await
    }

    async fn list_models(&self, filter: StoredModelFilter, page: Page) -> Result<Vec<Model>> {
        self.read(move |conn| list(conn, filter, page)).await
    }

    async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        let term = term.to_owned();
        self.read(move |conn| search(conn, &term, page)).await
    }

    async fn models_by_tag(&self, tag: &str, page: Page) -> Result<Vec<Model>> {
        let tag = tag.to_owned();
        self.read(move |conn| by_tag(conn, &tag, page)).await
    }

    async fn tags_of_model(&self, model: Uuid, page: Page) -> Result<Vec<Tag>> {
        self.read(move |conn| tags_of(conn, model, page)).await
    }

    async fn list_tags(&self, page: Page) -> Result<Vec<TagUsage>> {
        self.read(move |conn| list_tags(conn, page)).await
    }
}
