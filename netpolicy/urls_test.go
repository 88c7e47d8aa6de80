package netpolicy_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/netpolicy"
)

// tableResolver answers from a table, so tests resolve names without DNS.
type tableResolver map[string][]string

func (f tableResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range f[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if out == nil {
		return nil, errors.New("no such host")
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	p := netpolicy.URLs{Resolver: tableResolver{
		"hooks.example.org": {"93.184.215.14"},
		"internal.example":  {"10.0.0.7"},
		"mixed.example":     {"93.184.215.14", "127.0.0.1"},
		"meta.example":      {"169.254.169.254"},
	}}
	for raw, ok := range map[string]bool{
		"https://hooks.example.org/ww":     true,
		"http://hooks.example.org:8080/x":  true,
		"https://internal.example/x":       false,
		"https://mixed.example/x":          false,
		"http://meta.example/latest":       false,
		"http://metadata.google.internal/": false,
		"http://127.0.0.1:9/x":             false,
		"http://[::1]/x":                   false,
		"https://nowhere.example/x":        false,
		"ftp://hooks.example.org/x":        false,
		"https://u:p@hooks.example.org/":   false,
		"https:///x":                       false,
	} {
		if err := p.CheckURL(context.Background(), raw); (err == nil) != ok {
			t.Errorf("%s: %v, want allowed %v", raw, err, ok)
		}
	}
	if err := (netpolicy.URLs{AllowPrivate: true}).CheckURL(context.Background(), "http://127.0.0.1:9/x"); err != nil {
		t.Errorf("AllowPrivate: %v", err)
	}
}

// TestClientRefusesAtConnect checks the check at connection time: a name
// that resolves to loopback is refused by the client even though a server
// listens there, and allowed with AllowPrivate.
func TestClientRefusesAtConnect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "reached") }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	res := tableResolver{"rebound.example": {"127.0.0.1"}}
	url := "http://rebound.example:" + port + "/"

	strict := netpolicy.URLs{Resolver: res}.Client(5 * time.Second)
	if resp, err := strict.Get(url); err == nil {
		resp.Body.Close()
		t.Fatal("reached a loopback server through a name")
	} else if !errors.Is(err, netpolicy.ErrRefused) {
		t.Fatalf("error %v, want a refusal", err)
	}

	open := netpolicy.URLs{Resolver: res, AllowPrivate: true}.Client(5 * time.Second)
	resp, err := open.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "reached" {
		t.Errorf("body %q", b)
	}
}
