package crawler

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/internal/urlcanon"
)

const resultKey = "wirewatch.result"

// result carries one response out of colly's callbacks.
type result struct {
	entry      frontier.Entry
	requestURL string // as colly sent it; keys the redirect handler's lookup
	status     int
	header     http.Header
	body       []byte
	final      string
	err        error
	tooBig     bool
	elapsed    time.Duration
	// hops are the redirect targets claimed in the frontier on the way,
	// in order; the last one is where the body came from.
	hops []string
}

// Errors that end a redirect chain. They are final, not retried.
var (
	errRedirectLoop     = errors.New("redirect loop")
	errTooManyRedirects = errors.New("too many redirects")
)

// errBadRedirect stops a redirect to a URL the crawler does not fetch
// (file:, ftp:, javascript:, data: or malformed): final, not retried.
type errBadRedirect struct{ err error }

func (e errBadRedirect) Error() string { return e.err.Error() }
func (e errBadRedirect) Unwrap() error { return e.err }

// errKnownTarget stops a redirect to a URL the frontier already has: it is
// fetched (or was) on its own, so following would fetch it twice.
type errKnownTarget struct{ target string }

func (e errKnownTarget) Error() string { return "redirects to known URL " + e.target }

// errQueuedTarget stops a redirect to another host: the target is queued
// in the frontier and fetched on its own, through that host's delay and
// concurrency limit, which an inline request would bypass.
type errQueuedTarget struct{ target string }

func (e errQueuedTarget) Error() string {
	return "redirects to " + e.target + " on another host, queued"
}

// redirect decides whether colly follows a redirect. A target on the same
// host is claimed in the frontier before it is requested, so A→B and B are
// never both fetched, and robots.txt is checked for it. A target on another
// host is queued instead (see errQueuedTarget); the hops it took to get
// there are remembered, so chains across hosts end at MaxRedirects too.
func (c *Crawler) redirect(req *http.Request, via []*http.Request) error {
	v, ok := c.inflight.Load(via[0].URL.String())
	if !ok {
		return errors.New("redirect of an unknown request")
	}
	res := v.(*result)
	hops := c.redirects.get(res.entry.URL) + len(via)
	if hops > c.opts.MaxRedirects {
		return errTooManyRedirects
	}
	target, err := urlcanon.Canonicalize(req.URL.String())
	if err != nil {
		return errBadRedirect{fmt.Errorf("redirect to %q: %w", req.URL, err)}
	}
	if target == res.entry.URL {
		return errRedirectLoop
	}
	for _, h := range res.hops {
		if h == target {
			return errRedirectLoop
		}
	}
	ctx := req.Context()
	e := frontier.Entry{URL: target, Kind: res.entry.Kind, Depth: res.entry.Depth, Seed: res.entry.Seed,
		HintTitle: res.entry.HintTitle, HintPublished: res.entry.HintPublished}
	from := res.entry.URL
	if len(res.hops) > 0 {
		from = res.hops[len(res.hops)-1]
	}
	if frontier.Host(target) != frontier.Host(from) {
		return c.queueRedirect(ctx, e, hops)
	}
	if reason := c.disallowed(ctx, req.URL); reason != nil {
		return reason
	}
	claimed, err := c.frontier.ClaimURL(ctx, e, time.Now())
	if err != nil {
		return err
	}
	if !claimed {
		return errKnownTarget{target}
	}
	res.hops = append(res.hops, target)
	return nil
}

// queueRedirect queues e, the target of a redirect to another host that
// took hops so far. A seed's target keeps its seed status, and its host
// is open to link discovery like the seed's (http://example.com/ moving to
// https://www.example.com/ must not end the crawl of the site).
func (c *Crawler) queueRedirect(ctx context.Context, e frontier.Entry, hops int) error {
	c.redirects.put(e.URL, hops) // before the target can be claimed
	e.NextAt = time.Now()
	n, err := c.frontier.AddURLs(ctx, []frontier.Entry{e}, nil)
	if err != nil {
		return err
	}
	if n == 0 {
		return errKnownTarget{e.URL}
	}
	c.Stats.Found.Add(1)
	if e.Seed {
		c.allowHost(e.URL)
	}
	c.writer.notify()
	return errQueuedTarget{e.URL}
}

// disallowed reports whether robots.txt forbids u, fetching the rules if
// needed. A robots.txt fetch counts as a request to the host: the host's
// delay applies after it.
func (c *Crawler) disallowed(ctx context.Context, u *url.URL) error {
	if err := c.addrs.check(ctx, u); err != nil {
		if re, ok := refused(err); ok {
			c.refuseAddress(u.String(), re)
		}
		return err
	}
	if c.opts.IgnoreRobots {
		return nil
	}
	host := strings.ToLower(u.Host)
	e, fetched := c.robots.get(ctx, u.Scheme, host)
	if fetched {
		c.gate.pause(host, time.Now().Add(c.delayFor(host)))
	}
	if !isClosed(e.ready) {
		return ctx.Err() // cancelled while another request fetched the rules
	}
	if e.unreachable != "" {
		return errRobotsUnreachable{reason: e.unreachable, failures: e.failures, retry: e.expires(), since: e.since}
	}
	if e.group == nil || e.group.Test(u.EscapedPath()+queryPart(u)) {
		return nil
	}
	return errRobots{path: u.EscapedPath()}
}

