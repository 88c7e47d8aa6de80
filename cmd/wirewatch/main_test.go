package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/demosite"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// runCLI runs the command in-process and returns exit code and output.
func runCLI(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// seedStore writes one article so tests can check it survives bad input.
func seedStore(t *testing.T, dir string) *article.Article {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := article.New("https://example.org/news/kept", "", time.Now())
	a.Title, a.Body = "Kept article", "This article must survive every bad input."
	if err := st.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func assertIntact(t *testing.T, dir string, want *article.Article) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.Count(ctx)
	if err != nil || n != 1 {
		t.Errorf("store holds %d articles (err %v), want the 1 it had", n, err)
	}
	got, err := st.Get(ctx, want.ID)
	if err != nil || got.Body != want.Body {
		t.Errorf("stored article changed: %v", err)
	}
}

// problemLines returns the log lines at WARN or above and the error lines.
func problemLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") || strings.HasPrefix(l, "wirewatch: ") {
			out = append(out, l)
		}
	}
	return out
}

func TestBadInputGivesOneClearErrorAndKeepsData(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Broken<item><link>http://`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer bad.Close()
	// A port nothing listens on: bind one, note it, close it.
	closed := httptest.NewServer(http.NotFoundHandler())
	unreachable := closed.URL + "/news"
	closed.Close()

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantLine string // the one problem line must contain this
	}{
		{"seed neither URL nor file", []string{"run", "--once", "--seeds", "no-such-seed-file"}, 1, "neither an http(s) URL nor a readable file"},
		{"unreachable host", []string{"run", "--once", "--retries", "0", "--seeds", unreachable}, 0, "connection refused"},
		{"non-HTML response", []string{"run", "--once", "--seeds", bad.URL + "/image"}, 0, "not a page, feed or sitemap"},
		{"broken feed", []string{"run", "--once", "--seeds", bad.URL + "/feed.xml"}, 0, "broken feed"},
		{"unknown query field", []string{"search", "writer:smith"}, 1, `unknown field "writer"`},
		{"unterminated quote", []string{"search", `"foreign fighters`}, 1, "unterminated quote"},
		{"bad date", []string{"search", "libya", "since:2024-02-30"}, 1, `column 13: since: "2024-02-30" is not a date`},
		{"since after until", []string{"search", "until:2024-05-01", "since:2024-05-02"}, 1, "since: 2024-05-02 is after until: 2024-05-01"},
		{"bad date in export", []string{"export", "--query", "until:tomorrow", "--out", "-"}, 1, "is not a date"},
		{"bad export format", []string{"export", "--format", "xml", "--out", "-"}, 1, "only jsonl"},
		{"bad include pattern", []string{"run", "--once", "--include", "(", "--seeds", bad.URL + "/"}, 1, "--include"},
		{"story window not positive", []string{"run", "--once", "--story-window", "0s", "--seeds", bad.URL + "/"}, 1, "--story-window"},
		{"recheck interval not positive", []string{"run", "--once", "--recheck-min", "0s", "--seeds", bad.URL + "/"}, 1, "--recheck-min"},
		{"negative recheck cap", []string{"run", "--once", "--recheck-max", "-1", "--seeds", bad.URL + "/"}, 1, "--recheck-max"},
		{"bad log level", []string{"search", "--log-level", "loud", "x"}, 1, "--log-level"},
		{"missing store", []string{"search", "--data", "/nonexistent/wirewatch", "x"}, 1, "no store in /nonexistent/wirewatch"},
		{"bad reindex query", []string{"reindex", "--query", "writer:smith"}, 1, `unknown field "writer"`},
		{"negative reindex workers", []string{"reindex", "--workers", "-1"}, 1, "--workers"},
		{"reindex argument", []string{"reindex", "everything"}, 1, "reindex takes no arguments"},
		{"missing store for reindex", []string{"reindex", "--data", "/nonexistent/wirewatch"}, 1, "no store in /nonexistent/wirewatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			kept := seedStore(t, dir)
			args := append([]string{tt.args[0], "--data", dir, "--progress", "never"}, tt.args[1:]...)
			if tt.args[0] != "run" {
				args = append([]string{tt.args[0], "--data", dir}, tt.args[1:]...)
			}
			code, _, stderr := runCLI(t, args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			lines := problemLines(stderr)
			if len(lines) != 1 || !strings.Contains(lines[0], tt.wantLine) {
				t.Errorf("want exactly one problem line containing %q, got %d:\n%s", tt.wantLine, len(lines), strings.Join(lines, "\n"))
			}
			assertIntact(t, dir, kept)
		})
	}
}

