package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// eventsInput is one line of `wirewatch events --jsonl`: a text to tag and
// an id to echo. The article context is optional: published dates
// background events, title (the headline) tells which withdrawal is the
// article's news.
type eventsInput struct {
	ID        *string    `json:"id"`
	Text      *string    `json:"text"`
	Published *inputDate `json:"published,omitempty"`
	Title     string     `json:"title,omitempty"`
}

// inputDate is a publication date as evaluation sets and news archives
// write it: an RFC 3339 time, or a day alone ("2021-08-30"), taken as
// midnight UTC, since the detector reads only the year and the month.
type inputDate struct{ time.Time }

// UnmarshalJSON reads an RFC 3339 time or a YYYY-MM-DD day.
func (d *inputDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`"published" is not a string`)
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			d.Time = t
			return nil
		}
	}
	return fmt.Errorf(`"published" %q is neither an RFC 3339 time nor a YYYY-MM-DD day`, s)
}

// eventsOutput is one line of output: the id and the events of its text,
// exactly as the extractor stores them on an article.
type eventsOutput struct {
	ID     string          `json:"id"`
	Events []article.Event `json:"events"`
}

func eventsCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("events", flag.ContinueOnError)
	var c common
	c.register(fs)
	jsonl := fs.Bool("jsonl", false, `read {"id","text"} JSON lines on standard input, print {"id","events"} lines`)
	return &ffcli.Command{
		Name:       "events",
		ShortUsage: "wirewatch events --jsonl < texts.jsonl",
		ShortHelp:  "tag texts with withdrawal events (kind, status, actor, what, from, trigger, new_announcement)",
		LongHelp: "Each input line is a JSON object with \"id\" and \"text\", and optionally the article's context:\n" +
			"\"published\" (RFC 3339, or a YYYY-MM-DD day) and \"title\" (its headline), which tell news from background.\n" +
			"Each output line is {\"id\", \"events\"}, the events as the extractor stores them on an article,\n" +
			"with roles linked to the entities it finds. A bad line is reported on standard error with its\n" +
			"line number and skipped; the others are still tagged, and the command then exits non-zero.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
				return err
			}
			if !*jsonl {
				fmt.Fprintln(e.stderr, "events: --jsonl is required (the only input format)")
				return errUsage
			}
			ex, err := extractor.New(extractor.Options{Logger: log})
			if err != nil {
				return err
			}
			return tagEventsJSONL(ctx, ex, e.stdin, e.stdout, e.stderr)
		},
	}
}

// tagEventsJSONL tags every line of r and writes one output line per good
// input line. Bad lines are reported to errw and counted; the error
// returned at the end says how many there were.
func tagEventsJSONL(ctx context.Context, ex *extractor.Extractor, r io.Reader, w, errw io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bad := 0
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			bw.Flush()
			return err
		}
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var in eventsInput
		err := json.Unmarshal(line, &in)
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax) || errors.As(err, &typ):
			err = fmt.Errorf("not a JSON object: %w", err)
		case err != nil:
			// A bad "published" says so itself.
		case in.ID == nil:
			err = fmt.Errorf(`no "id"`)
		case in.Text == nil:
			err = fmt.Errorf(`no "text"`)
		}
		if err != nil {
			bad++
			fmt.Fprintf(errw, "events: line %d: %v\n", n, err)
			continue
		}
		a := &article.Article{ID: *in.ID, Body: *in.Text, Title: in.Title}
		if in.Published != nil {
			a.PublishedAt = &in.Published.Time
		}
		if err := ex.Tag(ctx, a); err != nil {
			bad++
			fmt.Fprintf(errw, "events: line %d: %v\n", n, err)
			continue
		}
		out := eventsOutput{ID: *in.ID, Events: a.Events}
		if out.Events == nil {
			out.Events = []article.Event{}
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("events: write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("events: write: %w", err)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("events: read: %w", err)
	}
	if bad > 0 {
		return fmt.Errorf("events: %d bad input line(s), see above", bad)
	}
	return nil
}
