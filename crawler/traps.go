package crawler

import (
	"container/list"
	"hash/fnv"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

// sessionParams are query parameters that name a visitor's session, never
// the resource; a site that puts them in links would otherwise offer every
// page under endless URLs.
var sessionParams = map[string]bool{
	"sid": true, "sessionid": true, "session_id": true, "session": true, "sessid": true,
	"phpsessid": true, "jsessionid": true, "aspsessionid": true, "cfid": true, "cftoken": true,
	"s": true, // only when the value looks like a token, see isSessionValue
}

var sessionValue = regexp.MustCompile(`^[0-9A-Za-z_-]{16,}$`)

// stripSession drops session ids from a canonical URL: the listed query
// parameters (s= only with a token-like value) and ";jsessionid=..." path
// parameters.
func stripSession(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	changed := false
	if i := strings.Index(strings.ToLower(p.Path), ";jsessionid="); i >= 0 {
		p.Path, p.RawPath, changed = p.Path[:i], "", true
	}
	if p.RawQuery != "" {
		// Pairs are dropped one by one and the rest kept verbatim:
		// url.Values would also drop the pairs it cannot parse (a ';'
		// separator, a bad escape), merging URLs of different articles.
		parts := strings.Split(p.RawQuery, "&")
		names := map[string]int{}
		for _, part := range parts {
			k, _ := sessionPair(part)
			names[k]++
		}
		kept := parts[:0]
		for _, part := range parts {
			k, v := sessionPair(part)
			if sessionParams[k] && (k != "s" || names[k] == 1 && sessionValue.MatchString(v)) {
				changed = true
				continue
			}
			kept = append(kept, part)
		}
		if changed {
			p.RawQuery = strings.Join(kept, "&")
		}
	}
	if !changed {
		return u
	}
	if c, err := urlcanon.Canonicalize(p.String()); err == nil {
		return c
	}
	return u
}

// sessionPair returns the lowercase name and the value of one raw query
// pair, unescaped where they unescape.
func sessionPair(part string) (string, string) {
	k, v, _ := strings.Cut(part, "=")
	if uk, err := url.QueryUnescape(k); err == nil {
		k = uk
	}
	if uv, err := url.QueryUnescape(v); err == nil {
		v = uv
	}
	return strings.ToLower(k), v
}

// trapFilter refuses discovered URLs that look like an infinite URL space.
// Its memory of query variants is a bounded LRU, so it stays small on any
// crawl; forgetting a path only lets a few more variants through, which the
// depth and page limits still bound.
type trapFilter struct {
	maxLen      int
	maxVariants int

	mu    sync.Mutex
	paths map[string]*list.Element // host+path+param names → variants
	lru   *list.List
}

type variantCount struct {
	key  string
	seen map[uint64]struct{} // hashes of distinct query strings, at most maxVariants
}

const (
	maxTrapPaths     = 10_000
	maxPathSegments  = 15
	maxSegmentRepeat = 3
)

func newTrapFilter(maxLen, maxVariants int) *trapFilter {
	return &trapFilter{maxLen: maxLen, maxVariants: maxVariants, paths: map[string]*list.Element{}, lru: list.New()}
}

// check returns why u should not be queued, or "".
func (t *trapFilter) check(u string) string {
	if len(u) > t.maxLen {
		return "URL too long"
	}
	p, err := url.Parse(u)
	if err != nil {
		return "bad URL"
	}
	segs := strings.FieldsFunc(p.Path, func(r rune) bool { return r == '/' })
	if len(segs) > maxPathSegments {
		return "too many path segments"
	}
	count := map[string]int{}
	for _, s := range segs {
		count[s]++
		if count[s] >= maxSegmentRepeat {
			return "repeated path segment"
		}
	}
	if p.RawQuery == "" {
		return ""
	}
	names := make([]string, 0, 4)
	for k := range p.Query() {
		names = append(names, k)
	}
	sort.Strings(names)
	key := strings.ToLower(p.Host) + p.Path + "?" + strings.Join(names, "&")
	t.mu.Lock()
	defer t.mu.Unlock()
	el := t.paths[key]
	if el == nil {
		el = t.lru.PushFront(&variantCount{key: key, seen: map[uint64]struct{}{}})
		t.paths[key] = el
		if t.lru.Len() > maxTrapPaths {
			old := t.lru.Back()
			t.lru.Remove(old)
			delete(t.paths, old.Value.(*variantCount).key)
		}
	}
	t.lru.MoveToFront(el)
	vc := el.Value.(*variantCount)
	h := fnv.New64a()
	h.Write([]byte(p.RawQuery))
	sum := h.Sum64()
	if _, ok := vc.seen[sum]; ok {
		return ""
	}
	if len(vc.seen) >= t.maxVariants {
		return "too many query variants of one path"
	}
	vc.seen[sum] = struct{}{}
	return ""
}

// recentLinks remembers the links queued lately, so that the links every
// page repeats (menus, "most read") are not offered to the store again and
// again. It is a cache in front of the frontier, which stays the authority:
// it holds two generations of at most recentGen hashes, dropping the older
// when the newer fills, so its memory is fixed. A 64-bit hash collision
// could hide a new link; at these sizes that is about one in 10^9 crawls.
type recentLinks struct {
	mu       sync.Mutex
	cur, old map[uint64]struct{}
}

const recentGen = 1 << 16

func newRecentLinks() *recentLinks {
	return &recentLinks{cur: map[uint64]struct{}{}, old: map[uint64]struct{}{}}
}

// fresh drops the entries queued lately and remembers the rest. An entry
// with a modified time always passes, unremembered: the frontier must see
// it to compare the time with the URL's last fetch, and a later modified
// time of a link seen a moment ago is exactly what must not be hidden.
// (Links found on pages carry none; feeds and sitemaps, which give them,
// go to the frontier directly.)
func (r *recentLinks) fresh(entries []frontier.Entry) []frontier.Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := entries[:0]
	for _, e := range entries {
		if e.Modified != nil {
			out = append(out, e)
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(e.URL))
		k := h.Sum64()
		if _, ok := r.cur[k]; ok {
			continue
		}
		if _, ok := r.old[k]; ok {
			r.cur[k] = struct{}{}
			continue
		}
		if len(r.cur) >= recentGen {
			r.old, r.cur = r.cur, make(map[uint64]struct{}, recentGen)
		}
		r.cur[k] = struct{}{}
		out = append(out, e)
	}
	return out
}

// redirectHops remembers, for redirect targets queued on another host, how
// many redirects led there, so that a chain bouncing between hosts ends at
// MaxRedirects like one followed inline. Like recentLinks it keeps two
// generations of at most recentGen hashes, so its memory is fixed; a chain
// whose count was forgotten (or cut by a restart) only starts counting
// again, which still bounds it.
type redirectHops struct {
	mu       sync.Mutex
	cur, old map[uint64]int
}

func newRedirectHops() *redirectHops {
	return &redirectHops{cur: map[uint64]int{}, old: map[uint64]int{}}
}

func urlHash(u string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(u))
	return h.Sum64()
}

// get returns the redirects that led to u (0 if none are known).
func (r *redirectHops) get(u string) int {
	k := urlHash(u)
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.cur[k]; ok {
		return n
	}
	return r.old[k]
}

// put records that n redirects led to u.
func (r *redirectHops) put(u string, n int) {
	k := urlHash(u)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cur) >= recentGen {
		r.old, r.cur = r.cur, make(map[uint64]int, recentGen)
	}
	r.cur[k] = n
}
