// Package server is wirewatch's web page and HTTP API: search with facets
// and timelines, single articles and stories, completion, export, saved
// searches with their alert log and RSS feeds, a live stream of new
// stories, and the comparison of several queries on one timeline. The API
// is described by openapi.json (served at /api/v1/openapi.json); its JSON
// field names are the article model's.
//
// The server reads through the small interfaces in store.go, which both
// the embedded store and Elasticsearch implement, and answers alike from
// either. Errors are RFC 9457 problem details.
package server

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

//go:embed web openapi.json
var assets embed.FS

// Limits bound what one request may ask. Zero values take the defaults.
type Limits struct {
	// MaxLimit is the most hits one page holds (default 100).
	MaxLimit int
	// MaxFacetSize is the most values one facet lists (default 50).
	MaxFacetSize int
	// MaxQueryLen is the longest query in bytes (default 2000).
	MaxQueryLen int
	// MaxBody is the largest request body in bytes (default 64 KiB).
	MaxBody int64
	// MaxSorted is the most stories a newest- or oldest-first search
	// orders when the query has free text (default 1000): the stores rank
	// such queries by relevance, so the server orders their best matches.
	MaxSorted int
	// Timeout bounds one API request other than export and stream
	// (default 30s).
	Timeout time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxLimit <= 0 {
		l.MaxLimit = 100
	}
	if l.MaxFacetSize <= 0 {
		l.MaxFacetSize = 50
	}
	if l.MaxQueryLen <= 0 {
		l.MaxQueryLen = 2000
	}
	if l.MaxBody <= 0 {
		l.MaxBody = 64 << 10
	}
	if l.MaxSorted <= 0 {
		l.MaxSorted = 1000
	}
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	return l
}

// Options configures a Server.
type Options struct {
	// Store is where articles are read; required.
	Store Store
	// Alerts holds saved searches; nil turns the alert endpoints into 503s.
	Alerts Alerts
	// NotFound reports whether an error of Store.Get or Alerts.Remove
	// means the id does not exist.
	NotFound func(error) bool
	// CheckWebhook vets a saved search's webhook URL before it is saved
	// (see package netpolicy); nil accepts any http or https URL.
	CheckWebhook func(ctx context.Context, rawURL string) error
	// NewSecret returns a webhook signing secret for a new saved search;
	// nil saves searches without one.
	NewSecret func() (string, error)
	// Token, when not empty, is the bearer token every /api/ request needs.
	Token string
	// Ops serves /metrics, /livez and /readyz, which stay open without
	// the token; nil leaves them out.
	Ops http.Handler
	// Observe, if set, is told of every request: its route pattern (not
	// the raw path, to keep the label set small), status and duration.
	Observe func(route string, code int, d time.Duration)
	Logger  *slog.Logger
	Limits  Limits
	// StreamPoll is how often a live stream looks for new stories
	// (default 2s); StreamHeartbeat how often it sends a comment to keep
	// proxies from closing it (default 15s).
	StreamPoll, StreamHeartbeat time.Duration
	// ShareCache is how long counts are reused: the count of all articles
	// per period (the denominator of a timeline's shares), and a query's
	// total, facets and timeline, which read every match and are asked
	// again as an analyst pages, sorts or returns (default 30s). Hits are
	// never cached.
	ShareCache time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is the web page and API as an http.Handler.
type Server struct {
	opts   Options
	limits Limits
	log    *slog.Logger
	now    clock
	mux    *http.ServeMux

	mu     sync.Mutex
	shares map[shareKey]shareEntry
	counts map[string]countEntry
}

// New returns a server over opts.Store.
func New(opts Options) (*Server, error) {
	if opts.Store == nil {
		return nil, errors.New("server: no store")
	}
	if opts.NotFound == nil {
		opts.NotFound = func(error) bool { return false }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.StreamPoll <= 0 {
		opts.StreamPoll = 2 * time.Second
	}
	if opts.StreamHeartbeat <= 0 {
		opts.StreamHeartbeat = 15 * time.Second
	}
	if opts.ShareCache <= 0 {
		opts.ShareCache = 30 * time.Second
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{opts: opts, limits: opts.Limits.withDefaults(), log: opts.Logger, now: now,
		shares: map[shareKey]shareEntry{}, counts: map[string]countEntry{}}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	api := func(pattern string, h func(http.ResponseWriter, *http.Request) *problem) {
		m.Handle(pattern, s.apiHandler(h))
	}
	api("GET /api/v1/search", s.search)
	api("POST /api/v1/compare", s.compare)
	api("GET /api/v1/articles/{id}", s.article)
	api("GET /api/v1/stories/{story_id}", s.story)
	api("GET /api/v1/suggest", s.suggest)
	api("GET /api/v1/export", s.export)
	api("GET /api/v1/alerts", s.listAlerts)
	api("POST /api/v1/alerts", s.addAlert)
	api("DELETE /api/v1/alerts/{id}", s.removeAlert)
	api("GET /api/v1/alerts/log", s.alertLog)
	api("GET /api/v1/alerts/{id}/feed.rss", s.alertFeed)
	api("GET /api/v1/stream", s.stream)
	api("GET /api/v1/openapi.json", s.openAPI)
	api("/api/", func(w http.ResponseWriter, r *http.Request) *problem {
		return notFound("no API endpoint %s %s (see /api/v1/openapi.json)", r.Method, r.URL.Path)
	})
	if s.opts.Ops != nil {
		for _, p := range []string{"/metrics", "/livez", "/readyz"} {
			m.Handle(p, s.opts.Ops)
		}
	}
	web, _ := fs.Sub(assets, "web")
	files := http.FileServerFS(web)
	m.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The page's state lives in its URL's query string, so every
		// path that is not an asset is the page itself.
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Path != "/" && !strings.HasPrefix(r.URL.Path, "/assets/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
	s.mux = m
}

// ServeHTTP serves the page and the API with the security headers every
// response carries, and reports each request to Options.Observe.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	if s.opts.Observe != nil {
		_, pattern := s.mux.Handler(r)
		route := pattern
		if route == "" {
			route = "other"
		}
		s.opts.Observe(route, rec.code, time.Since(start))
	}
}

// statusRecorder remembers the status a handler sent.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// apiHandler checks the token, bounds the body, and sends a handler's
// problem as problem+json.
func (s *Server) apiHandler(h func(http.ResponseWriter, *http.Request) *problem) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.opts.Token != "" && !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wirewatch"`)
			writeProblem(w, r, &problem{Type: typeUnauthorized, Title: "Unauthorized", Status: http.StatusUnauthorized,
				Detail: "this server needs an API token: send Authorization: Bearer TOKEN"})
			return
		}
		if len(r.URL.RawQuery) > 4*s.limits.MaxQueryLen {
			writeProblem(w, r, &problem{Type: typeTooLarge, Title: "Request too large", Status: http.StatusRequestURITooLong,
				Detail: "the query string is too long"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.limits.MaxBody)
		if p := h(w, r); p != nil {
			if p.Status >= 500 {
				s.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", p.Detail)
			}
			writeProblem(w, r, p)
		}
	})
}

