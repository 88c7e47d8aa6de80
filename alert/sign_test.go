package alert_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
)

// TestSignKnownAnswer checks Sign against the example of the Standard
// Webhooks specification.
func TestSignKnownAnswer(t *testing.T) {
	got, err := alert.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

// receiver is a webhook endpoint that verifies Standard Webhooks signatures
// with its own code (crypto/hmac), not the sender's, and records what it
// accepted.
type receiver struct {
	key []byte
	mu  sync.Mutex
	ids []string
	bad []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts, sig := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	mac := hmac.New(sha256.New, rc.key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	sec, err := strconv.ParseInt(ts, 10, 64)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if id == "" || err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute || !hmac.Equal([]byte(sig), []byte(want)) {
		rc.bad = append(rc.bad, id+" "+ts+" "+sig)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.ids = append(rc.ids, id)
}

// TestSignedWebhook saves a search with a secret, fires it through the
// notifier and the outbox to a loopback receiver, which verifies each
// request; a redelivery keeps its webhook-id.
func TestSignedWebhook(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	secret, err := alert.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") || len(key) != 24 {
		t.Fatalf("secret %q: %v", secret, err)
	}
	rc := &receiver{key: key}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	s, err := alert.NewSQLiteStore(st).Add(ctx, alert.Search{Name: "fighters", Query: `"foreign fighters"`, Webhook: srv.URL, Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	n, err := alert.New(ctx, alert.NewSQLiteStore(st), alert.Options{Sink: &recorder{}, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	for _, story := range []string{"story-a", "story-b"} {
		if err := n.Process(ctx, copyOf(0, story, "example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := n.DeliverDue(ctx); err != nil || got != 2 {
		t.Fatalf("DeliverDue = %d, %v", got, err)
	}
	// The same alert delivered again (as after a crash before clearing it)
	// carries the same id, so the receiver can drop it.
	h := &alert.Webhook{URL: srv.URL, Secret: secret, ID: alert.MessageID(s.ID, "story-a")}
	if err := h.Send(ctx, alert.Alert{SearchID: s.ID, StoryID: "story-a"}); err != nil {
		t.Fatal(err)
	}
	// A wrong secret is refused by the receiver.
	other, _ := alert.NewSecret()
	wrong := &alert.Webhook{URL: srv.URL, Secret: other, ID: "x", Attempts: 1}
	if err := wrong.Send(ctx, alert.Alert{}); err == nil {
		t.Error("a request signed with another secret was accepted")
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	want := []string{alert.MessageID(s.ID, "story-a"), alert.MessageID(s.ID, "story-b"), alert.MessageID(s.ID, "story-a")}
	if strings.Join(rc.ids, " ") != strings.Join(want, " ") || len(rc.bad) != 1 {
		t.Errorf("accepted %v, refused %v; want %v and one refusal", rc.ids, rc.bad, want)
	}
	// The secret is kept with the search.
	list, err := alert.NewSQLiteStore(st).Searches(ctx)
	if err != nil || len(list) != 1 || list[0].Secret != secret {
		t.Errorf("searches %+v, %v", list, err)
	}
}
