package cleaneval

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadTrafilatura builds a tiny checkout with one plain page under
// tests/eval and one gzipped page under tests/cache, and checks that both
// load with their snippets, and that a missing page is an error naming
// its URL.
func TestLoadTrafilatura(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"eval", "cache"} {
		if err := os.MkdirAll(filepath.Join(dir, "tests", sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(rel string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tests/eval/a.html", []byte("<p>plain</p>"))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<p>zipped</p>"))
	zw.Close()
	write("tests/cache/b.html.gz", gz.Bytes())
	write("tests/evaldata.json", []byte(`{
		"https://b.example/2": {"file": "b.html.gz", "with": ["zipped"], "without": ["menu"]},
		"https://a.example/1": {"file": "a.html", "with": ["plain"], "without": []}
	}`))
	pages, err := LoadTrafilatura(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("got %d pages, want 2", len(pages))
	}
	for i, want := range []struct{ url, html, include string }{
		{"https://a.example/1", "<p>plain</p>", "plain"},
		{"https://b.example/2", "<p>zipped</p>", "zipped"},
	} {
		p := pages[i]
		if p.URL != want.url || string(p.HTML) != want.html || len(p.MustInclude) != 1 || p.MustInclude[0] != want.include || p.Body != nil {
			t.Errorf("page %d = %+v, want %s with %q", i, p.Truth, want.url, want.html)
		}
	}
	if pages[0].ID == pages[1].ID || len(pages[0].ID) != len("traf-")+12 {
		t.Errorf("ids %q and %q: want distinct traf-<12 hex>", pages[0].ID, pages[1].ID)
	}

	write("tests/evaldata.json", []byte(`{"https://c.example/3": {"file": "gone.html"}}`))
	if _, err := LoadTrafilatura(dir); err == nil || !bytes.Contains([]byte(err.Error()), []byte("https://c.example/3")) {
		t.Errorf("missing page: err = %v, want one naming the URL", err)
	}
}
