package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

// eventPages are a small news site's pages for the withdrawal alert: a
// story announcing a withdrawal, a syndicated copy of it on another path,
// and a story about a cash withdrawal. Written for this test.
var eventPages = map[string]struct{ title, published, body string }{
	"/news/troops.html": {"Russia to pull troops out of Transnistria", "2026-11-20T09:00:00Z", `
Russia will withdraw its troops from Transnistria by the end of the year, the defence ministry announced on Friday.
The ministry said the first units would leave the region next month, ending a deployment that has lasted for more than three decades.
Officials in Chisinau welcomed the decision and said they would work with Moscow on the timetable for the pullout.
Moldova has long demanded the departure of the soldiers, who guard a large Soviet-era ammunition depot near the village of Cobasna.
The depot holds some 20,000 tonnes of ammunition, according to estimates by the Organization for Security and Co-operation in Europe.
Analysts said the move would ease tensions on the eastern flank of the region, though questions remained over the fate of the depot.`},
	"/news/troops-syndicated.html": {"Russia to pull troops out of Transnistria", "2026-11-20T09:05:00Z", `
Russia will withdraw its troops from Transnistria by the end of the year, the defence ministry announced on Friday.
The ministry said the first units would leave the region next month, ending a deployment that has lasted for more than three decades.
Officials in Chisinau welcomed the decision and said they would work with Moscow on the timetable for the pullout.
Moldova has long demanded the departure of the soldiers, who guard a large Soviet-era ammunition depot near the village of Cobasna.
The depot holds some 20,000 tonnes of ammunition, according to estimates by the Organization for Security and Co-operation in Europe.
Analysts said the move would ease tensions on the eastern flank of the region, though questions remained over the fate of the depot.`},
	"/news/cash.html": {"Bank limits cash withdrawals at machines", "2026-11-20T10:00:00Z", `
A regional bank said on Friday that customers could make a cash withdrawal of at most 500 euros a day from its machines.
The limit applies from Monday and follows a rise in card fraud at cash machines in the city centre, the bank said in a statement.
Customers who need larger sums can still withdraw money at a branch counter after showing identification, it added.
Consumer groups criticised the change, saying that older customers rely on cash machines more than on online banking.
The bank said that fewer than one customer in a hundred took out more than the new limit on a typical day last year.
It expects the limit to stay in place until the end of the first quarter, when it will review the figures on fraud.`},
}

func serveEventPages(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rss.xml" {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Event Wire</title><link>http://`+r.Host+`/</link>`)
			for _, p := range []string{"/news/troops.html", "/news/troops-syndicated.html", "/news/cash.html"} {
				fmt.Fprintf(w, "<item><title>%s</title><link>http://%s%s</link><guid>%s</guid></item>", html.EscapeString(eventPages[p].title), r.Host, p, p)
			}
			fmt.Fprint(w, `</channel></rss>`)
			return
		}
		page, ok := eventPages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		var paras strings.Builder
		for _, p := range strings.Split(strings.TrimSpace(page.body), "\n") {
			fmt.Fprintf(&paras, "<p>%s</p>\n", html.EscapeString(p))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%[1]s</title>
<meta property="og:title" content="%[1]s"><meta property="article:published_time" content="%[2]s"></head>
<body><header><nav><a href="/">Home</a></nav></header><main><article><h1>%[1]s</h1>
<time datetime="%[2]s">%[2]s</time>
%[3]s</article></main><footer>Event Wire, a test site.</footer></body></html>`, html.EscapeString(page.title), page.published, paras.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestAlertsOnNewWithdrawal is issue 15's check: an alert on
// event:new-withdrawal fires for a story announcing a withdrawal, once
// for the story (not again for its syndicated copy, nor on a second
// crawl), and not for a story about cash withdrawals.
func TestAlertsOnNewWithdrawal(t *testing.T) {
	site := serveEventPages(t)
	dir := t.TempDir()
	if code, stdout, stderr := runCLI(t, "alerts", "add", "--data", dir, "--name", "withdrawals", "event:new-withdrawal"); code != 0 || !strings.Contains(stdout, "saved search") {
		t.Fatalf("alerts add: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "alerts.jsonl")
	crawl := func() {
		t.Helper()
		if code, _, stderr := runCLI(t, "run", "--data", dir, "--once", "--delay", "0", "--max-depth", "1",
			"--progress", "never", "--alerts-out", out, "--seeds", site.URL+"/rss.xml"); code != 0 {
			t.Fatalf("run: exit %d\n%s", code, stderr)
		}
	}
	crawl()

	// Every page was stored, the two copies as one story.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.Search(ctx, query.Query{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	stories := map[string]string{}
	for _, h := range all {
		stories[strings.TrimPrefix(h.URL, site.URL)] = h.StoryID
	}
	if len(stories) != 3 || stories["/news/troops.html"] == "" || stories["/news/troops.html"] != stories["/news/troops-syndicated.html"] {
		t.Fatalf("stored %v (path: story), want the three pages, the two copies in one story", stories)
	}
	hits, err := st.Search(ctx, query.MustParse("event:new-withdrawal"), 10)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Errorf("search event:new-withdrawal finds %d articles, want the two copies of the troops story", len(hits))
	}

	alerts := readAlerts(t, out)
	if len(alerts) != 1 || alerts[0].StoryID != stories["/news/troops.html"] || !strings.Contains(alerts[0].Title, "troops") {
		b, _ := json.Marshal(alerts)
		t.Fatalf("alerts = %s, want one for the troops story", b)
	}
	// The alert tells who withdraws what from where, as the detector found it.
	if evs := alerts[0].Events; len(evs) == 0 || !evs[0].NewAnnouncement || evs[0].Kind != "military" ||
		evs[0].Actor == nil || evs[0].Actor.Country != "RU" || evs[0].From == nil ||
		!strings.Contains(evs[0].From.Text, "Transnistria") || evs[0].Trigger == "" {
		b, _ := json.Marshal(alerts[0].Events)
		t.Errorf("alert's events = %s, want Russia's new military withdrawal from Transnistria", b)
	}
	crawl()
	if again := readAlerts(t, out); len(again) != 1 {
		t.Errorf("second run: %d alerts, want still 1", len(again))
	}

	// The facets show the event's kind and actor.
	code, stdout, stderr := runCLI(t, "search", "--data", dir, "--facets", "event:withdrawal")
	t.Logf("search --facets event:withdrawal:\n%s", stdout)
	if code != 0 || !strings.Contains(stdout, "event kind:") || !strings.Contains(stdout, "military (2)") {
		t.Errorf("search --facets: exit %d\n%s%s", code, stdout, stderr)
	}
}
