package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// syndicated returns a story told three times (the agency's copy and two
// reprints), a story told twice, and one article stored before story
// clustering, without a story_id.
func syndicated() []*article.Article {
	t0 := time.Date(2024, 5, 10, 9, 0, 0, 0, time.UTC)
	mk := func(path, site, story, title, body string, fetched time.Time) *article.Article {
		a := storetest.Mk(path, site, title, body, fetched,
			article.Entity{Type: article.Place, Canonical: "Libya", Country: "LY"})
		a.StoryID = story
		return a
	}
	body := "Libya said the withdrawal of foreign fighters would begin next week."
	return []*article.Article{
		mk("/wire", "apnews.com", "story-withdrawal", "Libya announces withdrawal", body, t0),
		mk("/reprint", "independent.co.uk", "story-withdrawal", "Libya announces withdrawal", body, t0.Add(time.Hour)),
		mk("/reprint2", "metro.co.uk", "story-withdrawal", "Libya announces withdrawal", body, t0.Add(2*time.Hour)),
		mk("/oil", "reuters.com", "story-oil", "Libya oil output", "Libya pumped more oil in May.", t0.Add(24*time.Hour)),
		mk("/oil-copy", "bbc.co.uk", "story-oil", "Libya oil output", "Libya pumped more oil in May.", t0.Add(25*time.Hour)),
		mk("/old", "aljazeera.com", "", "Libya before", "Libya was quiet in April.", t0.Add(-30*24*time.Hour)),
	}
}

func putAll(t *testing.T, dir string, docs []*article.Article) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, a := range docs {
		if err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSearchFacetsAndTimeline(t *testing.T) {
	dir := t.TempDir()
	putAll(t, dir, syndicated())
	code, out, stderr := runCLI(t, "search", "--data", dir, "--limit", "1", "--facets", "--facet-limit", "2", "--timeline", "day", "libya", "since:2024-05-01")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, stderr)
	}
	// Counts are of every matching article, not of the one hit shown nor
	// of stories; days without articles are listed as zero.
	for _, want := range []string{
		"  place:        Libya (5)\n",
		"  site:         apnews.com (1), bbc.co.uk (1)\n",
		"  person:       -\n",
		"  2024-05-10      3 ########################################\n",
		"  2024-05-11      2 ###########################\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, stderr = runCLI(t, "search", "--data", dir, "--json", "--facets", "--timeline", "month", "place:Libya")
	if code != 0 {
		t.Fatalf("search --json: exit %d: %s", code, stderr)
	}
	var res struct {
		Hits     []query.Hit
		Facets   query.Facets
		Interval string
		Timeline []query.Bucket
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json with facets is not one JSON object: %v\n%s", err, out)
	}
	if len(res.Hits) != 3 || res.Interval != "month" || len(res.Facets.Sites) != 6 {
		t.Errorf("hits %d (want 3 stories), interval %q, %d sites (want 6): %s", len(res.Hits), res.Interval, len(res.Facets.Sites), out)
	}
	var months []string
	for _, b := range res.Timeline {
		months = append(months, fmt.Sprintf("%s=%d", b.Start.Format("2006-01"), b.Count))
	}
	if got := strings.Join(months, " "); got != "2024-04=1 2024-05=5" {
		t.Errorf("timeline %s, want 2024-04=1 2024-05=5", got)
	}
	for _, args := range [][]string{{"--timeline", "year"}, {"--facets", "--facet-limit", "0"}} {
		code, _, stderr := runCLI(t, append(append([]string{"search", "--data", dir}, args...), "libya")...)
		if lines := problemLines(stderr); code != 1 || len(lines) != 1 {
			t.Errorf("search %v: exit %d, want one error line:\n%s", args, code, stderr)
		}
	}
}

