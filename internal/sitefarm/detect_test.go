package sitefarm

import (
	"testing"
	"time"
)

// at returns a request to host from ua over [from, to] milliseconds
// after a fixed instant.
func at(host, path, ua string, from, to int) Request {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	return Request{Host: host, Path: path, UserAgent: ua,
		Start: t0.Add(time.Duration(from) * time.Millisecond), End: t0.Add(time.Duration(to) * time.Millisecond)}
}

func TestDuplicateFetches(t *testing.T) {
	tests := []struct {
		name  string
		log   []Request
		want  int
		again map[string]int
	}{
		{"empty", nil, 0, map[string]int{}},
		{"each once", []Request{at("a:1", "/news/0000.html", "p1", 0, 1), at("a:1", "/news/0001.html", "p2", 2, 3)}, 0, map[string]int{}},
		{"same path on two hosts is two articles", []Request{at("a:1", "/news/0000.html", "p1", 0, 1), at("b:1", "/news/0000.html", "p1", 0, 1)}, 0, map[string]int{}},
		{"three times counts two", []Request{
			at("a:1", "/news/0000.html", "p1", 0, 1), at("a:1", "/news/0000.html", "p2", 5, 6), at("a:1", "/news/0000.html", "p1", 9, 10),
		}, 2, map[string]int{"a:1/news/0000.html": 3}},
		{"feeds, sitemaps and fronts are re-polled, not duplicates", []Request{
			at("a:1", "/rss.xml", "p1", 0, 1), at("a:1", "/rss.xml", "p1", 5, 6), at("a:1", "/sitemap.xml", "p2", 9, 10),
			at("a:1", "/sitemap.xml", "p1", 11, 12), at("a:1", "/", "p1", 13, 14), at("a:1", "/", "p1", 15, 16),
			at("a:1", "/robots.txt", "p1", 17, 18), at("a:1", "/robots.txt", "p2", 19, 20),
		}, 0, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, again := DuplicateFetches(tt.log)
			if got != tt.want {
				t.Errorf("DuplicateFetches = %d, want %d", got, tt.want)
			}
			if len(again) != len(tt.again) {
				t.Errorf("again = %v, want %v", again, tt.again)
			}
			for u, n := range tt.again {
				if again[u] != n {
					t.Errorf("again[%s] = %d, want %d", u, again[u], n)
				}
			}
		})
	}
}

func TestDisallowedFetches(t *testing.T) {
	tests := []struct {
		name string
		log  []Request
		want int
	}{
		{"none", []Request{at("a:1", "/news/0000.html", "p1", 0, 1), at("a:1", "/robots.txt", "p1", 0, 1)}, 0},
		{"private page", []Request{at("a:1", "/private/login", "p1", 0, 1)}, 1},
		{"private with query", []Request{at("a:1", "/private/archive?from=3", "p1", 0, 1), at("b:1", "/private/admin", "p2", 0, 1)}, 2},
		{"a path that only starts like it", []Request{at("a:1", "/privateer.html", "p1", 0, 1), at("a:1", "/news/private/", "p1", 0, 1)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DisallowedFetches(tt.log); len(got) != tt.want {
				t.Errorf("DisallowedFetches = %v, want %d of them", got, tt.want)
			}
		})
	}
}

func TestOverlaps(t *testing.T) {
	const a = "/news/0000.html"
	tests := []struct {
		name  string
		log   []Request
		delay time.Duration
		want  int
	}{
		{"empty", nil, 100 * time.Millisecond, 0},
		{"one crawler, concurrent requests are its own business", []Request{
			at("h:1", a, "p1", 0, 50), at("h:1", a, "p1", 10, 60),
		}, 100 * time.Millisecond, 0},
		{"two crawlers, intervals overlap", []Request{
			at("h:1", a, "p1", 0, 50), at("h:1", a, "p2", 40, 90),
		}, 0, 1},
		{"two crawlers, touching ends count", []Request{
			at("h:1", a, "p1", 0, 50), at("h:1", a, "p2", 50, 90),
		}, 0, 1},
		{"two crawlers, disjoint, no delay", []Request{
			at("h:1", a, "p1", 0, 50), at("h:1", a, "p2", 51, 90),
		}, 0, 0},
		{"two crawlers, disjoint but closer than the delay", []Request{
			at("h:1", a, "p1", 0, 10), at("h:1", a, "p2", 60, 70),
		}, 100 * time.Millisecond, 1},
		{"two crawlers, the delay apart", []Request{
			at("h:1", a, "p1", 0, 10), at("h:1", a, "p2", 100, 110),
		}, 100 * time.Millisecond, 0},
		{"two crawlers on two hosts at once", []Request{
			at("h:1", a, "p1", 0, 50), at("g:1", a, "p2", 0, 50),
		}, 100 * time.Millisecond, 0},
		{"handover: the new owner waits the delay after the old owner's last start", []Request{
			at("h:1", a, "p1", 0, 10), at("h:1", a, "p1", 100, 110), at("h:1", a, "p2", 200, 210), at("h:1", a, "p2", 300, 310),
		}, 100 * time.Millisecond, 0},
		{"handover too early, one clash", []Request{
			at("h:1", a, "p1", 0, 10), at("h:1", a, "p1", 100, 110), at("h:1", a, "p2", 150, 160), at("h:1", a, "p2", 250, 260),
		}, 100 * time.Millisecond, 1},
		{"three crawlers at once: every pair counts", []Request{
			at("h:1", a, "p1", 0, 50), at("h:1", a, "p2", 10, 60), at("h:1", a, "p3", 20, 70),
		}, 0, 3},
		{"a long request clashes with a later one past the delay", []Request{
			at("h:1", a, "p1", 0, 500), at("h:1", a, "p1", 200, 210), at("h:1", a, "p2", 300, 310),
		}, 100 * time.Millisecond, 1},
		{"out of order in the log", []Request{
			at("h:1", a, "p2", 40, 90), at("h:1", a, "p1", 0, 50),
		}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Overlaps(tt.log, Fixed(tt.delay))
			if len(got) != tt.want {
				t.Fatalf("Overlaps = %d pairs %v, want %d", len(got), got, tt.want)
			}
			for _, o := range got {
				if o.First.Host != o.Second.Host || o.First.UserAgent == o.Second.UserAgent || o.Second.Start.Before(o.First.Start) {
					t.Errorf("malformed overlap %+v", o)
				}
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	log := []Request{
		at("h:1", "/robots.txt", "p1", 0, 1),
		at("h:1", "/news/0000.html", "p1", 100, 120),
		at("h:1", "/news/0000.html", "p2", 115, 125), // duplicate and overlap
		at("h:1", "/private/admin", "p2", 500, 510),
		at("g:1", "/news/0000.html", "p1", 0, 10),
		at("g:1", "/news/0001.html", "p1", 100, 110),
	}
	got := Summarize(log, Fixed(50*time.Millisecond))
	want := Summary{Requests: 6, ArticleFetches: 4, Articles: 3, Duplicates: 1, Disallowed: 1, Overlaps: 1, OverlappedHosts: 1}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
}
