-- modelreg schema 1 for SQLite. Every rule that core validates is enforced
-- here again, so that a client writing SQL directly cannot break it.
-- Ids are UUID text, timestamps are microseconds since the Unix epoch (UTC),
-- JSON fields are text holding an object, booleans are 0/1.
-- A CHECK constraint is named after its column, so errors can name the field.

CREATE TABLE teams (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE
        CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 100 AND name = trim(name)
            AND name NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
    department  TEXT CONSTRAINT department CHECK (length(department) <= 100),
    cost_center TEXT CONSTRAINT cost_center CHECK (length(cost_center) <= 50),
    active      INTEGER NOT NULL DEFAULT 1 CONSTRAINT active CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL
);

CREATE TABLE tags (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE
        CONSTRAINT tag CHECK (length(name) BETWEEN 1 AND 50 AND name = trim(name)
            AND name NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
    description TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE models (
    id                  TEXT PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL UNIQUE
        CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 200 AND name = trim(name)
            AND name NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
    -- lower-cased name that case-insensitive search matches against
    name_folded         TEXT NOT NULL,
    description         TEXT,
    use_case            TEXT CONSTRAINT use_case CHECK (length(use_case) <= 200),
    team_id             TEXT REFERENCES teams (id) ON DELETE SET NULL,
    risk_level          TEXT NOT NULL DEFAULT 'medium'
        CONSTRAINT risk_level CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    compliance_required INTEGER NOT NULL DEFAULT 0
        CONSTRAINT compliance_required CHECK (compliance_required IN (0, 1)),
    is_active           INTEGER NOT NULL DEFAULT 1 CONSTRAINT is_active CHECK (is_active IN (0, 1)),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX models_team ON models (team_id);
CREATE INDEX models_risk_level ON models (risk_level, name);

CREATE TABLE model_tags (
    model_id    TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    tag_id      TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (model_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX model_tags_tag ON model_tags (tag_id, model_id);

CREATE TABLE model_versions (
    id                TEXT PRIMARY KEY NOT NULL,
    model_id          TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    semver            TEXT NOT NULL
        CONSTRAINT semver CHECK (length(semver) BETWEEN 5 AND 50 AND semver GLOB '[0-9]*.[0-9]*.[0-9]*'),
    -- byte-sortable SemVer precedence, computed by modelreg-core
    precedence        TEXT NOT NULL,
    artifact_uri      TEXT NOT NULL CONSTRAINT artifact_uri CHECK (length(artifact_uri) BETWEEN 1 AND 500),
    framework         TEXT NOT NULL CONSTRAINT framework
        CHECK (framework IN ('pytorch', 'tensorflow', 'sklearn', 'xgboost', 'jax', 'onnx', 'huggingface')),
    framework_version TEXT CONSTRAINT framework_version CHECK (length(framework_version) <= 50),
    python_version    TEXT CONSTRAINT python_version CHECK (length(python_version) <= 20),
    status            TEXT NOT NULL DEFAULT 'registered' CONSTRAINT status
        CHECK (status IN ('registered', 'validated', 'production', 'archived', 'deprecated')),
    size_bytes        INTEGER CONSTRAINT size_bytes CHECK (size_bytes >= 0),
    checksum_sha256   TEXT CONSTRAINT checksum_sha256
        CHECK (length(checksum_sha256) = 64 AND checksum_sha256 NOT GLOB '*[^0-9a-f]*'),
    metadata          TEXT NOT NULL DEFAULT '{}' CONSTRAINT metadata
        CHECK (json_valid(metadata) AND json_type(metadata) = 'object' AND length(CAST(metadata AS BLOB)) <= 65536),
    created_at        INTEGER NOT NULL,
    UNIQUE (model_id, semver)
);
CREATE INDEX model_versions_newest ON model_versions (model_id, created_at DESC, id DESC);
CREATE INDEX model_versions_precedence ON model_versions (model_id, precedence DESC, created_at DESC, id DESC);
-- One production version per model.
CREATE UNIQUE INDEX model_versions_one_production ON model_versions (model_id) WHERE status = 'production';

CREATE TABLE training_runs (
    id               TEXT PRIMARY KEY NOT NULL,
    version_id       TEXT NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    run_name         TEXT NOT NULL CONSTRAINT run_name CHECK (length(run_name) BETWEEN 1 AND 200 AND run_name = trim(run_name)),
    status           TEXT NOT NULL DEFAULT 'running' CONSTRAINT status
        CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'timeout')),
    started_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    duration_seconds INTEGER CONSTRAINT duration_seconds CHECK (duration_seconds >= 0),
    gpu_hours        REAL NOT NULL DEFAULT 0
        CONSTRAINT gpu_hours CHECK (gpu_hours >= 0 AND gpu_hours <= 1.7976931348623157e308),
    cost_usd         REAL CONSTRAINT cost_usd CHECK (cost_usd >= 0 AND cost_usd <= 1.7976931348623157e308),
    dataset_name     TEXT CONSTRAINT dataset_name CHECK (length(dataset_name) <= 200),
    dataset_version  TEXT CONSTRAINT dataset_version CHECK (length(dataset_version) <= 50),
    hyperparameters  TEXT NOT NULL DEFAULT '{}' CONSTRAINT hyperparameters
        CHECK (json_valid(hyperparameters) AND json_type(hyperparameters) = 'object'
            AND length(CAST(hyperparameters AS BLOB)) <= 65536),
    environment      TEXT NOT NULL DEFAULT '{}' CONSTRAINT environment
        CHECK (json_valid(environment) AND json_type(environment) = 'object'
            AND length(CAST(environment AS BLOB)) <= 65536),
    created_by       TEXT CONSTRAINT created_by CHECK (length(created_by) <= 100)
);
CREATE INDEX training_runs_version ON training_runs (version_id, started_at DESC, id DESC);
CREATE INDEX training_runs_started ON training_runs (started_at);

CREATE TABLE metrics (
    id          TEXT PRIMARY KEY NOT NULL,
    version_id  TEXT NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 100 AND name = trim(name)),
    -- SQLite stores NaN as NULL, so NOT NULL rejects it; the bound rejects infinities.
    value       REAL NOT NULL CONSTRAINT value CHECK (abs(value) <= 1.7976931348623157e308),
    split       TEXT NOT NULL CONSTRAINT split CHECK (split IN ('train', 'validation', 'test', 'production')),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX metrics_version ON metrics (version_id, recorded_at DESC, id DESC);
CREATE INDEX metrics_version_name ON metrics (version_id, name, recorded_at DESC, id DESC);

CREATE TABLE environments (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL UNIQUE
        CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 50 AND name = trim(name)
            AND name NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
    kind                 TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('development', 'staging', 'production', 'sandbox')),
    region               TEXT CONSTRAINT region CHECK (length(region) <= 50),
    kubernetes_namespace TEXT CONSTRAINT kubernetes_namespace CHECK (length(kubernetes_namespace) <= 100),
    config               TEXT NOT NULL DEFAULT '{}' CONSTRAINT config
        CHECK (json_valid(config) AND json_type(config) = 'object' AND length(CAST(config AS BLOB)) <= 65536),
    is_active            INTEGER NOT NULL DEFAULT 1 CONSTRAINT is_active CHECK (is_active IN (0, 1)),
    created_at           INTEGER NOT NULL
);

CREATE TABLE deployments (
    id             TEXT PRIMARY KEY NOT NULL,
    version_id     TEXT NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    name           TEXT NOT NULL CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 200 AND name = trim(name)),
    status         TEXT NOT NULL DEFAULT 'deploying' CONSTRAINT status
        CHECK (status IN ('deploying', 'healthy', 'degraded', 'failed', 'terminated')),
    endpoint_url   TEXT CONSTRAINT endpoint_url CHECK (length(endpoint_url) <= 500),
    replicas       INTEGER NOT NULL DEFAULT 1 CONSTRAINT replicas CHECK (replicas >= 0),
    cpu_request    TEXT CONSTRAINT cpu_request CHECK (length(cpu_request) <= 20),
    memory_request TEXT CONSTRAINT memory_request CHECK (length(memory_request) <= 20),
    gpu_count      INTEGER NOT NULL DEFAULT 0 CONSTRAINT gpu_count CHECK (gpu_count >= 0),
    deployed_at    INTEGER NOT NULL,
    deployed_by    TEXT CONSTRAINT deployed_by CHECK (length(deployed_by) <= 100),
    terminated_at  INTEGER
);
CREATE INDEX deployments_environment ON deployments (environment_id, deployed_at DESC, id DESC);
CREATE INDEX deployments_version ON deployments (version_id, deployed_at DESC, id DESC);
CREATE INDEX deployments_status ON deployments (status);

CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY NOT NULL,
    entity_type TEXT NOT NULL CONSTRAINT entity_type CHECK (entity_type IN
        ('team', 'tag', 'model', 'model_version', 'training_run', 'metric', 'environment', 'deployment', 'audit_event')),
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL CONSTRAINT action CHECK (action IN ('create', 'update', 'delete', 'deploy', 'rollback')),
    actor       TEXT NOT NULL CONSTRAINT actor CHECK (length(actor) BETWEEN 1 AND 100),
    changes     TEXT NOT NULL DEFAULT '{}' CONSTRAINT changes CHECK (json_valid(changes) AND json_type(changes) = 'object'),
    timestamp   INTEGER NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, timestamp DESC, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor, timestamp DESC, id DESC);
CREATE INDEX audit_events_timestamp ON audit_events (timestamp DESC, id DESC);
