package server_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestCursorStableWhileArticlesArrive pages newest and oldest first, and a
// free-text ranking, from both stores, with an article newer than all the
// others (and, for free text, twelve more, the best matches) stored
// between page 1 and page 2: the pages must give every earlier hit exactly
// once. Free text is ranked over 300 more matching articles, so that the
// embedded store's word statistics, which the arrivals change (its
// snapshot leaves them out of the pages, not out of the statistics), move
// no score past another; Elasticsearch's point in time keeps them too.
func TestCursorStableWhileArticlesArrive(t *testing.T) {
	opens := []struct {
		name string
		open func(t *testing.T, docs []*article.Article) store
	}{
		{"sqlite", func(t *testing.T, docs []*article.Article) store { s, _ := openSQLite(t, docs); return s }},
		{"elastic", openElastic},
	}
	filler := fixture()
	for i := range 300 {
		body := fmt.Sprintf("Report %d from Geneva. %s NATO and Lavrov.%s", i, strings.Repeat("Libya ", 1+i%3), strings.Repeat(" More words here.", i%7))
		a := storetest.Mk(fmt.Sprintf("/f%d", i), "example.org", fmt.Sprintf("Report %d", i), body, t0.Add(time.Duration(i)*time.Hour))
		a.StoryID = fmt.Sprintf("sf%d", i%150)
		filler = append(filler, a)
	}
	for _, o := range opens {
		for _, c := range []struct{ sort, all, q string }{
			{"newest", "0", ""}, {"newest", "1", ""}, {"oldest", "0", ""}, {"oldest", "1", ""},
			// Free text: ranked by relevance, or its first matches by date.
			{"relevance", "0", "lavrov OR libya OR nato"}, {"relevance", "1", "lavrov OR libya OR nato"},
			{"newest", "1", "lavrov OR libya OR nato"}, {"relevance", "1", "NOT markets"},
		} {
			t.Run(fmt.Sprintf("%s/sort=%s/all=%s/q=%s", o.name, c.sort, c.all, c.q), func(t *testing.T) {
				docs, limit := fixture(), "2"
				if c.q != "" {
					docs, limit = filler, "40"
				}
				st := o.open(t, docs)
				ts := serve(t, st, nil, server.Options{})
				base := "/api/v1/search?limit=" + limit + "&sort=" + c.sort + "&all=" + c.all + "&q=" + url.QueryEscape(c.q)
				page := func(cursor string) searchResult {
					code, _, b := get(t, ts, base+"&cursor="+cursor)
					if code != 200 {
						t.Fatalf("status %d: %s", code, b)
					}
					return decode[searchResult](t, b)
				}
				// What the pages give with nothing arriving.
				var want []string
				for r, n := page(""), 0; ; r, n = page(r.NextCursor), n+1 {
					for _, h := range r.Hits {
						want = append(want, h.ID)
					}
					if r.NextCursor == "" || n > 20 {
						break
					}
				}
				if len(want) < 4 {
					t.Fatalf("only %d hits: %v", len(want), want)
				}

				r := page("")
				got := []string{}
				for _, h := range r.Hits {
					got = append(got, h.ID)
				}
				// Late, and the best match of the free-text query.
				a := storetest.Mk("/late", "apnews.com", "Lavrov, Libya, NATO", "Lavrov and NATO in Libya: Lavrov, Libya, NATO.", t0.Add(20*24*time.Hour))
				a.StoryID = "s-late"
				if err := st.put(t.Context(), a); err != nil {
					t.Fatal(err)
				}
				// For free text, more of them than the server's look-around
				// for the last hit given out could absorb without a snapshot.
				for i := range 12 * min(len(c.q), 1) {
					b := storetest.Mk(fmt.Sprintf("/late%d", i), "apnews.com", "Lavrov, Libya, NATO", "Lavrov and NATO in Libya: Lavrov, Libya, NATO.", t0.Add(20*24*time.Hour))
					b.StoryID = fmt.Sprintf("s-late%d", i)
					if err := st.put(t.Context(), b); err != nil {
						t.Fatal(err)
					}
				}
				if err := st.sync(t.Context()); err != nil {
					t.Fatal(err)
				}
				for n := 0; r.NextCursor != "" && n < 20; n++ {
					r = page(r.NextCursor)
					for _, h := range r.Hits {
						got = append(got, h.ID)
					}
				}
				// Newest first, the late article sorts before page 2 and is
				// not seen; oldest first it comes after the dated ones. A
				// ranking of free text is read from the first page's
				// snapshot, which the late article is not in.
				if c.sort == "oldest" {
					i := slices.Index(got, a.ID)
					if i < 0 {
						t.Fatalf("oldest first: the late article is missing from %v", got)
					}
					got = slices.Delete(got, i, i+1)
				}
				if !slices.Equal(got, want) {
					t.Errorf("paged while an article arrived:\n got %v\nwant %v", got, want)
				}
			})
		}
	}
}

