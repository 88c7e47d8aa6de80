// Package netpolicy keeps outgoing requests that users configure (alert
// webhooks) away from the machine's own network: loopback, private,
// link-local, unique-local, carrier-grade NAT and cloud metadata addresses.
// A URL is checked when it is saved and again at every connection, after
// DNS resolution, and the connection goes to the very address checked, so
// that a name re-pointed at an internal address after the first check (DNS
// rebinding) is still refused.
package netpolicy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ErrRefused is wrapped by every refusal of an address.
var ErrRefused = errors.New("address not allowed")

// Policy decides which addresses outgoing requests may reach.
type Policy struct {
	// Resolver resolves host names (default net.DefaultResolver).
	Resolver Resolver
	// AllowPrivate turns the checks off, for webhooks inside a private
	// network (--allow-private-webhooks).
	AllowPrivate bool
}

// blocked lists the ranges refused besides those net/netip classifies
// (loopback, private, link-local, multicast, unspecified).
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),      // carrier-grade NAT; 100.100.100.200 is a cloud metadata service
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),       // NAT64 may reach IPv4 internals
	netip.MustParsePrefix("fec0::/10"),          // deprecated site-local
	netip.MustParsePrefix("2001:db8::/32"),      // documentation
	netip.MustParsePrefix("fd00:ec2::254/128"),  // a cloud metadata service (also unique-local)
	netip.MustParsePrefix("169.254.169.254/32"), // cloud metadata (also link-local)
}

// CheckAddr refuses an address of the local network.
func (p Policy) CheckAddr(a netip.Addr) error {
	if p.AllowPrivate {
		return nil
	}
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return fmt.Errorf("%w: %s is a loopback address", ErrRefused, a)
	case a.IsPrivate():
		return fmt.Errorf("%w: %s is a private address", ErrRefused, a)
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return fmt.Errorf("%w: %s is a link-local address", ErrRefused, a)
	case a.IsUnspecified(), a.IsMulticast(), a.IsInterfaceLocalMulticast():
		return fmt.Errorf("%w: %s is not a unicast address", ErrRefused, a)
	}
	for _, b := range blocked {
		if b.Contains(a) {
			return fmt.Errorf("%w: %s is in the reserved range %s", ErrRefused, a, b)
		}
	}
	return nil
}

func (p Policy) resolver() Resolver {
	if p.Resolver != nil {
		return p.Resolver
	}
	return net.DefaultResolver
}

// resolve returns host's addresses, refusing them all if any is refused:
// a name that points inside, even among outside addresses, is not a
// public endpoint.
func (p Policy) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, p.CheckAddr(a)
	}
	addrs, err := p.resolver().LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("resolve %s: no addresses", host)
	}
	if !p.AllowPrivate {
		for _, a := range addrs {
			if err := p.CheckAddr(a); err != nil {
				return nil, fmt.Errorf("%s: %w", host, err)
			}
		}
	}
	return addrs, nil
}

// CheckURL checks an http or https URL's host as it resolves now.
func (p Policy) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("bad URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s: want an http or https URL", raw)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%s: no host", raw)
	}
	if u.User != nil {
		return fmt.Errorf("%s: credentials in the URL would be logged; use a secret path instead", raw)
	}
	if p.AllowPrivate {
		return nil
	}
	_, err = p.resolve(ctx, u.Hostname())
	return err
}

// DialContext resolves addr's host, checks every address, and connects to
// the first that answers, by address, so that the connection goes where
// the check looked.
func (p Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if _, err := strconv.Atoi(port); err != nil {
		return nil, fmt.Errorf("port %q: %w", port, err)
	}
	addrs, err := p.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	var errs []error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// Client returns an HTTP client that connects only where p allows, with
// no proxy (a proxy would connect on the client's behalf, unchecked) and
// redirects checked like the first request.
func (p Policy) Client(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		DialContext:           p.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("too many redirects")
		}
		return nil
	}}
}
