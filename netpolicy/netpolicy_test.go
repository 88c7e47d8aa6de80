package netpolicy

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		ip     string
		reason string // "" for public
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "private"},
		{"169.254.169.254", "link-local"}, // cloud metadata
		{"fe80::1", "link-local"},
		{"fd00:ec2::254", "unique-local"}, // AWS metadata over IPv6
		{"fc00::1", "unique-local"},
		{"100.64.0.1", "shared"},
		{"100.100.100.200", "shared"}, // Alibaba metadata
		{"100.128.0.1", ""},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "reserved"},
		{"::ffff:10.0.0.1", "private"},       // IPv4-mapped
		{"::ffff:127.0.0.1", "loopback"},     // IPv4-mapped
		{"64:ff9b::a9fe:a9fe", "link-local"}, // NAT64 of 169.254.169.254
		{"64:ff9b::808:808", ""},             // NAT64 of 8.8.8.8
		{"203.0.113.7", ""},
		{"8.8.8.8", ""},
		{"2001:db8::1", ""},
	}
	for _, tt := range tests {
		r, special := Classify(netip.MustParseAddr(tt.ip))
		if special != (tt.reason != "") || r.Reason != tt.reason {
			t.Errorf("Classify(%s) = %q, %v; want %q", tt.ip, r.Reason, special, tt.reason)
		}
	}
}

func TestPolicyAllowed(t *testing.T) {
	p := &Policy{Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	if err := p.Check("a", netip.MustParseAddr("10.9.9.9")); err != nil {
		t.Errorf("allowed range refused: %v", err)
	}
	if err := p.Check("a", netip.MustParseAddr("::ffff:10.9.9.9")); err != nil {
		t.Errorf("allowed range, IPv4-mapped, refused: %v", err)
	}
	var re *RefusedError
	if err := p.Check("a", netip.MustParseAddr("192.168.0.1")); !errors.As(err, &re) || re.Reason != "private" {
		t.Errorf("other private range: %v, want refused", err)
	}
	if err := (&Policy{AllowAll: true}).Check("a", netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Errorf("AllowAll refused: %v", err)
	}
}

// fakeResolver answers from a table and counts lookups; a name it maps
// to a list of answers gives them in turn (DNS rebinding).
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	lookups map[string]int
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lookups == nil {
		f.lookups = map[string]int{}
	}
	as, ok := f.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	n := f.lookups[host]
	f.lookups[host]++
	return as[min(n, len(as)-1)], nil
}

func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// TestDialerChecksTheAddressItConnects dials through a fake resolver and
// a fake network: "public" addresses (documentation ranges) are routed to
// a loopback listener, and every address handed to the network is
// recorded, so the test shows that a refused address never reaches it.
// No traffic leaves loopback.
func TestDialerChecksTheAddressItConnects(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	res := &fakeResolver{answers: map[string][][]netip.Addr{
		"news.example":      {addrs("203.0.113.7")},
		"inside.example":    {addrs("10.0.0.5")},
		"mixed.example":     {addrs("127.0.0.1", "203.0.113.8")},
		"rebind.example":    {addrs("203.0.113.9"), addrs("127.0.0.1")},
		"metadata.example":  {addrs("169.254.169.254")},
		"v6private.example": {addrs("fd12::1")},
	}}
	tests := []struct {
		address string
		reason  string // "" if it connects
		dialed  string // the address given to the network
	}{
		{"news.example:80", "", "203.0.113.7:80"},
		{"inside.example:80", "private", ""},
		{"mixed.example:80", "", "203.0.113.8:80"}, // the refused address is skipped
		{"rebind.example:80", "", "203.0.113.9:80"},
		{"rebind.example:80", "loopback", ""}, // the second lookup rebinds: refused
		{"metadata.example:80", "link-local", ""},
		{"169.254.169.254:80", "link-local", ""},
		{"127.0.0.1:80", "loopback", ""},
		{"[::1]:80", "loopback", ""},
		{"[::ffff:127.0.0.1]:80", "loopback", ""},
		{"v6private.example:443", "unique-local", ""},
		{"metadata.google.internal:80", "metadata", ""},
		{"METADATA.google.internal.:80", "metadata", ""},
	}
	var dialed []string
	var refusals []string
	strict := true // no special address may reach the network
	d := &Dialer{
		Policy:   &Policy{},
		Resolver: res,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			dialed = append(dialed, address)
			ap := netip.MustParseAddrPort(address)
			if _, special := Classify(ap.Addr()); special && strict {
				t.Fatalf("a special address reached the network: %s", address)
			}
			return (&net.Dialer{}).DialContext(ctx, "tcp", l.Addr().String()) // the fake public Internet
		},
		Refused: func(e *RefusedError) { refusals = append(refusals, e.Reason) },
	}
	for _, tt := range tests {
		dialed = nil
		c, err := d.DialContext(context.Background(), "tcp", tt.address)
		if tt.reason == "" {
			if err != nil {
				t.Errorf("%s: %v, want a connection", tt.address, err)
				continue
			}
			c.Close()
			if len(dialed) != 1 || dialed[0] != tt.dialed {
				t.Errorf("%s: dialed %v, want %s", tt.address, dialed, tt.dialed)
			}
			continue
		}
		var re *RefusedError
		if !errors.As(err, &re) || re.Reason != tt.reason {
			t.Errorf("%s: err %v, want refused as %s", tt.address, err, tt.reason)
		}
		if len(dialed) != 0 {
			t.Errorf("%s: dialed %v before refusing", tt.address, dialed)
		}
	}
	if want := 10; len(refusals) != want {
		t.Errorf("Refused called %d times (%v), want %d", len(refusals), refusals, want)
	}
	if res.lookups["metadata.google.internal"] != 0 {
		t.Error("a metadata name was looked up")
	}

	// The seed's own range, allowed (still routed to loopback).
	strict = false
	d.Policy = &Policy{Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	dialed = nil
	if c, err := d.DialContext(context.Background(), "tcp", "inside.example:80"); err != nil {
		t.Errorf("allowed range: %v", err)
	} else {
		c.Close()
	}
	if len(dialed) != 1 || dialed[0] != "10.0.0.5:80" {
		t.Errorf("allowed range dialed %v", dialed)
	}
}
