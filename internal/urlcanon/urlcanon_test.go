package urlcanon

import "testing"

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "HTTPS://WWW.Example.COM/News/A?utm_source=x&b=2&a=1#top", want: "https://www.example.com/News/A?a=1&b=2"},
		{in: "http://example.com:80", want: "http://example.com/"},
		{in: "https://example.com:8443/x?fbclid=1&gclid=2", want: "https://example.com:8443/x"},
		{in: "https://example.com/x?utm_campaign=a&UTM_MEDIUM=b", want: "https://example.com/x"},
		{in: "https://user:pw@example.com/x", want: "https://example.com/x"},
		{in: "ftp://example.com/x", wantErr: true},
		{in: "/relative/path", wantErr: true},
		{in: "http://[::1]:80/a", want: "http://[::1]/a"},
		{in: "https://example.com/a?q=hello world", want: "https://example.com/a?q=hello+world"},
		// Pairs url.ParseQuery refuses are kept, not dropped: dropping them
		// merges different articles into one URL.
		{in: "https://example.com/a.php?id=1;p=2", want: "https://example.com/a.php?id=1;p=2"},
		{in: "https://example.com/a.php?utm_source=x&id=3;p=2&b=1", want: "https://example.com/a.php?b=1&id=3;p=2"},
		{in: "https://example.com/a?x=%zz", want: "https://example.com/a?x=%zz"},
		{in: "https://example.com/a?b&a=2&a=1&&", want: "https://example.com/a?a=1&a=2&b="},
	}
	for _, tt := range tests {
		got, err := Canonicalize(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Canonicalize(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("Canonicalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResolve(t *testing.T) {
	got, err := Resolve("https://example.com/news/a?utm_source=rss", "/news/a#x")
	if err != nil {
		t.Fatal(err)
	}
	if got != "https://example.com/news/a" {
		t.Errorf("Resolve = %q", got)
	}
}

func TestContentLikeParametersAreKept(t *testing.T) {
	for _, in := range []string{"https://example.com/story?cid=123", "https://example.com/a?share=1", "https://example.com/a?cmp=2"} {
		got, err := Canonicalize(in)
		if err != nil || got != in {
			t.Errorf("Canonicalize(%q) = %q, %v; a parameter that may name the content must stay", in, got, err)
		}
	}
}
