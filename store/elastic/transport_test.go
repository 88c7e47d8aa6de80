package elastic

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestOwnedBodyLeavesCallerBufferAlone checks the contract the bulk indexer
// needs: by the time the request goes out, the caller's buffer has been
// read in full and is never touched again, so the caller may reuse it.
func TestOwnedBodyLeavesCallerBufferAlone(t *testing.T) {
	buf := bytes.NewBufferString(`{"index":{}}` + "\n" + `{"title":"x"}` + "\n")
	want := buf.String()
	var sent string
	rt := ownedBody{next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if buf.Len() != 0 {
			t.Errorf("caller's buffer still holds %d bytes when the request is sent", buf.Len())
		}
		buf.Reset() // the caller reusing its buffer
		buf.WriteString("next batch")
		b, _ := io.ReadAll(r.Body)
		sent = string(b)
		if r.ContentLength != int64(len(want)) {
			t.Errorf("ContentLength = %d, want %d", r.ContentLength, len(want))
		}
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	})}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9200/_bulk", io.NopCloser(buf))
	if err != nil {
		t.Fatal(err)
	}
	res, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if sent != want {
		t.Errorf("sent %q, want %q", sent, want)
	}
}
