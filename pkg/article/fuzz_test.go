package article

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzUnmarshal decodes arbitrary bytes as an article, as every consumer
// of the bus does: no panic, and an article it accepts is valid, and a
// fixed point of encoding: marshalled and decoded again it gives the same
// JSON.
func FuzzUnmarshal(f *testing.F) {
	good, err := Marshal(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"schema_version":2}`))
	f.Add([]byte(`{"schema_version":1,"id":"x","canonical_url":"https://a.example/","fetched_at":"2024-01-01T00:00:00Z"}`))
	f.Add([]byte(strings.Replace(string(good), `"start":0,"end":13`, `"start":-5,"end":99999`, 1)))
	f.Add([]byte(strings.Replace(string(good), `"body":"`, `"body":"\ud800`, 1)))
	f.Add([]byte(`{"schema_version":1,"entities":[` + strings.Repeat(`{"start":1},`, 1000) + `{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Unmarshal(data)
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted an invalid article: %v", err)
		}
		once, err := Marshal(a)
		if err != nil {
			t.Fatalf("accepted article does not marshal: %v", err)
		}
		b, err := Unmarshal(once)
		if err != nil {
			t.Fatalf("own JSON not accepted: %v\n%s", err, once)
		}
		twice, err := Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("not a fixed point:\n%s\n%s", once, twice)
		}
	})
}
