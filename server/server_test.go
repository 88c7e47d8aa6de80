package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/storetest"
)

func do(t *testing.T, ts *httptest.Server, method, path, body string, header ...string) (int, string, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

// snippets matches the snippet fields, whose text differs between stores
// (each highlights in its own way).
var snippets = regexp.MustCompile(`"snippet":"(?:[^"\\]|\\.)*"`)

// apiCases are requests whose answers must be the same from both stores.
var apiCases = []struct {
	name, method, path, body string
	status                   int
}{
	{"search stories", "GET", "/api/v1/search?q=Lavrov&sort=newest&facets=1&timeline=day", "", 200},
	{"search relevance", "GET", "/api/v1/search?q=withdrawal+fighters&all=1", "", 200},
	{"search all copies", "GET", "/api/v1/search?q=place:Libya&all=1&sort=newest", "", 200},
	{"search newest no text", "GET", "/api/v1/search?facets=1&timeline=week&limit=3", "", 200},
	{"search page 2", "GET", "/api/v1/search?limit=3&cursor=eyJvIjozfQ", "", 200},
	{"search hourly", "GET", "/api/v1/search?q=Lavrov&timeline=hour&since=2024-05-06&until=2024-05-06", "", 200},
	{"search oldest", "GET", "/api/v1/search?q=org:NATO&sort=oldest&all=1", "", 200},
	{"search dates", "GET", "/api/v1/search?q=site:apnews.com&since=2024-05-07&until=2024-05-31&timeline=month", "", 200},
	{"search no match", "GET", "/api/v1/search?q=zebra&facets=1&timeline=day", "", 200},
	{"search hit events", "GET", "/api/v1/search?q=event:withdrawal&all=1&sort=oldest", "", 200},
	{"search hit events ranked", "GET", "/api/v1/search?q=troops+OR+Geneva", "", 200},
	{"bad query", "GET", "/api/v1/search?q=Lavrov+colour:red", "", 400},
	{"bad limit", "GET", "/api/v1/search?limit=1000", "", 400},
	{"article", "GET", "/api/v1/articles/" + fixture()[0].ID, "", 200},
	{"no article", "GET", "/api/v1/articles/0123456789abcdef0123456789abcdef", "", 404},
	{"story", "GET", "/api/v1/stories/s1", "", 200},
	{"no story", "GET", "/api/v1/stories/nope", "", 404},
	{"suggest person", "GET", "/api/v1/suggest?field=person&prefix=ser", "", 200},
	{"suggest site", "GET", "/api/v1/suggest?field=site&prefix=AP", "", 200},
	{"suggest bad field", "GET", "/api/v1/suggest?field=colour&prefix=r", "", 400},
	{"suggest event actor", "GET", "/api/v1/suggest?field=event.actor&prefix=rU", "", 200},
	{"suggest every event actor", "GET", "/api/v1/suggest?field=event.actor", "", 200},
	{"suggest event kind", "GET", "/api/v1/suggest?field=event.kind", "", 200},
	{"suggest event status", "GET", "/api/v1/suggest?field=event.status&prefix=c", "", 200},
	{"suggest event", "GET", "/api/v1/suggest?field=event&limit=1", "", 200},
	{"compare", "POST", "/api/v1/compare", `{"queries":[{"name":"Lavrov","q":"person:Lavrov"},{"name":"NATO","q":"org:NATO"}],"interval":"week"}`, 200},
	{"compare bad", "POST", "/api/v1/compare", `{"queries":[{"name":"x","q":"\"open"}]}`, 400},
	{"export jsonl", "GET", "/api/v1/export?q=Libya&format=jsonl", "", 200},
	{"export csv", "GET", "/api/v1/export?format=csv", "", 200},
	{"unknown endpoint", "GET", "/api/v1/nothing", "", 404},
}

// TestAPISameFromBothStores runs every API case against the embedded store
// and Elasticsearch with the same articles and requires the same status and
// the same JSON (snippets aside).
func TestAPISameFromBothStores(t *testing.T) {
	docs := fixture()
	sq, _ := openSQLite(t, docs)
	lite := serve(t, sq, nil, server.Options{})
	es := serve(t, openElastic(t, docs), nil, server.Options{})
	for _, c := range apiCases {
		t.Run(c.name, func(t *testing.T) {
			code1, ct1, b1 := do(t, lite, c.method, c.path, c.body)
			code2, ct2, b2 := do(t, es, c.method, c.path, c.body)
			if code1 != c.status || code2 != c.status {
				t.Fatalf("status: embedded %d, elasticsearch %d, want %d\n%s\n%s", code1, code2, c.status, b1, b2)
			}
			if ct1 != ct2 {
				t.Errorf("content type: %q vs %q", ct1, ct2)
			}
			n1, n2 := snippets.ReplaceAll(b1, []byte(`"snippet":""`)), snippets.ReplaceAll(b2, []byte(`"snippet":""`))
			if !bytes.Equal(n1, n2) {
				t.Errorf("answers differ:\nembedded:      %s\nelasticsearch: %s", n1, n2)
			}
		})
	}
}

type searchResult struct {
	Total      int         `json:"total"`
	Hits       []query.Hit `json:"hits"`
	NextCursor string      `json:"next_cursor"`
	Facets     *struct {
		People, Places, Organizations, Sites, Languages []query.Count
		EventKinds                                      []query.Count `json:"event_kinds"`
		EventActors                                     []query.Count `json:"event_actors"`
	} `json:"facets"`
	Interval string `json:"interval"`
	Timeline []struct {
		Start string  `json:"start"`
		Count int     `json:"count"`
		All   int     `json:"all"`
		Share float64 `json:"share"`
	} `json:"timeline"`
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return v
}

// TestSearch checks what the answers say: one hit per story with its
// copies, exact facets, and a timeline with shares of all articles.
func TestSearch(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})

	code, _, b := get(t, ts, "/api/v1/search?q=Lavrov&facets=1&timeline=day")
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	r := decode[searchResult](t, b)
	if r.Total != 4 || len(r.Hits) != 2 {
		t.Fatalf("total %d, %d hits, want 4 articles in 2 stories: %s", r.Total, len(r.Hits), b)
	}
	copies := map[string]int{}
	for _, h := range r.Hits {
		copies[h.StoryID] = h.Copies
	}
	if copies["s1"] != 3 || copies["s5"] != 1 {
		t.Errorf("copies %v, want s1×3 s5×1", copies)
	}
	if got := r.Facets.People; len(got) != 1 || got[0] != (query.Count{Value: "Sergey Lavrov", Count: 4}) {
		t.Errorf("people facet %v", got)
	}
	if got := r.Facets.Languages; len(got) != 1 || got[0].Value != "en" || got[0].Count != 4 {
		t.Errorf("languages facet %v", got)
	}
	// One article of the four has a withdrawal event, without an actor
	// named by an entity.
	if got := r.Facets.EventKinds; len(got) != 1 || got[0] != (query.Count{Value: "military", Count: 1}) {
		t.Errorf("event kinds facet %v, want military 1", got)
	}
	if got := r.Facets.EventActors; got == nil || len(got) != 0 {
		t.Errorf("event actors facet %#v, want an empty list", got)
	}
	// Day 0 (3 copies) to day 12 (1), one bucket a day; each day's share
	// is of every article stored that day.
	if len(r.Timeline) != 13 || r.Timeline[0].Count != 3 || r.Timeline[0].All != 3 || r.Timeline[0].Share != 1 {
		t.Fatalf("timeline %+v", r.Timeline)
	}
	if d := r.Timeline[2]; d.Count != 0 || d.All != 2 || d.Share != 0 {
		t.Errorf("day 2: %+v, want 0 of 2", d)
	}

	// Hourly: the three copies of day 0 were published at 08:00, 09:00
	// and 10:00.
	_, _, b = get(t, ts, "/api/v1/search?q=Lavrov&timeline=hour&until=2024-05-06")
	if r := decode[searchResult](t, b); len(r.Timeline) != 3 || r.Timeline[0].Start != "2024-05-06T08:00:00Z" || r.Timeline[2].Count != 1 {
		t.Errorf("hourly timeline %+v", r.Timeline)
	}

	// Paging: pages of two stories, then the end.
	var ids []string
	path := "/api/v1/search?limit=2"
	for range 10 {
		_, _, b := get(t, ts, path)
		r := decode[searchResult](t, b)
		for _, h := range r.Hits {
			ids = append(ids, h.StoryID)
		}
		if r.NextCursor == "" {
			break
		}
		path = "/api/v1/search?limit=2&cursor=" + r.NextCursor
	}
	// The undated article (s4) comes last.
	if strings.Join(ids, " ") != "s5 s3 s2 s1 s4" {
		t.Errorf("paged stories %v, want newest first s5 s3 s2 s1 s4", ids)
	}
}

