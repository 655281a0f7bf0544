-- +goose Up
-- An access request keeps the Org IDs its requester typed. One that names
-- no Sold To and End User joined by a Service Contract is kept too, with
-- no companies, so support staff can help; the requester's answer is the
-- same either way.
ALTER TABLE access_requests ALTER COLUMN sold_to_id DROP NOT NULL;
ALTER TABLE access_requests ALTER COLUMN end_user_id DROP NOT NULL;
ALTER TABLE access_requests ADD COLUMN sold_to_org TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN end_user_org TEXT NOT NULL DEFAULT '';
UPDATE access_requests r SET sold_to_org = st.org_id, end_user_org = eu.org_id
    FROM companies st, companies eu WHERE st.id = r.sold_to_id AND eu.id = r.end_user_id;
-- Counting a requester's recent requests, for the rate limit.
CREATE INDEX access_requests_requested_by ON access_requests(requested_by, created_at);
-- Whether a user signed in from an address before: such sign-ins pass
-- the per-address limit.
CREATE INDEX audit_sign_in ON audit(actor_id, address) WHERE action = 'sign_in';

-- +goose Down
DROP INDEX audit_sign_in;
DROP INDEX access_requests_requested_by;
DELETE FROM access_requests WHERE sold_to_id IS NULL OR end_user_id IS NULL;
ALTER TABLE access_requests DROP COLUMN sold_to_org;
ALTER TABLE access_requests DROP COLUMN end_user_org;
ALTER TABLE access_requests ALTER COLUMN sold_to_id SET NOT NULL;
ALTER TABLE access_requests ALTER COLUMN end_user_id SET NOT NULL;
