package main

import (
	"context"
	"flag"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/pipeline"
)

func serveCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg pipeline.ServeConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
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
			if err := cfg.Validate(); err != nil {
				return err
			}
			return pipeline.RunServe(ctx, cfg, e.roleEnv("serve"))
		},
	}
}