// TestHitEvents checks that a hit carries its article's withdrawal events
// cut to the fields a result row shows, in the article's order, and that a
// hit without events has no events field, as before.
func TestHitEvents(t *testing.T) {
	docs := fixture()
	sq, _ := openSQLite(t, docs)
	ts := serve(t, sq, nil, server.Options{})

	_, _, b := get(t, ts, "/api/v1/search?q=Moldova")
	r := decode[searchResult](t, b)
	if len(r.Hits) != 1 || r.Hits[0].ID != docs[3].ID {
		t.Fatalf("hits %s, want the NATO article alone", b)
	}
	var want []query.HitEvent
	for _, e := range docs[3].Events {
		want = append(want, query.HitEvent{Type: e.Type, Kind: e.Kind, Status: e.Status, Actor: e.Actor, What: e.What, From: e.From, NewAnnouncement: e.NewAnnouncement})
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(r.Hits[0].Events)
	if len(want) != 2 || !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("events %s, want %s", gotJSON, wantJSON)
	}
	// The sentence, trigger and cues stay with the article.
	for _, field := range []string{`"sentence"`, `"trigger"`, `"cues"`} {
		if bytes.Contains(b, []byte(field)) {
			t.Errorf("the hit has %s: %s", field, b)
		}
	}
	_, _, b = get(t, ts, "/api/v1/search?q=Geneva")
	if r := decode[searchResult](t, b); len(r.Hits) != 1 || bytes.Contains(b, []byte(`"events"`)) {
		t.Errorf("a hit without events: %s, want one hit without an events field", b)
	}
}

