-- modelreg schema 1 for PostgreSQL: the same tables, constraints and indexes
-- as the SQLite schema, with UUID, TIMESTAMPTZ, BIGINT and JSONB.
-- Constraint names are ck__<table>__<field> and uq__<table>__<field>, so
-- that a violation can name the field.

CREATE TABLE teams (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    department  TEXT,
    cost_center TEXT,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq__teams__name UNIQUE (name),
    CONSTRAINT ck__teams__name CHECK (char_length(name) BETWEEN 1 AND 100 AND name = btrim(name) AND name !~ '[[:cntrl:]]'),
    CONSTRAINT ck__teams__department CHECK (char_length(department) <= 100),
    CONSTRAINT ck__teams__cost_center CHECK (char_length(cost_center) <= 50)
);

CREATE TABLE tags (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq__tags__tag UNIQUE (name),
    CONSTRAINT ck__tags__tag CHECK (char_length(name) BETWEEN 1 AND 50 AND name = btrim(name) AND name !~ '[[:cntrl:]]')
);

CREATE TABLE models (
    id                  UUID PRIMARY KEY,
    name                TEXT NOT NULL,
    -- lower-cased name that case-insensitive search matches against
    name_folded         TEXT NOT NULL,
    description         TEXT,
    use_case            TEXT,
    team_id             UUID REFERENCES teams (id) ON DELETE SET NULL,
    risk_level          TEXT NOT NULL DEFAULT 'medium',
    compliance_required BOOLEAN NOT NULL DEFAULT FALSE,
    is_active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq__models__name UNIQUE (name),
    CONSTRAINT ck__models__name CHECK (char_length(name) BETWEEN 1 AND 200 AND name = btrim(name) AND name !~ '[[:cntrl:]]'),
    CONSTRAINT ck__models__use_case CHECK (char_length(use_case) <= 200),
    CONSTRAINT ck__models__risk_level CHECK (risk_level IN ('low', 'medium', 'high', 'critical'))
);
CREATE INDEX models_team ON models (team_id);
CREATE INDEX models_risk_level ON models (risk_level, name);

CREATE TABLE model_tags (
    model_id    UUID NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    tag_id      UUID NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    assigned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model_id, tag_id)
);
CREATE INDEX model_tags_tag ON model_tags (tag_id, model_id);

CREATE TABLE model_versions (
    id                UUID PRIMARY KEY,
    model_id          UUID NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    semver            TEXT NOT NULL,
    -- byte-sortable SemVer precedence, computed by modelreg-core
    precedence        TEXT COLLATE "C" NOT NULL,
    artifact_uri      TEXT NOT NULL,
    framework         TEXT NOT NULL,
    framework_version TEXT,
    python_version    TEXT,
    status            TEXT NOT NULL DEFAULT 'registered',
    size_bytes        BIGINT,
    checksum_sha256   TEXT,
    metadata          JSONB NOT NULL DEFAULT '{}',
    created_at        TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq__model_versions__semver UNIQUE (model_id, semver),
    CONSTRAINT ck__model_versions__semver CHECK (char_length(semver) BETWEEN 5 AND 50 AND semver ~ '^[0-9]+\.[0-9]+\.[0-9]+'),
    CONSTRAINT ck__model_versions__artifact_uri CHECK (char_length(artifact_uri) BETWEEN 1 AND 500),
    CONSTRAINT ck__model_versions__framework
        CHECK (framework IN ('pytorch', 'tensorflow', 'sklearn', 'xgboost', 'jax', 'onnx', 'huggingface')),
    CONSTRAINT ck__model_versions__framework_version CHECK (char_length(framework_version) <= 50),
    CONSTRAINT ck__model_versions__python_version CHECK (char_length(python_version) <= 20),
    CONSTRAINT ck__model_versions__status
        CHECK (status IN ('registered', 'validated', 'production', 'archived', 'deprecated')),
    CONSTRAINT ck__model_versions__size_bytes CHECK (size_bytes >= 0),
    CONSTRAINT ck__model_versions__checksum_sha256 CHECK (checksum_sha256 ~ '^[0-9a-f]{64}$'),
    -- JSONB re-prints numbers and spacing, so its text is only bounded loosely
    -- here; modelreg-core enforces the exact 64 KiB on the compact form.
    CONSTRAINT ck__model_versions__metadata
        CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 1048576)
);
CREATE INDEX model_versions_newest ON model_versions (model_id, created_at DESC, id DESC);
CREATE INDEX model_versions_precedence ON model_versions (model_id, precedence DESC, created_at DESC, id DESC);
CREATE INDEX model_versions_metadata ON model_versions USING GIN (metadata);
-- One production version per model.
CREATE UNIQUE INDEX uq__model_versions__status ON model_versions (model_id) WHERE status = 'production';

