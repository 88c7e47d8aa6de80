package sqlfrontier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// AddURLs records entries the crawler found; URLs already known keep their
// state, so a URL is never queued twice. limit, when not nil, gives the most
// URLs a host may ever have admitted (0: no limit); URLs over it are
// dropped, which bounds infinite URL spaces per site across runs. It
// returns how many were new.
func (s *Store) AddURLs(ctx context.Context, entries []frontier.Entry, limit func(host string) int) (int, error) {
	return s.Apply(ctx, entries, nil, limit)
}

// Apply queues entries (as AddURLs) and then records outcomes (as
// SettleAll) in one transaction, so that a page's links are stored no
// later than the page is marked done, and a fast crawl pays one commit per
// batch rather than one per URL. It returns how many entries were new.
func (s *Store) Apply(ctx context.Context, entries []frontier.Entry, settled []frontier.Settled, limit func(host string) int) (int, error) {
	if len(entries) == 0 && len(settled) == 0 {
		return 0, nil
	}
	added := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if added, err = addTx(ctx, tx, entries, limit); err != nil {
			return err
		}
		return settleTx(ctx, tx, settled)
	})
	if err != nil {
		return 0, fmt.Errorf("frontier: %w", err)
	}
	return added, nil
}

func addTx(ctx context.Context, tx *sql.Tx, entries []frontier.Entry, limit func(host string) int) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	added := 0
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO frontier (url, host, kind, depth, seed, state, next_at, hint_title, hint_published)
		VALUES (?,?,?,?,?,'pending',?,?,?) ON CONFLICT (url) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	counts := map[string]int{} // admitted per host, read once per batch
	grown := map[string]int{}
	for _, e := range entries {
		h := frontier.Host(e.URL)
		lim := 0
		if limit != nil {
			lim = limit(h)
		}
		if lim > 0 {
			n, ok := counts[h]
			if !ok {
				if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT urls FROM crawl_hosts WHERE host = ?), 0)`, h).Scan(&n); err != nil {
					return 0, fmt.Errorf("host count %s: %w", h, err)
				}
				counts[h] = n
			}
			if n >= lim {
				continue
			}
		}
		res, err := stmt.ExecContext(ctx, e.URL, h, string(e.Kind), e.Depth, e.Seed, e.NextAt.UnixMilli(), e.HintTitle, timeText(e.HintPublished))
		if err != nil {
			return 0, fmt.Errorf("add %s: %w", e.URL, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
			counts[h]++
			grown[h]++
		}
	}
	for h, n := range grown {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crawl_hosts (host, urls) VALUES (?, ?)
			ON CONFLICT (host) DO UPDATE SET urls = urls + excluded.urls`, h, n); err != nil {
			return 0, fmt.Errorf("host count %s: %w", h, err)
		}
	}
	return added, nil
}

// AddSeeds records seeds. A seed that is a feed, sitemap or hub (or not yet
// fetched) is due again now, since that is where new articles appear; a seed
// that turned out to be an article stays done.
func (s *Store) AddSeeds(ctx context.Context, entries []frontier.Entry, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			_, err := tx.ExecContext(ctx, `INSERT INTO frontier (url, host, kind, depth, seed, state, next_at)
				VALUES (?,?,?,0,1,'pending',?)
				ON CONFLICT (url) DO UPDATE SET seed = 1, depth = 0,
					state = CASE WHEN kind = 'article' OR state = 'inflight' THEN state ELSE 'pending' END,
					next_at = CASE WHEN kind = 'article' OR state = 'inflight' THEN next_at ELSE excluded.next_at END`,
				e.URL, frontier.Host(e.URL), string(e.Kind), now.UnixMilli())
			if err != nil {
				return fmt.Errorf("seed %s: %w", e.URL, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier: %w", err)
	}
	return nil
}

// Recover returns URLs left in flight by a crashed run to the queue.
func (s *Store) Recover(ctx context.Context) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE frontier SET state = 'pending' WHERE state = 'inflight'`)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("frontier recover: %w", err)
	}
	return int(n), nil
}

// Claim marks up to n due URLs as in flight and returns them, shallowest
// first. A URL is handed out once until it is settled or recovered. URLs of
// the hosts in skip are left alone (the crawler is waiting on them for
// politeness), and at most perHost URLs of one host are claimed (0: no
// limit), so that one busy site does not crowd the others out of a batch.
//
// The claim walks frontier_hosts, one row per host with pending URLs, in
// the order of each host's first pending URL, and reads only the URLs of
// hosts it takes: a skipped host costs one row however many URLs it has
// queued. It stops once no later host can hold a URL that sorts before the
// n-th one found, so the batch is the n first due URLs in (depth, next_at,
// url) order under the per-host cap.
func (s *Store) Claim(ctx context.Context, n int, now time.Time, skip []string, perHost int) ([]frontier.Entry, error) {
	if n <= 0 {
		return nil, nil
	}
	if skip == nil {
		skip = []string{} // "null" would yield one NULL row, and NOT IN (NULL) excludes everything
	}
	skipJSON, err := json.Marshal(skip)
	if err != nil {
		return nil, fmt.Errorf("frontier claim: %w", err)
	}
	if perHost <= 0 || perHost > n {
		perHost = n
	}
	var out []frontier.Entry
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = claimable(ctx, tx, n, now.UnixMilli(), string(skipJSON), perHost); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `UPDATE frontier SET state = 'inflight', attempts = attempts + 1 WHERE url = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range out {
			if _, err := stmt.ExecContext(ctx, e.URL); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontier claim: %w", err)
	}
	return out, nil
}

