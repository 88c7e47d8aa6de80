// Package netpolicy keeps outgoing connections out of the host's own
// network: loopback, private, link-local (cloud metadata at
// 169.254.169.254 included), unique-local, shared (CGNAT), unspecified and
// multicast addresses, and the names of cloud metadata services. A crawler
// fetching links from public pages, or a webhook sender posting to URLs
// users give it, could otherwise be pointed at services only the host
// should reach.
//
// The check belongs at dial time, after name resolution, on the very
// address that is connected to: a check of the URL's host name before
// the request can be defeated by a name that resolves to a public
// address when checked and to 127.0.0.1 when connected (DNS rebinding).
// Dialer does exactly that.
package netpolicy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Range is a block of special-purpose addresses the policy refuses.
type Range struct {
	Prefix netip.Prefix
	// Reason names the kind of block, for errors and metrics: loopback,
	// private, link-local, unique-local, shared, unspecified, multicast
	// or broadcast.
	Reason string
}

// Ranges are the blocks refused unless allowed (IANA special-purpose
// registries, RFC 6890 and successors). Cloud metadata endpoints are in
// them: 169.254.169.254 and fd00:ec2::254 (link-local and unique-local),
// 100.100.100.200 (shared).
var Ranges = []Range{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// metadataNames are host names of cloud metadata services that resolve
// only inside the cloud; refused by name, before any lookup.
var metadataNames = map[string]bool{
	"metadata":                   true,
	"metadata.google.internal":   true,
	"metadata.goog":              true,
	"instance-data":              true,
	"instance-data.ec2.internal": true,
	"metadata.azure.internal":    true,
}

// nat64 is the well-known NAT64 prefix (RFC 6052): its addresses reach
// the IPv4 address in their last 32 bits, which is what is classified.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// Classify returns the range ip belongs to, or ok false for an ordinary
// public address. IPv4-mapped and NAT64 IPv6 addresses are classified by
// the IPv4 address they carry.
func Classify(ip netip.Addr) (r Range, ok bool) {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	for _, r := range Ranges {
		if r.Prefix.Contains(ip) {
			return r, true
		}
	}
	return Range{}, false
}

// MetadataName reports whether host is the name of a cloud metadata
// service.
func MetadataName(host string) bool {
	return metadataNames[strings.TrimSuffix(strings.ToLower(host), ".")]
}

// ErrRefused matches every *RefusedError with errors.Is, for callers that
// only count refusals.
var ErrRefused = errors.New("refused by address policy")

// RefusedError is returned for a connection the policy refuses.
type RefusedError struct {
	Host   string     // the host name or address asked for
	Addr   netip.Addr // the address refused; invalid for a refused name
	Reason string     // the range's reason, or "metadata" for a name
}

// Unwrap makes a refusal match ErrRefused.
func (e *RefusedError) Unwrap() error { return ErrRefused }

func (e *RefusedError) Error() string {
	if !e.Addr.IsValid() {
		return fmt.Sprintf("refused by address policy: %s is a cloud metadata name", e.Host)
	}
	if e.Host != e.Addr.String() {
		return fmt.Sprintf("refused by address policy: %s resolves to %s, a %s address", e.Host, e.Addr, e.Reason)
	}
	return fmt.Sprintf("refused by address policy: %s is a %s address", e.Addr, e.Reason)
}

// Policy decides which addresses may be connected to. The zero Policy
// refuses every range in Ranges and every metadata name. A Policy must not
// be changed while a Dialer uses it.
type Policy struct {
	// AllowAll turns the policy off (--allow-private).
	AllowAll bool
	// Allowed are ranges allowed even so, such as the range of a seed's
	// own host: whoever asks to crawl a site on 10.1.2.3 means it.
	Allowed []netip.Prefix
}

// Check returns a *RefusedError if ip may not be connected to; host is
// what was asked for, for the error.
func (p *Policy) Check(host string, ip netip.Addr) error {
	if p.AllowAll {
		return nil
	}
	r, special := Classify(ip)
	if !special {
		return nil
	}
	for _, a := range p.Allowed {
		if a.Contains(ip.Unmap()) {
			return nil
		}
	}
	return &RefusedError{Host: host, Addr: ip, Reason: r.Reason}
}

// CheckName returns a *RefusedError if host is refused by name.
func (p *Policy) CheckName(host string) error {
	if p.AllowAll || !MetadataName(host) {
		return nil
	}
	return &RefusedError{Host: host, Reason: "metadata"}
}

// Resolver looks up the addresses of a host name. *net.Resolver
// implements it; tests give a fake one so that no name is looked up.
// network is "ip", "ip4" or "ip6", as for net.Resolver.LookupNetIP.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// DialFunc connects to an address; the signature of net.Dialer.DialContext.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Dialer connects only to addresses its Policy allows. It resolves the
// host itself and connects to the checked addresses, never to the name,
// so what was checked is what is connected to.
type Dialer struct {
	Policy *Policy
	// Resolver looks names up (default net.DefaultResolver).
	Resolver Resolver
	// Dial connects to one checked address (default a net.Dialer's
	// DialContext); tests route it to loopback listeners.
	Dial DialFunc
	// Refused, when set, is called with each refusal before it is
	// returned, for counting.
	Refused func(*RefusedError)
}

// DialContext connects to address (host:port) over network ("tcp",
// "tcp4" or "tcp6"), trying the host's allowed addresses in the order
// the resolver gave them. If every address is refused, the error is the
// first *RefusedError; nothing was connected to.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	policy := d.Policy
	if policy == nil {
		policy = &Policy{}
	}
	if err := policy.CheckName(host); err != nil {
		return nil, d.refused(err)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		var r Resolver = net.DefaultResolver
		if d.Resolver != nil {
			r = d.Resolver
		}
		ipNet := "ip"
		switch network {
		case "tcp4", "udp4":
			ipNet = "ip4"
		case "tcp6", "udp6":
			ipNet = "ip6"
		}
		if addrs, err = r.LookupNetIP(ctx, ipNet, host); err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	dial := d.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	var firstRefusal, lastErr error
	for _, ip := range addrs {
		if err := policy.Check(host, ip); err != nil {
			if firstRefusal == nil {
				firstRefusal = err
			}
			continue
		}
		c, err := dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	if lastErr != nil {
		return nil, lastErr
	}
	return nil, d.refused(firstRefusal)
}

func (d *Dialer) refused(err error) error {
	var re *RefusedError
	if d.Refused != nil && errors.As(err, &re) {
		d.Refused(re)
	}
	return err
}