// authorized compares the bearer token in constant time.
func (s *Server) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.opts.Token)) == 1
}

// internal is the problem for a store failure. The error is logged, not
// sent: it may name files or hosts.
func (s *Server) internal(r *http.Request, err error) *problem {
	if errors.Is(err, context.DeadlineExceeded) {
		return &problem{Type: typeUnavailable, Title: "Timed out", Status: http.StatusServiceUnavailable,
			Detail: "the store did not answer in time; narrow the query or try again"}
	}
	s.log.Error("api: store", "method", r.Method, "path", r.URL.Path, "err", err)
	return &problem{Type: typeInternal, Title: "Internal error", Status: http.StatusInternalServerError,
		Detail: "the store failed to answer; the server log has the cause"}
}

// withTimeout bounds a request's work by Limits.Timeout.
func (s *Server) withTimeout(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.limits.Timeout)
}

// shareKey and shareEntry cache the count of all articles per period.
type shareKey struct {
	iv query.Interval
	// dates is the query's date bounds as written; a relative one
	// (now-7d) moves, but by less than the cache lives.
	dates string
}

type shareEntry struct {
	at      time.Time
	buckets map[time.Time]int
}

// countEntry is a cached total, facets or timeline of one query.
type countEntry struct {
	at    time.Time
	value any
}

// maxCounts bounds the cached counts.
const maxCounts = 512

// cached returns the value fill computes for key, reused for
// Options.ShareCache. Concurrent misses of one key compute it twice, which
// is harmless.
func cached[T any](s *Server, key string, fill func() (T, error)) (T, error) {
	now := s.now()
	s.mu.Lock()
	e, ok := s.counts[key]
	s.mu.Unlock()
	if ok && now.Sub(e.at) < s.opts.ShareCache {
		return e.value.(T), nil
	}
	v, err := fill()
	if err != nil {
		return v, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.counts) >= maxCounts {
		for k, old := range s.counts {
			if now.Sub(old.at) >= s.opts.ShareCache || len(s.counts) >= maxCounts {
				delete(s.counts, k)
			}
		}
	}
	s.counts[key] = countEntry{at: now, value: v}
	return v, nil
}
