package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
)

// reader is what search and export read: the embedded store or
// Elasticsearch, which answer the same queries alike.
type reader interface {
	Search(ctx context.Context, q query.Query, limit int) ([]query.Hit, error)
	SearchStories(ctx context.Context, q query.Query, limit int) ([]query.Hit, error)
	Scan(ctx context.Context, q query.Query, after string, fn func(*article.Article) error) error
	Facets(ctx context.Context, q query.Query, n int) (query.Facets, error)
	Timeline(ctx context.Context, q query.Query, iv query.Interval) ([]query.Bucket, error)
	Close() error
}

// openReader opens Elasticsearch when es names a cluster, else the
// embedded store under dir; either must exist already.
func openReader(ctx context.Context, dir string, es elastic.Config, log *slog.Logger) (reader, error) {
	if !es.Enabled() {
		return pipeline.OpenExisting(ctx, dir)
	}
	st, err := elastic.OpenExisting(ctx, es, log)
	if err != nil {
		return nil, err
	}
	return esReader{st}, nil
}

// esReader is the Elasticsearch store as a reader.
type esReader struct{ *elastic.Store }

// Close does nothing: the client holds no resources beyond idle
// connections.
func (esReader) Close() error { return nil }

func searchCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	var c common
	c.register(fs)
	var es elastic.Config
	es.RegisterFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per hit (with --facets or --timeline, one object in all)")
	limit := fs.Int("limit", 10, "most hits (stories, or articles with --all) shown")
	all := fs.Bool("all", false, "list every syndicated copy instead of one hit per story")
	facets := fs.Bool("facets", false, "also count the top people, places, organisations and sites of all matching articles")
	facetLimit := fs.Int("facet-limit", 10, "most values shown per facet")
	timeline := fs.String("timeline", "", "also count matching articles per period: hour, day, week or month")
	explain := fs.Bool("explain", false, "print how the query was read, as a tree, and search nothing")
	return &ffcli.Command{
		Name:       "search",
		ShortUsage: "wirewatch search [--data DIR | --es-url URL] [--json] [--all] [--limit N] [--facets] [--timeline hour|day|week|month] [--explain] QUERY",
		ShortHelp:  "search stored articles",
		LongHelp: "QUERY is free text: words must all occur (stemmed: withdraw finds withdrawal),\n" +
			"\"quoted phrases\", \"a b\"~N (within N words, any order), prefix* (3 letters or more),\n" +
			"combined with AND, OR, NOT (upper case), -word and parentheses:\n" +
			"  (withdraw* OR pullout OR \"pull out\") AND (troops OR forces) NOT \"cash withdrawal\"\n" +
			"Filters: person: place: org: (tagged names, whole words), site: (and subdomains),\n" +
			"lang: section: author: story: title: and field:(a OR b); quote values with spaces,\n" +
			"e.g. person:\"Sergey Lavrov\". Repeating a filter matches any of its values.\n" +
			"since: and until: (2024-05-31, an RFC 3339 time, today, now-7d, now-12h) bound the\n" +
			"published date, inclusive, in UTC; an article without one is dated by its fetch.\n" +
			"figure:money>1000000, figure:quantity>=100 compare extracted figures.\n" +
			"event:withdrawal, event:new-withdrawal (announced as news), event.kind:military,\n" +
			"event.status:announced, event.actor:Russia (words of the actor, or its country,\n" +
			"e.g. event.actor:RU) match tagged withdrawal events; event filters ANDed together\n" +
			"hold for one event, -event:... means the article has no such event.\n" +
			"--explain prints how the query was read. A query has at most 64 terms and runs\n" +
			"for at most 10 s.\n\n" +
			"Each story is shown once: its best-ranked matching copy, with the number of other\n" +
			"matching copies (\"+2 copies\"); --all lists every copy. --json prints one object per\n" +
			"hit with story_id and copies (matching articles the hit stands for, 1 with --all),\n" +
			"and events (type, kind, status, actor, from, new_announcement) when it has some.\n" +
			"--facets and --timeline count every matching article, copies included, not only\n" +
			"the hits shown: the top --facet-limit names, sites, event kinds and event actors,\n" +
			"and the articles per UTC day, week (from Monday) or month by published date, else\n" +
			"fetch date. With --json, hits,\n" +
			"facets and timeline then come as one JSON object {hits, facets, interval, timeline}.\n" +
			"With --es-url (and the other --es-* flags of the index role) the search runs on\n" +
			"Elasticsearch instead of the embedded store under --data.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
				return err
			}
			q, err := query.Parse(strings.Join(args, " "))
			if err != nil {
				return err
			}
			if *explain {
				_, err := io.WriteString(e.stdout, q.Explain())
				return err
			}
			if *limit < 1 {
				return errors.New("--limit must be at least 1")
			}
			if *facetLimit < 1 {
				return errors.New("--facet-limit must be at least 1")
			}
			var iv query.Interval
			if *timeline != "" {
				if iv, err = query.ParseInterval(*timeline); err != nil {
					return fmt.Errorf("--timeline: %w", err)
				}
			}
			st, err := openReader(ctx, c.Data, es, log)
			if err != nil {
				return err
			}
			defer st.Close()
			search := st.SearchStories
			if *all {
				search = st.Search
			}
			hits, err := search(ctx, q, *limit)
			if err != nil {
				return err
			}
			var res searchResult
			res.Hits = hits
			if *facets {
				f, err := st.Facets(ctx, q, *facetLimit)
				if err != nil {
					return err
				}
				res.Facets = &f
			}
			if iv != "" {
				buckets, err := st.Timeline(ctx, q, iv)
				if err != nil {
					return err
				}
				filled := query.FillGaps(buckets, iv)
				if filled == nil {
					filled = []query.Bucket{}
				}
				res.Interval, res.Timeline = iv, &filled
			}
			if *asJSON {
				return writeJSON(e.stdout, res, *facets || iv != "")
			}
			printHits(e.stdout, hits)
			if res.Facets != nil {
				printFacets(e.stdout, *res.Facets)
			}
			if iv != "" {
				printTimeline(e.stdout, *res.Timeline, iv)
			}
			return nil
		},
	}
}

