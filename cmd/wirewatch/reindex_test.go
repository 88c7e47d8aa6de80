package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/datalock"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
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

// TestReindexIntoElasticsearch copies the embedded store into a real node
// with --into-es: every article arrives as stored (story id, events), a
// second copy writes the same versions again and changes nothing, and
// --into-es without a node is an error.
func TestReindexIntoElasticsearch(t *testing.T) {
	cfg := elastictest.Config(t)
	dir := t.TempDir()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, body := range []string{"Ruritania will withdraw its troops from Novigrad.", "Rain flooded the north.", "Freedonia closes its embassy in Sylvania."} {
		a := article.New(fmt.Sprintf("https://news.example.org/world/%d", i), "", time.Date(2025, 3, 4, 5, 6, i, 0, time.UTC))
		a.Title, a.Body, a.Language, a.StoryID = fmt.Sprintf("Story %d", i), body, "en", fmt.Sprintf("story-%d", i)
		if i == 0 {
			a.Events = []article.Event{{Type: article.Withdrawal, Kind: "military", Status: "announced", NewAnnouncement: true,
				Sentence: body, End: len(body), Trigger: "withdraw", TriggerStart: strings.Index(body, "withdraw"), TriggerEnd: strings.Index(body, "withdraw") + len("withdraw")}}
		}
		if err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	st.Close()

	t.Cleanup(func() {
		// The copy creates the index; drop it, however the test ends.
		if s, err := elastic.OpenExisting(context.Background(), cfg, nil); err == nil {
			elastictest.Drop(t, s)
		}
	})
	for range 2 {
		code, _, stderr := runCLI(t, "reindex", "--data", dir, "--into-es", "--es-url", cfg.URLs[0], "--es-index-prefix", cfg.IndexPrefix, "--progress", "never")
		if code != 0 || !strings.Contains(stderr, "written 3/3 articles") {
			t.Fatalf("reindex --into-es: exit %d\n%s", code, stderr)
		}
	}
	es, err := elastic.OpenExisting(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("the copy made no index: %v", err)
	}
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := es.Count(ctx); err != nil || n != 3 {
		t.Fatalf("the node holds %d articles (%v), want the 3 copied", n, err)
	}
	for i, id := range ids {
		a, err := es.Get(ctx, id)
		if err != nil || a.StoryID != fmt.Sprintf("story-%d", i) {
			t.Errorf("article %d in the node: %+v, %v", i, a, err)
		}
	}
	hits, err := es.Search(ctx, query.MustParse("event:new-withdrawal troops"), 10)
	if err != nil || len(hits) != 1 || hits[0].ID != ids[0] {
		t.Errorf("event:new-withdrawal troops in the node: %v, %v; want the first article", hits, err)
	}

	code, _, stderr := runCLI(t, "reindex", "--data", dir, "--into-es", "--progress", "never")
	if code != 1 || !strings.Contains(stderr, "--into-es needs --es-url") {
		t.Errorf("--into-es without a node: exit %d\n%s", code, stderr)
	}
}