func queryPart(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

// waitHost sleeps until host may be requested again (after a robots.txt
// fetch made for this very request).
func (c *Crawler) waitHost(ctx context.Context, host string) {
	for {
		ok, ready := c.gate.acquireAgain(host, c.delayFor(host), time.Now())
		if ok {
			return
		}
		t := time.NewTimer(max(time.Until(ready), time.Millisecond))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// get performs the request through colly.
func (c *Crawler) get(ctx context.Context, e frontier.Entry) *result {
	res := &result{entry: e}
	start := time.Now()
	hdr := http.Header{}
	hdr.Set("User-Agent", c.opts.UserAgent)
	if e.Recheck || e.Kind == frontier.Feed || e.Kind == frontier.Sitemap || e.Kind == frontier.Hub || e.Kind == frontier.Robots {
		if e.ETag != "" {
			hdr.Set("If-None-Match", e.ETag)
		}
		if e.LastModified != "" {
			hdr.Set("If-Modified-Since", e.LastModified)
		}
	}
	reqCtx := colly.NewContext()
	reqCtx.Put(resultKey, res)
	err := c.coll.Request(http.MethodGet, e.URL, nil, reqCtx, hdr)
	if res.requestURL != "" {
		c.inflight.Delete(res.requestURL)
	}
	if err != nil && res.err == nil {
		res.err = err
	}
	var bad errBadRedirect
	if errors.As(res.err, &bad) {
		res.err = bad // the server's answer, not a network failure to retry
	}
	if re, ok := refused(res.err); ok {
		// Refused by the address policy at connection time (the host
		// resolved differently than when checked): final, not a network
		// error to retry.
		res.err = re
		c.refuseAddress(e.URL, re)
	}
	if res.header == nil {
		res.header = http.Header{}
	}
	if len(res.body) > c.opts.MaxBytes {
		res.tooBig = true
		res.body = nil
	}
	if res.final == "" {
		res.final = e.URL
	}
	res.elapsed = time.Since(start)
	return res
}

// decodeLimit is the crawler's HTTP transport's last step: it decodes
// gzip bodies itself, and stops reading a decoded body one byte past
// limit, so that a small compressed answer cannot expand into gigabytes
// in memory (a gzip bomb). Go's transport decodes a Content-Encoding: gzip
// it asked for, and the crawler's body limit then counts decoded bytes;
// but colly also gunzips on its own, with the limit on the compressed
// bytes, what the transport leaves encoded: a body named *.xml.gz, one
// typed application/gzip, one whose Content-Encoding the server sent
// unasked. Those are decoded here, and the response is marked decoded,
// so colly reads them as they are.
type decodeLimit struct {
	next  http.RoundTripper
	limit int64
}

func (d decodeLimit) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := d.next.RoundTrip(req)
	if err != nil || resp.Uncompressed {
		return resp, err
	}
	ce := strings.ToLower(resp.Header.Get("Content-Encoding"))
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if !strings.Contains(ce, "gzip") && !(ce == "" && strings.Contains(ct, "gzip")) &&
		!strings.HasSuffix(strings.ToLower(req.URL.Path), ".xml.gz") {
		return resp, nil
	}
	br := bufio.NewReader(resp.Body)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		// Named or typed gzip, sent plain (servers often decode .xml.gz
		// themselves): read as it is, unless the encoding says gzip.
		if strings.Contains(ce, "gzip") {
			return failBody(resp, errors.New("Content-Encoding gzip, but the body is not gzip")), nil
		}
		resp.Body = readCloser{br, resp.Body}
		resp.Uncompressed = true
		return resp, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return failBody(resp, fmt.Errorf("gzip body: %w", err)), nil
	}
	resp.Body = readCloser{io.LimitReader(zr, d.limit+1), resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

// failBody makes reading resp's body fail with err: a broken body is the
// server's answer, final, where an error from RoundTrip would read as a
// network failure and be retried.
func failBody(resp *http.Response, err error) *http.Response {
	resp.Body = readCloser{errReader{err}, resp.Body}
	resp.Uncompressed = true
	return resp
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readCloser reads from r and closes c.
type readCloser struct {
	r io.Reader
	c io.Closer
}

func (rc readCloser) Read(p []byte) (int, error) { return rc.r.Read(p) }
func (rc readCloser) Close() error               { return rc.c.Close() }
