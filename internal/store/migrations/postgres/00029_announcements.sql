-- +goose Up
-- Announcements: Customer Care news shown at sign-in and on the My
-- Support home page while in force (starts <= now < ends; no end: for
-- good), to everyone or to the contacts of a product line, a support
-- level or a company (audience; the column of that kind is set).
CREATE TABLE announcements (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('everyone', 'product_line', 'support_level', 'company')),
    product_line_id BIGINT REFERENCES product_lines(id) ON DELETE CASCADE,
    support_level   TEXT NOT NULL,
    company_id      BIGINT REFERENCES companies(id) ON DELETE CASCADE,
    starts          TIMESTAMPTZ NOT NULL,
    ends            TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT REFERENCES users(id)
);
CREATE INDEX announcements_starts ON announcements(starts DESC, id DESC);

-- Who has been shown which announcement at sign-in: once per user.
CREATE TABLE announcements_seen (
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    announcement_id BIGINT NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    seen_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, announcement_id)
);
CREATE INDEX announcements_seen_announcement ON announcements_seen(announcement_id);

-- +goose Down
DROP TABLE announcements_seen;
DROP TABLE announcements;
