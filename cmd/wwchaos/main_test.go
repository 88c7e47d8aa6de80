package main

import (
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

func TestGrepSecrets(t *testing.T) {
	dir := t.TempDir()
	s := secrets{esPassword: "es-0123456789", apiToken: "tok-abcdefabcdef", webhookSecret: "whsec_QUJDREVGR0hJSktM", saslPassword: "wirewatch-secret"}
	files := map[string]string{
		"clean.log": "level=INFO msg=started es_password=[REDACTED]\n",
		"leak.log":  "line one\nAuthorization: Basic " + "ZWxhc3RpYzplcy0wMTIzNDU2Nzg5" + "\nkey QUJDREVGR0hJSktM in an error\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := grepSecrets(dir, s.needles("elastic", "wirewatch"))
	want := []string{
		"leak.log:2: Elasticsearch basic-auth header",
		"leak.log:3: webhook secret key (without whsec_)",
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("grepSecrets = %q, want %q", got, want)
	}
}

// TestFirstRoundHasEveryKind: whatever the seed, the first faults are one
// of each kind (no disk-full without a data directory to fill).
func TestFirstRoundHasEveryKind(t *testing.T) {
	for _, c := range []struct {
		dirs []string
		want []string
	}{
		{[]string{"/d"}, []string{"broker", "disk-full", "elasticsearch", "kill", "pause"}},
		{nil, []string{"broker", "elasticsearch", "kill", "pause"}},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			i := &injector{rng: mrand.New(mrand.NewPCG(seed, 1)), dataDirs: c.dirs}
			var got []string
			for range c.want {
				got = append(got, i.pick())
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, c.want) || !i.roundDone() {
				t.Errorf("seed %d, dirs %v: first round %v (done %v), want %v", seed, c.dirs, got, i.roundDone(), c.want)
			}
		}
	}
}

// TestTargetSpreads: no target is hit twice before every one is hit once.
func TestTargetSpreads(t *testing.T) {
	names := []string{"crawl", "extract-1", "extract-2", "index-1", "index-2"}
	i := &injector{rng: mrand.New(mrand.NewPCG(9, 9))}
	seen := map[string]int{}
	for range 2 * len(names) {
		seen[names[i.target(names)]]++
		most, least := 0, len(names)
		for _, n := range names {
			most, least = max(most, seen[n]), min(least, seen[n])
		}
		if most-least > 1 {
			t.Fatalf("hits %v: one target hit twice before another once", seen)
		}
	}
}
