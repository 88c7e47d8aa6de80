package clean_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
)

// TestDump writes, for the corpus pages named in WW_CLEAN_DUMP (comma
// separated ids, or "all"), the cleaned body, the true body and the removed
// blocks into the directory WW_CLEAN_DUMP_DIR. It is a tool for working on
// extraction failures and does nothing otherwise.
func TestDump(t *testing.T) {
	ids := os.Getenv("WW_CLEAN_DUMP")
	dir := os.Getenv("WW_CLEAN_DUMP_DIR")
	if ids == "" || dir == "" {
		t.Skip("set WW_CLEAN_DUMP and WW_CLEAN_DUMP_DIR to dump pages")
	}
	var pages []cleaneval.Page
	for _, set := range loadDevSets(t) {
		pages = append(pages, set...)
	}
	want := map[string]bool{}
	for _, id := range strings.Split(ids, ",") {
		want[id] = true
	}
	c := clean.New(clean.Options{})
	for _, p := range pages {
		if !want["all"] && !want[p.ID] {
			continue
		}
		res, err := c.Clean(context.Background(), clean.Page{URL: p.URL, HTML: p.HTML, FetchedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		a := res.Article
		var b strings.Builder
		b.WriteString("TITLE: " + a.Title + "\nAUTHORS: " + strings.Join(a.Authors, "; ") + "\nCANON: " + a.CanonicalURL + "\n")
		if a.PublishedAt != nil {
			b.WriteString("PUB: " + a.PublishedAt.String() + "\n")
		}
		b.WriteString("ARTICLE: " + res.Reason + "\n\n" + a.Body + "\n\n======== REMOVED\n")
		for _, r := range a.Removed {
			b.WriteString(r.Reason + " | " + r.Text + "\n")
		}
		truth := ""
		if p.Body != nil {
			truth = *p.Body
		}
		if p.Title != nil {
			truth = "TITLE: " + *p.Title + "\nAUTHORS: " + strings.Join(p.Authors, "; ") + "\n\n" + truth
		}
		os.WriteFile(filepath.Join(dir, p.ID+".got.txt"), []byte(b.String()), 0o644)
		os.WriteFile(filepath.Join(dir, p.ID+".want.txt"), []byte(truth), 0o644)
	}
}
