-- Reverts schema 4: the text triggers go and schema 2's name triggers come
-- back; no record changes.
DROP TRIGGER audit_events_chars_update;
DROP TRIGGER audit_events_chars_insert;
DROP TRIGGER alias_history_chars_update;
DROP TRIGGER alias_history_chars_insert;
DROP TRIGGER status_history_chars_update;
DROP TRIGGER status_history_chars_insert;
DROP TRIGGER deployments_chars_update;
DROP TRIGGER deployments_chars_insert;
DROP TRIGGER environments_chars_update;
DROP TRIGGER environments_chars_insert;
DROP TRIGGER metrics_chars_update;
DROP TRIGGER metrics_chars_insert;
DROP TRIGGER training_runs_chars_update;
DROP TRIGGER training_runs_chars_insert;
DROP TRIGGER model_versions_chars_update;
DROP TRIGGER model_versions_chars_insert;
DROP TRIGGER models_chars_update;
DROP TRIGGER models_chars_insert;
DROP TRIGGER tags_chars_update;
DROP TRIGGER tags_chars_insert;
DROP TRIGGER teams_chars_update;
DROP TRIGGER teams_chars_insert;

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
