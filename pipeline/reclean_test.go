package pipeline_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/internal/sitefarm"
	"github.com/wirewatch/wirewatch/internal/stage"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// alertLog is a sink that keeps the alerts it is sent.
type alertLog struct {
	mu     sync.Mutex
	alerts []alert.Alert
}

func (l *alertLog) Send(_ context.Context, a alert.Alert) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.alerts = append(l.alerts, a)
	return nil
}

// version is what the index step saw of one version of an article.
type version struct {
	story string
	blurb bool
}

// TestRecleanedVersionAlertsOnce runs every stage over a new site whose
// articles share a house blurb that only the learned layer removes. The
// site's first articles go out with the blurb and again, re-cleaned,
// without it: every version of an article keeps the story id of the
// first, the store ends with no blurb in any body, and a saved search
// matching every article alerts once per story. A search matching only
// the blurb's words alerts once on each first version that carried it:
// the price of emitting at once (see the crawler's package doc).
func TestRecleanedVersionAlertsOnce(t *testing.T) {
	farm, err := sitefarm.Start(sitefarm.Options{Sites: 1, Articles: 12, FirstAddr: 233, Boilerplate: true, Name: "Reclean"})
	if err != nil {
		t.Fatal(err)
	}
	defer farm.Close()
	site := farm.Sites[0]
	blurb := site.BoilerplateText()
	host := strings.Split(site.Host, ":")[0]

	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	searches := alert.NewSQLiteStore(st)
	for _, s := range []alert.Search{{Name: "site", Query: "site:" + host}, {Name: "blurb", Query: `"coastal towns of the north"`}} {
		if _, err := searches.Add(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sink := &alertLog{}
	notifier, err := alert.New(ctx, searches, alert.Options{Sink: sink, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string][]version{}
	observe := stage.ProcessorFunc(func(_ context.Context, a *article.Article) error {
		mu.Lock()
		defer mu.Unlock()
		seen[a.ID] = append(seen[a.ID], version{story: a.StoryID, blurb: strings.Contains(a.Body, blurb)})
		return nil
	})

	seeds, err := crawler.ParseSeeds([]string{site.URL + "/rss.xml"})
	if err != nil {
		t.Fatal(err)
	}
	// One fetch at a time, so that the site's pages are observed in
	// fetch order and the first ones surely precede the layer's readiness.
	p := pipeline.NewLocal(st, sharedExtractor(t), pipeline.Config{Seeds: seeds, Logger: quiet,
		Crawl:  crawler.Options{Once: true, Delay: 0, Workers: 1, MaxDepth: 1},
		Alerts: stage.Chain(observe, notifier)})
	runCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := p.Run(runCtx, runCtx); err != nil {
		t.Fatalf("pipeline: %v", err)
	}

	revised := 0
	for id, vs := range seen {
		for _, v := range vs[1:] {
			if v.story != vs[0].story {
				t.Errorf("article %s: a later version has story %s, the first %s", id, v.story, vs[0].story)
			}
		}
		if len(vs) > 1 {
			revised++
			if len(vs) != 2 {
				t.Errorf("article %s: %d versions, want at most 2", id, len(vs))
			}
		}
	}
	if revised == 0 || int64(revised) != p.Crawler.Stats.Revised.Load() {
		t.Errorf("%d articles stored in two versions, the crawler re-emitted %d; want the same, at least 1", revised, p.Crawler.Stats.Revised.Load())
	}
	leaked := map[string]bool{} // stories whose first version carried the blurb
	n := 0
	err = st.Scan(ctx, query.Query{}, "", func(a *article.Article) error {
		n++
		if strings.Contains(a.Body, blurb) {
			t.Errorf("stored %s still holds the blurb", a.URL)
		}
		if vs := seen[a.ID]; len(vs) == 0 || a.StoryID != vs[0].story {
			t.Errorf("stored %s has story %s, its first version had %v", a.URL, a.StoryID, vs)
		} else if vs[0].blurb {
			leaked[a.StoryID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 12 {
		t.Errorf("stored %d articles, want 12", n)
	}
	if len(leaked) != revised {
		t.Errorf("%d stories went out with the blurb, %d were re-emitted", len(leaked), revised)
	}

	stories := map[string]bool{}
	for _, vs := range seen {
		stories[vs[0].story] = true
	}
	fired := map[string]map[string]int{} // search → story → alerts
	sink.mu.Lock()
	for _, a := range sink.alerts {
		if fired[a.SearchName] == nil {
			fired[a.SearchName] = map[string]int{}
		}
		fired[a.SearchName][a.StoryID]++
	}
	sink.mu.Unlock()
	if len(fired["site"]) != len(stories) {
		t.Errorf("search site: alerts for %d stories, want every one of the %d", len(fired["site"]), len(stories))
	}
	for search, by := range fired {
		for story, k := range by {
			if k != 1 {
				t.Errorf("search %s alerted %d times for story %s, want once", search, k, story)
			}
			if search == "blurb" && !leaked[story] {
				t.Errorf("search blurb alerted for story %s, which never carried the blurb", story)
			}
		}
	}
	if len(fired["blurb"]) != len(leaked) {
		t.Errorf("search blurb: alerts for %d stories, want the %d whose first version carried it", len(fired["blurb"]), len(leaked))
	}
	t.Logf("%d articles in %d stories; %d went out with the blurb and again without; alerts: %d for the site, %d for the blurb",
		n, len(stories), revised, len(fired["site"]), len(fired["blurb"]))
}
