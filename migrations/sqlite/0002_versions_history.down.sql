-- Reverts schema 2: the history, aliases and descriptions it added are lost.
DROP TRIGGER training_runs_bounds_update;
DROP TRIGGER training_runs_bounds_insert;
DROP TRIGGER environments_name_chars_update;
DROP TRIGGER environments_name_chars_insert;
DROP TRIGGER models_name_chars_update;
DROP TRIGGER models_name_chars_insert;
DROP TRIGGER tags_name_chars_update;
DROP TRIGGER tags_name_chars_insert;
DROP TRIGGER teams_name_chars_update;
DROP TRIGGER teams_name_chars_insert;
DROP TABLE alias_history;
DROP TABLE status_history;
DROP TABLE model_aliases;
DROP INDEX model_versions_checksum;
ALTER TABLE model_versions DROP COLUMN description;
