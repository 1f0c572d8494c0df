-- Reverts schema 3: only indexes go; no record changes.
DROP INDEX model_versions_status;
DROP INDEX model_versions_created;
