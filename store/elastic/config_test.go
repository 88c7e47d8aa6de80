package elastic

import (
	"flag"
	"reflect"
	"testing"
	"time"
)

func TestRegisterFlags(t *testing.T) {
	tests := []struct {
		args []string
		want Config
	}{
		{nil, Config{IndexPrefix: "wirewatch", Analyzer: "standard"}},
		{[]string{"--es-url", "http://a:9200,http://b:9200", "--es-url=https://c:9200"},
			Config{URLs: []string{"http://a:9200", "http://b:9200", "https://c:9200"}, IndexPrefix: "wirewatch", Analyzer: "standard"}},
		{[]string{"--es-cloud-id", "dep:abc", "--es-api-key", "k", "--es-username", "u", "--es-password", "p",
			"--es-ca-cert", "/ca.pem", "--es-index-prefix", "eu", "--es-analyzer", "english"},
			Config{CloudID: "dep:abc", APIKey: "k", Username: "u", Password: "p", CACertFile: "/ca.pem", IndexPrefix: "eu", Analyzer: "english"}},
	}
	for _, tt := range tests {
		var c Config
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		c.RegisterFlags(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, tt.want) {
			t.Errorf("%v: config = %+v, want %+v", tt.args, c, tt.want)
		}
	}
}

func TestNewClientNeedsANode(t *testing.T) {
	if _, err := NewClient(Config{}); err == nil {
		t.Error("NewClient without URLs or cloud ID succeeded")
	}
	if _, err := NewClient(Config{URLs: []string{"https://localhost:9200"}, CACertFile: "/does/not/exist"}); err == nil {
		t.Error("NewClient with a missing CA file succeeded")
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		at   time.Time
		want int64
		ok   bool
	}{
		{time.Date(2021, 1, 8, 10, 0, 0, 5, time.UTC), 1610100000000000005, true},
		{time.Unix(0, 0), 0, false},
		{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), 0, false},
	}
	for _, tt := range tests {
		got, err := Version(tt.at)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Version(%v) = %d, %v; want %d (ok %v)", tt.at, got, err, tt.want, tt.ok)
		}
	}
}
