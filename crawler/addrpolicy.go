package crawler

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/netpolicy"
)

// addressPolicy keeps the crawler out of its own network (see
// netpolicy): a public page must not make it fetch from loopback, private,
// link-local (cloud metadata), unique-local or shared addresses. The
// binding check is in the transport's dialer, on the address connected
// to, after resolution, so DNS rebinding does not get around it; a check
// before robots.txt and the request (check) refuses most such URLs
// without a connection attempt and with a clear outcome. Refusals are
// counted by reason.
type addressPolicy struct {
	policy   *netpolicy.Policy // nil: off (AllowPrivate, or a caller's Transport)
	resolver netpolicy.Resolver

	mu       sync.Mutex
	refusals map[string]int64 // by reason; the reasons are a fixed small set
}

func newAddressPolicy(opts Options) *addressPolicy {
	p := &addressPolicy{resolver: opts.Resolver, refusals: map[string]int64{}}
	if p.resolver == nil {
		p.resolver = net.DefaultResolver
	}
	if !opts.AllowPrivate && opts.Transport == nil {
		p.policy = &netpolicy.Policy{}
	}
	return p
}

// dialer returns the DialContext of the crawler's transport.
func (p *addressPolicy) dialer(opts Options) netpolicy.DialFunc {
	dial := opts.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: min(opts.Timeout, 30*time.Second), KeepAlive: 30 * time.Second}).DialContext
	}
	policy := p.policy
	if policy == nil {
		if opts.Resolver == nil {
			return dial // net.Dialer resolves, racing IPv6 and IPv4
		}
		policy = &netpolicy.Policy{AllowAll: true} // resolve with opts.Resolver, check nothing
	}
	return (&netpolicy.Dialer{Policy: policy, Resolver: p.resolver, Dial: dial}).DialContext
}

// allowSeeds allows the ranges the seeds' own hosts are in: whoever seeds
// a site on 10.1.2.3, or the demo site on 127.0.0.1, means to crawl it.
// Called before any request, so the policy does not change while dials
// read it.
func (p *addressPolicy) allowSeeds(ctx context.Context, seeds []frontier.Entry, log func(msg string, args ...any)) {
	if p.policy == nil {
		return
	}
	seen := map[string]bool{}
	allowed := map[netip.Prefix]bool{}
	for _, s := range seeds {
		u, err := url.Parse(s.URL)
		if err != nil || seen[u.Hostname()] {
			continue
		}
		host := u.Hostname()
		seen[host] = true
		addrs := []netip.Addr{}
		if ip, err := netip.ParseAddr(host); err == nil {
			addrs = append(addrs, ip)
		} else {
			lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			addrs, err = p.resolver.LookupNetIP(lctx, "ip", host)
			cancel()
			if err != nil {
				continue // the seed's own fetch reports it
			}
		}
		for _, ip := range addrs {
			if r, special := netpolicy.Classify(ip); special && !allowed[r.Prefix] {
				allowed[r.Prefix] = true
				p.policy.Allowed = append(p.policy.Allowed, r.Prefix)
				log("seed host is in a special range: crawling it is allowed", "host", host, "range", r.Prefix.String(), "kind", r.Reason)
			}
		}
	}
}

// check refuses u if its host is a metadata name or resolves only to
// refused addresses. A failed lookup passes: the request reports it.
func (p *addressPolicy) check(ctx context.Context, u *url.URL) error {
	if p.policy == nil {
		return nil
	}
	host := u.Hostname()
	if err := p.policy.CheckName(host); err != nil {
		return err
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.policy.Check(host, ip)
	}
	addrs, err := p.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	var first error
	for _, ip := range addrs {
		err := p.policy.Check(host, ip)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// count records a refusal.
func (p *addressPolicy) count(re *netpolicy.RefusedError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refusals[re.Reason]++
}

// refused returns the *netpolicy.RefusedError in err's chain, if any.
func refused(err error) (*netpolicy.RefusedError, bool) {
	var re *netpolicy.RefusedError
	ok := errors.As(err, &re)
	return re, ok
}

// AddressRefusal is how many URLs the address policy refused for one
// reason.
type AddressRefusal struct {
	Reason string // loopback, private, link-local, unique-local, shared, metadata, ...
	URLs   int64
}

// AddressRefusals counts the URLs refused by the address policy, by
// reason, most first.
func (c *Crawler) AddressRefusals() []AddressRefusal {
	p := c.addrs
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []AddressRefusal
	for r, n := range p.refusals {
		out = append(out, AddressRefusal{Reason: r, URLs: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].URLs != out[j].URLs {
			return out[i].URLs > out[j].URLs
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

// refuseAddress counts and logs a URL refused by the address policy.
func (c *Crawler) refuseAddress(u string, re *netpolicy.RefusedError) {
	c.addrs.count(re)
	c.log.Warn("address refused: not fetched", "url", u, "reason", re.Reason, "err", re.Error(),
		"hint", "a seed in the range, or --allow-private, allows it")
}
