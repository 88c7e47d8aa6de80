package main

import (
	"bufio"
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
			"e.g. person:\"Sergey Lavrov\". Repeating a filter matches any of its values.",
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
	format := fs.String("format", "jsonl", "output format: jsonl")
	out := fs.String("out", "", "output file, or - for standard output")
	resume := fs.Bool("resume", false, "append to --out after the last complete article it holds")
	return &ffcli.Command{
		Name:       "export",
		ShortUsage: "wirewatch export [--data DIR] [--query Q] --format jsonl --out FILE|-",
		ShortHelp:  "export stored articles, one JSON object per line",
		LongHelp: "Articles are written in id order, so an interrupted export can continue with --resume:\n" +
			"the last complete line of FILE tells where to start, and a torn last line is replaced.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			if _, err := c.logger(e.stderr); err != nil {
				return err
			}
			if *format != "jsonl" {
				return fmt.Errorf("--format %q: only jsonl is supported so far", *format)
			}
			if *out == "" {
				return errors.New("--out is required (a file, or - for standard output)")
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
			var w io.Writer = e.stdout
			after := ""
			if *out != "-" {
				f, last, err := openExport(*out, *resume)
				if err != nil {
					return err
				}
				defer f.Close()
				w, after = f, last
			} else if *resume {
				return errors.New("--resume needs a file for --out")
			}
			bw := bufio.NewWriterSize(w, 1<<20)
			n := 0
			err = st.Scan(ctx, qq, after, func(a *article.Article) error {
				b, err := article.Marshal(a)
				if err != nil {
					return err
				}
				bw.Write(b)
				n++
				return bw.WriteByte('\n')
			})
			if ferr := bw.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if f, ok := w.(*os.File); ok && f != os.Stdout {
				if err := f.Sync(); err != nil {
					return fmt.Errorf("export: %w", err)
				}
			}
			fmt.Fprintf(e.stderr, "exported %d articles\n", n)
			return nil
		},
	}
}

// openExport opens the export file. With resume it keeps every complete
// line, cuts a torn last line, and returns the id of the last article kept.
func openExport(path string, resume bool) (*os.File, string, error) {
	if !resume {
		f, err := os.Create(path)
		return f, "", err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, "", err
	}
	var keep int64
	var last string
	r := bufio.NewReaderSize(f, 1<<20)
	var pos int64
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			var head struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(line, &head) == nil && head.ID != "" {
				pos += int64(len(line))
				keep, last = pos, head.ID
				continue
			}
		}
		if err != nil || len(line) == 0 || line[len(line)-1] != '\n' {
			break
		}
		break // an unreadable complete line: keep nothing after it
	}
	if err := f.Truncate(keep); err != nil {
		f.Close()
		return nil, "", err
	}
	if _, err := f.Seek(keep, io.SeekStart); err != nil {
		f.Close()
		return nil, "", err
	}
	return f, last, nil
}
