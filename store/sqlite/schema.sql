-- The embedded store's schema. Researchers open this file with any SQLite
-- tool; keep it readable. Every table is documented in store/sqlite/README.md.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per article (id = article id). doc holds the full article JSON as
-- exported; the other columns are copies for querying.
CREATE TABLE IF NOT EXISTS articles (
    rowid         INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    url           TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    site          TEXT NOT NULL,
    source_name   TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    section       TEXT NOT NULL DEFAULT '',
    story_id      TEXT NOT NULL DEFAULT '',
    published_at  TEXT,          -- RFC 3339, UTC
    fetched_at    TEXT NOT NULL, -- RFC 3339, UTC, nanoseconds
    word_count    INTEGER NOT NULL DEFAULT 0,
    doc           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_site ON articles (site, published_at);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published_at);
-- since: and until: compare this expression (dateKey in search.go: the
-- date, published else fetched, with nine fraction digits); indexed, a
-- date range reads only its own rows.
CREATE INDEX IF NOT EXISTS articles_date ON articles ((substr(coalesce(published_at, fetched_at), 1, 19) || '.' ||
    substr(rtrim(substr(coalesce(published_at, fetched_at), 21), 'Z') || '000000000', 1, 9)));
-- Newest first, as searches without free text list their hits: read in
-- this order, a search stops after its page instead of sorting every match.
CREATE INDEX IF NOT EXISTS articles_newest ON articles (published_at IS NULL, published_at DESC, id);
-- Date order over every match (SearchByDate): the published date with nine
-- fraction digits (pubKey in search_date.go), newest and oldest first, ties
-- by id, so that a page that starts after a key seeks to it instead of
-- reading the pages before. Undated articles, few, are found through
-- articles_published and sorted by id.
CREATE INDEX IF NOT EXISTS articles_newest_first ON articles ((substr(published_at, 1, 19) || '.' ||
    substr(rtrim(substr(published_at, 21), 'Z') || '000000000', 1, 9)) DESC, id) WHERE published_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_oldest_first ON articles ((substr(published_at, 1, 19) || '.' ||
    substr(rtrim(substr(published_at, 21), 'Z') || '000000000', 1, 9)), id) WHERE published_at IS NOT NULL;
-- The copies of a story, counted with every search's hits and listed with
-- an article.
CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id);

-- Distinct tagged names per article: type is PERSON, PLACE, ORGANIZATION or
-- MISC; mentions counts them in the body.
CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    canonical  TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (article_id, type, canonical)
);
CREATE INDEX IF NOT EXISTS entities_name ON entities (type, canonical COLLATE NOCASE);

-- The words of each distinct tagged name, lowercased (Unicode), so that
-- person:, place: and org: find names by one of their words through the
-- primary key instead of reading the names of every article. folded is
-- ' ' || the lowercased name || ' ', checked for the whole value. Rows stay
-- when no article names them any more; they then lead to no article.
CREATE TABLE IF NOT EXISTS entity_words (
    word      TEXT NOT NULL,
    type      TEXT NOT NULL,
    canonical TEXT NOT NULL,
    folded    TEXT NOT NULL,
    PRIMARY KEY (word, type, canonical)
) WITHOUT ROWID;

-- Figures found in the body, in order (seq).
CREATE TABLE IF NOT EXISTS figures (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    value      REAL NOT NULL,
    unit       TEXT NOT NULL DEFAULT '',
    qualifier  TEXT NOT NULL DEFAULT '',
    date       TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
);
CREATE INDEX IF NOT EXISTS figures_kind ON figures (kind, unit);

-- Full-text index over title and body, kept in step by the triggers below.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
    title, body,
    content = 'articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
-- An article written again with the same title and body (wirewatch reindex,
-- a page fetched again unchanged) leaves the index as it is: deleting and
-- adding the same text again cost a quarter of such a write. Databases
-- made with the trigger without WHEN get this one on open (store.go).
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles
WHEN old.rowid IS NOT new.rowid OR old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

-- The analysed free text the search language matches (package query's
-- Analyze, the analysis the Elasticsearch store and the alert matcher
-- share): title and body hold the stemmed terms, title_words and
-- body_words the folded words (for prefixes), each space-separated, so the
-- ascii tokenizer only splits them at the spaces. Contentless: the text
-- is in articles; a row is written with its article (store.go) and
-- deleted with it.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_terms USING fts5 (
    title, body, title_words, body_words,
    content = '', contentless_delete = 1,
    tokenize = 'ascii'
);
CREATE TRIGGER IF NOT EXISTS articles_terms_ad AFTER DELETE ON articles BEGIN
    DELETE FROM articles_terms WHERE rowid = old.rowid;
    DELETE FROM article_keys WHERE article_rowid = old.rowid;
END;
-- The folded values of the key fields of the search language (lang:,
-- section:, author:, story:; see query.KeyValues), one row per value, as
-- 'field' || char(31) || value.
CREATE TABLE IF NOT EXISTS article_keys (
    key           TEXT NOT NULL,
    article_rowid INTEGER NOT NULL,
    PRIMARY KEY (key, article_rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_keys_article ON article_keys (article_rowid);

-- Every write of an article, in commit order: seq grows by one per row
-- (the largest is never deleted, so it is never reused). The in-memory
-- count columns (columns.go) read the rows past the last one they applied
-- to stay in step with writers in this and other processes; every table
-- search reads is written with its article, so a row here stands for all
-- of them. The last 100,000 rows are kept; a reader further behind counts
-- afresh from the tables.
CREATE TABLE IF NOT EXISTS article_changes (
    seq           INTEGER PRIMARY KEY,
    article_rowid INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS article_changes_ai AFTER INSERT ON articles BEGIN
    INSERT INTO article_changes (article_rowid) VALUES (new.rowid);
    DELETE FROM article_changes WHERE seq <= last_insert_rowid() - 100000;
END;
CREATE TRIGGER IF NOT EXISTS article_changes_au AFTER UPDATE ON articles BEGIN
    INSERT INTO article_changes (article_rowid) VALUES (new.rowid);
    DELETE FROM article_changes WHERE seq <= last_insert_rowid() - 100000;
END;
CREATE TRIGGER IF NOT EXISTS article_changes_ad AFTER DELETE ON articles BEGIN
    INSERT INTO article_changes (article_rowid) VALUES (old.rowid);
    DELETE FROM article_changes WHERE seq <= last_insert_rowid() - 100000;
END;

-- The crawl frontier: every URL the crawler knows, with its state.
-- Its tables (frontier, frontier_hosts and its triggers, crawl_hosts,
-- crawl_robots, frontier_poll, frontier_recheck) are the crawler's own,
-- created in this file by sqlfrontier.Store (crawler/sqlfrontier/schema.sql).

-- The cleaner's per-site block statistics (site_blocks, site_pages) are its
-- own tables, created in this file by clean.SQLiteStats
-- (crawler/clean/sqlstats.go).

-- Story fingerprints (story_signatures, story_bands) are story's own tables,
-- created in this file by story.SQLiteIndex (story/sqlite.go).

-- Saved searches, fired alerts and the alert outbox (saved_searches,
-- alerts_fired, alerts_outbox) are alert's own tables, created in this file
-- by alert.SQLiteStore (alert/sqlite.go).
