package netpolicy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// URLs checks the http(s) URLs that users configure for the process to
// call, such as alert webhooks: a URL is checked when it is saved, against
// the addresses its host resolves to then, and again at every connection
// by the client URLs returns, which connects only to the addresses it
// checked (so a name re-pointed inside after the first check, DNS
// rebinding, is still refused).
type URLs struct {
	// Resolver looks names up (default net.DefaultResolver); tests give
	// a fake one.
	Resolver Resolver
	// AllowPrivate turns the policy off, for receivers inside a private
	// network (--allow-private-webhooks).
	AllowPrivate bool
}

func (u URLs) policy() *Policy { return &Policy{AllowAll: u.AllowPrivate} }

// CheckURL checks an http or https URL and its host as it resolves now.
// A host with any refused address is refused: a name that points inside,
// even among public addresses, is no public endpoint. Credentials in the
// URL are refused, since URLs end up in logs and lists.
func (u URLs) CheckURL(ctx context.Context, raw string) error {
	pu, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	if pu.Scheme != "http" && pu.Scheme != "https" {
		return errors.New("want an http or https URL")
	}
	host := pu.Hostname()
	if host == "" {
		return errors.New("the URL names no host")
	}
	if pu.User != nil {
		return errors.New("credentials in the URL would be logged; put a secret in its path instead")
	}
	p := u.policy()
	if err := p.CheckName(host); err != nil {
		return err
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.Check(host, ip)
	}
	if u.AllowPrivate {
		return nil
	}
	var r Resolver = net.DefaultResolver
	if u.Resolver != nil {
		r = u.Resolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("resolve %s: no addresses", host)
	}
	for _, ip := range addrs {
		if err := p.Check(host, ip); err != nil {
			return err
		}
	}
	return nil
}

// Client returns an HTTP client that connects only where the policy
// allows, through no proxy (a proxy would connect on the client's behalf,
// unchecked), following at most three redirects, each checked at
// connection like the first request.
func (u URLs) Client(timeout time.Duration) *http.Client {
	d := &Dialer{Policy: u.policy(), Resolver: u.Resolver, Dial: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	tr := &http.Transport{
		DialContext:           d.DialContext,
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
