package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/crawler/clean"
	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/extractor/figures"
)

// inspector cleans and tags saved pages, as the pipeline would.
type inspector struct {
	cleaner *clean.Cleaner
	ex      *extractor.Extractor
	tag     bool
}

// inspect cleans and tags one page and returns the article JSON.
func (in *inspector) inspect(ctx context.Context, url string, page []byte) ([]byte, error) {
	res, err := in.cleaner.Clean(ctx, clean.Page{URL: url, HTML: page, FetchedAt: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	a := res.Article
	a.URL = url
	if in.tag {
		if err := in.ex.Tag(ctx, a); err != nil {
			return nil, err
		}
	}
	a.Normalize()
	// The article's own fields first, then the cleaner's verdict.
	body, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	verdict, err := json.Marshal(struct {
		IsArticle bool   `json:"is_article"`
		Reason    string `json:"not_article_reason,omitempty"`
		Paywalled bool   `json:"paywalled,omitempty"`
	}{res.IsArticle, res.Reason, res.Paywalled})
	if err != nil {
		return nil, err
	}
	return append(append(body[:len(body)-1], ','), verdict[1:]...), nil
}

func readPage(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		return io.ReadAll(io.LimitReader(zr, 64<<20))
	}
	return b, nil
}

func inspectCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	var c common
	c.register(fs)
	url := fs.String("url", "", "URL the page was fetched from (default: file:// of the path)")
	jsonl := fs.Bool("jsonl", false, `read {"url":...,"html":...} lines from standard input`)
	noTag := fs.Bool("no-tag", false, "clean only; skip entity and figure tagging")
	return &ffcli.Command{
		Name:       "inspect",
		ShortUsage: "wirewatch inspect [--url URL] FILE... | wirewatch inspect --jsonl < pages.jsonl",
		ShortHelp:  "clean and tag saved pages and print one article JSON per line",
		LongHelp: "inspect runs the cleaning and the tagging on saved pages (plain or gzipped HTML)\n" +
			"and prints one article JSON per line, plus is_article, not_article_reason and paywalled.\n" +
			"A page that cannot be read is reported on standard error; the others still print.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
				return err
			}
			if *jsonl == (len(args) > 0) {
				fmt.Fprintln(e.stderr, "inspect: give FILE arguments or --jsonl, not both or neither")
				return errUsage
			}
			if *url != "" && len(args) > 1 {
				return errors.New("--url names one page; give one FILE with it")
			}
			in := &inspector{cleaner: clean.New(clean.Options{Logger: log}), tag: !*noTag}
			if in.tag {
				if in.ex, err = extractor.New(extractor.Options{Figures: figures.Extract, Logger: log}); err != nil {
					return err
				}
			}
			w := bufio.NewWriter(e.stdout)
			defer w.Flush()
			failed := 0
			emit := func(where, u string, page []byte) {
				out, err := in.inspect(ctx, u, page)
				if err != nil {
					failed++
					fmt.Fprintf(e.stderr, "inspect: %s: %v\n", where, err)
					return
				}
				w.Write(out)
				w.WriteByte('\n')
			}
			if *jsonl {
				sc := bufio.NewScanner(e.stdin)
				sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
				line := 0
				for sc.Scan() {
					line++
					if strings.TrimSpace(sc.Text()) == "" {
						continue
					}
					var rec struct {
						URL  string `json:"url"`
						HTML string `json:"html"`
					}
					if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
						failed++
						fmt.Fprintf(e.stderr, "inspect: stdin line %d: not a {\"url\",\"html\"} object: %v\n", line, err)
						continue
					}
					emit(fmt.Sprintf("stdin line %d", line), rec.URL, []byte(rec.HTML))
				}
				if err := sc.Err(); err != nil {
					return fmt.Errorf("read stdin: %w", err)
				}
			}
			for _, path := range args {
				page, err := readPage(path)
				if err != nil {
					failed++
					fmt.Fprintf(e.stderr, "inspect: %v\n", err)
					continue
				}
				u := *url
				if u == "" {
					abs, _ := filepath.Abs(path)
					u = "file://" + abs
				}
				emit(path, u, page)
			}
			if failed > 0 {
				w.Flush()
				return fmt.Errorf("%d page(s) could not be inspected", failed)
			}
			return nil
		},
	}
}

func nerCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("ner", flag.ContinueOnError)
	var c common
	c.register(fs)
	conll := fs.String("conll", "", "CoNLL-format file to tag (- for standard input)")
	return &ffcli.Command{
		Name:       "ner",
		ShortUsage: "wirewatch ner --conll FILE",
		ShortHelp:  "tag CoNLL-format tokens with PER/LOC/ORG/MISC (IOB2) as a last column",
		FlagSet:    fs, Options: parseOptions(),
		Exec: func(ctx context.Context, args []string) error {
			log, err := c.logger(e.stderr)
			if err != nil {
				return err
			}
			if *conll == "" {
				fmt.Fprintln(e.stderr, "ner: --conll FILE is required")
				return errUsage
			}
			r := e.stdin
			if *conll != "-" {
				f, err := os.Open(*conll)
				if err != nil {
					return fmt.Errorf("ner: %w", err)
				}
				defer f.Close()
				r = f
			}
			ex, err := extractor.New(extractor.Options{Logger: log})
			if err != nil {
				return err
			}
			return extractor.TagCoNLL(ctx, ex, r, e.stdout)
		},
	}
}
