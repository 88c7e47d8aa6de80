-- The crawl frontier's tables (package crawler/sqlfrontier). They live in
-- the embedded store's one file, wirewatch.db, beside the articles, and are
-- created when the frontier is first used, so a file written before the
-- frontier had its own package opens unchanged: same names, same columns.
-- Every table is documented in README.md beside this file.

-- meta is the file's key-value table (the store creates it too): the
-- frontier records there that frontier_hosts was filled once
-- (key frontier_hosts).
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

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

-- A new site's first article pages, kept (HTML deflated) until the site's
-- learned boilerplate layer has observed enough of its pages to clean them
-- again, so that a restart (or, in a crawl group, the host's next owner)
-- does not leave them uncorrected. A row goes when its site is cleaned
-- again or released (kept an hour without being ready); at most 7 a site.
CREATE TABLE IF NOT EXISTS crawl_first_pages (
    site           TEXT NOT NULL,
    id             TEXT NOT NULL,    -- the article id emitted
    kept           INTEGER NOT NULL, -- unix milliseconds
    host           TEXT NOT NULL,    -- the URL's host (frontier.Host), whose owner keeps the row in a crawl group
    url            TEXT NOT NULL,
    fetched_at     TEXT NOT NULL,    -- RFC 3339, nanoseconds: a new version is stamped from it
    hint_title     TEXT NOT NULL DEFAULT '',
    hint_published TEXT,
    html           BLOB NOT NULL,    -- deflated
    body           TEXT NOT NULL,    -- the body emitted
    PRIMARY KEY (site, id)
);
CREATE INDEX IF NOT EXISTS crawl_first_pages_kept ON crawl_first_pages (kept);
CREATE INDEX IF NOT EXISTS crawl_first_pages_host ON crawl_first_pages (host);

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
