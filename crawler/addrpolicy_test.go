package crawler

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/netpolicy"
)

// fakeNet is a fake Internet on loopback: a fake resolver answers from a
// table, and the dialer routes every public address (documentation
// ranges) to one loopback test site. Every address handed to it is
// recorded; a special address reaching it is a failure of the policy, and
// is refused rather than connected to. No traffic leaves loopback.
type fakeNet struct {
	t       *testing.T
	site    string // host:port of the loopback site public addresses lead to
	answers map[string][]netip.Addr
	allow   bool // special addresses may reach the network (AllowPrivate)

	mu     sync.Mutex
	dialed []string
}

func (f *fakeNet) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if as, ok := f.answers[host]; ok {
		return as, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (f *fakeNet) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	f.mu.Lock()
	f.dialed = append(f.dialed, address)
	f.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		f.t.Errorf("dialed a name, not a checked address: %s", address)
		return nil, err
	}
	if _, special := netpolicy.Classify(ap.Addr()); special {
		if !f.allow {
			f.t.Errorf("the policy let %s reach the network", address)
			return nil, fmt.Errorf("test network: %s must not be dialed", address)
		}
		return (&net.Dialer{}).DialContext(ctx, network, address) // only loopback ones exist in these tests
	}
	return (&net.Dialer{}).DialContext(ctx, network, f.site)
}

func (f *fakeNet) reached(addr string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.dialed {
		if d == addr {
			return true
		}
	}
	return false
}

// TestAddressPolicy: a public site's feed and redirects lead into
// loopback, private and link-local addresses and a metadata name; every
// such URL fails with the policy's reason, nothing is connected to, and
// the refusals are counted by reason. With AllowPrivate they are fetched.
func TestAddressPolicy(t *testing.T) {
	inner := newTestSite(t) // "internal" service on loopback; must see no request
	inner.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secret") })
	innerAddr := strings.TrimPrefix(inner.URL, "http://")
	_, innerPort, _ := net.SplitHostPort(innerAddr)

	site := newTestSite(t) // the public news site
	c := loadCorpus(t, 1)
	c.serve(site)
	site.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	site.mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/after-redirect", http.StatusFound)
	})
	entries := []string{
		"http://news.example/news/" + c.ids[0] + ".html", // public: fetched
		"http://news.example/moved",                      // redirects into loopback
		inner.URL + "/direct",                            // loopback literal
		"http://169.254.169.254/latest/meta-data/",       // cloud metadata
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://evil.example:" + innerPort + "/named", // a name resolving to loopback
		"http://inside.example/intranet",              // a name resolving to 10/8
		"http://[fd00:ec2::254]/latest/meta-data/",    // unique-local
		"http://shared.example/x",                     // CGNAT
	}
	site.mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
		for _, e := range entries {
			fmt.Fprintf(w, "<item><title>x</title><link>%s</link></item>", e)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	newNet := func(t *testing.T) *fakeNet {
		return &fakeNet{t: t, site: strings.TrimPrefix(site.URL, "http://"), answers: map[string][]netip.Addr{
			"news.example":   {netip.MustParseAddr("203.0.113.7")},
			"evil.example":   {netip.MustParseAddr("127.0.0.1")},
			"inside.example": {netip.MustParseAddr("10.0.0.5")},
			"shared.example": {netip.MustParseAddr("100.64.1.1")},
		}}
	}
	refusedURLs := entries[2:]

	for _, ignoreRobots := range []bool{false, true} {
		// Without robots.txt there is no check before the request: the
		// dialer alone refuses.
		t.Run(fmt.Sprintf("ignore robots %v", ignoreRobots), func(t *testing.T) {
			fn := newNet(t)
			opts := testOptions()
			opts.Resolver, opts.Dial, opts.IgnoreRobots, opts.Retries = fn, fn.Dial, ignoreRobots, 2
			r := crawlWith(t, "", opts, "http://news.example/feed.xml")
			if len(r.articles) != 1 {
				t.Errorf("%d articles, want the public one", len(r.articles))
			}
			// A redirect to another host queues its target, which fails.
			for _, u := range append(refusedURLs, inner.URL+"/after-redirect") {
				state, reason := r.outcome(t, u)
				if state != frontier.Failed || !strings.Contains(reason, "refused by address policy") {
					t.Errorf("%s: %v %q, want failed by the address policy", u, state, reason)
				}
			}
			if n := len(inner.log()); n != 0 {
				t.Errorf("the internal service got %d requests", n)
			}
			got := map[string]int64{}
			for _, a := range r.c.AddressRefusals() {
				got[a.Reason] = a.URLs
			}
			want := map[string]int64{"loopback": 3, "link-local": 1, "metadata": 1, "private": 1, "unique-local": 1, "shared": 1}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("refusals by reason = %v, want %v", got, want)
			}
		})
	}

	t.Run("allow private", func(t *testing.T) {
		fn := newNet(t)
		fn.allow = true
		opts := testOptions()
		opts.Resolver, opts.Dial, opts.AllowPrivate = fn, fn.Dial, true
		r := crawlWith(t, "", opts, "http://news.example/feed.xml")
		if inner.requested("/direct") != 1 || inner.requested("/after-redirect") != 1 {
			t.Errorf("with AllowPrivate the loopback URLs were not fetched: %v", inner.count())
		}
		if len(r.c.AddressRefusals()) != 0 {
			t.Errorf("refusals with AllowPrivate: %v", r.c.AddressRefusals())
		}
	})

	t.Run("a seed's own range is allowed", func(t *testing.T) {
		fn := newNet(t)
		fn.allow = true // 10.0.0.5 is the seed's; routed below
		fn.answers["intranet.example"] = []netip.Addr{netip.MustParseAddr("10.0.0.5")}
		dial := func(ctx context.Context, network, address string) (net.Conn, error) {
			if address == "10.0.0.5:80" {
				return (&net.Dialer{}).DialContext(ctx, network, fn.site) // the seed's site, on loopback
			}
			return fn.Dial(ctx, network, address)
		}
		opts := testOptions()
		opts.Resolver, opts.Dial = fn, dial
		r := crawlWith(t, "", opts, "http://intranet.example/feed.xml")
		if state, reason := r.outcome(t, "http://inside.example/intranet"); state == frontier.Failed && strings.Contains(reason, "address policy") {
			t.Errorf("10/8 refused though the seed is in it: %s", reason)
		}
		if state, reason := r.outcome(t, inner.URL+"/direct"); state != frontier.Failed || !strings.Contains(reason, "loopback") {
			t.Errorf("loopback not refused with a 10/8 seed: %v %q", state, reason)
		}
		if fn.reached(innerAddr) {
			t.Error("the internal service was dialed")
		}
	})
}
