package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// openExisting opens a store that must already exist, so that a mistyped
// --data is an error rather than a silently empty result.
func openExisting(ctx context.Context, dir string) (*sqlite.Store, error) {
	if _, err := os.Stat(dir + "/" + sqlite.FileName); err != nil {
		return nil, fmt.Errorf("no store in %s (run `wirewatch run` or `wirewatch demo` first): %w", dir, err)
	}
	return sqlite.Open(ctx, dir)
}

func searchCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per hit")
	limit := fs.Int("limit", 10, "most hits shown")
	return &ffcli.Command{
		Name:       "search",
		ShortUsage: "wirewatch search [--data DIR] [--json] [--limit N] QUERY",
		ShortHelp:  "search stored articles",
		LongHelp: "QUERY is free text (all words must occur; \"quoted phrases\"; -word excludes)\n" +
			"plus filters person:NAME place:NAME org:NAME site:HOST; quote names with spaces,\n" +
			"e.g. person:\"Sergey Lavrov\". Repeating a filter matches any of its values.\n" +
			"since:DAY and until:DAY (2024-05-31, or an RFC 3339 time) bound the published date,\n" +
			"inclusive, in UTC; an article without one is dated by when it was fetched.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			if _, err := c.logger(e.stderr); err != nil {
				return err
			}
			q, err := query.Parse(strings.Join(args, " "))
			if err != nil {
				return err
			}
			if *limit < 1 {
				return errors.New("--limit must be at least 1")
			}
			st, err := openExisting(ctx, c.data)
			if err != nil {
				return err
			}
			defer st.Close()
			hits, err := st.Search(ctx, q, *limit)
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(e.stdout)
				for _, h := range hits {
					if err := enc.Encode(h); err != nil {
						return err
					}
				}
				return nil
			}
			printHits(e.stdout, hits)
			return nil
		},
	}
}

func printHits(w io.Writer, hits []sqlite.Hit) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "  (no matches)")
	}
	for _, h := range hits {
		date := "          "
		if h.PublishedAt != nil {
			date = h.PublishedAt.Format(time.DateOnly)
		}
		fmt.Fprintf(w, "  %s  %-22s %s\n", date, h.Site, h.Title)
		if h.Snippet != "" {
			fmt.Fprintf(w, "              %s\n", h.Snippet)
		}
	}
}

func exportCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var c common
	c.register(fs)
	q := fs.String("query", "", "export only articles matching this query")
	format := fs.String("format", "jsonl", "output format: jsonl, csv or parquet")
	out := fs.String("out", "", "output file for jsonl and csv (or - for standard output), directory for parquet")
	resume := fs.Bool("resume", false, "keep what an interrupted export to --out completed and continue after it")
	perFile := fs.Int("parquet-rows-per-file", export.DefaultRowsPerFile, "most articles in one Parquet part file")
	return &ffcli.Command{
		Name:       "export",
		ShortUsage: "wirewatch export [--data DIR] [--query Q] --format jsonl|csv|parquet --out FILE|DIR|- [--resume]",
		ShortHelp:  "export stored articles as JSON Lines, CSV or Parquet",
		LongHelp: "Articles are written in id order, so an interrupted export can continue with --resume.\n" +
			"jsonl: one article JSON per line; a torn last line is replaced.\n" +
			"csv: RFC 4180 with a header row and flat columns (" + strings.Join(export.CSVColumns(), ", ") + ");\n" +
			"  lists are joined with \"; \" (a ';' or '\\' inside a name is escaped with '\\'), times are RFC 3339,\n" +
			"  entities and figures are JSON arrays in entities_json and figures_json, removed blocks are left out;\n" +
			"  a torn last record is replaced.\n" +
			"parquet: a directory of part-00000.parquet, part-00001.parquet, ... (zstd) with the article's full\n" +
			"  structure; a part gets its name only when complete, and --resume starts a new part after the\n" +
			"  last complete one, deleting a torn part-NNNNN.parquet.tmp. Without --resume, earlier parts are deleted.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			if _, err := c.logger(e.stderr); err != nil {
				return err
			}
			if err := export.CheckFormat(*format); err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			if *out == "" {
				return errors.New("--out is required (a file, a directory for parquet, or - for standard output)")
			}
			if *perFile < 1 {
				return errors.New("--parquet-rows-per-file must be at least 1")
			}
			qq, err := query.Parse(*q)
			if err != nil {
				return err
			}
			st, err := openExisting(ctx, c.data)
			if err != nil {
				return err
			}
			defer st.Close()
			w, after, err := openExport(*format, *out, *resume, *perFile, e.stdout)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			n := 0
			err = st.Scan(ctx, qq, after, func(a *article.Article) error {
				if err := w.Write(a); err != nil {
					return err
				}
				n++
				return nil
			})
			// Close even after an error: what was written is complete and
			// in id order, so --resume can continue after it.
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			fmt.Fprintf(e.stderr, "exported %d articles\n", n)
			return nil
		},
	}
}

// openExport opens the export destination: standard output for "-", else
// the file or directory at out, resumed if asked. It returns the id after
// which to continue.
func openExport(format, out string, resume bool, perFile int, stdout io.Writer) (export.Writer, string, error) {
	if out != "-" {
		return export.Open(format, out, export.Options{Resume: resume, RowsPerFile: perFile})
	}
	if resume {
		return nil, "", errors.New("--resume needs a file or directory for --out")
	}
	w, err := export.NewStream(format, stdout)
	return w, "", err
}
