package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

func TestAlertsAddRejectsBadQueries(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"alerts", "add", "--data", dir, "--name", "x"}, "empty one would match every story"},
		{[]string{"alerts", "add", "--data", dir, "since:2024-05-01"}, "so would since:, until: or negations alone"},
		{[]string{"alerts", "add", "--data", dir, "libya", "until:2024-02-30"}, "is not a date"},
		{[]string{"alerts", "add", "--data", dir, `"unterminated`}, "unterminated quote"},
		{[]string{"alerts", "add", "--data", dir, "writer:smith"}, `unknown field "writer"`},
		{[]string{"alerts", "add", "--data", dir, "--", "-only"}, "negations alone"},
		{[]string{"alerts", "add", "--data", dir, "(libya"}, "unbalanced parenthesis"},
		{[]string{"alerts", "add", "--data", dir, "--webhook", "ftp://x", "libya"}, "want an http or https URL"},
		{[]string{"alerts", "rm", "--data", dir, "7"}, "no such saved search"},
		{[]string{"alerts", "rm", "--data", dir, "seven"}, "not a saved search id"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		if code != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want 1 and %q", tt.args, code, stderr, tt.want)
		}
	}
	if code, stdout, _ := runCLI(t, "alerts", "list", "--data", dir); code != 0 || !strings.Contains(stdout, "no saved searches") {
		t.Errorf("list after rejected adds: exit %d, %q", code, stdout)
	}
}

// TestAlertsEndToEnd saves searches, crawls the demo site with run, and
// checks that each matching story alerts once, and not again on a second
// run.
func TestAlertsEndToEnd(t *testing.T) {
	ids := []string{"fundus-TheIndependent_2024_11_22", "fundus-APNews_2023_04_28", "aeb-05844573ca7e1fba", "fundus-Metro_2024_11_29"}
	site, err := demosite.Start(ids...)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	dir := t.TempDir()
	for _, add := range [][]string{
		{"--name", "laos", "methanol poisonings place:Laos"},
		{"--name", "uk", "site:co.uk"},
		{"--name", "none", "place:Atlantis"},
	} {
		args := append([]string{"alerts", "add", "--data", dir}, add...)
		if code, stdout, stderr := runCLI(t, args...); code != 0 || !strings.Contains(stdout, "saved search") {
			t.Fatalf("%q: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	code, stdout, _ := runCLI(t, "alerts", "list", "--data", dir)
	if code != 0 || strings.Count(stdout, "\n") != 4 || !strings.Contains(stdout, "methanol poisonings place:Laos") {
		t.Fatalf("alerts list: exit %d\n%s", code, stdout)
	}

	out := filepath.Join(dir, "alerts.jsonl")
	crawl := func() {
		t.Helper()
		if code, _, stderr := runCLI(t, "run", "--data", dir, "--once", "--delay", "0", "--max-depth", "1",
			"--progress", "never", "--alerts-out", out, "--seeds", site.URL+"/rss.xml"); code != 0 {
			t.Fatalf("run: exit %d\n%s", code, stderr)
		}
	}
	crawl()
	alerts := readAlerts(t, out)
	bySearch := map[string][]alert.Alert{}
	for _, a := range alerts {
		bySearch[a.SearchName] = append(bySearch[a.SearchName], a)
	}
	if got := bySearch["laos"]; len(got) != 1 || got[0].Site != "independent.co.uk" || !strings.Contains(got[0].Title, "Laos") {
		t.Errorf("laos alerts = %+v, want the Independent's article once", got)
	}
	if got := bySearch["uk"]; len(got) != 2 {
		t.Errorf("uk alerts = %+v, want the Independent's and Metro's articles", got)
	}
	if got := bySearch["none"]; len(got) != 0 {
		t.Errorf("place:Atlantis fired: %+v", got)
	}

	// The alerts agree with the store's search, and their latency from
	// fetch to alert is logged.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	fetched := map[string]time.Time{}
	if err := st.Scan(ctx, query.Query{}, "", func(a *article.Article) error { fetched[a.ID] = a.FetchedAt; return nil }); err != nil {
		t.Fatal(err)
	}
	for name, qs := range map[string]string{"laos": "methanol poisonings place:Laos", "uk": "site:co.uk"} {
		q, _ := query.Parse(qs)
		hits, err := st.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != len(bySearch[name]) {
			t.Errorf("search %q finds %d articles, alerts fired %d", qs, len(hits), len(bySearch[name]))
		}
	}
	st.Close()
	for _, a := range alerts {
		t.Logf("alert %q for %s: %s after fetch", a.SearchName, a.ArticleID, a.FiredAt.Sub(fetched[a.ArticleID]).Round(time.Microsecond))
	}

	// A second run fires nothing new, and the log shows what fired.
	crawl()
	if again := readAlerts(t, out); len(again) != len(alerts) {
		t.Errorf("second run: %d alert lines, want still %d", len(again), len(alerts))
	}
	code, stdout, _ = runCLI(t, "alerts", "log", "--data", dir, "--json", "--limit", "10")
	if code != 0 || strings.Count(stdout, "\n") != len(alerts) {
		t.Errorf("alerts log: exit %d, %d lines, want %d\n%s", code, strings.Count(stdout, "\n"), len(alerts), stdout)
	}
	code, stdout, _ = runCLI(t, "alerts", "rm", "--data", dir, "1")
	if code != 0 || !strings.Contains(stdout, "removed saved search 1") {
		t.Errorf("alerts rm: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "alerts", "log", "--data", dir)
	if code != 0 || strings.Contains(stdout, "[1 laos]") || !strings.Contains(stdout, "[2 uk]") {
		t.Errorf("alerts log after rm: exit %d\n%s", code, stdout)
	}
}

func readAlerts(t testing.TB, path string) []alert.Alert {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []alert.Alert
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a alert.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert line %q: %v", sc.Text(), err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
