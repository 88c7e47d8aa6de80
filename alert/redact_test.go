package alert

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestWebhookErrorsHideTheURL: a webhook URL's credentials (user
// information, a token in the path or the query) appear in no error,
// whether the endpoint refuses the connection or answers 500.
func TestWebhookErrorsHideTheURL(t *testing.T) {
	const secret = "Sup3rS3cr3t"
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer down.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for name, base := range map[string]string{"answers 500": down.URL, "connection refused": closedURL} {
		t.Run(name, func(t *testing.T) {
			u := strings.Replace(base, "http://", "http://user:"+secret+"@", 1) + "/services/" + secret + "?token=" + secret
			h := &Webhook{URL: u, Attempts: 2, Backoff: time.Millisecond}
			err := h.Send(context.Background(), Alert{SearchID: 1, Title: "t"})
			if err == nil {
				t.Fatal("delivery to a failing endpoint succeeded")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error holds the secret: %v", err)
			}
			if !strings.Contains(err.Error(), strings.TrimPrefix(base, "http://")) {
				t.Errorf("error does not name the endpoint: %v", err)
			}
		})
	}
}
