package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/scan"
)

// queryPlan returns SQLite's query plan of stmt, one line per step.
func queryPlan(t *testing.T, s *Store, stmt string, args ...any) string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "; ")
}

// TestPlansUseDateIndexes checks that date ranges and newest-first lists
// read through their indexes instead of scanning and sorting every
// article (the web page's timelines and newest-first pages need both).
func TestPlansUseDateIndexes(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q, err := query.Parse("since:2024-01-01 until:2024-01-31")
	if err != nil {
		t.Fatal(err)
	}
	cond, args := planOf(q, time.Now()).condition()
	if p := queryPlan(t, s, `SELECT count(*) FROM articles a WHERE `+cond, args...); !strings.Contains(p, "INDEX articles_date") {
		t.Errorf("date range: %s, want the articles_date index", p)
	}
	newest := `SELECT a.rowid, a.story_id FROM articles a ORDER BY a.published_at IS NULL, a.published_at DESC, a.id LIMIT 10`
	if p := queryPlan(t, s, newest); !strings.Contains(p, "INDEX articles_newest") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("newest first: %s, want the articles_newest index and no sort", p)
	}
}

// TestExportPlanReadsIDIndex checks that an export, and Scan, read the id
// index in order whatever the query: never sorting the matches, which a
// key filter such as lang:en led the planner to, reading every remaining
// match for each page, and never running a subquery per article.
func TestExportPlanReadsIDIndex(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, qs := range []string{``, `site:bbc.co.uk`, `rain`, `person:Scholz`, `since:2024-01-01`, `lang:en`, `story:abc`, `lang:en rain`, `-lang:en`} {
		q, err := query.Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		stmt, args := exportStatement(scan.Request{Query: q, FetchedSince: time.Now()})
		p := queryPlan(t, s, stmt, args...)
		if !strings.Contains(p, "USING INDEX "+idIndex) || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "CORRELATED") {
			t.Errorf("export of %q: %s, want the id index in order, no sort, no correlated subquery", qs, p)
		}
		// Scan, which the API's export reads, pages the same way.
		cond, args := planOf(q, time.Now()).condition()
		p = queryPlan(t, s, scanStatement(cond), append(append([]any{""}, args...), 500)...)
		if !strings.Contains(p, "USING INDEX "+idIndex) || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "CORRELATED") {
			t.Errorf("scan of %q: %s, want the id index in order, no sort, no correlated subquery", qs, p)
		}
	}
}

// TestPlansSeekDatePages checks that a page in date order after a key
// seeks in the date indexes and reads them in order: a deep page must not
// read or sort the dated matches before it.
func TestPlansSeekDatePages(t *testing.T) {
	s := open(t)
	for _, tt := range []struct {
		where, order, index string
	}{
		{"a.published_at IS NOT NULL AND " + pubKey + " < ?", pubKey + " DESC, a.id", "articles_newest_first"},
		{"a.published_at IS NOT NULL AND " + pubKey + " > ?", pubKey + " ASC, a.id", "articles_oldest_first"},
		{"a.published_at IS NOT NULL AND " + pubKey + " = ? AND a.id > ?", "a.id", "articles_"},
	} {
		p := queryPlan(t, s, dateRun("1", tt.where, tt.order), "2024-01-01T00:00:00.000000000", "x", 10)
		if !strings.Contains(p, "INDEX "+tt.index) || !strings.Contains(p, "<") && !strings.Contains(p, ">") && !strings.Contains(p, "=") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s ORDER BY %s: %s, want a seek in %s and no sort", tt.where, tt.order, p, tt.index)
		}
	}
}
