package crawler

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

// ParseSeeds expands command-line seeds into canonical URLs. A seed is an
// absolute http(s) URL (a page, a feed, a sitemap or a robots.txt) or the
// path of a seed file (see the package documentation for its syntax: one
// URL a line, optionally followed by per-site key=value options). Every bad
// seed is reported, with its file and line.
func ParseSeeds(args []string) ([]frontier.Entry, error) {
	var out []frontier.Entry
	var errs []error
	index := map[string]int{}
	add := func(raw string, opts []string, where string) {
		u, err := urlcanon.Canonicalize(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("seed %q%s is not an absolute http(s) URL", raw, where))
			return
		}
		site, err := parseSiteOptions(opts)
		if err != nil {
			errs = append(errs, fmt.Errorf("seed %s%s: %w", u, where, err))
			return
		}
		if i, ok := index[u]; ok {
			if !site.IsZero() {
				out[i].Site = site
			}
			return
		}
		index[u] = len(out)
		out = append(out, frontier.Entry{URL: u, Kind: GuessKind(u), Seed: true, Site: site})
	}
	for _, arg := range args {
		if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
			add(arg, nil, "")
			continue
		}
		f, err := os.Open(arg)
		if err != nil {
			errs = append(errs, fmt.Errorf("seed %q is neither an http(s) URL nor a readable file: %w", arg, err))
			continue
		}
		sc := bufio.NewScanner(f)
		line := 0
		for sc.Scan() {
			line++
			t := strings.TrimSpace(sc.Text())
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			fields := strings.Fields(t)
			add(fields[0], fields[1:], fmt.Sprintf(" (%s:%d)", arg, line))
		}
		if err := sc.Err(); err != nil {
			errs = append(errs, fmt.Errorf("read seed file %s: %w", arg, err))
		}
		f.Close()
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, errors.New("no seeds given")
	}
	return out, nil
}

// parseSiteOptions reads a seed line's key=value options.
func parseSiteOptions(words []string) (frontier.SiteOptions, error) {
	var o frontier.SiteOptions
	for _, w := range words {
		if strings.HasPrefix(w, "#") {
			break // a trailing comment
		}
		k, v, ok := strings.Cut(w, "=")
		if !ok || v == "" {
			return o, fmt.Errorf("option %q is not key=value", w)
		}
		var err error
		switch k {
		case "delay":
			o.Delay, err = time.ParseDuration(v)
			if err == nil && o.Delay < 0 {
				err = errors.New("negative")
			}
		case "max-depth":
			o.MaxDepth, err = positive(v)
		case "max-pages":
			o.MaxPages, err = positive(v)
		case "include", "exclude":
			if _, err = regexp.Compile(v); err == nil {
				if k == "include" {
					o.Include = append(o.Include, v)
				} else {
					o.Exclude = append(o.Exclude, v)
				}
			}
		default:
			return o, fmt.Errorf("unknown option %q (want delay, max-depth, max-pages, include or exclude)", k)
		}
		if err != nil {
			return o, fmt.Errorf("option %s: %w", w, err)
		}
	}
	return o, nil
}

func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err == nil && n < 1 {
		err = errors.New("must be at least 1")
	}
	return n, err
}

// GuessKind guesses from a URL's shape whether it is a feed or a sitemap.
// The guess only orders work: the response's content decides for real.
func GuessKind(u string) frontier.Kind {
	l := strings.ToLower(u)
	switch {
	case strings.HasSuffix(l, "/robots.txt"):
		return frontier.Robots
	case strings.Contains(l, "sitemap") && (strings.HasSuffix(l, ".xml") || strings.HasSuffix(l, ".xml.gz")):
		return frontier.Sitemap
	case strings.HasSuffix(l, ".rss") || strings.HasSuffix(l, "/rss") || strings.HasSuffix(l, "/feed") ||
		strings.HasSuffix(l, "/atom") || strings.Contains(l, "rss.xml") || strings.Contains(l, "atom.xml") || strings.Contains(l, "feed.xml"):
		return frontier.Feed
	}
	return frontier.Page
}
