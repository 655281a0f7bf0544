-- +goose Up
-- Business-hours calendars: a support region's time zone, weekly hours
-- and holidays. A Service Contract or a company points at one; 24x7 is a
-- calendar too.
CREATE TABLE calendars (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    zone       TEXT NOT NULL,
    week       TEXT NOT NULL,
    holidays   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
INSERT INTO calendars (name, zone, week, created_at) VALUES
    ('24x7', 'UTC', 'mon-sun 00:00-24:00', CURRENT_TIMESTAMP),
    ('Americas', 'America/New_York', 'mon-fri 08:00-20:00', CURRENT_TIMESTAMP),
    ('EMEA', 'Europe/London', 'mon-fri 08:00-18:00', CURRENT_TIMESTAMP),
    ('APAC', 'Asia/Singapore', 'mon-fri 08:00-18:00', CURRENT_TIMESTAMP);
ALTER TABLE companies ADD COLUMN calendar_id BIGINT REFERENCES calendars(id);
ALTER TABLE contracts ADD COLUMN calendar_id BIGINT REFERENCES calendars(id);

-- Service-level targets, chosen by the contract's deployment and support
-- level and the case's priority: data a portal admin edits, seeded with
-- the handbook's. unit is minutes (around the clock), business_minutes
-- or business_days (on the case's calendar). Response is the first
-- public reply by a person on the staff side; rca is the root-cause
-- analysis, from when staff mark all information provided.
CREATE TABLE sla_targets (
    deployment TEXT NOT NULL,
    level      TEXT NOT NULL,
    priority   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    unit       TEXT NOT NULL,
    PRIMARY KEY (deployment, level, priority, kind)
);
INSERT INTO sla_targets (deployment, level, priority, kind, amount, unit) VALUES
    ('premise', 'business_care', 'production_down', 'response', 60, 'minutes'),
    ('premise', 'business_care', 'production_down', 'rca', 7, 'business_days'),
    ('premise', 'business_care', 'critical', 'response', 60, 'minutes'),
    ('premise', 'business_care', 'critical', 'rca', 7, 'business_days'),
    ('premise', 'business_care', 'high', 'response', 240, 'business_minutes'),
    ('premise', 'business_care', 'high', 'rca', 9, 'business_days'),
    ('premise', 'business_care', 'medium', 'response', 1440, 'business_minutes'),
    ('premise', 'business_care', 'medium', 'rca', 12, 'business_days'),
    ('premise', 'business_care', 'low', 'response', 1440, 'business_minutes'),
    ('premise', 'business_care', 'low', 'rca', 15, 'business_days'),
    ('premise', 'business_care_plus', 'production_down', 'response', 30, 'minutes'),
    ('premise', 'business_care_plus', 'production_down', 'rca', 7, 'business_days'),
    ('premise', 'business_care_plus', 'critical', 'response', 30, 'minutes'),
    ('premise', 'business_care_plus', 'critical', 'rca', 7, 'business_days'),
    ('premise', 'business_care_plus', 'high', 'response', 120, 'business_minutes'),
    ('premise', 'business_care_plus', 'high', 'rca', 9, 'business_days'),
    ('premise', 'business_care_plus', 'medium', 'response', 720, 'business_minutes'),
    ('premise', 'business_care_plus', 'medium', 'rca', 12, 'business_days'),
    ('premise', 'business_care_plus', 'low', 'response', 1440, 'business_minutes'),
    ('premise', 'business_care_plus', 'low', 'rca', 15, 'business_days'),
    ('premise', 'premium_care', 'production_down', 'response', 30, 'minutes'),
    ('premise', 'premium_care', 'production_down', 'rca', 7, 'business_days'),
    ('premise', 'premium_care', 'critical', 'response', 30, 'minutes'),
    ('premise', 'premium_care', 'critical', 'rca', 7, 'business_days'),
    ('premise', 'premium_care', 'high', 'response', 120, 'business_minutes'),
    ('premise', 'premium_care', 'high', 'rca', 9, 'business_days'),
    ('premise', 'premium_care', 'medium', 'response', 720, 'business_minutes'),
    ('premise', 'premium_care', 'medium', 'rca', 12, 'business_days'),
    ('premise', 'premium_care', 'low', 'response', 1440, 'business_minutes'),
    ('premise', 'premium_care', 'low', 'rca', 15, 'business_days'),
    ('cloud', 'business_care', 'production_down', 'response', 10, 'minutes'),
    ('cloud', 'business_care', 'production_down', 'rca', 7, 'business_days'),
    ('cloud', 'business_care', 'critical', 'response', 10, 'minutes'),
    ('cloud', 'business_care', 'critical', 'rca', 7, 'business_days'),
    ('cloud', 'business_care', 'high', 'response', 120, 'business_minutes'),
    ('cloud', 'business_care', 'high', 'rca', 9, 'business_days'),
    ('cloud', 'business_care', 'medium', 'response', 120, 'business_minutes'),
    ('cloud', 'business_care', 'medium', 'rca', 12, 'business_days'),
    ('cloud', 'business_care', 'low', 'response', 120, 'business_minutes'),
    ('cloud', 'business_care', 'low', 'rca', 15, 'business_days'),
    ('cloud', 'business_care_plus', 'production_down', 'response', 5, 'minutes'),
    ('cloud', 'business_care_plus', 'production_down', 'rca', 7, 'business_days'),
    ('cloud', 'business_care_plus', 'critical', 'response', 5, 'minutes'),
    ('cloud', 'business_care_plus', 'critical', 'rca', 7, 'business_days'),
    ('cloud', 'business_care_plus', 'high', 'response', 60, 'business_minutes'),
    ('cloud', 'business_care_plus', 'high', 'rca', 9, 'business_days'),
    ('cloud', 'business_care_plus', 'medium', 'response', 60, 'business_minutes'),
    ('cloud', 'business_care_plus', 'medium', 'rca', 12, 'business_days'),
    ('cloud', 'business_care_plus', 'low', 'response', 120, 'business_minutes'),
    ('cloud', 'business_care_plus', 'low', 'rca', 15, 'business_days'),
    ('cloud', 'premium_care', 'production_down', 'response', 5, 'minutes'),
    ('cloud', 'premium_care', 'production_down', 'rca', 7, 'business_days'),
    ('cloud', 'premium_care', 'critical', 'response', 5, 'minutes'),
    ('cloud', 'premium_care', 'critical', 'rca', 7, 'business_days'),
    ('cloud', 'premium_care', 'high', 'response', 60, 'business_minutes'),
    ('cloud', 'premium_care', 'high', 'rca', 9, 'business_days'),
    ('cloud', 'premium_care', 'medium', 'response', 60, 'business_minutes'),
    ('cloud', 'premium_care', 'medium', 'rca', 12, 'business_days'),
    ('cloud', 'premium_care', 'low', 'response', 120, 'business_minutes'),
    ('cloud', 'premium_care', 'low', 'rca', 15, 'business_days');

-- +goose Down
DROP TABLE sla_targets;
ALTER TABLE contracts DROP COLUMN calendar_id;
ALTER TABLE companies DROP COLUMN calendar_id;
DROP TABLE calendars;
