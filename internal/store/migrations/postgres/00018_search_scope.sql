-- +goose Up
-- Keyword search within what a reader may see, without walking: the
-- tsvector holds, beside a case's words (weights A and B), the words of
-- its scope (weight D): its Sold To / End User combination
-- (cb<sold to>x<end user>), its companies (co<id>) and its contact
-- (ct<id>). A customer's search is then one intersection in the GIN index
-- (their combinations' words AND the typed words); typed words match only
-- weights A and B, so a typed word never matches a scope's word. Whether a
-- case is closed is not indexed: a customer's matches are few, and the
-- list tests them; a status change then rewrites no index entry.
ALTER TABLE cases DROP COLUMN search;
ALTER TABLE cases ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('english', summary), 'A') || setweight(to_tsvector('english', description), 'B') ||
    setweight(to_tsvector('simple',
        'cb' || sold_to_id::text || 'x' || end_user_id::text || ' co' || sold_to_id::text || ' co' || end_user_id::text ||
        ' ct' || contact_id::text), 'D')
) STORED;
CREATE INDEX cases_search ON cases USING GIN (search);
ANALYZE cases;

-- +goose Down
ALTER TABLE cases DROP COLUMN search;
ALTER TABLE cases ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('english', summary), 'A') || setweight(to_tsvector('english', description), 'B')
) STORED;
CREATE INDEX cases_search ON cases USING GIN (search);
