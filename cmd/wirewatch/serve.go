package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// serveFlags are the settings of the web page and API, shared by serve,
// run and demo.
type serveFlags struct {
	tokenFile      string
	token          string
	insecureNoAuth bool
	allowPrivate   bool
}

func (s *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.tokenFile, "api-token-file", "", "file holding the bearer token every /api/ request must send")
	fs.StringVar(&s.token, "api-token", "", "the bearer token itself; prefer WIREWATCH_API_TOKEN or --api-token-file, as flags show in process lists")
	fs.BoolVar(&s.insecureNoAuth, "insecure-no-auth", false, "serve a non-loopback --listen address without an API token")
	fs.BoolVar(&s.allowPrivate, "allow-private-webhooks", false, "allow webhooks to loopback, private, link-local and metadata addresses")
}

// apiToken reads the token and refuses an open API on a non-loopback
// address.
func (s *serveFlags) apiToken(listen string) (string, error) {
	token := strings.TrimSpace(s.token)
	if s.tokenFile != "" {
		b, err := os.ReadFile(s.tokenFile)
		if err != nil {
			return "", fmt.Errorf("--api-token-file: %w", err)
		}
		if token = strings.TrimSpace(string(b)); token == "" {
			return "", fmt.Errorf("--api-token-file %s is empty", s.tokenFile)
		}
	}
	if token == "" && !s.insecureNoAuth && !loopback(listen) {
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

func serveCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs)
	var es elastic.Config
	es.RegisterFlags(fs)
	var sf serveFlags
	sf.register(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "address of the web page, the API, /metrics, /livez and /readyz")
	return &ffcli.Command{
		Name:       "serve",
		ShortUsage: "wirewatch serve [--data DIR | --es-url URL ...] [--listen ADDR] [--api-token-file FILE]",
		ShortHelp:  "serve the web page, the HTTP API, metrics and health checks",
		LongHelp: "serve answers searches, facets, timelines, articles, exports and saved searches over\n" +
			"HTTP (JSON under /api/v1, described at /api/v1/openapi.json) and serves the web page at /.\n" +
			"It reads the embedded store under --data or, with --es-url, Elasticsearch; saved\n" +
			"searches always live in the embedded store under --data. With --api-token-file (or\n" +
			"WIREWATCH_API_TOKEN) every /api/ request needs Authorization: Bearer TOKEN; an address\n" +
			"other than loopback needs a token unless --insecure-no-auth. /metrics, /livez and\n" +
			"/readyz stay open.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
				return err
			}
			token, err := sf.apiToken(*listen)
			if err != nil {
				return err
			}
			var st server.Store
			var ready metrics.Check
			var local *sqlite.Store
			if es.Enabled() {
				esStore, err := elastic.OpenExisting(ctx, es, log)
				if err != nil {
					return err
				}
				st = esStore
				ready = metrics.Check{Name: "elasticsearch", Check: func(ctx context.Context) error { _, err := esStore.Count(ctx); return err }}
				// Saved searches live in the embedded store even then.
				if local, err = sqlite.Open(ctx, c.data); err != nil {
					return err
				}
			} else {
				if local, err = openExisting(ctx, c.data); err != nil {
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
			reg := metrics.New(version)
			reg.Gauge("store_articles", "Articles in the store the server reads.", func() float64 {
				n, err := st.Total(context.Background(), query.Query{})
				if err != nil {
					return -1
				}
				return float64(n)
			})
			outboxMetrics(reg, local, log)
			ln, err := net.Listen("tcp", *listen)
			if err != nil {
				return fmt.Errorf("--listen: %w", err)
			}
			h, err := newServer(st, local, token, sf, reg, log, ready)
			if err != nil {
				ln.Close()
				return err
			}
			fmt.Fprintf(e.stderr, "serving http://%s/ (Ctrl-C to stop)\n", ln.Addr())
			err = metrics.Serve(ctx, ln, h)
			if ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
}

// newServer builds the web page and API over st, with saved searches in
// local.
func newServer(st server.Store, local *sqlite.Store, token string, sf serveFlags, reg *metrics.Registry, log *slog.Logger, checks ...metrics.Check) (*server.Server, error) {
	policy := webhooks{allowPrivate: sf.allowPrivate}.policy()
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
