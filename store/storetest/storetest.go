// Package storetest is the conformance suite every wirewatch store passes:
// the same articles in give the same search, filter, count and scan
// results out, whichever store holds them. A store's own tests adapt it to
// Store and call Run.
//
// The suite imports no stage package, so that no package under store/
// depends on the stages that use the stores. The parts that hold a store to
// a stage run from that stage's tests, with the data kept here: RunMatcher
// (the query corpus and the event filters, against the alert matcher) from
// package alert's, and the export conformance from package export's, both
// against every store (store/sqlite/sqlitetest and
// store/elastic/elastictest give their Options).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/scan"
)

// Store is what the suite exercises.
type Store interface {
	Put(ctx context.Context, a *article.Article) error
	Get(ctx context.Context, id string) (*article.Article, error)
	Count(ctx context.Context) (int, error)
	Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error)
	// SearchStories is Search with one hit per story_id (an article
	// without one is its own story), counting matching copies.
	SearchStories(ctx context.Context, q query.Query, limit int) ([]query.Hit, error)
	// Facets and Timeline count all the articles matching a query.
	Facets(ctx context.Context, q query.Query, n int) (query.Facets, error)
	Timeline(ctx context.Context, q query.Query, iv query.Interval) ([]query.Bucket, error)
	// SearchByDate lists matches in date order after a key, every copy or
	// one hit per story.
	SearchByDate(ctx context.Context, q query.Query, oldest, stories bool, after query.After, limit int) ([]query.Hit, error)
	Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error
	// Sync makes every completed Put visible to Search, Count and Scan; a
	// store that is immediately consistent does nothing.
	Sync(ctx context.Context) error
	// Export and ExportCount read articles in bulk, in id order, for
	// wirewatch export (export.Source).
	Export(ctx context.Context, r scan.Request, fn func(scan.Page) error) error
	ExportCount(ctx context.Context, r scan.Request) (int, error)
}

// Options describe the store under test.
type Options struct {
	// Open returns an empty store, closed by the caller's t.Cleanup.
	Open func(t *testing.T) Store
	// PutRaw, when set, stores r as it is, behind the store's checks; it
	// returns an error when the store cannot hold such a document at all
	// (Elasticsearch parses every document it indexes). The export tests
	// store corrupt documents with it, to check that they are rejected.
	PutRaw func(t *testing.T, s Store, r Raw) error
}

// Raw is a document stored as it is, behind the store's checks, as another
// program writing to the store, an older build with looser rules or a
// damaged disk could leave one.
type Raw struct {
	// ID is the id it is stored under, URL its url and canonical_url and
	// FetchedAt its fetch time, for a store that keeps them apart from
	// the document.
	ID, URL   string
	FetchedAt time.Time
	// JSON is the document.
	JSON []byte
}

// Run runs every conformance test.
func Run(t *testing.T, o Options) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, o) })
	t.Run("NewerWinsOlderNever", func(t *testing.T) { testVersions(t, o) })
	t.Run("Search", func(t *testing.T) { testSearch(t, o) })
	t.Run("NameFilters", func(t *testing.T) { testNameFilters(t, o, nil) })
	t.Run("Scan", func(t *testing.T) { testScan(t, o) })
	t.Run("Dates", func(t *testing.T) { testDates(t, o) })
	t.Run("Stories", func(t *testing.T) { testStories(t, o) })
	t.Run("ByDate", func(t *testing.T) { testByDate(t, o) })
	t.Run("FacetsAndTimeline", func(t *testing.T) { testFacets(t, o) })
	t.Run("HitEvents", func(t *testing.T) { testHitEvents(t, o) })
}

// T0 is the fetch time of the suite's first article.
var T0 = time.Date(2021, 1, 8, 10, 0, 0, 0, time.UTC)

// Mk builds a valid article at https://site+path with entities located in
// body and listed by type, published an hour before it was fetched.
func Mk(path, site, title, body string, fetched time.Time, ents ...article.Entity) *article.Article {
	a := article.New("https://"+site+path, "", fetched)
	a.Title, a.Body = title, body
	for _, e := range ents {
		if e.Text == "" {
			e.Text = e.Canonical
		}
		for i := 0; i+len(e.Text) <= len(body); i++ {
			if body[i:i+len(e.Text)] == e.Text {
				e.Start, e.End = i, i+len(e.Text)
				break
			}
		}
		a.Entities = append(a.Entities, e)
		switch e.Type {
		case article.Person:
			a.People = append(a.People, e.Canonical)
		case article.Place:
			a.Places = append(a.Places, e.Canonical)
		case article.Organization:
			a.Organizations = append(a.Organizations, e.Canonical)
		}
	}
	pub := fetched.Add(-time.Hour)
	a.PublishedAt = &pub
	a.Normalize()
	return a
}

