package pipeline_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

var (
	exOnce sync.Once
	ex     *extractor.Extractor
	exErr  error
)

// sharedExtractor loads the models once for the whole test binary.
func sharedExtractor(t *testing.T) *extractor.Extractor {
	t.Helper()
	exOnce.Do(func() { ex, exErr = extractor.New(extractor.Options{Figures: figures.Extract}) })
	if exErr != nil {
		t.Fatal(exErr)
	}
	return ex
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestDemoSiteEndToEnd crawls the demo site with the real crawler over HTTP
// on loopback and runs every stage into the embedded store.
func TestDemoSiteEndToEnd(t *testing.T) {
	site, err := demosite.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seeds, err := crawler.ParseSeeds([]string{site.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.NewLocal(st, sharedExtractor(t), pipeline.Config{Seeds: seeds,
		Crawl: crawler.Options{Once: true, Delay: 0, PerHost: 4, MaxDepth: 1}})
	runCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := p.Run(runCtx, runCtx); err != nil {
		t.Fatalf("pipeline: %v", err)
	}

	truth := site.Truth()
	n, err := st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(truth) {
		t.Errorf("stored %d articles, want exactly %d (one per article page)", n, len(truth))
	}
	// Each article page was requested once, and the disallowed path never.
	counts := map[string]int{}
	for _, r := range site.Requests() {
		counts[r]++
		if strings.HasPrefix(r, "/private/") {
			t.Errorf("robots.txt disallows %s, but it was requested", r)
		}
	}
	byURL := map[string]*article.Article{}
	err = st.Scan(ctx, query.Query{}, "", func(a *article.Article) error {
		if byURL[a.URL] != nil {
			t.Errorf("page %s stored twice", a.URL)
		}
		byURL[a.URL] = a
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The corpus pages are distinct stories: each is its own story.
	stories := map[string]bool{}
	for _, a := range byURL {
		if a.StoryID == "" {
			t.Errorf("%s stored without a story_id", a.URL)
		}
		stories[a.StoryID] = true
	}
	if len(stories) != len(byURL) {
		t.Errorf("%d stories for %d distinct articles; unrelated articles were merged", len(stories), len(byURL))
	}
	titled, titleOK := 0, 0
	for _, tr := range truth {
		path := demosite.ArticlePath(tr.ID)
		if counts[path] != 1 {
			t.Errorf("%s requested %d times, want 1", path, counts[path])
		}
		a := byURL[site.URL+path]
		if a == nil {
			t.Errorf("article %s (%s) not stored", tr.ID, tr.URL)
			continue
		}
		if tr.Title != nil && *tr.Title != "" {
			titled++
			if norm(a.Title) == norm(*tr.Title) {
				titleOK++
			} else {
				t.Logf("title of %s: got %q, want %q", tr.ID, a.Title, *tr.Title)
			}
		}
		for _, bad := range tr.MustExclude {
			if strings.Contains(norm(a.Body), norm(bad)) {
				t.Errorf("%s: boilerplate survived in body: %q", tr.ID, bad)
			}
		}
	}
	// 0.90, not issue 4's 0.95: see barTitle in crawler/clean/corpus_test.go.
	if titled == 0 || float64(titleOK) < 0.90*float64(titled) {
		t.Errorf("titles match the ground truth on %d of %d pages, want at least 90%%", titleOK, titled)
	}

	// Search by a person and by a place finds the article that names them.
	for _, c := range []struct {
		q, wantID string
	}{
		{`person:"Holly Bowles"`, "fundus-TheIndependent_2024_11_22"},
		{`place:Laos methanol`, "fundus-TheIndependent_2024_11_22"},
	} {
		q, err := query.Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := st.Search(ctx, q, 10)
		if err != nil {
			t.Fatalf("search %s: %v", c.q, err)
		}
		want := byURL[site.URL+demosite.ArticlePath(c.wantID)]
		if want == nil {
			continue // already reported above
		}
		if !slices.ContainsFunc(hits, func(h query.Hit) bool { return h.ID == want.ID }) {
			t.Errorf("search %s: %d hits, none is %s (%q)", c.q, len(hits), c.wantID, want.Title)
		}
	}
}
