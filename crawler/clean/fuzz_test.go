package clean

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/demosite"
)

// FuzzCleanBoundedTime gives the cleaner arbitrary bytes as a page: it must not
// panic, must return within a bound (a hang, not a speed check: 5s per
// input while fuzzing, a minute in the seed run, which may share a loaded
// machine with the race detector), and an article it returns must pass
// the article model's own checks. Seeds: a few corpus pages (testdata)
// and hand-made hostile shapes.
func FuzzCleanBoundedTime(f *testing.F) {
	truth, err := demosite.LoadTruth()
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < len(truth) && i < 4; i++ {
		b, err := demosite.Page(truth[i].ID)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(strings.Repeat("<div>", 20000) + "text" + strings.Repeat("</div>", 20000)))
	f.Add([]byte(strings.Repeat("<p>word ", 5000)))
	f.Add([]byte("<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"" + strings.Repeat("\\u0000", 100) + "\"}</script></head><body><article><h1>T</h1><p>Body.</p></article></body></html>"))
	f.Add([]byte("\x00\x01\x02\xff\xfe<html>\x89PNG\r\n\x1a\n"))
	f.Add([]byte(`<table><tr><td><table><tr><td><template><svg><math><mi><p><iframe srcdoc="<p>x"></iframe>`))
	c := New(Options{})
	fetched := time.Date(2024, 12, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, page []byte) {
		limit := time.Minute
		if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
			limit = 5 * time.Second
		}
		type out struct {
			r   Result
			err error
		}
		done := make(chan out, 1)
		go func() {
			r, err := c.Clean(context.Background(), Page{URL: "https://news.example/world/2024/story.html", HTML: page, FetchedAt: fetched})
			done <- out{r, err}
		}()
		timer := time.NewTimer(limit)
		defer timer.Stop()
		select {
		case o := <-done:
			if o.err != nil || o.r.Article == nil {
				return
			}
			a := o.r.Article
			if !utf8.ValidString(a.Body) || !utf8.ValidString(a.Title) {
				t.Fatalf("title or body not valid UTF-8: %q / %q", a.Title, a.Body)
			}
		case <-timer.C:
			t.Fatalf("Clean did not return within %v", limit)
		}
	})
}
