package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/datalock"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// TestReindexRetagsStoredArticles: an article stored before the detector
// found its withdrawal is found by event:new-withdrawal after `reindex
// --retag`, which says how many articles' events changed; a second run
// changes none; while another command holds the data directory, reindex
// refuses and names it.
func TestReindexRetagsStoredArticles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a := article.New("https://news.example.org/world/pullout", "", time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
	a.Title, a.Language = "Ruritania to withdraw troops", "en"
	a.Body = "Ruritania will withdraw its 400 troops from Novigrad by June, the defence minister said on Monday."
	cash := article.New("https://news.example.org/money/atm", "", a.FetchedAt)
	cash.Title, cash.Body = "Cash", "A cash withdrawal of $200 was made at the bank."
	for _, x := range []*article.Article{a, cash} {
		if err := st.Put(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	code, _, stderr := runCLI(t, "reindex", "--data", dir, "--retag", "--progress", "never")
	if code != 0 || !strings.Contains(stderr, "written 2/2 articles") || !strings.Contains(stderr, "events changed in 1") {
		t.Fatalf("reindex --retag: exit %d\n%s", code, stderr)
	}
	st, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := st.Search(ctx, query.MustParse("event:new-withdrawal event.actor:Ruritania"), 10)
	st.Close()
	if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
		t.Fatalf("event:new-withdrawal after the reindex: %v, %v; want the pullout article", hits, err)
	}

	code, _, stderr = runCLI(t, "reindex", "--data", dir, "--retag", "--progress", "never")
	if code != 0 || !strings.Contains(stderr, "written 2/2 articles") || strings.Contains(stderr, "events changed") {
		t.Errorf("second reindex --retag: exit %d\n%s", code, stderr)
	}

	release, err := datalock.Lock(dir, "run", datalock.Exclusive)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	code, _, stderr = runCLI(t, "reindex", "--data", dir, "--progress", "never")
	if code != 1 || !strings.Contains(stderr, "is in use by") || !strings.Contains(stderr, "run") {
		t.Errorf("reindex while the directory is locked: exit %d\n%s", code, stderr)
	}
}

// TestReindexElasticsearch: `reindex --es-url --retag` tags again an
// article indexed without events, on a real node; a prefix with no index
// behind it is an error, not a new empty index.
func TestReindexElasticsearch(t *testing.T) {
	cfg := elastictest.Config(t)
	st := elastictest.Open(t, cfg)
	ctx := context.Background()
	a := article.New("https://news.example.org/world/pullout", "", time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
	a.Title, a.Language = "Ruritania to withdraw troops", "en"
	a.Body = "Ruritania will withdraw its 400 troops from Novigrad by June, the defence minister said on Monday."
	if err := st.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := st.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "reindex", "--es-url", cfg.URLs[0], "--es-index-prefix", cfg.IndexPrefix, "--retag", "--progress", "never")
	if code != 0 || !strings.Contains(stderr, "written 1/1 articles") || !strings.Contains(stderr, "events changed in 1") {
		t.Fatalf("reindex --es-url --retag: exit %d\n%s", code, stderr)
	}
	if err := st.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	hits, err := st.Search(ctx, query.MustParse("event:new-withdrawal event.actor:Ruritania"), 10)
	if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
		t.Fatalf("event:new-withdrawal after the reindex: %v, %v", hits, err)
	}

	code, _, stderr = runCLI(t, "reindex", "--es-url", cfg.URLs[0], "--es-index-prefix", cfg.IndexPrefix+"-typo", "--progress", "never")
	if code != 1 || !strings.Contains(stderr, "no wirewatch index") {
		t.Errorf("reindex with a mistyped prefix: exit %d\n%s", code, stderr)
	}
}
