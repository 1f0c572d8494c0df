-- modelreg schema 2: editable version descriptions, aliases, the history of
-- status changes and alias moves (backfilled from the audit trail, so that
-- "as of" works for the past too), lookup by checksum, and checks schema 1
-- lacked: no invisible format characters or separators in names, bounded
-- run figures. SQLite cannot add a CHECK to an existing table, so those are
-- triggers that abort with the constraint's name (ck__<table>__<field>).

ALTER TABLE model_versions ADD COLUMN description TEXT
    CONSTRAINT description CHECK (length(description) <= 10000);

CREATE INDEX model_versions_checksum ON model_versions (checksum_sha256) WHERE checksum_sha256 IS NOT NULL;

CREATE TABLE model_aliases (
    id          TEXT PRIMARY KEY NOT NULL,
    model_id    TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CONSTRAINT alias CHECK (length(name) BETWEEN 1 AND 50 AND name GLOB '[a-z]*'
        AND name NOT GLOB '*[^a-z0-9_-]*' AND name NOT IN ('latest', 'production')),
    version_id  TEXT NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    assigned_at INTEGER NOT NULL,
    UNIQUE (model_id, name)
);
CREATE INDEX model_aliases_version ON model_aliases (version_id);

-- A version's status changes; a deleted version's history stays (no key to it).
CREATE TABLE status_history (
    id          TEXT PRIMARY KEY NOT NULL,
    model_id    TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version_id  TEXT NOT NULL,
    from_status TEXT CONSTRAINT from_status
        CHECK (from_status IN ('registered', 'validated', 'production', 'archived', 'deprecated')),
    to_status   TEXT NOT NULL CONSTRAINT to_status
        CHECK (to_status IN ('registered', 'validated', 'production', 'archived', 'deprecated')),
    actor       TEXT NOT NULL CONSTRAINT actor CHECK (length(actor) BETWEEN 1 AND 100),
    changed_at  INTEGER NOT NULL
);
-- "MODEL@production at T": the model's last change into production at or before T.
CREATE INDEX status_history_model ON status_history (model_id, to_status, changed_at DESC, id DESC);
CREATE INDEX status_history_version ON status_history (version_id, changed_at DESC, id DESC);

CREATE TABLE alias_history (
    id              TEXT PRIMARY KEY NOT NULL,
    model_id        TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    alias           TEXT NOT NULL CONSTRAINT alias CHECK (length(alias) BETWEEN 1 AND 50),
    from_version_id TEXT,
    to_version_id   TEXT,
    actor           TEXT NOT NULL CONSTRAINT actor CHECK (length(actor) BETWEEN 1 AND 100),
    changed_at      INTEGER NOT NULL
);
-- "MODEL@ALIAS at T": the alias's last move at or before T.
CREATE INDEX alias_history_alias ON alias_history (model_id, alias, changed_at DESC, id DESC);

-- The history the audit trail already tells: each version's creation and
-- every status change of a version whose model still exists. A history row
-- takes the id of the audit event it comes from.
INSERT INTO status_history (id, model_id, version_id, from_status, to_status, actor, changed_at)
SELECT a.id, json_extract(a.changes, '$.model_id'), a.entity_id, NULL,
       json_extract(a.changes, '$.status'), a.actor, a.timestamp
FROM audit_events a
WHERE a.entity_type = 'model_version' AND a.action = 'create'
  AND json_extract(a.changes, '$.status') IS NOT NULL
  AND json_extract(a.changes, '$.model_id') IN (SELECT id FROM models);

INSERT INTO status_history (id, model_id, version_id, from_status, to_status, actor, changed_at)
SELECT a.id, c.model_id, a.entity_id,
       json_extract(a.changes, '$.status.old'), json_extract(a.changes, '$.status.new'), a.actor, a.timestamp
FROM audit_events a
JOIN (SELECT entity_id, json_extract(changes, '$.model_id') AS model_id
      FROM audit_events WHERE entity_type = 'model_version' AND action = 'create') c
  ON c.entity_id = a.entity_id
WHERE a.entity_type = 'model_version' AND a.action = 'update'
  AND json_extract(a.changes, '$.status.new') IS NOT NULL
  AND c.model_id IN (SELECT id FROM models);

-- Names: no invisible format characters (Unicode Cf) or line/paragraph separators.
CREATE TRIGGER teams_name_chars_insert BEFORE INSERT ON teams
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__teams__chars__name'); END;
CREATE TRIGGER teams_name_chars_update BEFORE UPDATE OF name ON teams
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__teams__chars__name'); END;
CREATE TRIGGER tags_name_chars_insert BEFORE INSERT ON tags
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__tags__chars__tag'); END;
CREATE TRIGGER tags_name_chars_update BEFORE UPDATE OF name ON tags
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__tags__chars__tag'); END;
CREATE TRIGGER models_name_chars_insert BEFORE INSERT ON models
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__models__chars__name'); END;
CREATE TRIGGER models_name_chars_update BEFORE UPDATE OF name ON models
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__models__chars__name'); END;
CREATE TRIGGER environments_name_chars_insert BEFORE INSERT ON environments
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__environments__chars__name'); END;
CREATE TRIGGER environments_name_chars_update BEFORE UPDATE OF name ON environments
WHEN NEW.name GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238) || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78904) || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*')
BEGIN SELECT RAISE(ABORT, 'ck__environments__chars__name'); END;

-- Run figures stay within bounds, so that totals over any number of runs stay finite.
CREATE TRIGGER training_runs_bounds_insert BEFORE INSERT ON training_runs
BEGIN
    SELECT RAISE(ABORT, 'ck__training_runs__bound__gpu_hours') WHERE NEW.gpu_hours > 10000000;
    SELECT RAISE(ABORT, 'ck__training_runs__bound__cost_usd') WHERE NEW.cost_usd > 1000000000;
    SELECT RAISE(ABORT, 'ck__training_runs__bound__duration_seconds') WHERE NEW.duration_seconds > 3155760000;
END;
CREATE TRIGGER training_runs_bounds_update BEFORE UPDATE ON training_runs
BEGIN
    SELECT RAISE(ABORT, 'ck__training_runs__bound__gpu_hours') WHERE NEW.gpu_hours > 10000000;
    SELECT RAISE(ABORT, 'ck__training_runs__bound__cost_usd') WHERE NEW.cost_usd > 1000000000;
    SELECT RAISE(ABORT, 'ck__training_runs__bound__duration_seconds') WHERE NEW.duration_seconds > 3155760000;
END;
