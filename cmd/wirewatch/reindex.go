package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
	"github.com/wirewatch/wirewatch/indexer"
	"github.com/wirewatch/wirewatch/internal/datalock"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/reindex"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

func reindexCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	var c common
	c.register(fs)
	var es elastic.Config
	es.RegisterFlags(fs)
	q := fs.String("query", "", "write back only articles matching this query")
	retag := fs.Bool("retag", false, "tag each article again with this build's extractor (entities, figures, withdrawal events) before writing it back")
	after := fs.String("after", "", "continue an interrupted run: only articles whose ids sort after this one (the id the run printed)")
	workers := fs.Int("workers", 0, "articles tagged at once with --retag (default: the number of processors)")
	intoES := fs.Bool("into-es", false, "read the embedded store in --data and write its articles into the Elasticsearch of --es-url instead (creating its index), to move from one machine to a cluster")
	progress := fs.String("progress", "auto", "progress line: auto (on a terminal), always or never")
	return &ffcli.Command{
		Name:       "reindex",
		ShortUsage: "wirewatch reindex [--data DIR | --es-url URL | --data DIR --into-es --es-url URL] [--query Q] [--retag] [--after ID]",
		ShortHelp:  "write stored articles back, so that what this build derives from them reaches the articles stored before it",
		LongHelp: "Reads every stored article (or those --query matches) in id order and writes it back into the same\n" +
			"store as the same version (its fetched_at), so that an article fetched again meanwhile wins.\n\n" +
			"Without --retag the article is written as stored, and the store indexes it as this build does:\n" +
			"Elasticsearch documents of an older mapping gain the analysed search fields (free text, prefixes,\n" +
			"phrases), the values the event actors facet counts, the names folded for person:, place: and org:\n" +
			"and the events as event.actor: matches them (accents folded). The embedded store needs no such pass: it\n" +
			"updates its tables when it opens.\n\n" +
			"With --retag each article is tagged again first, with this build's models and rules: its entities,\n" +
			"figures and withdrawal events are replaced, so event:, event.kind: and the facets see what the\n" +
			"current detector finds. The summary counts the articles whose events changed.\n\n" +
			"--query selects articles as the store finds them now: on an Elasticsearch index of an older mapping\n" +
			"free text finds none of the documents not yet written back, so write them all back first.\n\n" +
			"No story is recomputed and no alert fires: a written-back article is not news. A stored document\n" +
			"that does not decode is left as it is and counted; an article that cannot be tagged or written is\n" +
			"logged and counted, and the others go on. The embedded store is locked for the run, as `run`\n" +
			"locks it. Interrupted (Ctrl-C, or an error), the command prints the --after value that continues it.\n\n" +
			"--into-es copies instead: the articles of the embedded store in --data are written into the\n" +
			"Elasticsearch of --es-url, each as its version, so that a cluster starts with what one machine\n" +
			"gathered (stories keep their ids; saved searches, fired alerts and the crawl state stay behind).",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
				return err
			}
			if len(args) > 0 {
				return fmt.Errorf("reindex takes no arguments, got %q", args)
			}
			if *workers < 0 {
				return errors.New("--workers must be 0 (the number of processors) or more")
			}
			live, err := liveProgress(*progress, e.stderr)
			if err != nil {
				return err
			}
			qq, err := query.Parse(*q)
			if err != nil {
				return err
			}
			job := reindex.Job{Query: qq, After: *after, Workers: *workers, Logger: log}
			var src reindex.Source
			var sink reindex.Sink
			if *intoES && !es.Enabled() {
				return errors.New("--into-es needs --es-url (or --es-cloud-id): the Elasticsearch to copy into")
			}
			switch {
			case *intoES:
				// Read only, as search and export read: a running `run`
				// may go on writing.
				from, err := pipeline.OpenExisting(ctx, c.Data)
				if err != nil {
					return err
				}
				defer from.Close()
				into, err := elastic.Open(ctx, es, log)
				if err != nil {
					return err
				}
				src, sink = from, indexer.NewBulk(into, indexer.BulkConfig{Logger: log})
			case es.Enabled():
				// A mistyped prefix is an error, not a new empty index; Open
				// then brings an older index's mapping up to this build's.
				if _, err := elastic.OpenExisting(ctx, es, log); err != nil {
					return err
				}
				st, err := elastic.Open(ctx, es, log)
				if err != nil {
					return err
				}
				src, sink = st, indexer.NewBulk(st, indexer.BulkConfig{Logger: log})
				job.Parallel = elastic.DefaultExportSlices
			default:
				// Checked before the lock, which would make a mistyped
				// --data directory.
				if err := pipeline.StoreExists(c.Data); err != nil {
					return err
				}
				release, err := datalock.Lock(c.Data, "reindex", datalock.Exclusive)
				if err != nil {
					return err
				}
				defer release()
				st, err := sqlite.Open(ctx, c.Data)
				if err != nil {
					return err
				}
				defer st.Close()
				src, sink = st, reindex.BatchSink(st, reindex.BatchConfig{Logger: log})
			}
			if *retag {
				ex, err := extractor.New(extractor.Options{Figures: figures.Extract, Logger: log})
				if err != nil {
					return err
				}
				job.Retag = ex
			}
			if live {
				job.Every = 500 * time.Millisecond
				job.OnProgress = func(p reindex.Progress) { fmt.Fprintf(e.stderr, "\r\033[K%s", reindexLine(p)) }
			}
			p, err := reindex.Run(ctx, src, sink, job)
			if live {
				fmt.Fprint(e.stderr, "\r\033[K")
			}
			fmt.Fprintln(e.stderr, reindexLine(p))
			if err != nil {
				if p.Resume != "" {
					return fmt.Errorf("reindex: %w (continue with --after %s)", err, p.Resume)
				}
				return fmt.Errorf("reindex: %w (start it again to continue)", err)
			}
			return nil
		},
	}
}

// reindexLine tells what a reindex has done: counts, rate and the id a
// later run continues after.
func reindexLine(p reindex.Progress) string {
	line := fmt.Sprintf("written %d", p.Written)
	if p.Total >= 0 {
		line += fmt.Sprintf("/%d", p.Total)
	}
	line += fmt.Sprintf(" articles (%.0f/s)", float64(p.Written)/max(p.Elapsed.Seconds(), 1e-9))
	if p.EventsChanged > 0 {
		line += fmt.Sprintf(", events changed in %d", p.EventsChanged)
	}
	if p.Skipped > 0 {
		line += fmt.Sprintf(", %d undecodable left as stored", p.Skipped)
	}
	if p.Failed > 0 {
		line += fmt.Sprintf(", %d failed (logged)", p.Failed)
	}
	if p.Resume != "" {
		line += ", last id in order " + p.Resume
	}
	return line
}
