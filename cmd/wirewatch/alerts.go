package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/internal/redact"
	"github.com/wirewatch/wirewatch/netpolicy"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

func alertsCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("alerts", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return &ffcli.Command{
		Name:       "alerts",
		ShortUsage: "wirewatch alerts add|list|rm|log [flags] [args]",
		ShortHelp:  "saved searches that alert once per new matching story",
		LongHelp: "A saved search fires once per story: the first stored copy of a story that matches\n" +
			"alerts, later syndicated copies, re-crawls and redeliveries do not. A running `run`\n" +
			"re-reads the saved searches every 10 seconds; alerts go to its --alerts-out and, for\n" +
			"a search with --webhook, are POSTed as JSON (retried from a durable outbox).",
		FlagSet:     fs,
		Subcommands: []*ffcli.Command{alertsAddCmd(e), alertsListCmd(e), alertsRmCmd(e), alertsLogCmd(e)},
		Exec:        func(context.Context, []string) error { return flag.ErrHelp },
	}
}

// openAlerts checks the common flags and opens the store, creating it, so
// that searches can be saved before the first run.
func openAlerts(ctx context.Context, e env, c *common) (*sqlite.Store, error) {
	if _, err := c.logger(e.stderr); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, c.Data)
}

func alertsAddCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("alerts add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c common
	c.register(fs)
	name := fs.String("name", "", "name of the saved search (default: the query)")
	webhook := fs.String("webhook", "", "http(s) URL alerts of this search are POSTed to as JSON, signed with a secret printed once")
	allowPrivate := fs.Bool("allow-private-webhooks", false, "allow a webhook on a loopback, private, link-local or metadata address")
	return &ffcli.Command{
		Name:       "add",
		ShortUsage: "wirewatch alerts add [--data DIR] [--name NAME] [--webhook URL] QUERY",
		ShortHelp:  "save a search to alert on",
		LongHelp:   "QUERY is in the search language of `wirewatch search`; it must not be empty.",
		FlagSet:    fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			qs := strings.TrimSpace(strings.Join(args, " "))
			// Parsed to refuse a bad query now; kept as the analyst typed it.
			if _, err := alert.ParseQuery(qs); err != nil {
				return fmt.Errorf("alerts add: query %q: %w", qs, err)
			}
			if *webhook != "" {
				u, err := url.Parse(*webhook)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("alerts add: --webhook %s: want an http or https URL", redact.URL(*webhook))
				}
				if err := (netpolicy.URLs{AllowPrivate: *allowPrivate}).CheckURL(ctx, *webhook); err != nil {
					return fmt.Errorf("alerts add: --webhook: %w (--allow-private-webhooks allows an internal receiver)", err)
				}
			}
			var secret string
			if *webhook != "" {
				var err error
				if secret, err = alert.NewSecret(); err != nil {
					return err
				}
			}
			st, err := openAlerts(ctx, e, &c)
			if err != nil {
				return err
			}
			defer st.Close()
			n := strings.TrimSpace(*name)
			if n == "" {
				n = qs
			}
			s, err := alert.NewSQLiteStore(st).Add(ctx, alert.Search{Name: n, Query: qs, Webhook: *webhook, Secret: secret})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "saved search %d %q: %s\n", s.ID, s.Name, s.Query)
			if secret != "" {
				fmt.Fprintf(e.stdout, "webhook signing secret (shown once; see Standard Webhooks): %s\n", secret)
			}
			return nil
		},
	}
}

func alertsListCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("alerts list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per saved search")
	return &ffcli.Command{
		Name: "list", ShortUsage: "wirewatch alerts list [--data DIR] [--json]", ShortHelp: "list saved searches",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			st, err := openAlerts(ctx, e, &c)
			if err != nil {
				return err
			}
			defer st.Close()
			list, err := alert.NewSQLiteStore(st).Searches(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(e.stdout)
				for _, s := range list {
					if err := enc.Encode(s); err != nil {
						return err
					}
				}
				return nil
			}
			if len(list) == 0 {
				fmt.Fprintln(e.stdout, "no saved searches (add one with `wirewatch alerts add --name NAME QUERY`)")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tQUERY\tWEBHOOK")
			for _, s := range list {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.ID, s.Name, s.Query, s.Webhook)
			}
			return tw.Flush()
		},
	}
}

func alertsRmCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("alerts rm", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c common
	c.register(fs)
	return &ffcli.Command{
		Name: "rm", ShortUsage: "wirewatch alerts rm [--data DIR] ID", ShortHelp: "delete a saved search and its fired alerts",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			if len(args) != 1 {
				return errors.New("alerts rm: give one saved search id (see `wirewatch alerts list`)")
			}
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("alerts rm: %q is not a saved search id", args[0])
			}
			st, err := openAlerts(ctx, e, &c)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := alert.NewSQLiteStore(st).Remove(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "removed saved search %d\n", id)
			return nil
		},
	}
}

func alertsLogCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("alerts log", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c common
	c.register(fs)
	limit := fs.Int("limit", 20, "most alerts shown")
	asJSON := fs.Bool("json", false, "print one alert JSON per line")
	return &ffcli.Command{
		Name: "log", ShortUsage: "wirewatch alerts log [--data DIR] [--limit N] [--json]", ShortHelp: "show fired alerts, newest first",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			if *limit < 1 {
				return errors.New("--limit must be at least 1")
			}
			st, err := openAlerts(ctx, e, &c)
			if err != nil {
				return err
			}
			defer st.Close()
			fired, err := alert.NewSQLiteStore(st).Fired(ctx, *limit)
			if err != nil {
				return err
			}
			if *asJSON {
				sink := alert.NewLines(e.stdout)
				for _, a := range fired {
					if err := sink.Send(ctx, a); err != nil {
						return err
					}
				}
				return nil
			}
			if len(fired) == 0 {
				fmt.Fprintln(e.stdout, "no alerts fired yet")
			}
			for _, a := range fired {
				fmt.Fprintf(e.stdout, "%s  [%d %s]  %s  %s\n      %s\n", a.FiredAt.Local().Format(time.DateTime),
					a.SearchID, a.SearchName, a.Site, a.Title, a.URL)
			}
			return nil
		},
	}
}