// Put stores docs and syncs the store, failing the test on any error.
func Put(t *testing.T, s Store, docs ...*article.Article) {
	t.Helper()
	ctx := context.Background()
	for _, a := range docs {
		if err := s.Put(ctx, a); err != nil {
			t.Fatalf("put %s: %v", a.URL, err)
		}
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
}

func jsonOf(t *testing.T, a *article.Article) string {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testRoundTrip(t *testing.T, o Options) {
	ctx := context.Background()
	s := o.Open(t)
	body := "Sergey Lavrov said 40 per cent of the $2.5 billion fund left Libya on 3 March 2021."
	a := Mk("/full", "www.apnews.com", "Full article", body, T0,
		article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"},
		article.Entity{Type: article.Place, Canonical: "Libya", Country: "LY"})
	mod := T0.Add(-30 * time.Minute)
	a.ModifiedAt = &mod
	a.SourceName, a.Language, a.Section, a.StoryID = "AP News", "en", "World", "story-1"
	a.Description, a.ImageURL = "A description.", "https://apnews.com/i.jpg"
	a.Authors = []string{"Jane Roe", "John Doe"}
	a.Paywalled = true
	a.Organizations = []string{"United Nations"} // listed without a mention
	a.FetchedAt = T0.Add(123456789 * time.Nanosecond)
	fig := func(text, kind string, v float64, unit, date string) article.Figure {
		i := len(body[:indexOf(body, text)])
		return article.Figure{Text: text, Kind: kind, Value: v, Unit: unit, Date: date, Start: i, End: i + len(text)}
	}
	a.Figures = []article.Figure{
		fig("40 per cent", article.Percent, 40, "%", ""),
		fig("$2.5 billion", article.Money, 2.5e9, "USD", ""),
		fig("3 March 2021", article.Date, 0, "", "2021-03-03"),
	}
	a.Removed = []article.Removed{{Text: "Subscribe now", Reason: "boilerplate"}}
	left := indexOf(body, "left")
	a.Events = []article.Event{{Type: article.Withdrawal, Kind: "business", Status: "completed",
		From:     &article.Role{Text: "Libya", Canonical: "Libya", Country: "LY", Start: indexOf(body, "Libya"), End: indexOf(body, "Libya") + 5},
		Sentence: body, Start: 0, End: len(body), Trigger: "left", TriggerStart: left, TriggerEnd: left + 4,
		Cues: []string{"said"}, NewAnnouncement: true}}
	Put(t, s, a)
	got, err := s.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := jsonOf(t, got), jsonOf(t, a); g != w {
		t.Errorf("round trip changed the article:\n got %s\nwant %s", g, w)
	}
	// Every store wraps the one sentinel, so that callers need not know
	// the store.
	if _, err := s.Get(ctx, "0123456789abcdef0123456789abcdef"); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("Get unknown = %v, want article.ErrNotFound", err)
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v; want 1", n, err)
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	panic("storetest: " + sub + " not in body")
}

func testVersions(t *testing.T, o Options) {
	ctx := context.Background()
	s := o.Open(t)
	v1 := Mk("/a", "apnews.com", "First", "Old text about Libya.", T0)
	v2 := Mk("/a", "apnews.com", "Second", "New text about Libya and Qatar.", T0.Add(time.Hour))
	v2b := Mk("/a", "apnews.com", "Second again", "New text about Libya and Qatar, same fetch.", T0.Add(time.Hour))
	other := Mk("/b", "apnews.com", "Other", "Unrelated.", T0)
	Put(t, s, v1, v1, v2, v1, other) // v1 redelivered after v2
	if n, err := s.Count(ctx); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2", n, err)
	}
	got, err := s.Get(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Second" {
		t.Errorf("stored title %q: an older version overwrote the newer one", got.Title)
	}
	for q, want := range map[string]int{"Qatar": 1, "Old": 0, "Libya": 1} {
		if ids := search(t, s, q, 10); len(ids) != want {
			t.Errorf("search %q: %d hits, want %d: full text does not follow the update", q, len(ids), want)
		}
	}
	// The same fetch time again replaces: a redelivery is idempotent, and a
	// re-extraction of the same fetch wins.
	Put(t, s, v2b)
	if got, _ := s.Get(ctx, v1.ID); got == nil || got.Title != "Second again" {
		t.Errorf("equal fetched_at: stored %v, want the later write", got)
	}
}

func search(t *testing.T, s Store, q string, limit int) []string {
	t.Helper()
	pq, err := query.Parse(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	hits, err := s.Search(context.Background(), pq, limit)
	if err != nil {
		t.Fatalf("search %s: %v", q, err)
	}
	ids := []string{}
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func testSearch(t *testing.T, o Options) {
	s := o.Open(t)
	lav := article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"}
	libya := article.Entity{Type: article.Place, Canonical: "Libya", Country: "LY"}
	nato := article.Entity{Type: article.Organization, Canonical: "NATO"}
	un := article.Entity{Type: article.Organization, Canonical: "United Nations"}
	biden := article.Entity{Type: article.Person, Canonical: "Joe Biden"}
	docs := []*article.Article{
		Mk("/1", "apnews.com", "Russia backs withdrawal", "Sergey Lavrov spoke of Libya and foreign fighters.", T0, lav, libya),
		Mk("/2", "www.reuters.com", "NATO meets", "NATO ministers met about foreign fighters in Libya.", T0.Add(time.Hour), nato, libya),
		Mk("/3", "news.bbc.co.uk", "Weather", "Rain everywhere, no fighters.", T0.Add(2*time.Hour)),
		Mk("/4", "bbc.co.uk", "Summit", "Joe Biden and the United Nations discussed fighters foreign to the region.", T0.Add(3*time.Hour), biden, un),
		Mk("/5", "notbbc.co.uk", "Markets", "Shares rose in quiet trading.", T0.Add(4*time.Hour)),
	}
	undated := Mk("/6", "apnews.com", "Undated", "Rain and shares, no date.", T0.Add(5*time.Hour))
	undated.PublishedAt = nil
	docs = append(docs, undated)
	Put(t, s, docs...)
	id := func(i ...int) []string { return idsOf(docs, i...) }
	tests := []struct {
		q       string
		want    []string
		ordered bool // newest first; otherwise relevance, compared as sets
	}{
		{`person:Lavrov`, id(0), true},
		{`person:"sergey lavrov"`, id(0), true},
		{`person:LAVROV`, id(0), true},
		{`person:Serg`, id(), true}, // whole words only
		{`person:"Lavrov Sergey"`, id(), true},
		{`person:Lavrov person:Nobody`, id(0), true},
		{`person:Lavrov person:Biden`, id(3, 0), true},
		{`place:Libya`, id(1, 0), true}, // newest first
		{`place:Libya org:NATO`, id(1), true},
		{`org:"united nations"`, id(3), true},
		{`org:Nations`, id(3), true},
		{`site:bbc.co.uk`, id(3, 2), true}, // the site and its subdomains, not notbbc.co.uk
		{`site:news.bbc.co.uk`, id(2), true},
		{`site:www.reuters.com`, id(1), true},
		{`site:reuters.com site:apnews.com`, id(1, 0, 5), true}, // undated last
		{`site:example.org`, id(), true},
		{``, id(4, 3, 2, 1, 0, 5), true},
		{`"foreign fighters"`, id(0, 1), false},
		{`"fighters foreign"`, id(3), false},
		{`foreign fighters`, id(0, 1, 3), false},
		{`"foreign fighters" site:apnews.com`, id(0), false},
		{`fighters -Libya`, id(2, 3), false},
		{`fighters -"foreign fighters"`, id(2, 3), false},
		{`FIGHTERS`, id(0, 1, 2, 3), false},
		{`rain -shares`, id(2), false},
		{`Libya OR NATO`, id(0, 1), false},
		{`"Libya" AND fighters`, id(0, 1), false},
		{`"NEAR" OR NEAR OR "{title}"`, id(), false}, // store syntax in user input is literal text
		{`withdrawal`, id(0), false},                 // title
		{`shares place:Libya`, id(), false},
		{`-Libya site:bbc.co.uk`, id(3, 2), true},
	}
	for _, tt := range tests {
		got := search(t, s, tt.q, 10)
		want := slices.Clone(tt.want)
		if !tt.ordered {
			slices.Sort(got)
			slices.Sort(want)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("search %s = %v, want %v", tt.q, got, want)
		}
	}
	if got := search(t, s, ``, 2); fmt.Sprint(got) != fmt.Sprint(id(4, 3)) {
		t.Errorf("limit 2 = %v, want the two newest %v", got, id(4, 3))
	}
	// A title match outranks a body-only match.
	if got := search(t, s, `NATO`, 10); len(got) != 1 || got[0] != docs[1].ID {
		t.Errorf("search NATO = %v", got)
	}
	pq, _ := query.Parse("site:bbc.co.uk")
	hits, err := s.Search(context.Background(), pq, 1)
	if err != nil || len(hits) != 1 {
		t.Fatalf("search: %v, %v", hits, err)
	}
	h, d := hits[0], docs[3]
	if h.Title != d.Title || h.URL != d.URL || h.Site != d.Site || h.PublishedAt == nil || !h.PublishedAt.Equal(*d.PublishedAt) {
		t.Errorf("hit %+v does not describe %s", h, d.URL)
	}
}

func testScan(t *testing.T, o Options) {
	ctx := context.Background()
	s := o.Open(t)
	const n = 1203 // more than two pages of either store
	var docs []*article.Article
	for i := range n {
		site := "example.com"
		if i%3 == 0 {
			site = "news.example.org"
		}
		docs = append(docs, Mk(fmt.Sprintf("/%d", i), site, "t", fmt.Sprintf("body text %d", i%7), T0))
	}
	Put(t, s, docs...)
	if c, err := s.Count(ctx); err != nil || c != n {
		t.Fatalf("Count = %d, %v; want %d", c, err, n)
	}
	scan := func(q, after string) []string {
		pq, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		if err := s.Scan(ctx, pq, after, func(a *article.Article) error { ids = append(ids, a.ID); return nil }); err != nil {
			t.Fatalf("scan %q after %q: %v", q, after, err)
		}
		return ids
	}
	all := scan("", "")
	if len(all) != n || !slices.IsSorted(all) {
		t.Fatalf("scanned %d articles (sorted %v), want %d in id order", len(all), slices.IsSorted(all), n)
	}
	if rest := scan("", all[700]); len(rest) != n-701 || rest[0] != all[701] {
		t.Errorf("resumed scan: %d articles, want %d starting %s", len(rest), n-701, all[701])
	}
	var want []string
	for _, a := range docs {
		if a.Site == "news.example.org" && a.Body == "body text 3" {
			want = append(want, a.ID)
		}
	}
	slices.Sort(want)
	if got := scan(`"text 3" site:example.org`, ""); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("filtered scan = %d ids, want %d", len(got), len(want))
	}
	if got := scan(`"text 3" site:example.org`, want[len(want)/2]); fmt.Sprint(got) != fmt.Sprint(want[len(want)/2+1:]) {
		t.Errorf("filtered resumed scan = %d ids, want %d", len(got), len(want)-len(want)/2-1)
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.Scan(ctx, query.Query{}, "", func(*article.Article) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Scan with failing fn = %v after %d calls, want the fn's error after 1", err, calls)
	}
}

// at parses an RFC 3339 time for the date tests.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func testDates(t *testing.T, o Options) {
	s := o.Open(t)
	dated := func(path, body, published string) *article.Article {
		a := Mk(path, "example.com", "t", body, T0)
		p := at(published)
		a.PublishedAt = &p
		return a
	}
	undated := func(path, body, fetched string) *article.Article {
		a := Mk(path, "example.com", "t", body, at(fetched))
		a.PublishedAt = nil
		return a
	}
	docs := []*article.Article{
		dated("/start", "rain", "2024-05-01T00:00:00Z"),
		dated("/before", "rain", "2024-04-30T23:59:59.999Z"),
		dated("/end", "sun", "2024-05-31T23:59:59.999Z"),
		dated("/after", "sun", "2024-06-01T00:00:00Z"),
		undated("/undated-may", "rain", "2024-05-15T12:00:00.5Z"),
		undated("/undated-june", "rain", "2024-06-02T08:00:00Z"),
		// Published in April, fetched in May: the published time decides.
		dated("/late-fetch", "sun", "2024-04-15T10:00:00Z"),
	}
	docs[6].FetchedAt = at("2024-05-15T00:00:00Z")
	Put(t, s, docs...)
	id := func(i ...int) []string { return idsOf(docs, i...) }
	tests := []struct {
		q       string
		want    []string
		ordered bool // newest published first, undated last; otherwise a set
	}{
		{`since:2024-05-01 until:2024-05-31`, id(2, 0, 4), true},
		{`since:2024-05-01`, id(3, 2, 0, 4, 5), true},
		{`until:2024-04-30`, id(1, 6), true},
		{`until:2024-05-01`, id(0, 1, 6), true},
		{`since:2024-06-01 until:2024-06-01`, id(3), true},
		{`since:2024-05-15T12:00:00.5Z until:2024-05-15T12:00:00.5Z`, id(4), true}, // a fraction of a second, fetched
		{`until:2024-05-15T12:00:00Z`, id(0, 1, 6), true},
		{`since:2024-05-01T02:00:00+02:00 until:2024-05-01T02:00:00+02:00`, id(0), true}, // zones convert to UTC
		{`rain since:2024-05-01`, id(0, 4, 5), false},
		{`sun until:2024-05-31`, id(2, 6), false},
		{`rain since:2024-05-02 until:2024-05-30`, id(4), false},
		{`site:example.com since:2025-01-01`, id(), true},
	}
	for _, tt := range tests {
		got := search(t, s, tt.q, 10)
		want := slices.Clone(tt.want)
		if !tt.ordered {
			slices.Sort(got)
			slices.Sort(want)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("search %s = %v, want %v", tt.q, got, want)
		}
	}
	pq, err := query.Parse(`since:2024-05-01 until:2024-05-31`)
	if err != nil {
		t.Fatal(err)
	}
	var scanned []string
	if err := s.Scan(context.Background(), pq, "", func(a *article.Article) error { scanned = append(scanned, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	want := id(0, 2, 4)
	slices.Sort(want)
	if fmt.Sprint(scanned) != fmt.Sprint(want) {
		t.Errorf("scan with dates = %v, want %v", scanned, want)
	}
}

func testStories(t *testing.T, o Options) {
	s := o.Open(t)
	hour := func(n int) time.Time { return T0.Add(time.Duration(n) * time.Hour) }
	copyOf := func(story, path, title, body string, fetched time.Time) *article.Article {
		a := Mk(path, "example.com", title, body, fetched)
		a.StoryID = story
		return a
	}
	docs := []*article.Article{
		copyOf("s1", "/s1a", "Weather", "Light rain fell over the hills today.", hour(1)),
		copyOf("s1", "/s1b", "Rain", "Light rain fell over the hills again.", hour(2)), // a title match ranks first
		copyOf("s1", "/s1c", "Weather", "The sun shone over the hills today.", hour(3)),
		copyOf("s2", "/s2a", "Markets", "Shares fell as rain hit the harvest.", hour(4)),
		copyOf("s2", "/s2b", "Markets", "Shares fell as rain hit the harvest early.", hour(0)),
		copyOf("", "/x", "Roads", "Roads closed after rain in the north.", hour(5)),
		copyOf("", "/y", "Rivers", "Rivers rose after rain in the south.", hour(6)),
	}
	// The first article of a story carries its own id as story_id.
	z := Mk("/z", "example.com", "Farms", "Farmers welcomed the rain this week.", T0.Add(30*time.Minute))
	z.StoryID = z.ID
	docs = append(docs, z)
	Put(t, s, docs...)
	stories := func(q string, limit int) []string {
		t.Helper()
		pq, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := s.SearchStories(context.Background(), pq, limit)
		if err != nil {
			t.Fatalf("stories %s: %v", q, err)
		}
		out := []string{}
		for _, h := range hits {
			out = append(out, fmt.Sprintf("%s×%d", h.URL[len("https://example.com"):], h.Copies))
		}
		return out
	}
	tests := []struct {
		q       string
		limit   int
		want    []string
		ordered bool // otherwise only the first is ranked, the rest a set
	}{
		// Newest copy first; a story ranks where its newest copy does.
		{``, 10, []string{"/y×1", "/x×1", "/s2a×2", "/s1c×3", "/z×1"}, true},
		// limit counts stories, not copies.
		{``, 3, []string{"/y×1", "/x×1", "/s2a×2"}, true},
		// Copies counts matching articles only.
		{`sun`, 10, []string{"/s1c×1"}, true},
		{`hills rain`, 10, []string{"/s1b×2"}, true},
		// The best-ranked copy stands for the story, even when older.
		{`rain`, 10, []string{"/s1b×2", "/s2a×2", "/x×1", "/y×1", "/z×1"}, false}, // s2a: the shorter body ranks first
		{`rain`, 1, []string{"/s1b×2"}, true},
		{`shares`, 10, []string{"/s2a×2"}, false},
		{`since:2021-01-08T13:00:00Z`, 10, []string{"/y×1", "/x×1", "/s2a×1"}, true},
	}
	for _, tt := range tests {
		got := stories(tt.q, tt.limit)
		want := slices.Clone(tt.want)
		if !tt.ordered {
			if len(got) > 0 && len(want) > 0 && got[0] != want[0] {
				t.Errorf("stories %s: first %s, want %s", tt.q, got[0], want[0])
			}
			slices.Sort(got)
			slices.Sort(want)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("stories %s limit %d = %v, want %v", tt.q, tt.limit, got, want)
		}
	}
	pq, _ := query.Parse("rain")
	hits, err := s.SearchStories(context.Background(), pq, 10)
	if err != nil || len(hits) == 0 {
		t.Fatalf("stories rain: %v, %v", hits, err)
	}
	if h := hits[0]; h.StoryID != "s1" || h.ID != docs[1].ID || h.Title != "Rain" {
		t.Errorf("first story %+v, want the copy %s of s1", h, docs[1].ID)
	}
	// Search still lists every copy.
	all, err := s.Search(context.Background(), query.Query{}, 10)
	if err != nil || len(all) != len(docs) {
		t.Fatalf("search lists %d copies (%v), want %d", len(all), err, len(docs))
	}
	for _, h := range all {
		if h.Copies != 1 {
			t.Errorf("search hit %s: copies %d, want 1", h.URL, h.Copies)
		}
	}
}

func testFacets(t *testing.T, o Options) {
	s := o.Open(t)
	person := func(n string) article.Entity { return article.Entity{Type: article.Person, Canonical: n} }
	place := func(n string) article.Entity { return article.Entity{Type: article.Place, Canonical: n} }
	org := func(n string) article.Entity { return article.Entity{Type: article.Organization, Canonical: n} }
	dated := func(path, site, body, published string, ents ...article.Entity) *article.Article {
		a := Mk(path, site, "t", body, T0, ents...)
		p := at(published)
		a.PublishedAt = &p
		return a
	}
	undated := dated("/4", "www.apnews.com", "Sergey Lavrov in Libya with the United Nations.", "2024-01-01T00:00:00Z",
		person("Sergey Lavrov"), place("Libya"), org("United Nations"))
	undated.PublishedAt = nil
	undated.FetchedAt = at("2024-06-01T00:00:00.5Z")
	docs := []*article.Article{
		dated("/1", "apnews.com", "Sergey Lavrov and Joe Biden on Libya at NATO.", "2024-05-06T08:00:00Z",
			person("Sergey Lavrov"), person("Joe Biden"), place("Libya"), org("NATO")),
		dated("/2", "reuters.com", "Sergey Lavrov flew from Libya to Qatar.", "2024-05-12T23:30:00Z", // a Sunday
			person("Sergey Lavrov"), place("Libya"), place("Qatar")),
		dated("/3", "apnews.com", "Joe Biden in Qatar with the United Nations.", "2024-05-13T00:00:00Z",
			person("Joe Biden"), place("Qatar"), org("United Nations")),
		undated,
		dated("/5", "bbc.co.uk", "Rain all day.", "2024-07-15T12:00:00Z"),
		dated("/6", "bbc.co.uk", "Bob Baker met Ann Able.", "2024-07-16T12:00:00Z", person("Bob Baker"), person("Ann Able")),
	}
	Put(t, s, docs...)
	ctx := context.Background()
	render := func(cs []query.Count) string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s=%d", c.Value, c.Count))
		}
		return strings.Join(out, ", ")
	}
	facetTests := []struct {
		q                          string
		n                          int
		people, places, orgs, site string
	}{
		{``, 10, "Sergey Lavrov=3, Joe Biden=2, Ann Able=1, Bob Baker=1", "Libya=3, Qatar=2", "United Nations=2, NATO=1", "apnews.com=3, bbc.co.uk=2, reuters.com=1"},
		{``, 1, "Sergey Lavrov=3", "Libya=3", "United Nations=2", "apnews.com=3"},
		{`place:Libya`, 10, "Sergey Lavrov=3, Joe Biden=1", "Libya=3, Qatar=1", "NATO=1, United Nations=1", "apnews.com=2, reuters.com=1"},
		{`qatar`, 10, "Joe Biden=1, Sergey Lavrov=1", "Qatar=2, Libya=1", "United Nations=1", "apnews.com=1, reuters.com=1"},
		{`since:2024-05-13 -rain`, 10, "Ann Able=1, Bob Baker=1, Joe Biden=1, Sergey Lavrov=1", "Libya=1, Qatar=1", "United Nations=2", "apnews.com=2, bbc.co.uk=1"},
		{`site:example.org`, 10, "", "", "", ""},
	}
	for _, tt := range facetTests {
		pq, err := query.Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Facets(ctx, pq, tt.n)
		if err != nil {
			t.Fatalf("facets %q: %v", tt.q, err)
		}
		for _, c := range []struct{ name, got, want string }{
			{"people", render(f.People), tt.people}, {"places", render(f.Places), tt.places},
			{"orgs", render(f.Orgs), tt.orgs}, {"sites", render(f.Sites), tt.site},
		} {
			if c.got != c.want {
				t.Errorf("facets %q top %d %s = %s, want %s", tt.q, tt.n, c.name, c.got, c.want)
			}
		}
	}
	timelineTests := []struct {
		q    string
		iv   query.Interval
		want string
	}{
		{``, query.Day, "2024-05-06=1, 2024-05-12=1, 2024-05-13=1, 2024-06-01=1, 2024-07-15=1, 2024-07-16=1"},
		{``, query.Week, "2024-05-06=2, 2024-05-13=1, 2024-05-27=1, 2024-07-15=2"}, // weeks from Monday; the undated one by its fetch
		{``, query.Month, "2024-05-01=3, 2024-06-01=1, 2024-07-01=2"},
		{`person:Lavrov`, query.Month, "2024-05-01=2, 2024-06-01=1"},
		{`lavrov until:2024-05-31`, query.Week, "2024-05-06=2"},
		{`site:example.org`, query.Day, ""},
	}
	for _, tt := range timelineTests {
		pq, err := query.Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		buckets, err := s.Timeline(ctx, pq, tt.iv)
		if err != nil {
			t.Fatalf("timeline %q: %v", tt.q, err)
		}
		var got []string
		for _, b := range buckets {
			got = append(got, fmt.Sprintf("%s=%d", b.Start.Format(time.RFC3339), b.Count))
		}
		want := strings.ReplaceAll(tt.want, "=", "T00:00:00Z=")
		if strings.Join(got, ", ") != want {
			t.Errorf("timeline %q by %s = %s, want %s", tt.q, tt.iv, strings.Join(got, ", "), want)
		}
	}
}

// testNameFilters checks person:, place: and org: on names beyond ASCII
// letters: case and accents are folded in every script, and words are
// whole. With a matcher (RunMatcher), the matcher must match the same
// articles.
func testNameFilters(t *testing.T, o Options, m Matcher) {
	s := o.Open(t)
	docs := []*article.Article{
		Mk("/1", "example.com", "t", "Mesut Özil visited São Paulo for the Banco do Brasil.", T0,
			article.Entity{Type: article.Person, Canonical: "Mesut Özil"},
			article.Entity{Type: article.Place, Canonical: "São Paulo"},
			article.Entity{Type: article.Organization, Canonical: "Banco do Brasil"}),
		Mk("/2", "example.com", "t", "Ana_Maria Pop and Paulo Coelho spoke.", T0.Add(time.Hour),
			article.Entity{Type: article.Person, Canonical: "Ana_Maria Pop"},
			article.Entity{Type: article.Person, Canonical: "Paulo Coelho"}),
		Mk("/3", "example.com", "t", "Recep Tayyip Erdoğan and Bashar al-Assad flew from Malmö to Ἀθῆναι.", T0.Add(2*time.Hour),
			article.Entity{Type: article.Person, Canonical: "Recep Tayyip Erdoğan"},
			article.Entity{Type: article.Person, Canonical: "Bashar al-Assad"},
			article.Entity{Type: article.Place, Canonical: "Malmö"},
			article.Entity{Type: article.Place, Canonical: "Ἀθῆναι"}),
	}
	Put(t, s, docs...)
	id := func(i ...int) []string { return idsOf(docs, i...) }
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{`person:özil`, id(0)},
		{`person:ÖZIL`, id(0)},
		{`person:"mesut özil"`, id(0)},
		{`person:"MESUT ÖZIL"`, id(0)},
		{`person:Özi`, id()},
		{`place:"são paulo"`, id(0)},
		{`place:SÃO`, id(0)},
		{`place:Paulo`, id(0)},  // a place, not the person
		{`person:paulo`, id(1)}, // a person, not the place
		{`person:ana_maria`, id(1)},
		{`person:ana`, id()}, // part of a word
		{`person:"Maria Pop"`, id()},
		{`person:a%`, id()}, // no wildcards
		{`person:"Paulo Coelho" person:Özil`, id(1, 0)},
		{`org:"do brasil"`, id(0)},
		{`org:"brasil do"`, id()}, // words in order
		// Accents folded, as in free text: an analyst types the name
		// without them.
		{`person:ozil`, id(0)},
		{`person:"Mesut Ozil"`, id(0)},
		{`place:"sao paulo"`, id(0)},
		{`place:SAO`, id(0)},
		{`person:Ozi`, id()},
		{`person:Erdogan`, id(2)},
		{`person:"recep tayyip erdogan"`, id(2)},
		{`person:"Recep Tayyip Erdoğan"`, id(2)},
		{`place:Malmo`, id(2)},
		{`place:"Ἀθῆναι"`, id(2)},
		{`place:αθηναι`, id(2)},
		{`person:Assad`, id(2)},
		{`person:"Al-Assad"`, id(2)},
		{`person:"bashar al assad"`, id(2)},
		{`person:"-"`, id()}, // no word at all
	} {
		if got := search(t, s, tt.q, 10); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("search %s = %v, want %v", tt.q, got, tt.want)
		}
		if m == nil {
			continue
		}
		q := query.MustParse(tt.q)
		matched := []string{}
		for _, a := range docs {
			if m(a)(q, time.Now()) {
				matched = append(matched, a.ID)
			}
		}
		if !sameSet(matched, tt.want) {
			t.Errorf("the matcher: %s matches %v, want %v", tt.q, matched, tt.want)
		}
	}
}

// sameSet reports whether a and b hold the same ids, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// idsOf returns the ids of docs[i] for each i, in that order.
func idsOf(docs []*article.Article, i ...int) []string {
	out := []string{}
	for _, j := range i {
		out = append(out, docs[j].ID)
	}
	return out
}

// testByDate pages through matches in date order, newest and oldest first,
// every copy and one hit per story, a few hits a page, each page starting
// after the last hit of the one before: the pages together must be every
// match in order, as sorting them here gives, each story once, where its
// first copy in that order is, with its matching copies counted. The
// articles share dates (ties by id), have fractions of a second (which
// text order of RFC 3339 would misplace), no date, and stories whose
// copies straddle page boundaries.
func testByDate(t *testing.T, o Options) {
	s := o.Open(t)
	var docs []*article.Article
	for i := range 23 {
		a := Mk(fmt.Sprintf("/d%02d", i), "example.com", "Title", fmt.Sprintf("Rain report number %d.", i), T0.Add(time.Duration(i)*time.Minute))
		// Seven dates, three or four articles each; the second is half a
		// second after the fifth.
		pub := T0.Add(time.Duration([]int{0, 1, 2, 3, 1, 5, 6}[i%7]) * time.Hour)
		if i%7 == 1 {
			pub = pub.Add(500 * time.Millisecond)
		}
		a.PublishedAt = &pub
		if i%6 == 0 {
			a.PublishedAt = nil
		}
		if i%4 != 3 {
			a.StoryID = fmt.Sprintf("s%d", i%5)
		}
		if i%9 == 8 {
			a.Body = "Sun all day."
		}
		docs = append(docs, a)
	}
	Put(t, s, docs...)
	ctx := context.Background()
	for _, qs := range []string{``, `rain`, `-story:s2`} {
		q := query.MustParse(qs)
		var matching []*article.Article
		if err := s.Scan(ctx, q, "", func(a *article.Article) error { matching = append(matching, a); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, oldest := range []bool{false, true} {
			sorted := slices.Clone(matching)
			slices.SortFunc(sorted, func(a, b *article.Article) int {
				switch {
				case a.PublishedAt == nil && b.PublishedAt == nil:
					return strings.Compare(a.ID, b.ID)
				case a.PublishedAt == nil:
					return 1
				case b.PublishedAt == nil:
					return -1
				}
				c := a.PublishedAt.Compare(*b.PublishedAt)
				if !oldest {
					c = -c
				}
				if c != 0 {
					return c
				}
				return strings.Compare(a.ID, b.ID)
			})
			for _, stories := range []bool{false, true} {
				var want []string
				copies := map[string]int{}
				for _, a := range sorted {
					copies[a.StoryID]++
				}
				seen := map[string]bool{}
				for _, a := range sorted {
					n := 1
					if stories && a.StoryID != "" {
						if seen[a.StoryID] {
							continue
						}
						seen[a.StoryID] = true
						n = copies[a.StoryID]
					}
					want = append(want, fmt.Sprintf("%s×%d", a.URL[len("https://example.com"):], n))
				}
				var got []string
				var after query.After
				for range 30 {
					hits, err := s.SearchByDate(ctx, q, oldest, stories, after, 3)
					if err != nil {
						t.Fatal(err)
					}
					for _, h := range hits {
						got = append(got, fmt.Sprintf("%s×%d", h.URL[len("https://example.com"):], h.Copies))
					}
					if len(hits) < 3 {
						break
					}
					last := hits[len(hits)-1]
					after = query.After{Date: last.PublishedAt, ID: last.ID}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%q oldest=%v stories=%v, pages of 3:\n got %v\nwant %v", qs, oldest, stories, got, want)
				}
			}
		}
	}
}
