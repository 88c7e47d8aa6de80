package server_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/server"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// chromium finds the headless browser deployments/local/chromium.sh
// installs. Without one the browser tests skip, except in CI (CI=true),
// where they must run.
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium binary: run deployments/local/chromium.sh")
	}
	t.Skip("no chromium binary (deployments/local/chromium.sh installs one)")
	return ""
}

// browser starts a headless Chromium; the returned context drives a tab.
func browser(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // containers run tests as root
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-gpu", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTime)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// step runs actions, and on failure keeps a screenshot of the page.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		path := filepath.Join(os.TempDir(), fmt.Sprintf("wirewatch-%s-%s.png", t.Name(), strings.ReplaceAll(name, " ", "-")))
		if png, serr := chromedp.Run(sctx, chromedp.FullScreenshot(100)); serr == nil {
			os.WriteFile(path, png, 0o644)
			t.Fatalf("%s: %v (screenshot %s)", name, err, path)
		}
		t.Fatalf("%s: %v", name, err)
	}
}

// clear empties an input.
func clear(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`void (document.querySelector(%q).value = "")`, sel))
}

// until waits for a JavaScript condition to hold once the page has no
// search under way.
func until(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`document.querySelector("#results-col").getAttribute("aria-busy") === "false" && (`+js+`)`,
		chromedp.WithPollingTimeout(20*time.Second))
}

