-- modelreg schema 3: registry-wide version queries in the query language's
-- default order (newest first), by creation time and by status, read an
-- index instead of sorting every version. The query language sorts
-- descending with NULLS LAST, which the indexes spell out: PostgreSQL only
-- reads an index in an order that matches its nulls placement too.

CREATE INDEX model_versions_created ON model_versions (created_at DESC NULLS LAST, id DESC NULLS LAST);
CREATE INDEX model_versions_status ON model_versions (status, created_at DESC NULLS LAST, id DESC NULLS LAST);