// TestSuggest checks completion: names from the store, event actors by
// the values the actors facet counts (query.EventFacetActor), once per
// article, and the closed event
// fields' every value in the language's order with the articles each
// finds, those none has included.
func TestSuggest(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})
	type suggestions struct {
		Field       string        `json:"field"`
		Prefix      string        `json:"prefix"`
		Suggestions []query.Count `json:"suggestions"`
	}
	render := func(cs []query.Count) string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s=%d", c.Value, c.Count))
		}
		return strings.Join(out, " ")
	}
	tests := []struct{ path, want string }{
		{"field=person&prefix=ser", "Sergey Lavrov=4"},
		// The NATO article names Russia as the actor of two events.
		{"field=event.actor&prefix=ru", "Russia=1"},
		{"field=event.actor&prefix=RUSS", "Russia=1"},
		{"field=event.actor", "Russia=1"},
		{"field=event.actor&prefix=mol", ""}, // Moldova is withdrawn from, not an actor
		{"field=event.kind", "military=2 diplomatic=1 agreement=0 political=0 business=0 sports=0 other=0"},
		{"field=event.kind&prefix=D", "diplomatic=1"},
		{"field=event.kind&limit=2", "military=2 diplomatic=1"},
		{"field=event.status&prefix=c", "completed=1"},
		{"field=event.status&prefix=h", "historical=0 hypothetical=0"},
		{"field=event", "withdrawal=2 new-withdrawal=1"},
		{"field=event&prefix=new", "new-withdrawal=1"},
		{"field=event&prefix=x", ""},
	}
	for _, tt := range tests {
		code, _, b := get(t, ts, "/api/v1/suggest?"+tt.path)
		if code != 200 {
			t.Errorf("%s: %d %s", tt.path, code, b)
			continue
		}
		r := decode[suggestions](t, b)
		if got := render(r.Suggestions); got != tt.want || r.Suggestions == nil {
			t.Errorf("%s: %s, want %q", tt.path, b, tt.want)
		}
	}
}

// TestProblems checks the error answers: RFC 9457 problem details, and for
// a bad query the column of the mistake.
func TestProblems(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})
	type prob struct {
		Type     string `json:"type"`
		Title    string `json:"title"`
		Status   int    `json:"status"`
		Detail   string `json:"detail"`
		Param    string `json:"param"`
		Position int    `json:"position"`
		Query    string `json:"query"`
	}
	tests := []struct {
		path     string
		status   int
		param    string
		position int
	}{
		{"/api/v1/search?q=Lavrov+colour:red", 400, "q", 8},
		{"/api/v1/search?q=%22open", 400, "q", 1},
		{"/api/v1/search?q=a+b+%22c", 400, "q", 5},
		{"/api/v1/search?q=" + strings.Repeat("a", 2001), 400, "q", 2001},
		{"/api/v1/search?limit=0", 400, "limit", 0},
		{"/api/v1/search?sort=random", 400, "sort", 0},
		{"/api/v1/search?timeline=year", 400, "timeline", 0},
		{"/api/v1/search?since=yesterday", 400, "since", 0},
		{"/api/v1/search?cursor=!!", 400, "cursor", 0},
		{"/api/v1/search?facet_size=51", 400, "facet_size", 0},
		{"/api/v1/export?format=xml", 400, "format", 0},
		{"/api/v1/suggest?field=event.what&prefix=t", 400, "field", 0},
		{"/api/v1/suggest?field=lang", 400, "field", 0},
		{"/api/v1/suggest?field=event.kind&limit=0", 400, "limit", 0},
		{"/api/v1/articles/zz%20z", 404, "", 0},
	}
	for _, tt := range tests {
		code, ct, b := get(t, ts, tt.path)
		if code != tt.status || ct != "application/problem+json" {
			t.Errorf("%s: %d %s, want %d problem+json", tt.path, code, ct, tt.status)
			continue
		}
		p := decode[prob](t, b)
		if p.Status != code || p.Type == "" || p.Title == "" || p.Param != tt.param || p.Position != tt.position {
			t.Errorf("%s: %+v, want param %q position %d", tt.path, p, tt.param, tt.position)
		}
	}
	// A body over the limit is refused.
	big := `{"queries":[{"name":"x","q":"` + strings.Repeat("a", 70000) + `"}]}`
	if code, _, b := do(t, ts, "POST", "/api/v1/compare", big); code != 400 {
		t.Errorf("oversized body: %d %s", code, b)
	}
}

