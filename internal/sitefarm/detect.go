package sitefarm

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// IsArticle reports whether path is one of a site's article pages.
func IsArticle(path string) bool { return strings.HasPrefix(path, "/news/") }

// IsDisallowed reports whether path is under /private/, which every
// site's robots.txt disallows.
func IsDisallowed(path string) bool { return strings.HasPrefix(path, "/private/") }

// DuplicateFetches counts the fetches of article pages beyond the first
// of each (host, path): an article fetched three times counts 2. It also
// returns the fetch count of each article fetched more than once, keyed
// by host+path, so that a failing test can say which.
func DuplicateFetches(log []Request) (int, map[string]int) {
	counts := map[string]int{}
	for _, r := range log {
		if IsArticle(r.Path) {
			counts[r.Host+r.Path]++
		}
	}
	dups, again := 0, map[string]int{}
	for u, n := range counts {
		if n > 1 {
			dups += n - 1
			again[u] = n
		}
	}
	return dups, again
}

// DisallowedFetches returns the requests for paths robots.txt disallows.
func DisallowedFetches(log []Request) []Request {
	var out []Request
	for _, r := range log {
		if IsDisallowed(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// Overlap is a pair of requests to one host from two different crawlers
// (told apart by User-Agent) that broke politeness: First started no later
// than Second, and Second started before First ended or less than the
// host's delay after First started.
type Overlap struct {
	First, Second Request
}

// Overlaps returns every pair of requests to one host, from different
// User-Agents, whose [Start, End] intervals overlap or whose starts are
// closer than delay(host). Requests from one User-Agent are not compared:
// one crawler spacing its own requests is the crawler's own test's
// business; this finds two crawlers that both think they own a host.
func Overlaps(log []Request, delay func(host string) time.Duration) []Overlap {
	byHost := map[string][]Request{}
	for _, r := range log {
		byHost[r.Host] = append(byHost[r.Host], r)
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	var out []Overlap
	for _, h := range hosts {
		rs := byHost[h]
		slices.SortFunc(rs, byStart)
		d := delay(h)
		for i, a := range rs {
			// Sorted by start, so once a later request starts after a
			// has ended and a's delay is over, none after it can clash.
			for _, b := range rs[i+1:] {
				if b.Start.After(a.End) && b.Start.Sub(a.Start) >= d {
					break
				}
				if b.UserAgent != a.UserAgent {
					out = append(out, Overlap{First: a, Second: b})
				}
			}
		}
	}
	return out
}

// Fixed returns a delay function for Overlaps that gives every host d.
func Fixed(d time.Duration) func(string) time.Duration {
	return func(string) time.Duration { return d }
}

// Summary is what a farm's log says about a crawl.
type Summary struct {
	Requests        int // all requests answered
	ArticleFetches  int // requests for article pages
	Articles        int // distinct article pages fetched
	Duplicates      int // article fetches beyond the first of each
	Disallowed      int // requests under /private/
	Overlaps        int // see Overlaps
	OverlappedHosts int // hosts with at least one overlap
}

// Summarize counts what the detectors find in log with the given delay.
func Summarize(log []Request, delay func(host string) time.Duration) Summary {
	s := Summary{Requests: len(log)}
	distinct := map[string]bool{}
	for _, r := range log {
		if IsArticle(r.Path) {
			s.ArticleFetches++
			distinct[r.Host+r.Path] = true
		}
	}
	s.Articles = len(distinct)
	s.Duplicates, _ = DuplicateFetches(log)
	s.Disallowed = len(DisallowedFetches(log))
	ov := Overlaps(log, delay)
	s.Overlaps = len(ov)
	hosts := map[string]bool{}
	for _, o := range ov {
		hosts[o.First.Host] = true
	}
	s.OverlappedHosts = len(hosts)
	return s
}

// LastRequest returns the End of the latest request in log that match
// accepts, or the zero time if none does.
func LastRequest(log []Request, match func(Request) bool) time.Time {
	var last time.Time
	for _, r := range log {
		if match(r) && r.End.After(last) {
			last = r.End
		}
	}
	return last
}

// byStart orders requests by start, for stable output.
func byStart(a, b Request) int {
	return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.Host+a.Path, b.Host+b.Path))
}
