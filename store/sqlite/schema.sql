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
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles BEGIN
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
CREATE TABLE IF NOT EXISTS frontier (
    url            TEXT PRIMARY KEY, -- canonical form
    host           TEXT NOT NULL,
    kind           TEXT NOT NULL,    -- page, article, feed, sitemap, hub, redirect
    depth          INTEGER NOT NULL DEFAULT 0,
    seed           INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL,    -- pending, inflight, done, failed
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        INTEGER NOT NULL DEFAULT 0, -- unix milliseconds when due
    hint_title     TEXT NOT NULL DEFAULT '',
    hint_published TEXT,
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    status         INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    article_id     TEXT NOT NULL DEFAULT '',
    fetched_at     TEXT
);
-- frontier_due finds the next due time; frontier_host_claim lists a
-- host's pending URLs in claim order (shallowest, then longest due) and
-- frontier_host_due finds when its first one is due, each with one seek.
-- The last two hold pending URLs only, so the URLs done (most of a long
-- crawl) cost them neither space nor updates.
CREATE INDEX IF NOT EXISTS frontier_due ON frontier (state, next_at);
CREATE INDEX IF NOT EXISTS frontier_host_claim ON frontier (host, depth, next_at, url) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS frontier_host_due ON frontier (host, next_at) WHERE state = 'pending';
-- frontier_claim served the claim of the previous version, which walked
-- every host's queue in one order; nothing reads it any more.
DROP INDEX IF EXISTS frontier_claim;

