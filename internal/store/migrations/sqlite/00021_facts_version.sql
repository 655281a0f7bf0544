-- +goose Up
-- The facts nearly every request reads and few change: who an actor is and
-- what they may do (users, companies, grants, approvers, contracts and
-- their products), the catalogue, the service-level targets, calendars,
-- settings and email templates. Every change to them moves
-- facts_version.version in its own transaction, so the store may keep
-- them in memory and check with one look-up by key that they are still
-- those of the database (store/facts.go). A version is a random number,
-- not a count: a database taken back in time (a restore, a fail-over)
-- must not meet a memory that holds the same number for other facts.
CREATE TABLE facts_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO facts_version (id, version) VALUES (1, 1);
CREATE TRIGGER facts_users_insert AFTER INSERT ON users BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_users_update AFTER UPDATE ON users BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_users_delete AFTER DELETE ON users BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_companies_insert AFTER INSERT ON companies BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_companies_update AFTER UPDATE ON companies BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_companies_delete AFTER DELETE ON companies BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_grants_insert AFTER INSERT ON grants BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_grants_update AFTER UPDATE ON grants BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_grants_delete AFTER DELETE ON grants BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_approvers_insert AFTER INSERT ON approvers BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_approvers_update AFTER UPDATE ON approvers BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_approvers_delete AFTER DELETE ON approvers BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_contracts_insert AFTER INSERT ON contracts BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_contracts_update AFTER UPDATE ON contracts BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_contracts_delete AFTER DELETE ON contracts BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_contract_products_insert AFTER INSERT ON contract_products BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_contract_products_update AFTER UPDATE ON contract_products BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_contract_products_delete AFTER DELETE ON contract_products BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_products_insert AFTER INSERT ON products BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_products_update AFTER UPDATE ON products BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_products_delete AFTER DELETE ON products BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_components_insert AFTER INSERT ON components BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_components_update AFTER UPDATE ON components BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_components_delete AFTER DELETE ON components BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_settings_insert AFTER INSERT ON settings BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_settings_update AFTER UPDATE ON settings BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_settings_delete AFTER DELETE ON settings BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_email_templates_insert AFTER INSERT ON email_templates BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_email_templates_update AFTER UPDATE ON email_templates BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_email_templates_delete AFTER DELETE ON email_templates BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_sla_targets_insert AFTER INSERT ON sla_targets BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_sla_targets_update AFTER UPDATE ON sla_targets BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_sla_targets_delete AFTER DELETE ON sla_targets BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_calendars_insert AFTER INSERT ON calendars BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_calendars_update AFTER UPDATE ON calendars BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_calendars_delete AFTER DELETE ON calendars BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;

-- +goose Down
DROP TRIGGER facts_users_insert;
DROP TRIGGER facts_users_update;
DROP TRIGGER facts_users_delete;
DROP TRIGGER facts_companies_insert;
DROP TRIGGER facts_companies_update;
DROP TRIGGER facts_companies_delete;
DROP TRIGGER facts_grants_insert;
DROP TRIGGER facts_grants_update;
DROP TRIGGER facts_grants_delete;
DROP TRIGGER facts_approvers_insert;
DROP TRIGGER facts_approvers_update;
DROP TRIGGER facts_approvers_delete;
DROP TRIGGER facts_contracts_insert;
DROP TRIGGER facts_contracts_update;
DROP TRIGGER facts_contracts_delete;
DROP TRIGGER facts_contract_products_insert;
DROP TRIGGER facts_contract_products_update;
DROP TRIGGER facts_contract_products_delete;
DROP TRIGGER facts_products_insert;
DROP TRIGGER facts_products_update;
DROP TRIGGER facts_products_delete;
DROP TRIGGER facts_components_insert;
DROP TRIGGER facts_components_update;
DROP TRIGGER facts_components_delete;
DROP TRIGGER facts_settings_insert;
DROP TRIGGER facts_settings_update;
DROP TRIGGER facts_settings_delete;
DROP TRIGGER facts_email_templates_insert;
DROP TRIGGER facts_email_templates_update;
DROP TRIGGER facts_email_templates_delete;
DROP TRIGGER facts_sla_targets_insert;
DROP TRIGGER facts_sla_targets_update;
DROP TRIGGER facts_sla_targets_delete;
DROP TRIGGER facts_calendars_insert;
DROP TRIGGER facts_calendars_update;
DROP TRIGGER facts_calendars_delete;
DROP TABLE facts_version;
