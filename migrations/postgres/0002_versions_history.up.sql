-- modelreg schema 2 for PostgreSQL: the same as the SQLite schema 2 —
-- editable version descriptions, aliases, the history of status changes and
-- alias moves (backfilled from the audit trail), lookup by checksum, and
-- checks schema 1 lacked. New checks are NOT VALID: they hold for every
-- write from now on without failing on rows written before them.

ALTER TABLE model_versions ADD COLUMN description TEXT
    CONSTRAINT ck__model_versions__description CHECK (char_length(description) <= 10000);

CREATE INDEX model_versions_checksum ON model_versions (checksum_sha256) WHERE checksum_sha256 IS NOT NULL;
-- No query reads metadata through a GIN index (paths compile to -> and ->>,
-- which it cannot serve), and SQLite has none: the two schemas keep the same indexes.
DROP INDEX model_versions_metadata;

CREATE TABLE model_aliases (
    id          UUID PRIMARY KEY,
    model_id    UUID NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    version_id  UUID NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    assigned_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq__model_aliases__name UNIQUE (model_id, name),
    CONSTRAINT ck__model_aliases__alias CHECK (char_length(name) BETWEEN 1 AND 50 AND name ~ '^[a-z][a-z0-9_-]*$'
        AND name NOT IN ('latest', 'production'))
);
CREATE INDEX model_aliases_version ON model_aliases (version_id);

-- A version's status changes; a deleted version's history stays (no key to it).
CREATE TABLE status_history (
    id          UUID PRIMARY KEY,
    model_id    UUID NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version_id  UUID NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck__status_history__from_status
        CHECK (from_status IN ('registered', 'validated', 'production', 'archived', 'deprecated')),
    CONSTRAINT ck__status_history__to_status
        CHECK (to_status IN ('registered', 'validated', 'production', 'archived', 'deprecated')),
    CONSTRAINT ck__status_history__actor CHECK (char_length(actor) BETWEEN 1 AND 100)
);
-- "MODEL@production at T": the model's last change into production at or before T.
CREATE INDEX status_history_model ON status_history (model_id, to_status, changed_at DESC, id DESC);
CREATE INDEX status_history_version ON status_history (version_id, changed_at DESC, id DESC);

CREATE TABLE alias_history (
    id              UUID PRIMARY KEY,
    model_id        UUID NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    alias           TEXT NOT NULL,
    from_version_id UUID,
    to_version_id   UUID,
    actor           TEXT NOT NULL,
    changed_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck__alias_history__alias CHECK (char_length(alias) BETWEEN 1 AND 50),
    CONSTRAINT ck__alias_history__actor CHECK (char_length(actor) BETWEEN 1 AND 100)
);
-- "MODEL@ALIAS at T": the alias's last move at or before T.
CREATE INDEX alias_history_alias ON alias_history (model_id, alias, changed_at DESC, id DESC);

-- The history the audit trail already tells: each version's creation and
-- every status change of a version whose model still exists. A history row
-- takes the id of the audit event it comes from.
INSERT INTO status_history (id, model_id, version_id, from_status, to_status, actor, changed_at)
SELECT a.id, (a.changes ->> 'model_id')::uuid, a.entity_id, NULL, a.changes ->> 'status', a.actor, a.timestamp
FROM audit_events a
WHERE a.entity_type = 'model_version' AND a.action = 'create'
  AND a.changes ? 'status'
  AND (a.changes ->> 'model_id')::uuid IN (SELECT id FROM models);

INSERT INTO status_history (id, model_id, version_id, from_status, to_status, actor, changed_at)
SELECT a.id, c.model_id, a.entity_id, a.changes -> 'status' ->> 'old', a.changes -> 'status' ->> 'new',
       a.actor, a.timestamp
FROM audit_events a
JOIN (SELECT entity_id, (changes ->> 'model_id')::uuid AS model_id
      FROM audit_events WHERE entity_type = 'model_version' AND action = 'create') c
  ON c.entity_id = a.entity_id
WHERE a.entity_type = 'model_version' AND a.action = 'update'
  AND a.changes -> 'status' ->> 'new' IS NOT NULL
  AND c.model_id IN (SELECT id FROM models);

-- Names: no invisible format characters (Unicode Cf) or line/paragraph separators.
ALTER TABLE teams ADD CONSTRAINT ck__teams__chars__name CHECK (name !~ '[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U00013438\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]') NOT VALID;
ALTER TABLE tags ADD CONSTRAINT ck__tags__chars__tag CHECK (name !~ '[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U00013438\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]') NOT VALID;
ALTER TABLE models ADD CONSTRAINT ck__models__chars__name CHECK (name !~ '[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U00013438\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]') NOT VALID;
ALTER TABLE environments ADD CONSTRAINT ck__environments__chars__name CHECK (name !~ '[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U00013438\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]') NOT VALID;

-- Run figures stay within bounds, so that totals over any number of runs stay finite.
ALTER TABLE training_runs ADD CONSTRAINT ck__training_runs__bound__gpu_hours CHECK (gpu_hours <= 10000000) NOT VALID;
ALTER TABLE training_runs ADD CONSTRAINT ck__training_runs__bound__cost_usd CHECK (cost_usd <= 1000000000) NOT VALID;
ALTER TABLE training_runs ADD CONSTRAINT ck__training_runs__bound__duration_seconds
    CHECK (duration_seconds <= 3155760000) NOT VALID;
