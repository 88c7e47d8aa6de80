package frontier

import "testing"

func TestHost(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"https://Example.COM/a?b", "example.com"},
		{"http://127.0.0.2:8080/x", "127.0.0.2:8080"},
		{"https://[::1]:443/", "[::1]:443"},
		{"/relative/path", ""},
		{"http://bad host/", ""},
		{"://", ""},
	} {
		if got := Host(c.url); got != c.want {
			t.Errorf("Host(%q) = %q, want %q", c.url, got, c.want)
		}
	}
}