// TestPage drives the web page in a real headless Chromium as an analyst
// would: a query and its completion (names and event fields), stories with
// copies, a facet included, excluded (and still listed) and dropped, the
// timeline's zoom, an article, an alert added and removed, the event
// badges of result rows, and live mode.
func TestPage(t *testing.T) {
	docs := fixture()
	sq, st := openSQLite(t, docs)
	ts := serve(t, sq, alert.NewSQLiteStore(st), server.Options{StreamPoll: 100 * time.Millisecond})
	ctx := browser(t)

	step(t, ctx, "open", chromedp.Navigate(ts.URL+"/"), until(`document.querySelectorAll("#hits li.hit").length === 5`))
	step(t, ctx, "query",
		clear("#q"), chromedp.SendKeys("#q", "Lavrov"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#hits li.hit").length === 2 && location.search.includes("q=Lavrov")`))
	if path := os.Getenv("WIREWATCH_SCREENSHOT"); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step(t, ctx, "keyboard completion",
		clear("#q"), chromedp.Focus("#q"), chromedp.SendKeys("#q", "person:ser"),
		until(`!document.querySelector("#suggest").hidden && document.querySelector("#suggest li")?.dataset.value === "Sergey Lavrov"`),
		chromedp.KeyEvent(kb.ArrowDown),
		until(`document.querySelector("#suggest li").getAttribute("aria-selected") === "true"`))
	// Tab picks, as Enter does for a person; the DevTools protocol sends
	// Enter's character apart from its key press, which a page cannot
	// cancel, so Enter would also submit here.
	step(t, ctx, "pick completion",
		chromedp.KeyEvent(kb.Tab),
		until(`document.querySelector("#q").value === 'person:"Sergey Lavrov" ' && document.querySelector("#suggest").hidden`))
	step(t, ctx, "search completed",
		chromedp.KeyEvent(kb.Enter),
		until(`location.search.includes("Sergey") && document.querySelectorAll("#hits li.hit").length === 2`))
	step(t, ctx, "copies",
		until(`[...document.querySelectorAll("button.copies")].some(b => b.textContent === "+2 copies")`),
		chromedp.Click(`button.copies`),
		until(`document.querySelectorAll(".copy-list li").length === 2`))
	// Event fields complete too: actors from the store once a letter is
	// typed, the fixed values of the others as soon as the colon is, in
	// the query language's order, each with its count.
	values := `[...document.querySelectorAll("#suggest li")].map(li => li.dataset.value).join(" ")`
	step(t, ctx, "event completion lists",
		clear("#q"), chromedp.Focus("#q"), chromedp.SendKeys("#q", "event:"),
		until(`!document.querySelector("#suggest").hidden && `+values+` === "withdrawal new-withdrawal"`),
		chromedp.KeyEvent(kb.Escape),
		until(`document.querySelector("#suggest").hidden`),
		clear("#q"), chromedp.SendKeys("#q", "Moldova -event.kind:d"),
		until(`!document.querySelector("#suggest").hidden && `+values+` === "diplomatic"`),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Tab),
		until(`document.querySelector("#q").value === "Moldova -event.kind:diplomatic " && document.querySelector("#suggest").hidden`),
		clear("#q"), chromedp.SendKeys("#q", "event.actor:ru"),
		until(`!document.querySelector("#suggest").hidden && `+values+` === "Russia"`),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Tab),
		until(`document.querySelector("#q").value === "event.actor:Russia " && document.querySelector("#suggest").hidden`),
		chromedp.SendKeys("#q", "event.kind:"),
		until(`!document.querySelector("#suggest").hidden && `+values+` === "military diplomatic agreement political business sports other" &&
			document.querySelector("#suggest li .count").textContent === "2"`),
		chromedp.SendKeys("#q", "m"),
		until(`!document.querySelector("#suggest").hidden && `+values+` === "military"`),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Tab),
		until(`document.querySelector("#q").value === "event.actor:Russia event.kind:military " && document.querySelector("#suggest").hidden`),
		chromedp.SendKeys("#q", "event.status:"),
		until(`!document.querySelector("#suggest").hidden && `+values+` === "announced completed demanded supported refused historical hypothetical"`),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp),
		until(`document.querySelector("#suggest li[aria-selected=true]")?.dataset.value === "completed" &&
			document.querySelector("#q").getAttribute("aria-activedescendant") === "sug-1"`),
		chromedp.KeyEvent(kb.Tab),
		until(`document.querySelector("#q").value === "event.actor:Russia event.kind:military event.status:completed " && document.querySelector("#suggest").hidden`),
		chromedp.KeyEvent(kb.Enter),
		until(`location.search.includes("event.status") && document.querySelectorAll("#hits li.hit").length === 1 &&
			document.querySelector("#hits li.hit .title").textContent === "NATO ministers meet"`))
	step(t, ctx, "bad query shows where",
		clear("#q"), chromedp.SendKeys("#q", "Lavrov colour:red"), chromedp.Click(`#search button[type=submit]`),
		until(`!document.querySelector("#q-error").hidden && document.querySelector("#q-error").textContent.includes("Column 8")`))
	step(t, ctx, "facet include",
		clear("#q"), chromedp.SendKeys("#q", "Lavrov"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelector("#q-error").hidden && document.querySelectorAll("#hits li.hit").length === 2`),
		chromedp.Click(`button.fv[aria-label^="NATO,"]`),
		until(`document.querySelector("#q").value === "Lavrov org:NATO" && document.querySelectorAll("#hits li.hit").length === 1`))
	step(t, ctx, "facet exclude",
		chromedp.Click(`button.fv[aria-label^="NATO,"]`),
		until(`document.querySelector("#q").value === 'Lavrov -org:NATO' && document.querySelectorAll("#hits li.hit").length === 1 &&
			document.querySelector("#hits li.hit .title").textContent === "Lavrov visits Libya"`))
	// No match has an excluded value, so the store does not count it; it
	// stays listed, marked, and a click drops the exclusion.
	step(t, ctx, "excluded value stays",
		until(`document.querySelector('button.fv.exclude[aria-label="NATO, excluded"] .count')?.textContent === "excluded"`),
		chromedp.Click(`button.fv[aria-label^="NATO,"]`),
		until(`document.querySelector("#q").value === "Lavrov" && document.querySelectorAll("#hits li.hit").length === 2 &&
			document.querySelector('button.fv[aria-label="NATO, 1 articles"]:not(.exclude)')`),
		chromedp.Click(`button.fv[aria-label^="Sergey Lavrov,"]`),
		until(`document.querySelector("#q").value === 'Lavrov person:"Sergey Lavrov"' && document.querySelectorAll("#hits li.hit").length === 2`),
		chromedp.Click(`button.fv[aria-label^="Sergey Lavrov,"]`),
		until(`document.querySelector("#q").value === 'Lavrov -person:"Sergey Lavrov"' && document.querySelectorAll("#hits li.hit").length === 0 &&
			document.querySelector('button.fv.exclude[aria-label="Sergey Lavrov, excluded"]') && document.querySelectorAll("#facet-list button.fv").length === 1`),
		chromedp.Click(`button.fv[aria-label^="Sergey Lavrov,"]`),
		until(`document.querySelector("#q").value === "Lavrov" && document.querySelectorAll("#hits li.hit").length === 2 &&
			!document.querySelector("button.fv.exclude")`))
	step(t, ctx, "language facet",
		clear("#q"), chromedp.SendKeys("#q", "NATO"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#hits li.hit").length === 2 && document.querySelector('button.fv[aria-label="de, 1 articles"]')`),
		chromedp.Click(`button.fv[aria-label^="de,"]`),
		until(`document.querySelector("#q").value === "NATO lang:de" && document.querySelectorAll("#hits li.hit").length === 1 &&
			document.querySelector("#hits li.hit .title").textContent === "NATO-Minister tagen"`),
		chromedp.Click(`button.fv[aria-label^="de,"]`),
		until(`document.querySelector("#q").value === "NATO -lang:de" && document.querySelectorAll("#hits li.hit").length === 2 &&
			document.querySelector('button.fv.exclude[aria-label="de, excluded"]')`),
		chromedp.Click(`button.fv[aria-label^="de,"]`),
		until(`document.querySelector("#q").value === "NATO" && document.querySelectorAll("#hits li.hit").length === 2 && !document.querySelector("button.fv.exclude")`))
	step(t, ctx, "zoom",
		clear("#q"), chromedp.SendKeys("#q", "Lavrov"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#timeline .hit-area").length === 13`),
		chromedp.Click(`#timeline .hit-area[data-i="12"]`),
		until(`location.search.includes("range=zoom") && location.search.includes("since=2024-05-18") &&
			document.querySelectorAll("#hits li.hit").length === 1 && document.querySelectorAll("#timeline .hit-area").length === 1`))
	step(t, ctx, "article",
		clear("#q"), chromedp.SendKeys("#q", "withdrawal"), chromedp.Click(`#zoom-out`),
		until(`document.querySelectorAll("#hits li.hit").length === 1 && !location.search.includes("range") &&
			document.querySelector("#hits li.hit .title").textContent === "Lavrov visits Libya"`),
		chromedp.Click(`#hits li.hit .title`),
		until(`document.querySelector("#article").open && document.querySelector("#art-body mark.PERSON")?.textContent === "Sergey Lavrov" &&
			document.querySelector("#art-body mark.PLACE")?.textContent === "Libya" &&
			document.querySelectorAll("#art-copies li").length === 2 && location.search.includes("article=")`),
		// The event is shown as the detector explains it, and its trigger
		// is marked in the body.
		until(`document.querySelector("#art-body mark.trig")?.textContent === "withdrawal" &&
			document.querySelector("#art-events h3")?.textContent === "Withdrawal events (1)" &&
			document.querySelector("#art-events li").textContent.includes("military withdrawal, announced · background — withdraws foreign fighters") &&
			document.querySelector("#art-events li .why").textContent === 'trigger “withdrawal”; decided by “to discuss”'`),
		chromedp.Click(`#art-removed summary`),
		until(`document.querySelector("#art-removed details").open && document.querySelector("#art-removed summary").textContent === "newsletter"`),
		chromedp.Click(`#art-close`),
		until(`!document.querySelector("#article").open && !location.search.includes("article=")`))
	step(t, ctx, "event facet",
		until(`[...document.querySelectorAll("#facet-list section.facet h3")].some(h => h.textContent === "Withdrawals")`),
		chromedp.Click(`button.fv[aria-label^="military,"]`),
		until(`document.querySelector("#q").value === "withdrawal event.kind:military" && document.querySelectorAll("#hits li.hit").length === 1`),
		chromedp.Click(`button.fv[aria-label^="military,"]`),
		// Excluded, the story is still shown by its copy without the event,
		// and the kind is still listed, to be clicked again.
		until(`document.querySelector("#q").value === "withdrawal -event.kind:military" && document.querySelectorAll("#hits li.hit").length === 1 &&
			document.querySelector("#hits li.hit .title").textContent === "Russian minister in Libya" &&
			document.querySelector('button.fv.exclude[aria-label="military, excluded"]')`),
		chromedp.Click(`button.fv[aria-label^="military,"]`),
		until(`document.querySelector("#q").value === "withdrawal" && !document.querySelector("button.fv.exclude") &&
			document.querySelector('button.fv[aria-label="military, 1 articles"]')`),
		clear("#q"), chromedp.SendKeys("#q", "withdrawal"), chromedp.Click(`#search button[type=submit]`),
		until(`location.search.includes("q=withdrawal") && !location.search.includes("event") && document.querySelectorAll("#hits li.hit").length === 1`))
	step(t, ctx, "add alert",
		chromedp.SendKeys("#alert-name", "withdrawals"), chromedp.Click(`#alert-form button[type=submit]`),
		until(`document.querySelectorAll(".alert-item").length === 1 && document.querySelector(".alert-item code").textContent === "withdrawal"`))
	step(t, ctx, "remove alert",
		chromedp.Click(`.alert-item button`),
		until(`document.querySelectorAll(".alert-item").length === 0`))
	// One badge per kind of withdrawal in a result row, "new" when one of
	// its events is news, its tooltip naming who withdraws from where, and
	// a line telling it for the news event, which a touch screen shows too.
	step(t, ctx, "event badges",
		clear("#q"), chromedp.SendKeys("#q", "Lavrov"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#hits li.hit").length === 2 && document.querySelectorAll("#hits li.hit .ev-badges").length === 1 &&
			document.querySelector("#hits li.hit:has(.ev-badges) .title").textContent === "Lavrov visits Libya" &&
			!document.querySelector("#hits").textContent.includes("null")`),
		clear("#q"), chromedp.SendKeys("#q", "withdrawal"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#hits li.hit").length === 1 && document.querySelectorAll("#hits li.hit .ev-badge").length === 1 &&
			document.querySelector("#hits .ev-badge").textContent === "withdrawal · military" && !document.querySelector("#hits .ev-badge.new") &&
			document.querySelector("#hits .ev-badge").title.startsWith("actor not named (announced)") &&
			document.querySelector("#hits .ev-who").textContent === "withdraws foreign fighters · announced"`),
		clear("#q"), chromedp.SendKeys("#q", "Moldova"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#hits li.hit").length === 1 &&
			[...document.querySelectorAll("#hits .ev-badge")].map(b => b.textContent).join("|") === "withdrawal · military new|withdrawal · diplomatic" &&
			document.querySelector("#hits .ev-badge.new .ev-new")?.textContent === "new" && document.querySelectorAll("#hits .ev-badge.new").length === 1 &&
			document.querySelector('#hits .ev-badge[data-kind="military"]').title.startsWith("Russia → Moldova (completed, new announcement)") &&
			document.querySelector('#hits .ev-badge[data-kind="diplomatic"]').title.startsWith("Russia (demanded)") &&
			document.querySelector("#hits .ev-who").textContent === "Russia withdraws its troops from Moldova · completed"`),
		chromedp.Click(`#hits .ev-badge[data-kind="diplomatic"]`),
		until(`document.querySelector("#q").value === "Moldova event.kind:diplomatic" && location.search.includes("event.kind") &&
			document.querySelectorAll("#hits li.hit").length === 1`))
	step(t, ctx, "live",
		clear("#q"), chromedp.SendKeys("#q", "Lavrov"), chromedp.Click(`#search button[type=submit]`),
		until(`document.querySelectorAll("#hits li.hit").length === 2`),
		chromedp.Click(`#live`),
		until(`document.querySelector("#results-col").classList.contains("is-live")`))
	step(t, ctx, "narrow screen",
		chromedp.EmulateViewport(360, 740),
		until(`document.documentElement.scrollWidth <= 360 && document.querySelector("#q").getBoundingClientRect().width > 200`),
		chromedp.EmulateViewport(1280, 900))
	// The stream opens after the click; an article stored once it is open
	// must appear. Wait for the server to see the stream first.
	fresh := storetest.Mk("/live", "apnews.com", "Lavrov speaks live", "Sergey Lavrov spoke to reporters.", t0.Add(40*24*time.Hour))
	fresh.StoryID = "s-live"
	waitStreams(t, ctx)
	if err := st.Put(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "live article appears",
		until(`document.querySelector("#hits li.hit.fresh .title")?.textContent === "Lavrov speaks live"`))
}

// waitStreams waits until the page's live stream has been answered, so that
// what is stored next is new to it.
func waitStreams(t *testing.T, ctx context.Context) {
	t.Helper()
	// The page marks the stream open once its response headers arrived,
	// which the server sends after reading the stories already matching.
	step(t, ctx, "stream open", until(`document.querySelector("#results-col").dataset.stream === "open"`))
}

// TestScreenshot saves a PNG of the page at WIREWATCH_SCREENSHOT_URL to
// WIREWATCH_SCREENSHOT (the README's picture: `wirewatch demo --listen` and
// a query); it skips unless both are set.
func TestScreenshot(t *testing.T) {
	url, path := os.Getenv("WIREWATCH_SCREENSHOT_URL"), os.Getenv("WIREWATCH_SCREENSHOT")
	if url == "" || path == "" {
		t.Skip("WIREWATCH_SCREENSHOT_URL and WIREWATCH_SCREENSHOT are not set")
	}
	ctx := browser(t)
	step(t, ctx, "open", chromedp.Navigate(url), until(`document.querySelectorAll("#hits li.hit").length > 0 && document.querySelectorAll("#timeline rect.bar").length > 0`))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPageAlertLog checks that the page's log of fired alerts says what an
// alert on events matched: who withdraws what from where, kind and status,
// as the alert carries them; an alert without events shows none.
func TestPageAlertLog(t *testing.T) {
	docs := fixture()
	sq, st := openSQLite(t, docs)
	alerts := alert.NewSQLiteStore(st)
	bg := context.Background()
	news, err := alerts.Add(bg, alert.Search{Name: "withdrawals", Query: "event:new-withdrawal"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := alerts.Add(bg, alert.Search{Name: "nato", Query: "nato"})
	if err != nil {
		t.Fatal(err)
	}
	ev := article.Event{Type: article.Withdrawal, Kind: "military", Status: "announced", NewAnnouncement: true,
		Actor: &article.Role{Text: "Russia", Canonical: "Russia", Country: "RU"},
		What:  &article.Role{Text: "its troops"}, From: &article.Role{Text: "Moldova", Canonical: "Moldova"}}
	now := time.Now().UTC()
	for _, a := range []alert.Alert{
		{SearchID: news.ID, SearchName: news.Name, Query: news.Query, StoryID: docs[0].ID, ArticleID: docs[0].ID,
			Title: docs[0].Title, URL: docs[0].URL, Site: docs[0].Site, FiredAt: now, Events: []article.Event{ev}},
		{SearchID: plain.ID, SearchName: plain.Name, Query: plain.Query, StoryID: docs[1].ID, ArticleID: docs[1].ID,
			Title: docs[1].Title, URL: docs[1].URL, Site: docs[1].Site, FiredAt: now.Add(-time.Minute)},
	} {
		if _, err := alerts.Fire(bg, a, "", now); err != nil {
			t.Fatal(err)
		}
	}
	ts := serve(t, sq, alerts, server.Options{})
	ctx := browser(t)
	step(t, ctx, "alert log",
		chromedp.Navigate(ts.URL+"/"),
		until(`document.querySelectorAll("#alert-log > li").length === 2`),
		until(`document.querySelectorAll("#alert-log .alert-events li").length === 1 && `+
			`document.querySelector("#alert-log > li .alert-events li").textContent === `+
			`"military withdrawal, announced (new): Russia withdraws its troops from Moldova" && `+
			`!document.querySelectorAll("#alert-log > li")[1].querySelector(".alert-events")`))
}
