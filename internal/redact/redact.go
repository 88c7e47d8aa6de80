// Package redact keeps credentials out of log lines and error messages.
//
// Configured URLs (webhooks, Elasticsearch nodes) may carry secrets in
// their user information, their query or, as with many webhook services,
// their path. Anything that logs such a URL, or returns an error that
// names it, passes it through URL first; errors from an HTTP client, which
// quote the request URL, pass through Error.
package redact

import (
	"errors"
	"fmt"
	"net/url"
)

// URL returns raw with everything but its scheme and host hidden:
// "https://***@hooks.example.org/…" for
// "https://user:pw@hooks.example.org/services/T0/B0/XyZ?token=abc". The
// result names the endpoint well enough to tell which one failed and
// nothing that grants access to it. A string that does not parse as a URL
// is hidden whole.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(hidden URL)"
	}
	out := u.Scheme + "://"
	if u.User != nil {
		out += "***@"
	}
	out += u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		out += "/…"
	}
	return out
}

// Error returns err with the URL of an HTTP client's or URL parser's
// error (a *url.Error at its head) passed through URL. The result still
// wraps the cause, so errors.Is and errors.As on it see what they did,
// except the *url.Error itself.
func Error(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) || ue != err {
		return err
	}
	return fmt.Errorf("%s %s: %w", ue.Op, URL(ue.URL), ue.Err)
}
