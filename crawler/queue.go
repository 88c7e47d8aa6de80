package crawler

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// allowed reports why a discovered link may not be queued ("" if it may).
func (c *Crawler) allowed(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "bad URL"
	}
	host := strings.ToLower(p.Host)
	if !c.hostAllowed(host) {
		return "host not allowed"
	}
	include, exclude := c.opts.Include, c.opts.Exclude
	if s := c.site(host); s != nil {
		include = append(append([]*regexp.Regexp(nil), include...), s.include...)
		exclude = append(append([]*regexp.Regexp(nil), exclude...), s.exclude...)
	}
	for _, re := range exclude {
		if re.MatchString(u) {
			return "excluded"
		}
	}
	if len(include) > 0 {
		ok := false
		for _, re := range include {
			ok = ok || re.MatchString(u)
		}
		if !ok {
			return "not included"
		}
	}
	return c.traps.check(u)
}

// add queues entries and returns how many were new.
func (c *Crawler) add(ctx context.Context, entries []frontier.Entry) int {
	if len(entries) == 0 {
		return 0
	}
	n, err := c.frontier.AddURLs(ctx, entries, c.pageLimit)
	if err != nil {
		c.log.Error("cannot queue discovered URLs", "err", err)
		return 0
	}
	c.Stats.Found.Add(int64(n))
	return n
}