CREATE TABLE training_runs (
    id               UUID PRIMARY KEY,
    version_id       UUID NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    run_name         TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'running',
    started_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ,
    duration_seconds BIGINT,
    gpu_hours        DOUBLE PRECISION NOT NULL DEFAULT 0,
    cost_usd         DOUBLE PRECISION,
    dataset_name     TEXT,
    dataset_version  TEXT,
    hyperparameters  JSONB NOT NULL DEFAULT '{}',
    environment      JSONB NOT NULL DEFAULT '{}',
    created_by       TEXT,
    CONSTRAINT ck__training_runs__run_name CHECK (char_length(run_name) BETWEEN 1 AND 200 AND run_name = btrim(run_name)),
    CONSTRAINT ck__training_runs__status CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'timeout')),
    CONSTRAINT ck__training_runs__duration_seconds CHECK (duration_seconds >= 0),
    -- NaN sorts above Infinity in PostgreSQL, so "< 'Infinity'" rejects both.
    CONSTRAINT ck__training_runs__gpu_hours CHECK (gpu_hours >= 0 AND gpu_hours < 'Infinity'),
    CONSTRAINT ck__training_runs__cost_usd CHECK (cost_usd >= 0 AND cost_usd < 'Infinity'),
    CONSTRAINT ck__training_runs__dataset_name CHECK (char_length(dataset_name) <= 200),
    CONSTRAINT ck__training_runs__dataset_version CHECK (char_length(dataset_version) <= 50),
    CONSTRAINT ck__training_runs__created_by CHECK (char_length(created_by) <= 100),
    CONSTRAINT ck__training_runs__hyperparameters
        CHECK (jsonb_typeof(hyperparameters) = 'object' AND octet_length(hyperparameters::text) <= 1048576),
    CONSTRAINT ck__training_runs__environment
        CHECK (jsonb_typeof(environment) = 'object' AND octet_length(environment::text) <= 1048576)
);
CREATE INDEX training_runs_version ON training_runs (version_id, started_at DESC, id DESC);
CREATE INDEX training_runs_started ON training_runs (started_at);

CREATE TABLE metrics (
    id          UUID PRIMARY KEY,
    version_id  UUID NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    split       TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck__metrics__name CHECK (char_length(name) BETWEEN 1 AND 100 AND name = btrim(name)),
    CONSTRAINT ck__metrics__value CHECK (value > '-Infinity' AND value < 'Infinity'),
    CONSTRAINT ck__metrics__split CHECK (split IN ('train', 'validation', 'test', 'production'))
);
CREATE INDEX metrics_version ON metrics (version_id, recorded_at DESC, id DESC);
CREATE INDEX metrics_version_name ON metrics (version_id, name, recorded_at DESC, id DESC);

CREATE TABLE environments (
    id                   UUID PRIMARY KEY,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    region               TEXT,
    kubernetes_namespace TEXT,
    config               JSONB NOT NULL DEFAULT '{}',
    is_active            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at           TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq__environments__name UNIQUE (name),
    CONSTRAINT ck__environments__name CHECK (char_length(name) BETWEEN 1 AND 50 AND name = btrim(name) AND name !~ '[[:cntrl:]]'),
    CONSTRAINT ck__environments__kind CHECK (kind IN ('development', 'staging', 'production', 'sandbox')),
    CONSTRAINT ck__environments__region CHECK (char_length(region) <= 50),
    CONSTRAINT ck__environments__kubernetes_namespace CHECK (char_length(kubernetes_namespace) <= 100),
    CONSTRAINT ck__environments__config CHECK (jsonb_typeof(config) = 'object' AND octet_length(config::text) <= 1048576)
);

CREATE TABLE deployments (
    id             UUID PRIMARY KEY,
    version_id     UUID NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    environment_id UUID NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'deploying',
    endpoint_url   TEXT,
    replicas       INTEGER NOT NULL DEFAULT 1,
    cpu_request    TEXT,
    memory_request TEXT,
    gpu_count      INTEGER NOT NULL DEFAULT 0,
    deployed_at    TIMESTAMPTZ NOT NULL,
    deployed_by    TEXT,
    terminated_at  TIMESTAMPTZ,
    CONSTRAINT ck__deployments__name CHECK (char_length(name) BETWEEN 1 AND 200 AND name = btrim(name)),
    CONSTRAINT ck__deployments__status CHECK (status IN ('deploying', 'healthy', 'degraded', 'failed', 'terminated')),
    CONSTRAINT ck__deployments__endpoint_url CHECK (char_length(endpoint_url) <= 500),
    CONSTRAINT ck__deployments__replicas CHECK (replicas >= 0),
    CONSTRAINT ck__deployments__cpu_request CHECK (char_length(cpu_request) <= 20),
    CONSTRAINT ck__deployments__memory_request CHECK (char_length(memory_request) <= 20),
    CONSTRAINT ck__deployments__gpu_count CHECK (gpu_count >= 0),
    CONSTRAINT ck__deployments__deployed_by CHECK (char_length(deployed_by) <= 100)
);
CREATE INDEX deployments_environment ON deployments (environment_id, deployed_at DESC, id DESC);
CREATE INDEX deployments_version ON deployments (version_id, deployed_at DESC, id DESC);
CREATE INDEX deployments_status ON deployments (status);

CREATE TABLE audit_events (
    id          UUID PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id   UUID NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changes     JSONB NOT NULL DEFAULT '{}',
    timestamp   TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck__audit_events__entity_type CHECK (entity_type IN
        ('team', 'tag', 'model', 'model_version', 'training_run', 'metric', 'environment', 'deployment', 'audit_event')),
    CONSTRAINT ck__audit_events__action CHECK (action IN ('create', 'update', 'delete', 'deploy', 'rollback')),
    CONSTRAINT ck__audit_events__actor CHECK (char_length(actor) BETWEEN 1 AND 100),
    CONSTRAINT ck__audit_events__changes CHECK (jsonb_typeof(changes) = 'object')
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, timestamp DESC, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor, timestamp DESC, id DESC);
CREATE INDEX audit_events_timestamp ON audit_events (timestamp DESC, id DESC);
