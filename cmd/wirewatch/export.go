package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pipeline"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic"
)

func exportCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var c common
	c.register(fs)
	var es elastic.Config
	es.RegisterFlags(fs)
	q := fs.String("query", "", "export only articles matching this query")
	format := fs.String("format", "jsonl", "output format: jsonl, csv or parquet")
	out := fs.String("out", "", "output file for jsonl and csv (or - for standard output), directory for parquet")
	resume := fs.Bool("resume", false, "keep what an interrupted export to --out completed and continue after it")
	perFile := fs.Int("parquet-rows-per-file", export.DefaultRowsPerFile, "most articles in one Parquet part file")
	since := fs.String("since", "", "export only articles fetched at or after this day (2024-05-31) or RFC 3339 time, UTC")
	until := fs.String("until", "", "export only articles fetched at or before this day (inclusive) or RFC 3339 time, UTC")
	fields := fs.String("fields", "", "comma-separated columns (csv) or fields (jsonl) to export, in this order; default all")
	strict := fs.Bool("strict", false, "stop at the first article that cannot be exported instead of skipping it")
	rejects := fs.String("rejects", "", "file for the articles that cannot be exported (default: --out with .rejects.jsonl appended)")
	slices := fs.Int("slices", 0, fmt.Sprintf("ranges of ids read in parallel from Elasticsearch (default %d)", elastic.DefaultExportSlices))
	pageSize := fs.Int("page-size", 0, fmt.Sprintf("articles per Elasticsearch request (default %d)", elastic.DefaultExportPage))
	compress := fs.String("es-compress", "auto", "gzip Elasticsearch's answers: on, off, or auto (off for a node on this host, where it only costs CPU)")
	progress := fs.String("progress", "auto", "live progress line: auto (on a terminal), always or never")
	return &ffcli.Command{
		Name:       "export",
		ShortUsage: "wirewatch export [--data DIR | --es-url URL] [--query Q] [--since T] [--until T] [--fields F,...] --format jsonl|csv|parquet --out FILE|DIR|- [--resume] [--strict]",
		ShortHelp:  "export stored articles as JSON Lines, CSV or Parquet",
		LongHelp: "jsonl: one article JSON per line, the stored document as it is.\n" +
			"csv: RFC 4180 with a header row and flat columns (" + strings.Join(export.CSVColumns(), ", ") + ");\n" +
			"  lists are joined with \"; \" (a ';' or '\\' inside a name is escaped with '\\'), times are RFC 3339,\n" +
			"  entities and figures are JSON arrays in entities_json and figures_json, removed blocks are left out.\n" +
			"parquet: a directory of part-00000.parquet, part-00001.parquet, ... (zstd) with the article's full\n" +
			"  structure; a part gets its name only when complete. Without --resume, earlier parts are deleted.\n\n" +
			"Order: id order, from either store. With --es-url the articles come from Elasticsearch: one point\n" +
			"in time, ids split into ranges of about a page each, --slices ranges read at once with search_after\n" +
			"(each holding at most two pages ahead), passed on range after range.\n\n" +
			"Resuming: OUT.export-state.json, next to the output, records every 2 s (parquet: at each complete\n" +
			"part) how much of the output is complete and the id of its last article; --resume (with the same\n" +
			"--query, --since, --until, --fields) cuts the output back to that point and reads on from there,\n" +
			"without loss or duplicates. The state file is removed when the export completes; an export\n" +
			"without one (complete, or from an earlier version) resumes after its last complete article.\n\n" +
			"Rejects: an article that cannot be exported (undecodable, or failing validation such as an id that\n" +
			"does not match its URL) is skipped and written with its reason to --rejects, one JSON object\n" +
			"{id, reason, doc} a line; the summary counts them. --strict stops at the first instead.\n\n" +
			"--since and --until bound fetched_at (when the article was last fetched, so changed articles come\n" +
			"again), for incremental exports; the query's since:/until: bound the published date.\n" +
			"--fields narrows csv to those columns and jsonl to those fields (absent optional ones are null);\n" +
			"narrow exports check only that each document decodes.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
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
			if *out == "-" && *resume {
				return errors.New("--resume needs a file or directory for --out")
			}
			if *slices < 0 || *slices > export.MaxSlices {
				return fmt.Errorf("--slices must be 1 to %d", export.MaxSlices)
			}
			if *pageSize < 0 || *pageSize > 10000 {
				return errors.New("--page-size must be 1 to 10000")
			}
			switch *compress {
			case "auto", "on", "off":
			default:
				return fmt.Errorf("--es-compress must be auto, on or off, not %q", *compress)
			}
			live, err := liveProgress(*progress, e.stderr)
			if err != nil {
				return err
			}
			var fl []string
			if *fields != "" {
				for f := range strings.SplitSeq(*fields, ",") {
					fl = append(fl, strings.TrimSpace(f))
				}
				if err := export.CheckFields(*format, fl); err != nil {
					return fmt.Errorf("--fields: %w", err)
				}
			}
			qq, err := query.Parse(*q)
			if err != nil {
				return err
			}
			req := export.Request{Query: qq}
			if req.FetchedSince, err = fetchBound("since", *since); err != nil {
				return err
			}
			if req.FetchedUntil, err = fetchBound("until", *until); err != nil {
				return err
			}
			if !req.FetchedSince.IsZero() && !req.FetchedUntil.IsZero() && req.FetchedSince.After(req.FetchedUntil) {
				return errors.New("--since is after --until")
			}
			src, n, closeSrc, err := openSource(ctx, c.Data, es, log, elastic.ExportTuning{Page: *pageSize, NoCompress: *compress == "off" || (*compress == "auto" && loopbackOnly(es.URLs))})
			if err != nil {
				return err
			}
			defer closeSrc()
			if *slices > 0 {
				n = *slices
			}
			job := export.Job{
				Format: *format, Path: *out, Rejects: *rejects, Resume: *resume, Strict: *strict,
				Fields: fl, RowsPerFile: *perFile, Slices: n, Request: req,
			}
			if *out == "-" {
				job.Path, job.Stream = "", e.stdout
				job.OnReject = func(id, reason string) { log.Warn("export: article skipped", "id", id, "reason", reason) }
			}
			if live {
				job.Every = 500 * time.Millisecond
				job.OnProgress = func(p export.Progress) { fmt.Fprintf(e.stderr, "\r\033[K%s", progressLine(p)) }
			}
			p, err := export.Run(ctx, src, job)
			if live {
				fmt.Fprint(e.stderr, "\r\033[K")
			}
			fmt.Fprintln(e.stderr, summary(p))
			if err != nil {
				if *out != "-" {
					return fmt.Errorf("export: %w (--resume continues it)", err)
				}
				return fmt.Errorf("export: %w", err)
			}
			return nil
		},
	}
}

