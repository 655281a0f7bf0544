-- +goose Up
-- Product lines group the catalogue's products (a knowledge item, and
-- later a release, belongs to one line and some of its products).
CREATE TABLE product_lines (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);
ALTER TABLE products ADD COLUMN product_line_id INTEGER REFERENCES product_lines(id);
-- The lines are part of the catalogue kept in memory (facts_version).
CREATE TRIGGER facts_product_lines_insert AFTER INSERT ON product_lines BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_product_lines_update AFTER UPDATE ON product_lines BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER facts_product_lines_delete AFTER DELETE ON product_lines BEGIN UPDATE facts_version SET version = random() WHERE id = 1; END;

-- Knowledge items: documentation, knowledge articles, videos and release
-- notes. version moves with every change and names the kb_versions row
-- that holds the item as it is now. staff_only is what the search reads
-- to leave an item out for contacts: a draft, a retired item or an
-- Internal Tech Article.
CREATE TABLE kb_items (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    source          TEXT NOT NULL CHECK (source IN ('documentation', 'articles', 'videos', 'release_notes')),
    article_type    TEXT NOT NULL,
    product_line_id INTEGER REFERENCES product_lines(id),
    state           TEXT NOT NULL CHECK (state IN ('draft', 'published', 'retired')),
    staff_only      BOOLEAN NOT NULL,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    updated_at      TIMESTAMP NOT NULL,
    updated_by      INTEGER REFERENCES users(id),
    published_at    TIMESTAMP
);
-- Date order and browsing without words walk this index.
CREATE INDEX kb_items_updated ON kb_items(updated_at DESC, id DESC);

CREATE TABLE kb_item_products (
    item_id    INTEGER NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    PRIMARY KEY (item_id, product_id)
);
CREATE INDEX kb_item_products_product ON kb_item_products(product_id, item_id);

-- Every version of every item: who changed what and when. products is
-- the item's product IDs, comma-separated, as they were.
CREATE TABLE kb_versions (
    item_id         INTEGER NOT NULL REFERENCES kb_items(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    source          TEXT NOT NULL,
    article_type    TEXT NOT NULL,
    product_line_id INTEGER,
    products        TEXT NOT NULL,
    state           TEXT NOT NULL,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    changed_at      TIMESTAMP NOT NULL,
    changed_by      INTEGER REFERENCES users(id),
    note            TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- The version of the knowledge items, which the search's memory of each
-- item's filter values is kept at (store/kb_memory.go): every change of an
-- item or its products moves it, whatever path writes it.
CREATE TABLE kb_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO kb_version (id, version) VALUES (1, 0);
CREATE TRIGGER kb_version_items_insert AFTER INSERT ON kb_items BEGIN UPDATE kb_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER kb_version_items_update AFTER UPDATE ON kb_items BEGIN UPDATE kb_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER kb_version_items_delete AFTER DELETE ON kb_items BEGIN UPDATE kb_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER kb_version_products_insert AFTER INSERT ON kb_item_products BEGIN UPDATE kb_version SET version = random() WHERE id = 1; END;
CREATE TRIGGER kb_version_products_delete AFTER DELETE ON kb_item_products BEGIN UPDATE kb_version SET version = random() WHERE id = 1; END;

-- The search index: the words the knowledge area made of each item
-- (internal/words), space-separated, at their positions; the ascii
-- tokenizer splits them at the spaces only and keeps every other
-- character, so FTS5 sees exactly those words. The title is a column of
-- its own (weighted above the body); the body column holds the summary,
-- then the body.
CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, content='', contentless_delete=1, tokenize='ascii');

-- The index's vocabulary: every word once, with its stem. A plain word
-- of a query finds the words of its stem; a wildcard word the words that
-- fit it, through the prefix (the primary key) or, with a leading
-- wildcard, through the trigrams of kb_terms_trigrams.
CREATE TABLE kb_terms (
    term TEXT NOT NULL PRIMARY KEY,
    stem TEXT NOT NULL
);
CREATE INDEX kb_terms_stem ON kb_terms(stem);
CREATE VIRTUAL TABLE kb_terms_trigrams USING fts5(term, content='kb_terms', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER kb_terms_trigrams_insert AFTER INSERT ON kb_terms BEGIN
    INSERT INTO kb_terms_trigrams(rowid, term) VALUES (new.rowid, new.term);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE kb_version;
DROP TRIGGER kb_terms_trigrams_insert;
DROP TABLE kb_terms_trigrams;
DROP TABLE kb_terms;
DROP TABLE kb_fts;
DROP TABLE kb_versions;
DROP TABLE kb_item_products;
DROP TABLE kb_items;
ALTER TABLE products DROP COLUMN product_line_id;
DROP TRIGGER facts_product_lines_insert;
DROP TRIGGER facts_product_lines_update;
DROP TRIGGER facts_product_lines_delete;
DROP TABLE product_lines;