func TestExportRoundTripAndResume(t *testing.T) {
	ids := []string{"fundus-TheIndependent_2024_11_22", "fundus-APNews_2023_04_28", "aeb-05844573ca7e1fba", "fundus-Metro_2024_11_29"}
	site, err := demosite.Start(ids...)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "run", "--data", dir, "--once", "--delay", "0", "--max-depth", "1", "--progress", "never", "--seeds", site.URL+"/rss.xml"); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	out := filepath.Join(dir, "export.jsonl")
	if code, _, stderr := runCLI(t, "export", "--data", dir, "--format", "jsonl", "--out", out); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	full := readArticles(t, out)
	if len(full) != len(ids) {
		t.Fatalf("export has %d articles, want %d", len(full), len(ids))
	}
	// Cut the file in the middle of its third line, as a crash would, and resume.
	raw, _ := os.ReadFile(out)
	cut := bytes.Index(raw, []byte("\n")) + 1
	cut += bytes.Index(raw[cut:], []byte("\n")) + 1
	if err := os.WriteFile(out, raw[:cut+40], 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "export", "--data", dir, "--format", "jsonl", "--out", out, "--resume"); code != 0 {
		t.Fatalf("export --resume: exit %d\n%s", code, stderr)
	}
	resumed := readArticles(t, out)
	if len(resumed) != len(full) {
		t.Fatalf("resumed export has %d articles, want %d", len(resumed), len(full))
	}
	for i := range full {
		if resumed[i].ID != full[i].ID {
			t.Errorf("line %d: id %s after resume, %s before", i+1, resumed[i].ID, full[i].ID)
		}
	}
	// Filtered export and search agree.
	code, stdout, stderr := runCLI(t, "export", "--data", dir, "--query", "site:independent.co.uk", "--out", "-")
	if code != 0 || strings.Count(stdout, "\n") != 1 {
		t.Errorf("filtered export: exit %d, %d lines, want 1\n%s", code, strings.Count(stdout, "\n"), stderr)
	}
}

func readArticles(t *testing.T, path string) []*article.Article {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*article.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		a, err := article.Unmarshal(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d does not parse back into the model: %v", len(out)+1, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEnvironmentAndConfigFileSetFlags(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir)
	cfg := filepath.Join(t.TempDir(), "wirewatch.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("data: %s\nlimit: 5\n", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "search", "--config", cfg, "survive"); code != 0 || !strings.Contains(out, "Kept article") {
		t.Errorf("search with --config: exit %d, out %q, err %q", code, out, stderr)
	}
	t.Setenv("WIREWATCH_DATA", dir)
	if code, out, stderr := runCLI(t, "search", "--json", "survive"); code != 0 || !strings.Contains(out, `"title":"Kept article"`) {
		t.Errorf("search with WIREWATCH_DATA: exit %d, out %q, err %q", code, out, stderr)
	}
}

func TestNERCommandTagsEveryTokenInOrder(t *testing.T) {
	in := "-DOCSTART- -X- O O\n\nRussian NNP B-MISC\nForeign NNP O\nMinister NNP O\nSergey NNP B-PER\nLavrov NNP I-PER\nvisited VBD O\nTripoli NNP B-LOC\n. . O\n\nNATO NNP B-ORG\nmet VBD O\n"
	path := filepath.Join(t.TempDir(), "in.conll")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "ner", "--conll", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	inLines := strings.Split(strings.TrimSuffix(in, "\n"), "\n")
	outLines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(outLines) != len(inLines) {
		t.Fatalf("%d output lines for %d input lines", len(outLines), len(inLines))
	}
	for i, l := range inLines {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] == "-DOCSTART-" {
			if outLines[i] != l {
				t.Errorf("line %d: break line %q came out as %q", i+1, l, outLines[i])
			}
			continue
		}
		got := strings.Fields(outLines[i])
		if got[0] != f[0] || len(got) != len(f)+1 {
			t.Errorf("line %d: %q for input %q; want the input plus one tag", i+1, outLines[i], l)
			continue
		}
		if tag := got[len(got)-1]; tag != f[len(f)-1] {
			t.Errorf("token %s: tagged %s, want %s", f[0], tag, f[len(f)-1])
		}
	}
	if code, _, stderr := runCLI(t, "ner"); code != 2 || !strings.Contains(stderr, "--conll FILE is required") {
		t.Errorf("ner without --conll: exit %d, %q", code, stderr)
	}
}

func TestInspectFilesAndJSONL(t *testing.T) {
	const id = "fundus-TheIndependent_2024_11_22"
	page, err := demosite.Page(id)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "page.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	const given = "https://example.net/saved/laos"
	code, out, stderr := runCLI(t, "inspect", "--url", given, path)
	if code != 0 {
		t.Fatalf("inspect: exit %d\n%s", code, stderr)
	}
	var got struct {
		URL       string   `json:"url"`
		Title     string   `json:"title"`
		Places    []string `json:"places"`
		People    []string `json:"people"`
		Body      string   `json:"body"`
		IsArticle bool     `json:"is_article"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("inspect output is not one JSON object: %v\n%s", err, out)
	}
	if got.URL != given || !got.IsArticle || !strings.Contains(got.Title, "Laos") ||
		!slices.Contains(got.Places, "Laos") || !slices.Contains(got.People, "Holly Bowles") {
		t.Errorf("inspect = url %q article %v title %q places %v people %v", got.URL, got.IsArticle, got.Title, got.Places, got.People)
	}
	if strings.Contains(got.Body, "Your support helps us to tell the story") {
		t.Error("the Independent's appeal survived in the body")
	}

	// --jsonl: a broken line is reported and the good ones still print.
	good, _ := json.Marshal(map[string]string{"url": given, "html": string(page)})
	in := string(good) + "\n{not json\n" + string(good) + "\n"
	var outb, errb bytes.Buffer
	code = run(context.Background(), []string{"inspect", "--jsonl", "--no-tag"}, strings.NewReader(in), &outb, &errb)
	if code != 1 || strings.Count(outb.String(), "\n") != 2 || !strings.Contains(errb.String(), "stdin line 2") {
		t.Errorf("inspect --jsonl: exit %d, %d lines out, stderr %q; want exit 1, 2 lines, line 2 reported",
			code, strings.Count(outb.String(), "\n"), errb.String())
	}
}