// claimKey is the order URLs are claimed in.
type claimKey struct {
	depth  int
	nextAt int64
	url    string
}

func (a claimKey) less(b claimKey) bool {
	if a.depth != b.depth {
		return a.depth < b.depth
	}
	if a.nextAt != b.nextAt {
		return a.nextAt < b.nextAt
	}
	return a.url < b.url
}

// claimable returns the n first due pending URLs, at most perHost of one
// host and none of a skipped host, in claim order.
func claimable(ctx context.Context, tx *sql.Tx, n int, now int64, skip string, perHost int) ([]frontier.Entry, error) {
	urls, err := tx.PrepareContext(ctx, `SELECT f.url, f.kind, f.depth, f.next_at, f.seed, f.hint_title, f.hint_published,
			f.etag, f.last_modified, f.attempts, coalesce(p.interval_ms, 0), f.article_id != ''
		FROM frontier f INDEXED BY frontier_host_claim LEFT JOIN frontier_poll p ON p.url = f.url
		WHERE f.host = ? AND f.state = 'pending' AND f.next_at <= ?
		ORDER BY f.depth, f.next_at, f.url LIMIT ?`)
	if err != nil {
		return nil, err
	}
	defer urls.Close()
	hosts, err := tx.QueryContext(ctx, `SELECT host, depth, next_at, url FROM frontier_hosts INDEXED BY frontier_hosts_order
		WHERE due_at <= ? AND host NOT IN (SELECT value FROM json_each(?)) ORDER BY depth, next_at, url`, now, skip)
	if err != nil {
		return nil, err
	}
	defer hosts.Close()
	type candidate struct {
		key claimKey
		e   frontier.Entry
	}
	var cands []candidate // sorted by key, at most n
	for hosts.Next() {
		var h string
		var first claimKey
		if err := hosts.Scan(&h, &first.depth, &first.nextAt, &first.url); err != nil {
			return nil, err
		}
		// first is no later than any URL of this host or of the hosts
		// after it, so none of them can displace the batch found so far.
		if len(cands) == n && cands[n-1].key.less(first) {
			break
		}
		rows, err := urls.QueryContext(ctx, h, now, perHost)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c candidate
			var kind string
			var pub sql.NullString
			var interval int64
			var emitted bool
			if err := rows.Scan(&c.e.URL, &kind, &c.e.Depth, &c.key.nextAt, &c.e.Seed, &c.e.HintTitle, &pub,
				&c.e.ETag, &c.e.LastModified, &c.e.Attempts, &interval, &emitted); err != nil {
				rows.Close()
				return nil, err
			}
			c.key.depth, c.key.url = c.e.Depth, c.e.URL
			c.e.Kind = frontier.Kind(kind)
			// A pending article with an article id was emitted before:
			// only Recheck queues such a URL again (retries of the
			// re-check and Recover keep it pending with its id).
			c.e.Recheck = emitted && c.e.Kind == frontier.Article
			c.e.State = frontier.InFlight
			c.e.Interval = time.Duration(interval) * time.Millisecond
			if pub.Valid {
				if t, err := time.Parse(time.RFC3339Nano, pub.String); err == nil {
					c.e.HintPublished = &t
				}
			}
			cands = append(cands, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sort.Slice(cands, func(i, j int) bool { return cands[i].key.less(cands[j].key) })
		cands = cands[:min(len(cands), n)]
	}
	if err := hosts.Err(); err != nil {
		return nil, err
	}
	out := make([]frontier.Entry, len(cands))
	for i, c := range cands {
		out[i] = c.e
	}
	return out, nil
}

// ClaimURL claims one URL outside the queue order: a redirect target or an
// article's canonical URL, found while handling another URL. It records the
// URL as in flight if it is unknown, pending or failed, and reports whether
// it did; false means the URL is done or in flight already, and must not be
// fetched or emitted again.
func (s *Store) ClaimURL(ctx context.Context, e frontier.Entry, now time.Time) (bool, error) {
	var claimed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO frontier (url, host, kind, depth, seed, state, attempts, next_at, hint_title, hint_published)
			VALUES (?,?,?,?,?,'inflight',1,?,?,?)
			ON CONFLICT (url) DO UPDATE SET state = 'inflight', attempts = attempts + 1, seed = max(seed, excluded.seed)
			WHERE state IN ('pending', 'failed')`,
			e.URL, frontier.Host(e.URL), string(e.Kind), e.Depth, e.Seed, now.UnixMilli(), e.HintTitle, timeText(e.HintPublished))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("frontier claim %s: %w", e.URL, err)
	}
	return claimed, nil
}

// recheckBatch bounds the entries one Recheck transaction reads, so that a
// sitemap of 50,000 URLs does not hold the writer for long.
const recheckBatch = 500

// Recheck queues again the articles among entries (from one feed or
// sitemap) that are done and whose Modified is later than both their last
// fetch and the modified time that queued them last, at most p.Max times
// per URL, due no sooner than p.MinInterval after the last fetch. The
// listing's title replaces the stored hint (the first listing's date
// stays: it may be the publication date). A re-check is not a
// new URL: it neither counts against nor is refused by the per-host page
// limit. URLs pending, in flight or failed, and pages that were not
// articles, are left alone. It returns how many URLs were queued.
func (s *Store) Recheck(ctx context.Context, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error) {
	if p.Max <= 0 {
		return 0, nil
	}
	var listed []frontier.Entry
	for _, e := range entries {
		if e.Modified != nil {
			listed = append(listed, e)
		}
	}
	queued := 0
	for len(listed) > 0 {
		batch := listed[:min(len(listed), recheckBatch)]
		listed = listed[len(batch):]
		err := s.write(ctx, func(tx *sql.Tx) error {
			n, err := recheckTx(ctx, tx, batch, p)
			queued += n
			return err
		})
		if err != nil {
			return queued, fmt.Errorf("frontier recheck: %w", err)
		}
	}
	return queued, nil
}

func recheckTx(ctx context.Context, tx *sql.Tx, entries []frontier.Entry, p frontier.RecheckPolicy) (int, error) {
	// One query reads the batch's done articles (most of a sitemap is
	// unchanged, and a query per URL cost 40% more). CROSS JOIN keeps the
	// list as the outer loop: the planner otherwise chose to scan the
	// frontier and look each URL up in the list, which never finished on
	// 50,000 URLs.
	urls := make([]string, len(entries))
	for i, e := range entries {
		urls[i] = e.URL
	}
	list, err := json.Marshal(urls)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT f.url, coalesce(f.fetched_at, ''), coalesce(r.rechecks, 0), coalesce(r.modified, 0)
		FROM json_each(?) j CROSS JOIN frontier f ON f.url = j.value LEFT JOIN frontier_recheck r ON r.url = f.url
		WHERE f.state = 'done' AND f.kind = 'article' AND f.article_id != ''`, string(list))
	if err != nil {
		return 0, err
	}
	type known struct {
		fetched      string
		rechecks     int
		lastModified int64
	}
	done := map[string]known{}
	for rows.Next() {
		var u string
		var k known
		if err := rows.Scan(&u, &k.fetched, &k.rechecks, &k.lastModified); err != nil {
			rows.Close()
			return 0, err
		}
		done[u] = k
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(done) == 0 {
		return 0, nil
	}
	// The state condition makes the update a no-op for a URL listed twice
	// in one batch. Leaving 'done' for 'pending' fires
	// frontier_hosts_au_arrive, which puts the host in the claim queue.
	queue, err := tx.PrepareContext(ctx, `UPDATE frontier SET state = 'pending', next_at = ?, attempts = 0, error = '',
			hint_title = CASE WHEN ? = '' THEN hint_title ELSE ? END
		WHERE url = ? AND state = 'done'`)
	if err != nil {
		return 0, err
	}
	defer queue.Close()
	count, err := tx.PrepareContext(ctx, `INSERT INTO frontier_recheck (url, rechecks, modified) VALUES (?, 1, ?)
		ON CONFLICT (url) DO UPDATE SET rechecks = rechecks + 1, modified = excluded.modified`)
	if err != nil {
		return 0, err
	}
	defer count.Close()
	queued := 0
	for _, e := range entries {
		k, ok := done[e.URL]
		if !ok || k.rechecks >= p.Max {
			continue
		}
		last, err := time.Parse(time.RFC3339Nano, k.fetched)
		if err != nil || !e.Modified.After(last) || e.Modified.UnixMilli() <= k.lastModified {
			continue
		}
		due := max(p.Now.UnixMilli(), last.Add(p.MinInterval).UnixMilli())
		res, err := queue.ExecContext(ctx, due, e.HintTitle, e.HintTitle, e.URL)
		if err != nil {
			return queued, fmt.Errorf("recheck %s: %w", e.URL, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if _, err := count.ExecContext(ctx, e.URL, e.Modified.UnixMilli()); err != nil {
			return queued, fmt.Errorf("recheck %s: %w", e.URL, err)
		}
		queued++
	}
	return queued, nil
}

// State returns the state of u, and false if the frontier does not know it.
func (s *Store) State(ctx context.Context, u string) (frontier.State, bool, error) {
	var st string
	err := s.queryRow(ctx, `SELECT state FROM frontier WHERE url = ?`, u).Scan(&st)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("frontier state %s: %w", u, err)
	}
	return frontier.State(st), true, nil
}

// Settle records the outcome of fetching url. kind, when not empty, replaces
// the URL's kind (a page found to be a hub or an article).
func (s *Store) Settle(ctx context.Context, u string, kind frontier.Kind, o frontier.Outcome) error {
	return s.SettleAll(ctx, []frontier.Settled{{URL: u, Kind: kind, Outcome: o}})
}

// SettleAll records many outcomes in one transaction, which is what lets
// the crawler keep up with a fast site: one commit per batch, not per URL.
func (s *Store) SettleAll(ctx context.Context, batch []frontier.Settled) error {
	_, err := s.Apply(ctx, nil, batch, nil)
	return err
}

func settleTx(ctx context.Context, tx *sql.Tx, batch []frontier.Settled) error {
	if len(batch) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE frontier SET state = ?, kind = CASE WHEN ? = '' THEN kind ELSE ? END,
		status = ?, error = ?, article_id = CASE WHEN ? = '' THEN article_id ELSE ? END,
		etag = CASE WHEN ? = '' THEN etag ELSE ? END, last_modified = CASE WHEN ? = '' THEN last_modified ELSE ? END,
		next_at = ?, fetched_at = ?, attempts = CASE WHEN ? = 'pending' AND ? = '' THEN 0 ELSE attempts END
		WHERE url = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, b := range batch {
		o, kind := b.Outcome, string(b.Kind)
		res, err := stmt.ExecContext(ctx, string(o.State), kind, kind, o.Status, o.Error, o.ArticleID, o.ArticleID,
			o.ETag, o.ETag, o.LastModified, o.LastModified, o.NextAt.UnixMilli(), timeText(&o.FetchedAt),
			string(o.State), o.Error, b.URL)
		if err != nil {
			return fmt.Errorf("settle %s: %w", b.URL, err)
		}
		if n, _ := res.RowsAffected(); n == 0 && o.State == frontier.Done {
			// A URL known only as an article's canonical URL: remember it
			// as done, so that it is neither fetched nor emitted again.
			if _, err := tx.ExecContext(ctx, `INSERT INTO frontier (url, host, kind, state, status, article_id, fetched_at)
				VALUES (?,?,?,'done',?,?,?) ON CONFLICT (url) DO NOTHING`,
				b.URL, frontier.Host(b.URL), kind, o.Status, o.ArticleID, timeText(&o.FetchedAt)); err != nil {
				return fmt.Errorf("settle %s: %w", b.URL, err)
			}
		}
		if o.Interval > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO frontier_poll (url, interval_ms) VALUES (?, ?)
				ON CONFLICT (url) DO UPDATE SET interval_ms = excluded.interval_ms`, b.URL, o.Interval.Milliseconds()); err != nil {
				return fmt.Errorf("settle %s: %w", b.URL, err)
			}
		}
	}
	return nil
}

// Outlook tells whether URLs are pending or in flight and when the next
// one is due, with two index lookups.
func (s *Store) Outlook(ctx context.Context) (frontier.Outlook, error) {
	var o frontier.Outlook
	var next sql.NullInt64
	err := s.queryRow(ctx, `SELECT (SELECT min(next_at) FROM frontier WHERE state = 'pending'),
		EXISTS (SELECT 1 FROM frontier WHERE state = 'inflight')`).Scan(&next, &o.InFlight)
	if err != nil {
		return o, fmt.Errorf("frontier outlook: %w", err)
	}
	if next.Valid {
		o.Pending, o.NextDue = true, time.UnixMilli(next.Int64)
	}
	return o, nil
}

// Frontier returns counts of the crawl state. It counts rows, so it costs
// time in proportion to the frontier; poll it every few seconds at most.
func (s *Store) Frontier(ctx context.Context) (frontier.Stats, error) {
	var st frontier.Stats
	rows, err := s.query(ctx, `SELECT state, count(*) FROM frontier GROUP BY state`)
	if err != nil {
		return st, fmt.Errorf("frontier stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return st, fmt.Errorf("frontier stats: %w", err)
		}
		switch frontier.State(state) {
		case frontier.Pending:
			st.Pending = n
		case frontier.InFlight:
			st.InFlight = n
		case frontier.Done:
			st.Done = n
		case frontier.Failed:
			st.Failed = n
		}
	}
	var next sql.NullInt64
	if err := s.queryRow(ctx, `SELECT min(next_at) FROM frontier WHERE state = 'pending'`).Scan(&next); err != nil {
		return st, fmt.Errorf("frontier stats: %w", err)
	}
	if next.Valid {
		st.NextDue = time.UnixMilli(next.Int64)
	}
	return st, rows.Err()
}

// Failure is a URL that failed for good, with the reason.
type Failure struct {
	URL, Error string
	Status     int
}

// Failures lists failed URLs, most recent first.
func (s *Store) Failures(ctx context.Context, limit int) ([]Failure, error) {
	rows, err := s.query(ctx, `SELECT url, error, status FROM frontier WHERE state = 'failed' ORDER BY fetched_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("failures: %w", err)
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.URL, &f.Error, &f.Status); err != nil {
			return nil, fmt.Errorf("failures: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// RobotsFailure returns the run of failed robots.txt fetches recorded for
// host, and false if there is none.
func (s *Store) RobotsFailure(ctx context.Context, host string) (frontier.RobotsFailure, bool, error) {
	var f frontier.RobotsFailure
	var since, retry int64
	err := s.queryRow(ctx, `SELECT failures, since, retry, reason FROM crawl_robots WHERE host = ?`, host).
		Scan(&f.Failures, &since, &retry, &f.Reason)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return f, false, nil
	case err != nil:
		return f, false, fmt.Errorf("robots failures of %s: %w", host, err)
	}
	f.Since, f.Retry = time.UnixMilli(since), time.UnixMilli(retry)
	return f, true, nil
}

// SetRobotsFailure records host's run of failed robots.txt fetches;
// Failures 0 deletes the record (robots.txt was read).
func (s *Store) SetRobotsFailure(ctx context.Context, host string, f frontier.RobotsFailure) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if f.Failures <= 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM crawl_robots WHERE host = ?`, host)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO crawl_robots (host, failures, since, retry, reason) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (host) DO UPDATE SET failures = excluded.failures, since = excluded.since,
				retry = excluded.retry, reason = excluded.reason`,
			host, f.Failures, f.Since.UnixMilli(), f.Retry.UnixMilli(), f.Reason)
		return err
	})
	if err != nil {
		return fmt.Errorf("robots failures of %s: %w", host, err)
	}
	return nil
}