// searchResult is the one JSON object search --json prints when facets or
// a timeline are asked for.
type searchResult struct {
	Hits     []query.Hit     `json:"hits"`
	Facets   *query.Facets   `json:"facets,omitempty"`
	Interval query.Interval  `json:"interval,omitempty"`
	Timeline *[]query.Bucket `json:"timeline,omitempty"`
}

// writeJSON prints one JSON object per hit, the format scripts already
// read, or, with facets or a timeline, res as one object.
func writeJSON(w io.Writer, res searchResult, whole bool) error {
	enc := json.NewEncoder(w)
	if whole {
		if res.Hits == nil {
			res.Hits = []query.Hit{}
		}
		return enc.Encode(res)
	}
	for _, h := range res.Hits {
		if err := enc.Encode(h); err != nil {
			return err
		}
	}
	return nil
}

func printFacets(w io.Writer, f query.Facets) {
	fmt.Fprintln(w, "\nAll matching articles, by")
	for _, facet := range []struct {
		name   string
		counts []query.Count
	}{{"person", f.People}, {"place", f.Places}, {"organisation", f.Orgs}, {"site", f.Sites},
		{"event kind", f.EventKinds}, {"event actor", f.EventActors}} {
		var parts []string
		for _, c := range facet.counts {
			parts = append(parts, fmt.Sprintf("%s (%d)", c.Value, c.Count))
		}
		if len(parts) == 0 {
			parts = []string{"-"}
		}
		fmt.Fprintf(w, "  %-13s %s\n", facet.name+":", strings.Join(parts, ", "))
	}
}

func printTimeline(w io.Writer, buckets []query.Bucket, iv query.Interval) {
	fmt.Fprintf(w, "\nMatching articles per %s (published, else fetched; UTC)\n", iv)
	if len(buckets) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	most := 0
	for _, b := range buckets {
		most = max(most, b.Count)
	}
	for _, b := range buckets {
		label := b.Start.Format(time.DateOnly)
		switch iv {
		case query.Month:
			label = b.Start.Format("2006-01")
		case query.Hour:
			label = b.Start.Format("2006-01-02 15h")
		}
		// Bars of at most 40 characters, so that a long timeline stays
		// readable on a terminal.
		line := fmt.Sprintf("  %-10s %6d %s", label, b.Count, strings.Repeat("#", (b.Count*40+most-1)/most))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

func printHits(w io.Writer, hits []query.Hit) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "  (no matches)")
	}
	for _, h := range hits {
		date := "          "
		if h.PublishedAt != nil {
			date = h.PublishedAt.Format(time.DateOnly)
		}
		copies := ""
		switch {
		case h.Copies == 2:
			copies = "  (+1 copy)"
		case h.Copies > 2:
			copies = fmt.Sprintf("  (+%d copies)", h.Copies-1)
		}
		fmt.Fprintf(w, "  %s  %-22s %s%s\n", date, h.Site, h.Title, copies)
		if h.Snippet != "" {
			fmt.Fprintf(w, "              %s\n", h.Snippet)
		}
	}
}
