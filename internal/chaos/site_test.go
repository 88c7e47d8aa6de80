package chaos

import (
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestSite publishes and revises articles and reads them back as a
// crawler would: the page shows its latest revision's marker, a
// conditional fetch of an unchanged page gets 304, and the feed and
// sitemap date a revision after any fetch of the one before.
func TestSite(t *testing.T) {
	s, err := NewSite(rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v1 := s.Publish(1)
	if !v1.Keyword || v1.Rev != 1 || v1.N != 1 {
		t.Fatalf("first publication = %+v", v1)
	}
	code, h, page := get(t, v1.URL)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", v1.URL, code)
	}
	if n, rev, ok := Marker(page); !ok || n != 1 || rev != 1 {
		t.Errorf("page 1 marker = %d, %d, %v; want 1, 1", n, rev, ok)
	}
	if !strings.Contains(page, Keyword) {
		t.Errorf("page 1 does not mention %q", Keyword)
	}
	fetchedAt := time.Now()
	if code, _, _ := get(t, v1.URL, "If-None-Match", h.Get("ETag")); code != http.StatusNotModified {
		t.Errorf("conditional GET of an unchanged page: %d, want 304", code)
	}

	v2, ok := s.Revise(2)
	if !ok {
		t.Fatal("Revise(2) revised nothing")
	}
	if !v2.Modified.After(fetchedAt) || !v2.Modified.After(v1.Modified) {
		t.Errorf("revision 2 dated %s, not after the fetch of revision 1 at %s", v2.Modified, fetchedAt)
	}
	if v2.Rev != 2 || !v2.Keyword {
		t.Errorf("revision = %+v", v2)
	}
	if code, _, page := get(t, v1.URL, "If-None-Match", h.Get("ETag")); code != http.StatusOK {
		t.Errorf("conditional GET of a revised page: %d, want 200", code)
	} else if n, rev, _ := Marker(page); n != 1 || rev != 2 {
		t.Errorf("revised page marker = %d, %d; want 1, 2", n, rev)
	}
	if _, ok := s.Revise(2); ok {
		t.Error("Revise(2) revised an article that has two revisions")
	}
	if v := s.Publish(0); v.N != 2 || v.Keyword {
		t.Errorf("second article = %+v, want number 2 without the keyword", v)
	}

	modified := v2.Modified.UTC().Format(time.RFC3339)
	if _, _, feed := get(t, s.FeedURL()); !strings.Contains(feed, "<updated>"+modified+"</updated>") {
		t.Errorf("feed does not date the revision %s:\n%s", modified, feed)
	}
	if _, _, sm := get(t, s.SitemapURL()); !strings.Contains(sm, "<loc>"+v1.URL+"</loc><lastmod>"+modified+"</lastmod>") {
		t.Errorf("sitemap does not date the revision %s:\n%s", modified, sm)
	}
	if got := len(s.Versions()); got != 3 {
		t.Errorf("%d versions, want 3", got)
	}
}