// fetchBound parses --since or --until as the query language's since: and
// until: read their values: a day (until: its end), a relative time or an
// RFC 3339 time.
func fetchBound(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	q, err := query.Parse(name + ":" + v)
	if err != nil || q.Root == nil || q.Root.Op != query.Date {
		return time.Time{}, fmt.Errorf("--%s: %q is not a day (2024-05-31), a relative time (now-7d, today) or an RFC 3339 time", name, v)
	}
	return q.Root.Bound(time.Now()), nil
}

// openSource opens the store an export reads, with its default number of
// slices, and the function that closes it.
func openSource(ctx context.Context, dir string, es elastic.Config, log *slog.Logger, t elastic.ExportTuning) (export.Source, int, func() error, error) {
	if !es.Enabled() {
		st, err := pipeline.OpenExisting(ctx, dir)
		if err != nil {
			return nil, 0, nil, err
		}
		return st, 1, st.Close, nil
	}
	st, err := elastic.OpenExisting(ctx, es, log)
	if err != nil {
		return nil, 0, nil, err
	}
	return st.ExportWith(t), elastic.DefaultExportSlices, func() error { return nil }, nil
}

// liveProgress reads --progress: whether a live line is drawn on w, always,
// never or only when w is a terminal (auto).
func liveProgress(v string, w io.Writer) (bool, error) {
	switch v {
	case "auto":
		return isTerminal(w), nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, fmt.Errorf("--progress must be auto, always or never, not %q", v)
}

// progressLine is the live line: counts, rates and, from the count of
// matching articles, the time left.
func progressLine(p export.Progress) string {
	secs := p.Elapsed.Seconds()
	rate := float64(p.RunExported) / max(secs, 1e-9)
	line := fmt.Sprintf("exported %d", p.Exported)
	if p.Total >= 0 {
		line += fmt.Sprintf("/%d", p.Total)
	}
	line += fmt.Sprintf(" articles, %.0f articles/s, %.1f MB/s", rate, float64(p.Bytes)/1e6/max(secs, 1e-9))
	if p.Rejected > 0 {
		line += fmt.Sprintf(", %d rejected", p.Rejected)
	}
	if left := int64(p.Total) - p.Exported - p.Rejected; p.Total >= 0 && rate > 0 && left > 0 {
		line += fmt.Sprintf(", ETA %s", time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second))
	}
	return line
}

// summary is the line printed when an export ends.
func summary(p export.Progress) string {
	secs := p.Elapsed.Seconds()
	s := fmt.Sprintf("exported %d articles (%.1f MB) in %s: %.0f articles/s, %.1f MB/s",
		p.RunExported, float64(p.Bytes)/1e6, p.Elapsed.Round(time.Millisecond),
		float64(p.RunExported)/max(secs, 1e-9), float64(p.Bytes)/1e6/max(secs, 1e-9))
	if p.Exported != p.RunExported {
		s += fmt.Sprintf("; %d in all", p.Exported)
	}
	switch {
	case p.Rejected > 0 && p.RejectsPath != "":
		s += fmt.Sprintf("; %d rejected, listed in %s", p.Rejected, p.RejectsPath)
	case p.Rejected > 0:
		s += fmt.Sprintf("; %d rejected", p.Rejected)
	default:
		s += "; 0 rejected"
	}
	return s
}

// loopbackOnly reports whether every node URL names this host.
func loopbackOnly(urls []string) bool {
	if len(urls) == 0 {
		return false
	}
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil {
			return false
		}
		h := p.Hostname()
		if ip, err := netip.ParseAddr(h); !(h == "localhost" || err == nil && ip.IsLoopback()) {
			return false
		}
	}
	return true
}
