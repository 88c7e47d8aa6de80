package server_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestCursorStableWhileArticlesArrive pages newest and oldest first, from
// both stores, with an article newer than all the others stored between
// page 1 and page 2: the pages must give every earlier hit exactly once.
func TestCursorStableWhileArticlesArrive(t *testing.T) {
	opens := []struct {
		name string
		open func(t *testing.T) store
	}{
		{"sqlite", func(t *testing.T) store { s, _ := openSQLite(t, fixture()); return s }},
		{"elastic", func(t *testing.T) store { return openElastic(t, fixture()) }},
	}
	for _, o := range opens {
		for _, c := range []struct{ sort, all string }{{"newest", "0"}, {"newest", "1"}, {"oldest", "0"}, {"oldest", "1"}} {
			t.Run(fmt.Sprintf("%s/sort=%s/all=%s", o.name, c.sort, c.all), func(t *testing.T) {
				st := o.open(t)
				ts := serve(t, st, nil, server.Options{})
				base := "/api/v1/search?limit=2&sort=" + c.sort + "&all=" + c.all
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
				if len(want) < 5 {
					t.Fatalf("only %d hits: %v", len(want), want)
				}

				r := page("")
				got := []string{}
				for _, h := range r.Hits {
					got = append(got, h.ID)
				}
				a := storetest.Mk("/late", "apnews.com", "Late news", "Something happened late.", t0.Add(20*24*time.Hour))
				a.StoryID = "s-late"
				if err := st.put(t.Context(), a); err != nil {
					t.Fatal(err)
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
				// not seen; oldest first it comes after the dated ones.
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

// TestCursorKinds checks that a keyset cursor is refused for relevance,
// and that an offset cursor still pages.
func TestCursorKinds(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})
	_, _, b := get(t, ts, "/api/v1/search?limit=2&sort=newest")
	r := decode[searchResult](t, b)
	if r.NextCursor == "" {
		t.Fatalf("no next cursor: %s", b)
	}
	if code, _, b := get(t, ts, "/api/v1/search?limit=2&sort=relevance&cursor="+r.NextCursor); code != 400 {
		t.Errorf("keyset cursor with sort=relevance: status %d, want 400: %s", code, b)
	}
	// {"o":2}: an offset cursor as older servers gave out.
	code, _, b := get(t, ts, "/api/v1/search?limit=2&sort=newest&cursor=eyJvIjoyfQ")
	if r2 := decode[searchResult](t, b); code != 200 || len(r2.Hits) != 2 {
		t.Errorf("offset cursor: status %d: %s", code, b)
	}
}
