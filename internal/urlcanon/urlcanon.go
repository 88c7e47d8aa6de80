// Package urlcanon turns the many spellings of an article's address into one
// canonical URL, so that one article has one id however it was reached.
package urlcanon

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the resource; they are dropped. Names ending in "*" are prefixes.
// Names that some sites use for content (cid, share, cmp, ito) are left
// alone: dropping one would merge different articles, while keeping one
// only splits an article, which its rel=canonical usually joins again.
var trackingParams = []string{
	"utm_*", "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "mc_cid", "mc_eid",
	"yclid", "igshid", "_ga", "_gl", "ocid", "cmpid", "smid",
	"ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
	"at_medium", "at_campaign", "at_custom*", "ref_src", "ref_url",
	"taid", "guccounter", "guce_referrer", "guce_referrer_sig", "mbid",
}

// IsTracking reports whether a query parameter's name (any case) is one of
// the tracking parameters Canonicalize drops.
func IsTracking(name string) bool {
	name = strings.ToLower(name)
	for _, p := range trackingParams {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(name, prefix) {
				return true
			}
		} else if name == p {
			return true
		}
	}
	return false
}

// Canonicalize returns the canonical form of an absolute http(s) URL:
// lowercase scheme and host, no default port, no fragment, no tracking
// parameters, remaining parameters sorted, and an empty path written as "/".
func Canonicalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonicalize %q: %w", raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("canonicalize %q: not an http(s) URL", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("canonicalize %q: no host", raw)
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimSuffix(host, ".")
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment = ""
	u.RawFragment = ""
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		u.RawQuery = canonicalQuery(u.RawQuery)
	}
	u.ForceQuery = false
	return u.String(), nil
}

// canonicalQuery drops tracking parameters from a raw query and sorts the
// rest by name, then value, re-encoding each pair. A pair that does not
// decode (a ';' separator, a bad escape) is kept verbatim: url.ParseQuery
// would drop it, and article.php?id=1;p=2 and article.php?id=3;p=2 would
// become one URL.
func canonicalQuery(raw string) string {
	type pair struct{ key, value, text string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		rk, rv, _ := strings.Cut(part, "=")
		k, kerr := url.QueryUnescape(rk)
		v, verr := url.QueryUnescape(rv)
		if kerr != nil || verr != nil || strings.Contains(part, ";") {
			if kerr != nil {
				k = rk
			}
			if !IsTracking(k) {
				pairs = append(pairs, pair{rk, rv, part})
			}
			continue
		}
		if IsTracking(k) {
			continue
		}
		pairs = append(pairs, pair{k, v, url.QueryEscape(k) + "=" + url.QueryEscape(v)})
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i].key != pairs[j].key {
			return pairs[i].key < pairs[j].key
		}
		return pairs[i].value < pairs[j].value
	})
	var b strings.Builder
	for _, p := range pairs {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.text)
	}
	return b.String()
}

// Resolve resolves ref (such as a rel=canonical href) against base and
// canonicalizes the result.
func Resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("resolve against %q: %w", base, err)
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", fmt.Errorf("resolve %q: %w", ref, err)
	}
	return Canonicalize(b.ResolveReference(r).String())
}
