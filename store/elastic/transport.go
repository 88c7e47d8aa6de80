package elastic

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// ownedBody is an http.RoundTripper that reads each request body into a
// buffer of its own before sending it.
//
// esutil.BulkIndexer reuses a worker's buffer as the next bulk body as soon
// as the round trip returns, but net/http may still be writing the old body
// from its connection goroutine then (the server can answer, or the request
// end, before the body is fully sent). The race detector caught the two
// touching the same buffer; sending a private copy makes reuse safe, for
// the price of one copy of a bulk body per request.
type ownedBody struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t ownedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.next.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: read request body: %w", err)
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r.ContentLength = int64(len(b))
	return t.next.RoundTrip(r)
}
