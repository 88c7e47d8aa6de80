package storetest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// corpusGz is the demo corpus (testdata/corpus at the top of the
// repository, 181 real news pages under their licences there) as the
// cleaner and extractor made it: one article JSON a line, fetched_at
// fixed to January 2024 so the suite does not depend on the day it runs.
//
//go:embed testdata/corpus.jsonl.gz
var corpusGz []byte

// EventDetector finds the withdrawal events of an article's body, as the
// extractor's event detector (extractor/events) does: given the body, its
// located entities and its publication time (nil when unknown), it returns
// the events in body order, or none. It must not change its arguments.
type EventDetector interface {
	Detect(body string, ents []article.Entity, published *time.Time) []article.Event
}

// Corpus returns the demo corpus articles plus a few written for the
// language's corners (accents, case, scripts, key fields). The corpus was
// tagged before events existed: when d is not nil, the articles without
// events get the events d finds, so that event queries run over real
// events; with a nil d they have none.
func Corpus(d EventDetector) ([]*article.Article, error) {
	zr, err := gzip.NewReader(bytes.NewReader(corpusGz))
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var out []*article.Article
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		a, err := article.Unmarshal(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("corpus line %d: %w", len(out)+1, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	t := time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC)
	extra := []*article.Article{
		Mk("/cafe", "example.fr", "CAFÉ RICHE REOPENS", "The Café Riche in Cairo reopened; naïve visitors queued. Ötzi was not there.", t),
		Mk("/athens", "example.gr", "Ἀθῆναι", "Η ΑΘΗΝΑ και η Θεσσαλονίκη. ΟΔΥΣΣΕΥΣ ταξίδεψε.", t.Add(time.Hour)),
		Mk("/moscow", "example.ru", "МОСКВА", "В Москве прошли переговоры о выводе войск.", t.Add(2*time.Hour)),
		Mk("/tokyo", "example.jp", "東京", "東京 タワー は 高い。 大阪 も。", t.Add(3*time.Hour)),
		Mk("/cairo", "example.eg", "القاهرة", "انسحاب القوات من القاهرة", t.Add(4*time.Hour)),
		Mk("/withdrawal", "wire.example.com", "Troops withdraw", "Forces began withdrawing; the withdrawal of troops and fighters continued. A cash withdrawal of $2 billion was also reported, Sergey Lavrov said.", t.Add(5*time.Hour),
			article.Entity{Type: article.Person, Canonical: "Sergey Lavrov"}),
		Mk("/pullout", "wire.example.com", "Pull out", "The pull out of forces from the border, said the general.", t.Add(6*time.Hour)),
	}
	extra[5].StoryID, extra[6].StoryID = "story-withdrawal", "story-withdrawal"
	extra[5].Authors, extra[5].Section, extra[5].Language = []string{"Jane Q. Roe"}, "World News", "en"
	extra[6].Authors, extra[6].Section, extra[6].Language = []string{"John Doe", "Jane Q. Roe"}, "Opinion", "EN"
	at := indexOf(extra[5].Body, "$2 billion")
	extra[5].Figures = []article.Figure{{Text: "$2 billion", Kind: article.Money, Value: 2e9, Unit: "USD", Start: at, End: at + len("$2 billion")}}
	extra[3].PublishedAt = nil
	out = append(out, extra...)
	if d != nil {
		for _, a := range out {
			if len(a.Events) == 0 {
				if evs := d.Detect(a.Body, a.Entities, a.PublishedAt); len(evs) > 0 {
					a.Events = evs
				}
			}
		}
	}
	return out, nil
}

// corpusQueries are the query corpus of the conformance suite, with how
// many of Corpus they match: boolean nesting, negation at every depth,
// phrases, proximity, prefixes, every field, relative dates, figures,
// stemming and plurals, accents and case, and other scripts.
var corpusQueries = []struct {
	q    string
	want int // -1: the count depends on the day the suite runs, or on the event detector's rules
}{
	// Words, stemming and plurals, case.
	{`trump`, 24}, {`Trump`, 24}, {`TRUMP`, 24},
	{`withdraw`, 6}, {`withdrawal`, 6}, {`withdrawing`, 6},
	{`election`, 15}, {`elections`, 15},
	{`company companies`, 30},
	{`the`, 168},
	// Boolean nesting and negation at every depth.
	{`trump OR biden`, 24},
	{`trump AND biden`, 6},
	{`trump NOT biden`, 18},
	{`-trump`, 164},
	{`NOT (trump OR biden)`, 164},
	{`(trump OR biden) AND (election OR president) NOT (tariff OR -senate)`, 2},
	{`((china AND (trade OR -tariffs)) OR (russia -(ukraine AND war))) AND NOT news`, 21},
	{`(withdraw* OR pullout OR "pull out") AND (troops OR forces OR fighters) NOT "cash withdrawal"`, 7},
	{`(withdraw* OR pullout OR "pull out") AND (troops OR forces OR fighters)`, 8},
	{`NOT NOT trump`, 24},
	// Phrases and proximity.
	{`"white house"`, 7}, {`"house white"`, 0},
	{`"white house"~0`, 7}, {`"house white"~0`, 7},
	{`"united states"~3`, 16},
	{`"president trump said"~5`, 3},
	{`"said trump"~2 -"white house"`, 2},
	// Prefixes.
	{`presiden*`, 40}, {`universit*`, 22}, {`withdr* -troops`, 5}, {`title:tru*`, 3},
	// Fields.
	{`person:Trump`, 20}, {`person:"donald trump"`, 17}, {`person:(Trump OR Biden)`, 20}, {`person:Trump person:Biden`, 20},
	{`person:Trump AND person:Biden`, 5},
	{`place:China`, 22}, {`place:"United States" -place:China`, 25}, {`org:Reuters`, 7}, {`org:"European Union"`, 9},
	{`site:bbc.com`, 4}, {`site:www.bbc.com`, 4}, {`site:example.com`, 2}, {`-site:bbc.com trump`, 23},
	{`lang:en`, 82}, {`lang:ru`, 3}, {`lang:EN-us`, 54}, {`lang:(ja OR ru)`, 5},
	{`section:news`, 22}, {`section:"world news"`, 2}, {`section:world`, 8},
	{`author:roe`, 2}, {`author:"Jane Q. Roe"`, 2}, {`author:"Associated Press"`, 5}, {`author:doe`, 1}, {`author:doe -author:roe`, 0},
	{`title:trump`, 2}, {`title:(trump OR biden)`, 2}, {`title:"white house"`, 1}, {`title:withdraw`, 1},
	{`story:story-withdrawal`, 2}, {`story:STORY-WITHDRAWAL pull`, 1},
	// Dates, absolute and relative.
	{`since:2019-01-01 until:2019-12-31`, 78}, {`trump since:2020-01-01`, 12}, {`until:2010-01-01`, 0},
	{`since:now-3650d`, -1}, {`since:now-1h`, 0}, {`until:today`, 188}, {`until:now-52w trump`, -1},
	{`-since:2020-01-01 trump`, 12},
	// Figures.
	{`figure:money>1000000`, 28}, {`figure:money>=1000000000`, 19}, {`figure:count>=100`, 71}, {`figure:percent`, 43},
	{`figure:percent>50 OR figure:money<10`, 26}, {`trump figure:year<2000`, 6},
	// Accents, case and other scripts.
	{`cafe`, 2}, {`CAFÉ`, 2}, {`café riche`, 1}, {`naive`, 2}, {`otzi`, 1},
	{`αθηνα`, 1}, {`ΑΘΗΝΑ`, 1}, {`Ἀθῆναι`, 1}, {`οδυσσευς`, 1},
	{`москва`, 1}, {`МОСКВЕ`, 1}, {`моск*`, 2},
	{`東京`, 1}, {`タワー`, 1}, {`"東京 タワー"`, 1},
	{`القاهرة`, 1}, {`انسحاب`, 1},
	// Events, as the detector tags them (so their counts follow its rules).
	{`event:withdrawal`, -1}, {`event:new-withdrawal`, -1}, {`-event:withdrawal`, -1},
	{`event.kind:military`, -1}, {`event.kind:military event.status:announced`, -1},
	{`event.kind:(military OR diplomatic) -event.status:historical`, -1},
	{`event.actor:britain`, -1}, {`event.actor:GB`, -1}, {`event.actor:US`, -1}, {`event.actor:"united states" event.kind:military`, -1},
	{`NOT event.kind:sports troops`, -1}, {`withdraw* -event:withdrawal`, -1},
	{`event:new-withdrawal OR (event.status:demanded event.actor:Israel)`, -1},
}

// Matcher is the in-process evaluation of the query language that a
// store's search is held to (the alert matcher, package alert). It
// returns, for one article, a function that tells whether a query matches
// that article at a time (now resolves relative dates); the article is
// analysed once, when the function is made, and must not be changed while
// the function is in use.
type Matcher func(a *article.Article) func(q query.Query, now time.Time) bool

// RunMatcher runs the conformance tests that hold a store to a matcher:
// the query corpus over Corpus(d), where each query must find, by Search
// and by Scan, exactly the articles m matches, and the event filters and
// facets over articles with events written for their corners, where the
// store and m must both find the articles wanted.
func RunMatcher(t *testing.T, o Options, m Matcher, d EventDetector) {
	t.Run("QueryCorpus", func(t *testing.T) { testQueryCorpus(t, o, m, d) })
	t.Run("Events", func(t *testing.T) { testEvents(t, o, m) })
	t.Run("NameFilters", func(t *testing.T) { testNameFilters(t, o, m) })
}

// testQueryCorpus runs the query corpus over the demo corpus: each query
// finds, by Search and by Scan, exactly the articles the matcher matches.
func testQueryCorpus(t *testing.T, o Options, m Matcher, d EventDetector) {
	docs, err := Corpus(d)
	if err != nil {
		t.Fatal(err)
	}
	s := o.Open(t)
	Put(t, s, docs...)
	ctx := context.Background()
	now := time.Now()
	byID := map[string]*article.Article{}
	analysed := map[string]func(query.Query, time.Time) bool{}
	for _, a := range docs {
		byID[a.ID] = a
		analysed[a.ID] = m(a)
	}
	for _, tt := range corpusQueries {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Errorf("%s: %v", tt.q, err)
			continue
		}
		var want []string
		for _, a := range docs {
			if analysed[a.ID](q, now) {
				want = append(want, a.ID)
			}
		}
		slices.Sort(want)
		hits, serr := s.Search(ctx, q, len(docs)+1)
		if serr != nil {
			t.Errorf("search %s: %v", tt.q, serr)
			continue
		}
		var found []string
		for _, h := range hits {
			found = append(found, h.ID)
			// Both stores make snippets with query.Snippet, so a hit
			// reads the same from either.
			if a := byID[h.ID]; a != nil && h.Snippet != query.Snippet(q, a.Body) {
				t.Errorf("search %s: snippet of %q is %q, want %q", tt.q, a.Title, h.Snippet, query.Snippet(q, a.Body))
			}
		}
		slices.Sort(found)
		var scanned []string
		if err := s.Scan(ctx, q, "", func(a *article.Article) error { scanned = append(scanned, a.ID); return nil }); err != nil {
			t.Errorf("scan %s: %v", tt.q, err)
			continue
		}
		for _, got := range []struct {
			how string
			ids []string
		}{{"search", found}, {"scan", scanned}} {
			if !slices.Equal(got.ids, want) {
				t.Errorf("%s %s: %d articles, the matcher %d; only the store: %v; only the matcher: %v",
					got.how, tt.q, len(got.ids), len(want), titles(byID, minus(got.ids, want)), titles(byID, minus(want, got.ids)))
			}
		}
		if testing.Verbose() {
			t.Logf("query %s matches %d", tt.q, len(want))
		}
		if tt.want >= 0 && len(want) != tt.want {
			t.Errorf("%s matches %d articles, want %d", tt.q, len(want), tt.want)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func titles(byID map[string]*article.Article, ids []string) []string {
	var out []string
	for _, id := range ids {
		if len(out) == 5 {
			out = append(out, "…")
			break
		}
		out = append(out, fmt.Sprintf("%q", byID[id].Title))
	}
	return out
}