// TestCursorKinds checks that a keyset cursor is refused for a relevance
// ranking of free text (and taken for a query without, whose relevance
// order is newest first), that an offset cursor still pages, and that a
// cursor whose snapshot the store does not know pages on without one.
func TestCursorKinds(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})
	_, _, b := get(t, ts, "/api/v1/search?limit=2&all=1&sort=newest&q=libya")
	r := decode[searchResult](t, b)
	if r.NextCursor == "" {
		t.Fatalf("no next cursor: %s", b)
	}
	if code, _, b := get(t, ts, "/api/v1/search?limit=2&all=1&sort=relevance&q=libya&cursor="+r.NextCursor); code != 400 {
		t.Errorf("keyset cursor with sort=relevance: status %d, want 400: %s", code, b)
	}
	_, _, b = get(t, ts, "/api/v1/search?limit=2&sort=newest")
	r = decode[searchResult](t, b)
	if code, _, b := get(t, ts, "/api/v1/search?limit=2&sort=relevance&cursor="+r.NextCursor); code != 200 || len(decode[searchResult](t, b).Hits) != 2 {
		t.Errorf("keyset cursor with sort=relevance and no free text: status %d: %s", code, b)
	}
	// The second page of "lavrov" from the relevance cursor, and from the
	// same cursor with a snapshot the store never gave out.
	_, _, b = get(t, ts, "/api/v1/search?limit=1&all=1&q=lavrov")
	first := decode[searchResult](t, b)
	_, _, b = get(t, ts, "/api/v1/search?limit=1&all=1&q=lavrov&cursor="+first.NextCursor)
	want := decode[searchResult](t, b)
	raw, _ := base64.RawURLEncoding.DecodeString(first.NextCursor)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"s":"`, `"s":"x`, 1)))
	code, _, b := get(t, ts, "/api/v1/search?limit=1&all=1&q=lavrov&cursor="+forged)
	if got := decode[searchResult](t, b); code != 200 || len(got.Hits) != 1 || len(want.Hits) != 1 || got.Hits[0].ID != want.Hits[0].ID || got.Hits[0].ID == first.Hits[0].ID {
		t.Errorf("unknown snapshot: status %d, %s; want the second hit, %v", code, b, want.Hits)
	}
	// {"o":2}: an offset cursor as older servers gave out.
	code, _, b = get(t, ts, "/api/v1/search?limit=2&sort=newest&cursor=eyJvIjoyfQ")
	if r2 := decode[searchResult](t, b); code != 200 || len(r2.Hits) != 2 {
		t.Errorf("offset cursor: status %d: %s", code, b)
	}
}

// TestDeepOffsetRefused: a relevance cursor far past what any page gives
// out (one a client made up) gets an empty page without the store being
// asked for a hundred million hits.
func TestDeepOffsetRefused(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	spy := &limitSpy{Store: sq.Store}
	sq.Store = spy
	ts := serve(t, sq, nil, server.Options{})
	deep := base64.RawURLEncoding.EncodeToString([]byte(`{"o":100000000,"l":"x"}`))
	code, _, b := get(t, ts, "/api/v1/search?limit=2&q=lavrov&cursor="+deep)
	if r := decode[searchResult](t, b); code != 200 || len(r.Hits) != 0 || r.NextCursor != "" {
		t.Errorf("deep offset: status %d: %s", code, b)
	}
	if n := spy.most.Load(); n > 100000 {
		t.Errorf("the store was asked for %d hits", n)
	}
}

// limitSpy is a store that records the largest number of hits asked of it.
type limitSpy struct {
	server.Store
	most atomic.Int64
}

func (l *limitSpy) saw(n int) {
	for {
		m := l.most.Load()
		if int64(n) <= m || l.most.CompareAndSwap(m, int64(n)) {
			return
		}
	}
}

func (l *limitSpy) Search(ctx context.Context, q query.Query, n int) ([]query.Hit, error) {
	l.saw(n)
	return l.Store.Search(ctx, q, n)
}

func (l *limitSpy) SearchStories(ctx context.Context, q query.Query, n int) ([]query.Hit, error) {
	l.saw(n)
	return l.Store.SearchStories(ctx, q, n)
}

func (l *limitSpy) SearchAt(ctx context.Context, snap string, q query.Query, stories bool, n int) ([]query.Hit, error) {
	l.saw(n)
	return l.Store.SearchAt(ctx, snap, q, stories, n)
}