func TestSearchOneHitPerStory(t *testing.T) {
	dir := t.TempDir()
	docs := syndicated()
	putAll(t, dir, docs)

	code, out, stderr := runCLI(t, "search", "--data", dir, "place:Libya")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, "Libya announces withdrawal"); n != 1 {
		t.Errorf("the syndicated story is listed %d times, want once:\n%s", n, out)
	}
	for _, want := range []string{"Libya announces withdrawal  (+2 copies)", "Libya oil output  (+1 copy)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Libya before  (+") {
		t.Errorf("an article without a story_id shows copies:\n%s", out)
	}

	code, out, stderr = runCLI(t, "search", "--data", dir, "--all", "place:Libya")
	if code != 0 {
		t.Fatalf("search --all: exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, "Libya announces withdrawal"); n != 3 || strings.Contains(out, "copies") {
		t.Errorf("--all lists the story %d times (want 3, without copy counts):\n%s", n, out)
	}

	code, out, stderr = runCLI(t, "search", "--data", dir, "--json", "--limit", "2", "place:Libya")
	if code != 0 {
		t.Fatalf("search --json: exit %d: %s", code, stderr)
	}
	var hits []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var h map[string]any
		if err := json.Unmarshal([]byte(line), &h); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		hits = append(hits, h)
	}
	// Newest copy first: the oil story (its copy of hour 25), then the
	// withdrawal; --limit counts stories.
	if len(hits) != 2 {
		t.Fatalf("--limit 2 gave %d hits, want 2 stories:\n%s", len(hits), out)
	}
	want := []struct {
		id, story string
		copies    float64
	}{{docs[4].ID, "story-oil", 2}, {docs[2].ID, "story-withdrawal", 3}}
	for i, h := range hits {
		for _, field := range []string{"id", "title", "url", "site", "published_at", "snippet", "story_id", "copies"} {
			if _, ok := h[field]; !ok {
				t.Errorf("hit %d lacks %q: %v", i, field, h)
			}
		}
		if h["id"] != want[i].id || h["story_id"] != want[i].story || h["copies"] != want[i].copies {
			t.Errorf("hit %d = %v, want id %s story %s copies %v", i, h, want[i].id, want[i].story, want[i].copies)
		}
	}
}