-- The claim queue by host: one row per host with pending URLs, holding the
-- claim-order key (depth, next_at, url) of its first pending URL and the
-- earliest next_at of any of them (due_at). A claim walks hosts in key
-- order, passes over the ones the crawler is waiting on at one row each, and
-- reads the ready ones' URLs through frontier_host_claim, so its cost does
-- not grow with the URLs queued for waiting hosts. The triggers keep it in
-- step with frontier in the same transaction, whoever writes.
CREATE TABLE IF NOT EXISTS frontier_hosts (
    host    TEXT PRIMARY KEY,
    depth   INTEGER NOT NULL,
    next_at INTEGER NOT NULL,
    url     TEXT NOT NULL,
    due_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS frontier_hosts_order ON frontier_hosts (depth, next_at, url);
-- A pending URL that arrives can only move its host's row earlier; one that
-- leaves changes the row only if it was the host's first URL or the one due
-- earliest, and then the row is recomputed with two index seeks.
CREATE TRIGGER IF NOT EXISTS frontier_hosts_ai AFTER INSERT ON frontier WHEN new.state = 'pending' BEGIN
    INSERT INTO frontier_hosts (host, depth, next_at, url, due_at)
        VALUES (new.host, new.depth, new.next_at, new.url, new.next_at)
        ON CONFLICT (host) DO UPDATE SET
            depth = iif((excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url), excluded.depth, depth),
            next_at = iif((excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url), excluded.next_at, next_at),
            url = iif((excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url), excluded.url, url),
            due_at = min(due_at, excluded.due_at)
        WHERE (excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url) OR excluded.due_at < due_at;
END;
CREATE TRIGGER IF NOT EXISTS frontier_hosts_au_leave AFTER UPDATE OF host, state, depth, next_at ON frontier
WHEN old.state = 'pending' AND EXISTS (SELECT 1 FROM frontier_hosts WHERE host = old.host AND (url = old.url OR due_at = old.next_at)) BEGIN
    DELETE FROM frontier_hosts WHERE host = old.host;
    INSERT INTO frontier_hosts (host, depth, next_at, url, due_at)
        SELECT host, depth, next_at, url, (SELECT min(next_at) FROM frontier WHERE host = old.host AND state = 'pending')
        FROM frontier WHERE host = old.host AND state = 'pending' ORDER BY depth, next_at, url LIMIT 1;
END;
CREATE TRIGGER IF NOT EXISTS frontier_hosts_au_arrive AFTER UPDATE OF host, state, depth, next_at ON frontier
WHEN new.state = 'pending' BEGIN
    INSERT INTO frontier_hosts (host, depth, next_at, url, due_at)
        VALUES (new.host, new.depth, new.next_at, new.url, new.next_at)
        ON CONFLICT (host) DO UPDATE SET
            depth = iif((excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url), excluded.depth, depth),
            next_at = iif((excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url), excluded.next_at, next_at),
            url = iif((excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url), excluded.url, url),
            due_at = min(due_at, excluded.due_at)
        WHERE (excluded.depth, excluded.next_at, excluded.url) < (depth, next_at, url) OR excluded.due_at < due_at;
END;
CREATE TRIGGER IF NOT EXISTS frontier_hosts_ad AFTER DELETE ON frontier
WHEN old.state = 'pending' AND EXISTS (SELECT 1 FROM frontier_hosts WHERE host = old.host AND (url = old.url OR due_at = old.next_at)) BEGIN
    DELETE FROM frontier_hosts WHERE host = old.host;
    INSERT INTO frontier_hosts (host, depth, next_at, url, due_at)
        SELECT host, depth, next_at, url, (SELECT min(next_at) FROM frontier WHERE host = old.host AND state = 'pending')
        FROM frontier WHERE host = old.host AND state = 'pending' ORDER BY depth, next_at, url LIMIT 1;
END;

-- How many URLs of each host were admitted to the frontier: the per-site
-- page limit reads it, so it holds across runs without counting the
-- frontier.
CREATE TABLE IF NOT EXISTS crawl_hosts (
    host TEXT PRIMARY KEY,
    urls INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Hosts whose robots.txt could not be read the last time it was fetched:
-- the run of failures (how many, since when) and when to try again, so a
-- restarted crawler keeps the back-off and gives up on the host on time. A
-- row is deleted when robots.txt is read again.
CREATE TABLE IF NOT EXISTS crawl_robots (
    host     TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    since    INTEGER NOT NULL, -- unix milliseconds
    retry    INTEGER NOT NULL, -- unix milliseconds
    reason   TEXT NOT NULL
) WITHOUT ROWID;

-- The adaptive re-poll interval of feeds, sitemaps and hubs: shorter while
-- they yield new URLs, longer while they do not.
CREATE TABLE IF NOT EXISTS frontier_poll (
    url         TEXT PRIMARY KEY REFERENCES frontier (url) ON DELETE CASCADE,
    interval_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Articles queued again because a feed or sitemap listed them with a
-- modified time later than their last fetch: how often (rechecks, capped
-- by the crawler's --recheck-max) and the modified time that did it last
-- (unix milliseconds), which does not queue the URL again. A URL never
-- re-checked has no row.
CREATE TABLE IF NOT EXISTS frontier_recheck (
    url      TEXT PRIMARY KEY REFERENCES frontier (url) ON DELETE CASCADE,
    rechecks INTEGER NOT NULL,
    modified INTEGER NOT NULL
) WITHOUT ROWID;

-- Per-site memory of text blocks for the cleaner's learned layer: on how
-- many distinct pages of a site each block fingerprint was seen.
CREATE TABLE IF NOT EXISTS site_blocks (
    site  TEXT NOT NULL,
    hash  INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    PRIMARY KEY (site, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_pages (
    site    TEXT NOT NULL,
    page_id TEXT NOT NULL,
    PRIMARY KEY (site, page_id)
) WITHOUT ROWID;

-- Story fingerprints (story_signatures, story_bands) are story's own tables,
-- created in this file by story.SQLiteIndex (story/sqlite.go).

-- Saved searches, fired alerts and the alert outbox (saved_searches,
-- alerts_fired, alerts_outbox) are alert's own tables, created in this file
-- by alert.SQLiteStore (alert/sqlite.go).
