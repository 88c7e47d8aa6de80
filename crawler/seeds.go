package crawler

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/frontier"
	"github.com/wirewatch/wirewatch/pkg/urlcanon"
)

// ParseSeeds expands command-line seeds into canonical URLs. A seed is an
// absolute http(s) URL (a page, a feed or a sitemap) or the path of a file
// holding such URLs, one a line; blank lines and lines starting with '#' are
// skipped. Every bad seed is reported, with its file and line.
func ParseSeeds(args []string) ([]frontier.Entry, error) {
	var out []frontier.Entry
	var errs []error
	seen := map[string]bool{}
	add := func(raw, where string) {
		u, err := urlcanon.Canonicalize(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("seed %q%s is not an absolute http(s) URL", raw, where))
			return
		}
		if !seen[u] {
			seen[u] = true
			out = append(out, frontier.Entry{URL: u, Kind: GuessKind(u), Seed: true})
		}
	}
	for _, arg := range args {
		if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
			add(arg, "")
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
			add(t, fmt.Sprintf(" (%s:%d)", arg, line))
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

// GuessKind guesses from a URL's shape whether it is a feed or a sitemap.
// The guess only orders work: the response's content decides for real.
func GuessKind(u string) frontier.Kind {
	l := strings.ToLower(u)
	switch {
	case strings.Contains(l, "sitemap") && (strings.HasSuffix(l, ".xml") || strings.HasSuffix(l, ".xml.gz")):
		return frontier.Sitemap
	case strings.HasSuffix(l, ".rss") || strings.HasSuffix(l, "/rss") || strings.HasSuffix(l, "/feed") ||
		strings.HasSuffix(l, "/atom") || strings.Contains(l, "rss.xml") || strings.Contains(l, "atom.xml") || strings.Contains(l, "feed.xml"):
		return frontier.Feed
	}
	return frontier.Page
}
