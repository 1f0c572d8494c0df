-- Reverts schema 2: the history, aliases and descriptions it added are lost.
ALTER TABLE training_runs DROP CONSTRAINT ck__training_runs__bound__duration_seconds;
ALTER TABLE training_runs DROP CONSTRAINT ck__training_runs__bound__cost_usd;
ALTER TABLE training_runs DROP CONSTRAINT ck__training_runs__bound__gpu_hours;
ALTER TABLE environments DROP CONSTRAINT ck__environments__chars__name;
ALTER TABLE models DROP CONSTRAINT ck__models__chars__name;
ALTER TABLE tags DROP CONSTRAINT ck__tags__chars__tag;
ALTER TABLE teams DROP CONSTRAINT ck__teams__chars__name;
DROP TABLE alias_history;
DROP TABLE status_history;
DROP TABLE model_aliases;
DROP INDEX model_versions_checksum;
CREATE INDEX model_versions_metadata ON model_versions USING GIN (metadata);
ALTER TABLE model_versions DROP COLUMN description;
