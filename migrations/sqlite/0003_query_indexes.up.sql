-- modelreg schema 3: registry-wide version queries in the query language's
-- default order (newest first), by creation time and by status, read an
-- index instead of sorting every version.

CREATE INDEX model_versions_created ON model_versions (created_at DESC, id DESC);
CREATE INDEX model_versions_status ON model_versions (status, created_at DESC, id DESC);
