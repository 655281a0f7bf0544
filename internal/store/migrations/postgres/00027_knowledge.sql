-- +goose Up
-- Product lines group the catalogue's products (a knowledge item, and
-- later a release, belongs to one line and some of its products).
CREATE TABLE product_lines (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
ALTER TABLE products ADD COLUMN product_line_id BIGINT REFERENCES product_lines(id);
-- The lines are part of the catalogue kept in memory (facts_version).
CREATE TRIGGER facts_mark_changed AFTER INSERT OR UPDATE OR DELETE ON product_lines FOR EACH STATEMENT EXECUTE FUNCTION facts_mark_changed();
CREATE CONSTRAINT TRIGGER facts_move_version AFTER INSERT OR UPDATE OR DELETE ON product_lines DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_move_version();
CREATE TRIGGER facts_truncated AFTER TRUNCATE ON product_lines FOR EACH STATEMENT EXECUTE FUNCTION facts_truncated();

-- Knowledge items: documentation, knowledge articles, videos and release
-- notes. version moves with every change and names the kb_versions row
-- that holds the item as it is now. staff_only is what the search reads
-- to leave an item out for contacts: a draft, a retired item or an
-- Internal Tech Article. search holds the words the knowledge area made
-- of the item (internal/words) at their positions, the title's with
-- weight A, the summary's and body's with D after a gap, so no phrase or
-- NEAR spans the title and the body (as FTS5's columns on SQLite).
CREATE TABLE kb_items (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          TEXT NOT NULL CHECK (source IN ('documentation', 'articles', 'videos', 'release_notes')),
    article_type    TEXT NOT NULL,
    product_line_id BIGINT REFERENCES product_lines(id),
    state           TEXT NOT NULL CHECK (state IN ('draft', 'published', 'retired')),
    staff_only      BOOLEAN NOT NULL,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      BIGINT REFERENCES users(id),
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT REFERENCES users(id),
    published_at    TIMESTAMPTZ,
    search          TSVECTOR NOT NULL
);
CREATE INDEX kb_items_updated ON kb_items(updated_at DESC, id DESC);
CREATE INDEX kb_items_search ON kb_items USING GIN (search);

CREATE TABLE kb_item_products (
    item_id    BIGINT NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id),
    PRIMARY KEY (item_id, product_id)
);
CREATE INDEX kb_item_products_product ON kb_item_products(product_id, item_id);

CREATE TABLE kb_versions (
    item_id         BIGINT NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    source          TEXT NOT NULL,
    article_type    TEXT NOT NULL,
    product_line_id BIGINT,
    products        TEXT NOT NULL,
    state           TEXT NOT NULL,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    changed_at      TIMESTAMPTZ NOT NULL,
    changed_by      BIGINT REFERENCES users(id),
    note            TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- The version of the knowledge items, which the search's memory of each
-- item's filter values is kept at (store/kb_memory.go): every statement
-- that changes items or their products moves it, whatever path writes them
-- (writers then take turns on its row until they commit).
CREATE TABLE kb_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO kb_version (id, version) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION kb_move_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kb_version SET version = floor(random() * 9e15)::bigint WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER kb_version_items AFTER INSERT OR UPDATE OR DELETE ON kb_items FOR EACH STATEMENT EXECUTE FUNCTION kb_move_version();
CREATE TRIGGER kb_version_products AFTER INSERT OR UPDATE OR DELETE ON kb_item_products FOR EACH STATEMENT EXECUTE FUNCTION kb_move_version();

-- The index's vocabulary: every word once, with its stem; a leading or
-- inner wildcard reads the trigram index, a trailing one the primary key
-- (byte order, as SQLite's) (pg_trgm, a trusted extension
-- shipped with PostgreSQL).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE kb_terms (
    term TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    stem TEXT NOT NULL
);
CREATE INDEX kb_terms_stem ON kb_terms(stem);
CREATE INDEX kb_terms_trigrams ON kb_terms USING GIN (term gin_trgm_ops);

-- +goose Down
DROP TABLE kb_version;
DROP FUNCTION kb_move_version CASCADE;
DROP TABLE kb_terms;
DROP TABLE kb_versions;
DROP TABLE kb_item_products;
DROP TABLE kb_items;
ALTER TABLE products DROP COLUMN product_line_id;
DROP TABLE product_lines;
