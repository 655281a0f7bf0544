-- +goose Up
-- Announcements: Customer Care news shown at sign-in and on the My
-- Support home page while in force (starts <= now < ends; no end: for
-- good), to everyone or to the contacts of a product line, a support
-- level or a company (audience; the column of that kind is set).
CREATE TABLE announcements (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('everyone', 'product_line', 'support_level', 'company')),
    product_line_id INTEGER REFERENCES product_lines(id) ON DELETE CASCADE,
    support_level   TEXT NOT NULL,
    company_id      INTEGER REFERENCES companies(id) ON DELETE CASCADE,
    starts          TIMESTAMP NOT NULL,
    ends            TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      INTEGER REFERENCES users(id)
);
CREATE INDEX announcements_starts ON announcements(starts DESC, id DESC);

-- Who has been shown which announcement at sign-in: once per user.
CREATE TABLE announcements_seen (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    announcement_id INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    seen_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, announcement_id)
);
CREATE INDEX announcements_seen_announcement ON announcements_seen(announcement_id);

-- +goose Down
DROP TABLE announcements_seen;
DROP TABLE announcements;
