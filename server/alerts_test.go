package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/netpolicy"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// fakeResolver maps host names to one address each.
type fakeResolver map[string]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	a, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	return []netip.Addr{netip.MustParseAddr(a)}, nil
}

// TestAlertsAPI adds, lists, follows and removes a saved search.
func TestAlertsAPI(t *testing.T) {
	sq, st := openSQLite(t, fixture())
	// Names resolve through a table: tests never ask DNS.
	policy := netpolicy.URLs{Resolver: fakeResolver{"hooks.example.org": "93.184.215.14", "rebind.example.org": "10.0.0.5"}}
	ts := serve(t, sq, alert.NewSQLiteStore(st), server.Options{NewSecret: func() (string, error) { return "whsec_c2VjcmV0", nil }, CheckWebhook: policy.CheckURL})

	code, _, b := do(t, ts, "POST", "/api/v1/alerts", `{"name":"libya","query":"place:Libya","webhook":"https://hooks.example.org/ww"}`)
	if code != 201 {
		t.Fatalf("add: %d %s", code, b)
	}
	added := decode[struct {
		alert.Search
		Secret string `json:"secret"`
	}](t, b)
	if added.ID == 0 || added.Secret != "whsec_c2VjcmV0" || added.Query != "place:Libya" {
		t.Fatalf("added %+v", added)
	}
	for _, bad := range []struct{ body, param string }{
		{`{"name":"","query":"Libya"}`, "name"},
		{`{"name":"x","query":"place:"}`, "query"},
		{`{"name":"x","query":""}`, "query"},
		{`{"name":"x","query":"Libya","webhook":"ftp://x"}`, "webhook"},
		{`{"name":"x","query":"Libya","extra":1}`, "body"},
		{`{"name":"x","query":"Libya","webhook":"http://127.0.0.1:8080/x"}`, "webhook"},
		{`{"name":"x","query":"Libya","webhook":"http://169.254.169.254/latest/meta-data"}`, "webhook"},
		{`{"name":"x","query":"Libya","webhook":"https://rebind.example.org/x"}`, "webhook"},
	} {
		code, _, b := do(t, ts, "POST", "/api/v1/alerts", bad.body)
		if code != 400 || !strings.Contains(string(b), `"param":"`+bad.param+`"`) {
			t.Errorf("%s: %d %s, want 400 on %s", bad.body, code, b, bad.param)
		}
	}

	_, _, b = get(t, ts, "/api/v1/alerts")
	list := decode[struct{ Alerts []alert.Search }](t, b)
	if len(list.Alerts) != 1 || strings.Contains(string(b), "whsec_") || list.Alerts[0].Webhook == "" {
		t.Fatalf("list %s: want the search without its secret", b)
	}

	// A fired alert shows in the log and the search's feed.
	a := alert.Alert{SearchID: added.ID, SearchName: "libya", Query: "place:Libya", StoryID: "s3", ArticleID: fixture()[5].ID,
		Title: "Rain floods the north", URL: "https://apnews.com/r1", Site: "apnews.com", FiredAt: t0,
		Events: []article.Event{{Type: article.Withdrawal, Kind: "military", Status: "completed", NewAnnouncement: true,
			Actor: &article.Role{Text: "the army"}, From: &article.Role{Text: "Tripoli", Canonical: "Tripoli"}}}}
	if _, err := alert.NewSQLiteStore(st).Fire(context.Background(), a, "", t0); err != nil {
		t.Fatal(err)
	}
	_, _, b = get(t, ts, "/api/v1/alerts/log")
	if log := decode[struct{ Fired []alert.Alert }](t, b); len(log.Fired) != 1 || log.Fired[0].StoryID != "s3" {
		t.Errorf("log %s", b)
	}
	code, ct, b := get(t, ts, "/api/v1/alerts/"+itoa(int(added.ID))+"/feed.rss")
	if code != 200 || !strings.HasPrefix(ct, "application/rss+xml") || !strings.Contains(string(b), "<title>Rain floods the north</title>") ||
		!strings.Contains(string(b), `<guid isPermaLink="false">wirewatch:`+itoa(int(added.ID))+`:s3</guid>`) ||
		!strings.Contains(string(b), `<description>apnews.com; military withdrawal, completed (new): the army withdraws from Tripoli</description>`) {
		t.Errorf("feed: %d %s\n%s", code, ct, b)
	}

	if code, _, b := do(t, ts, "DELETE", "/api/v1/alerts/"+itoa(int(added.ID)), ""); code != 204 {
		t.Errorf("delete: %d %s", code, b)
	}
	if code, _, _ := do(t, ts, "DELETE", "/api/v1/alerts/"+itoa(int(added.ID)), ""); code != 404 {
		t.Errorf("second delete: %d, want 404", code)
	}
	if code, _, _ := get(t, ts, "/api/v1/alerts/"+itoa(int(added.ID))+"/feed.rss"); code != 404 {
		t.Errorf("feed of a removed search: %d, want 404", code)
	}
}

// TestStream opens the live stream and stores a matching and a
// non-matching article: only the first arrives, as one story event.
func TestStream(t *testing.T) {
	sq, st := openSQLite(t, fixture())
	ts := serve(t, sq, nil, server.Options{StreamPoll: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/stream?q=Lavrov", nil)
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(res.Body)
	line, err := r.ReadString('\n')
	if err != nil || line != ": open\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	other := storetest.Mk("/o", "apnews.com", "Weather", "Sunny spells.", t0.Add(50*24*time.Hour))
	fresh := storetest.Mk("/f", "apnews.com", "Lavrov again", "Sergey Lavrov spoke.", t0.Add(50*24*time.Hour))
	fresh.StoryID = "s-new"
	for _, a := range append(fixture(), other, fresh) { // the old ones again change nothing
		if err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	var event, data string
	for data == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimSpace(line[7:])
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		}
	}
	var hit struct{ Title, StoryID string }
	if err := json.Unmarshal([]byte(data), &hit); err != nil {
		t.Fatal(err)
	}
	if event != "story" || hit.Title != "Lavrov again" {
		t.Errorf("event %q %s, want story Lavrov again", event, data)
	}
}
