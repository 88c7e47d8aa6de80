package cleaneval

import "testing"

func TestStripScripts(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>a</p>`, `<p>a</p>`},
		{`<head><script type="application/ld+json">{"articleBody":"x"}</script></head><p>a</p>`, `<head></head><p>a</p>`},
		{`<SCRIPT>var s = "<p>";</SCRIPT ><p>a</p><script src=x.js></script>`, `<p>a</p>`},
		{`<p>a</p><script>never closed`, `<p>a</p>`},
		// Bytes that are not UTF-8 (a Latin-1 page) keep their places.
		{"<p>caf\xe9 \xff</p><script>x</script><p>b</p>", "<p>caf\xe9 \xff</p><p>b</p>"},
	}
	for _, tt := range tests {
		if got := string(StripScripts([]byte(tt.in))); got != tt.want {
			t.Errorf("StripScripts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
