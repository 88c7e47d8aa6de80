package netpolicy_test

import (
	"fmt"
	"net/http"
	"net/netip"

	"github.com/wirewatch/wirewatch/netpolicy"
)

func ExampleClassify() {
	for _, s := range []string{"169.254.169.254", "10.1.2.3", "::ffff:127.0.0.1", "203.0.113.7"} {
		r, special := netpolicy.Classify(netip.MustParseAddr(s))
		fmt.Println(s, special, r.Reason)
	}
	// Output:
	// 169.254.169.254 true link-local
	// 10.1.2.3 true private
	// ::ffff:127.0.0.1 true loopback
	// 203.0.113.7 false
}

// An HTTP client that cannot be pointed at the host's own network: the
// policy is checked on the address each connection goes to.
func ExampleDialer() {
	d := &netpolicy.Dialer{Policy: &netpolicy.Policy{}}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = d.DialContext
	t.Proxy = nil // a proxy would connect on the client's behalf, unchecked
	client := &http.Client{Transport: t}
	_, err := client.Get("http://127.0.0.1:9/")
	fmt.Println(err)
	// Output:
	// Get "http://127.0.0.1:9/": refused by address policy: 127.0.0.1 is a loopback address
}
