package netpolicy_test

import (
	"fmt"
	"net/netip"

	"github.com/wirewatch/wirewatch/netpolicy"
)

func ExamplePolicy_CheckAddr() {
	var p netpolicy.Policy
	for _, a := range []string{"93.184.215.14", "10.0.0.1", "169.254.169.254", "::1"} {
		fmt.Println(a, p.CheckAddr(netip.MustParseAddr(a)) == nil)
	}
	// Output:
	// 93.184.215.14 true
	// 10.0.0.1 false
	// 169.254.169.254 false
	// ::1 false
}