// TestAuthAndHeaders checks the bearer token and the security headers.
func TestAuthAndHeaders(t *testing.T) {
	sq, _ := openSQLite(t, fixture())
	ops := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	ts := serve(t, sq, nil, server.Options{Token: "s3cret", Ops: ops})
	tests := []struct {
		path   string
		header []string
		status int
	}{
		{"/api/v1/search", nil, 401},
		{"/api/v1/search", []string{"Authorization", "Bearer wrong"}, 401},
		{"/api/v1/search", []string{"Authorization", "s3cret"}, 401},
		{"/api/v1/search", []string{"Authorization", "Bearer s3cret"}, 200},
		{"/api/v1/nothing", nil, 401},
		{"/livez", nil, 200},
		{"/readyz", nil, 200},
		{"/metrics", nil, 200},
		{"/", nil, 200},
		{"/assets/app.js", nil, 200},
		{"/etc/passwd", nil, 404},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", ts.URL+tt.path, nil)
		if tt.header != nil {
			req.Header.Set(tt.header[0], tt.header[1])
		}
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.status {
			t.Errorf("%s %v: %d, want %d", tt.path, tt.header, res.StatusCode, tt.status)
		}
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", tt.path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options", tt.path)
		}
		if res.StatusCode == 401 && h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tt.path)
		}
	}
}

// TestExportSameAsCLI checks that the API's export is byte for byte what
// `wirewatch export --out -` writes: the export package's stream over the
// store's scan.
func TestExportSameAsCLI(t *testing.T) {
	sq, st := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{})
	for _, format := range []string{"jsonl", "csv"} {
		for _, q := range []string{"", "Libya"} {
			var want bytes.Buffer
			w, err := export.NewStream(format, &want)
			if err != nil {
				t.Fatal(err)
			}
			pq, _ := query.Parse(q)
			if err := st.Scan(t.Context(), pq, "", func(a *article.Article) error { return w.Write(a) }); err != nil {
				t.Fatal(err)
			}
			w.Close()
			code, ct, got := get(t, ts, "/api/v1/export?format="+format+"&q="+q)
			if code != 200 || !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s %q: %d %s, %d bytes, want %d bytes", format, q, code, ct, len(got), want.Len())
			}
		}
	}
}

// TestCountsCached checks that a query's counts are reused for ShareCache
// and read again after, while its hits are always fresh.
func TestCountsCached(t *testing.T) {
	sq, st := openSQLite(t, fixture())
	now := t0
	srv, err := server.New(server.Options{Store: sq, ShareCache: 30 * time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	search := func() searchResult {
		_, _, b := get(t, ts, "/api/v1/search?q=place:Libya&all=1&facets=1")
		return decode[searchResult](t, b)
	}
	if r := search(); r.Total != 4 || len(r.Hits) != 4 {
		t.Fatalf("first: total %d, %d hits", r.Total, len(r.Hits))
	}
	a := storetest.Mk("/new", "apnews.com", "Libya again", "More news from Libya.", t0, article.Entity{Type: article.Place, Canonical: "Libya"})
	if err := st.Put(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if r := search(); r.Total != 4 || len(r.Hits) != 5 {
		t.Errorf("within the cache time: total %d, %d hits; want the cached 4 and 5 fresh hits", r.Total, len(r.Hits))
	}
	now = now.Add(31 * time.Second)
	if r := search(); r.Total != 5 || r.Facets.Places[0].Count != 5 {
		t.Errorf("after the cache time: total %d, facets %v; want 5", r.Total, r.Facets.Places)
	}
}
