package sqlfrontier

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// TestFirstPages stores, replaces and drops a new site's first pages and
// reads them back in the order kept, every field as stored (the fetch
// time to the nanosecond: a re-cleaned version is stamped from it), also
// from the file opened again.
func TestFirstPages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := New(openStore(t, dir))
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	page := func(site, id string, kept time.Duration, body string) frontier.FirstPage {
		return frontier.FirstPage{Site: site, ID: id, Kept: t0.Add(kept), URL: "https://" + site + "/" + id,
			FetchedAt: t0.Add(kept - 123456789), HintTitle: "Title " + id, HTML: []byte{0, 1, 2, byte(len(id))}, Body: body}
	}
	withHint := page("a.example", "2", 2*time.Second, "second")
	withHint.HintPublished = at(t0.Add(-time.Hour))
	ids := func(ps []frontier.FirstPage) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Site+"/"+p.ID)
		}
		return out
	}

	type step struct {
		keep    []frontier.FirstPage
		drop    []string // site, then ids
		dropped []string // site/id of the pages the drop returns
		want    []string // site/id in the order kept
	}
	steps := []step{
		{keep: []frontier.FirstPage{page("a.example", "1", time.Second, "first"), withHint, page("b.example", "1", 3*time.Second, "b")},
			want: []string{"a.example/1", "a.example/2", "b.example/1"}},
		// The same article fetched again replaces its page, now kept later.
		{keep: []frontier.FirstPage{page("a.example", "1", 4*time.Second, "first again")},
			want: []string{"a.example/2", "b.example/1", "a.example/1"}},
		{drop: []string{"a.example", "2", "9"}, dropped: []string{"a.example/2"}, want: []string{"b.example/1", "a.example/1"}},
		{drop: []string{"b.example"}, dropped: []string{"b.example/1"}, want: []string{"a.example/1"}},
		{drop: []string{"c.example"}, want: []string{"a.example/1"}},
	}
	for i, st := range steps {
		for _, p := range st.keep {
			if err := s.KeepFirstPage(ctx, p); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		if len(st.drop) > 0 {
			dropped, err := s.DropFirstPages(ctx, st.drop[0], st.drop[1:]...)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if !reflect.DeepEqual(ids(dropped), st.dropped) {
				t.Errorf("step %d: dropped %v, want %v", i, ids(dropped), st.dropped)
			}
		}
		got, err := s.FirstPages(ctx)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if !reflect.DeepEqual(ids(got), st.want) {
			t.Errorf("step %d: kept %v, want %v", i, ids(got), st.want)
		}
		if i == 0 {
			if want := []frontier.FirstPage{page("a.example", "1", time.Second, "first"), withHint, page("b.example", "1", 3*time.Second, "b")}; !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, want)
			}
		}
	}

	again := New(openStore(t, dir))
	got, err := again.FirstPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []frontier.FirstPage{page("a.example", "1", 4*time.Second, "first again")}; !reflect.DeepEqual(got, want) {
		t.Errorf("the file opened again reads\n%+v\nwant\n%+v", got, want)
	}
	if err := again.KeepFirstPage(ctx, page("b.example", "2", 6*time.Second, "later")); err != nil {
		t.Fatal(err)
	}
	dropped, err := again.DropFirstPagesBefore(ctx, t0.Add(5*time.Second))
	if err != nil || len(dropped) != 1 || dropped[0].Site != "a.example" || dropped[0].ID != "1" || dropped[0].URL != "https://a.example/1" {
		t.Errorf("DropFirstPagesBefore = %+v, %v; want a.example's page 1", dropped, err)
	}
	if got, err := again.FirstPagesOf(ctx, "b.example"); err != nil || len(got) != 1 {
		t.Errorf("b.example's page kept after the sweep: %d (%v), want 1", len(got), err)
	}
	if hosts, err := again.FrontierHosts(ctx); err != nil || !slices.Contains(hosts, "b.example") {
		t.Errorf("FrontierHosts = %v, %v; want b.example, whose first page is kept", hosts, err)
	}
	if err := again.DropFrontierHosts(ctx, []string{"b.example"}); err != nil {
		t.Fatal(err)
	}
	if got, err := again.FirstPages(ctx); err != nil || len(got) != 0 {
		t.Errorf("%d first pages left after their host was dropped (%v), want none", len(got), err)
	}
}