// TestSearchAndExportFromElasticsearch stores the same articles in the
// embedded store and in the real Elasticsearch node: search and export
// print the same whichever they read, and an export from Elasticsearch
// resumes like one from the embedded store.
func TestSearchAndExportFromElasticsearch(t *testing.T) {
	cfg := elastictest.Config(t)
	es := elastictest.Open(t, cfg)
	ctx := context.Background()
	docs := syndicated()
	for _, a := range docs {
		if err := es.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := es.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	putAll(t, dir, docs)
	esFlags := []string{"--es-url", cfg.URLs[0], "--es-index-prefix", cfg.IndexPrefix}

	for _, args := range [][]string{
		{"place:Libya"},
		{"--all", "place:Libya"},
		{"--json", "withdrawal"},
		{"--json", "--all", "--limit", "2", "place:Libya", "since:2024-05-10"}, // relevance differs between the stores; dates do not
		{"site:bbc.co.uk"},
		{"nothing-matches-this"},
		{"--facets", "--timeline", "day", "withdrawal"},
		{"--json", "--facets", "--facet-limit", "2", "--timeline", "month", "place:Libya"},
		{"--json", "--timeline", "week", "nothing-matches-this"},
	} {
		code, local, stderr := runCLI(t, append([]string{"search", "--data", dir}, args...)...)
		if code != 0 {
			t.Fatalf("search %v: exit %d: %s", args, code, stderr)
		}
		code, remote, stderr := runCLI(t, append(append([]string{"search"}, esFlags...), args...)...)
		if code != 0 {
			t.Fatalf("search --es-url %v: exit %d: %s", args, code, stderr)
		}
		if local != remote {
			t.Errorf("search %v differs:\nembedded:\n%s\nelasticsearch:\n%s", args, local, remote)
		}
	}

	// The whole export, then one cut in its fourth line and resumed.
	out := filepath.Join(t.TempDir(), "es.jsonl")
	if code, _, stderr := runCLI(t, append(append([]string{"export"}, esFlags...), "--out", out)...); code != 0 {
		t.Fatalf("export --es-url: exit %d: %s", code, stderr)
	}
	code, local, stderr := runCLI(t, "export", "--data", dir, "--out", "-")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	full, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(full) != local {
		t.Errorf("export from Elasticsearch differs from the embedded store's:\n%s\nvs\n%s", full, local)
	}
	lines := strings.SplitAfter(string(full), "\n")
	torn := strings.Join(lines[:3], "") + lines[3][:20]
	if err := os.WriteFile(out, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, append(append([]string{"export"}, esFlags...), "--out", out, "--resume")...); code != 0 {
		t.Fatalf("export --es-url --resume: exit %d: %s", code, stderr)
	}
	if resumed, _ := os.ReadFile(out); string(resumed) != string(full) {
		t.Errorf("resumed export differs from the whole one:\n%s\nvs\n%s", resumed, full)
	}
	ids := []string{}
	for _, a := range readArticles(t, out) {
		ids = append(ids, a.ID)
	}
	if len(ids) != len(docs) || !slices.IsSorted(ids) {
		t.Errorf("export holds %d articles (sorted %v), want %d in id order", len(ids), slices.IsSorted(ids), len(docs))
	}

	// A prefix with no index is one clear error, and creates nothing.
	code, _, stderr = runCLI(t, "search", "--es-url", cfg.URLs[0], "--es-index-prefix", cfg.IndexPrefix+"-typo", "libya")
	if lines := problemLines(stderr); code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "no wirewatch index") {
		t.Errorf("search with an unknown prefix: exit %d, stderr:\n%s", code, stderr)
	}
	code, _, _ = runCLI(t, "export", "--es-url", cfg.URLs[0], "--es-index-prefix", cfg.IndexPrefix+"-typo", "--out", "-")
	if code != 1 {
		t.Errorf("export with an unknown prefix: exit %d, want 1", code)
	}
}

// TestSearchLanguage runs the boolean language through the command: a
// query as a monitoring team writes it, --explain, and an error with its
// column.
func TestSearchLanguage(t *testing.T) {
	dir := t.TempDir()
	putAll(t, dir, syndicated())
	code, out, stderr := runCLI(t, "search", "--data", dir, "--all", "--json", `(withdraw* OR pumped) AND libya NOT site:bbc.co.uk`)
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, stderr)
	}
	var urls []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var h query.Hit
		if err := json.Unmarshal([]byte(line), &h); err != nil {
			t.Fatalf("hit %q: %v", line, err)
		}
		urls = append(urls, h.URL)
	}
	slices.Sort(urls)
	want := []string{"https://apnews.com/wire", "https://independent.co.uk/reprint", "https://metro.co.uk/reprint2", "https://reuters.com/oil"}
	if !slices.Equal(urls, want) {
		t.Errorf("hits %v, want %v", urls, want)
	}
	code, out, stderr = runCLI(t, "search", "--data", dir, "--explain", `withdrawal OR "foreign fighters"~2 place:Libya`)
	if code != 0 {
		t.Fatalf("search --explain: exit %d: %s", code, stderr)
	}
	wantTree := "OR\n" +
		"  TEXT word \"withdrawal\" in title or body, terms withdraw\n" +
		"  AND\n" +
		"    NEAR \"foreign fighters\": terms foreign fighter within 2 words, any order\n" +
		"    FILTER place = \"Libya\"\n"
	if out != wantTree {
		t.Errorf("--explain printed\n%s\nwant\n%s", out, wantTree)
	}
	code, _, stderr = runCLI(t, "search", "--data", dir, `(withdrawal OR pullout`)
	if code != 1 || !strings.Contains(stderr, "column 1: unbalanced parenthesis") {
		t.Errorf("unbalanced query: exit %d, %s", code, stderr)
	}
}
