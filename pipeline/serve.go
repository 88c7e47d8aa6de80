package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// RunServe runs serve: the web page, the JSON API, /metrics, /livez and
// /readyz on cfg.Listen, over the embedded store under cfg.Data (which must
// exist) or, with cfg.ES, Elasticsearch; saved searches live in the
// embedded store either way. It validates cfg first, and returns nil when
// ctx ends.
func RunServe(ctx context.Context, cfg ServeConfig, env Env) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := cfg.Logger(env.Stderr)
	if err != nil {
		return err
	}
	token, err := apiToken(cfg.API, cfg.Listen)
	if err != nil {
		return err
	}
	var st server.Store
	var ready metrics.Check
	var local *sqlite.Store
	if cfg.ES.Enabled() {
		esStore, err := elastic.OpenExisting(ctx, cfg.ES, log)
		if err != nil {
			return err
		}
		st = esStore
		ready = metrics.Check{Name: "elasticsearch", Check: func(ctx context.Context) error { _, err := esStore.Count(ctx); return err }}
		// Saved searches live in the embedded store even then.
		if local, err = sqlite.Open(ctx, cfg.Data); err != nil {
			return err
		}
	} else {
		if local, err = OpenExisting(ctx, cfg.Data); err != nil {
			return err
		}
		st = local
		ready = metrics.Check{Name: "store", Check: func(ctx context.Context) error { _, err := local.Count(ctx); return err }}
		// The store reads what it counts (facets, timelines,
		// totals) once, seconds for a large store: now, rather
		// than in the first search.
		go func() {
			if _, err := local.Total(ctx, query.Query{}); err != nil && ctx.Err() == nil {
				log.Warn("reading the store's count columns", "err", err)
			}
		}()
	}
	defer local.Close()
	reg := metrics.New(env.Version)
	reg.Gauge("store_articles", "Articles in the store the server reads.", func() float64 {
		n, err := st.Total(context.Background(), query.Query{})
		if err != nil {
			return -1
		}
		return float64(n)
	})
	outboxMetrics(reg, local, log)
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	h, err := newServer(st, local, token, cfg.AllowPrivateWebhooks, reg, log, ready)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(env.Stderr, "serving http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	err = metrics.Serve(ctx, ln, h)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// OpenExisting opens the embedded store under dir, which must exist
// already (StoreExists).
func OpenExisting(ctx context.Context, dir string) (*sqlite.Store, error) {
	if err := StoreExists(dir); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, dir)
}

// StoreExists returns an error unless dir holds an embedded store, so that
// a mistyped --data is an error rather than a silently empty result.
func StoreExists(dir string) error {
	if _, err := os.Stat(dir + "/" + sqlite.FileName); err != nil {
		return fmt.Errorf("no store in %s (run `wirewatch run` or `wirewatch demo` first): %w", dir, err)
	}
	return nil
}

// apiToken reads the token of a and refuses an open API on a non-loopback
// listen address.
func apiToken(a APIFlags, listen string) (string, error) {
	token := strings.TrimSpace(a.Token)
	if a.TokenFile != "" {
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return "", fmt.Errorf("--api-token-file: %w", err)
		}
		if token = strings.TrimSpace(string(b)); token == "" {
			return "", fmt.Errorf("--api-token-file %s is empty", a.TokenFile)
		}
	}
	if token == "" && !a.InsecureNoAuth && !loopback(listen) {
		return "", fmt.Errorf("--listen %s is reachable from other machines: give --api-token-file (or WIREWATCH_API_TOKEN), "+
			"or --insecure-no-auth to serve without one", listen)
	}
	return token, nil
}

// loopback reports whether addr listens on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newServer builds the web page and API over st, with saved searches in
// local; allowPrivate allows webhooks to internal addresses.
func newServer(st server.Store, local *sqlite.Store, token string, allowPrivate bool, reg *metrics.Registry, log *slog.Logger, checks ...metrics.Check) (*server.Server, error) {
	policy := webhooks{allowPrivate: allowPrivate}.policy()
	return server.New(server.Options{
		Store:        st,
		Alerts:       alert.NewSQLiteStore(local),
		CheckWebhook: policy.CheckURL,
		NewSecret:    alert.NewSecret,
		NotFound: func(err error) bool {
			return errors.Is(err, sqlite.ErrNotFound) || errors.Is(err, elastic.ErrNotFound) || errors.Is(err, alert.ErrNoSearch)
		},
		Token:   token,
		Ops:     reg.Ops(log, checks...),
		Observe: reg.ObserveHTTP,
		Logger:  log,
	})
}
