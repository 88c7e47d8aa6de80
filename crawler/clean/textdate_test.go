package clean

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestFindTextDate(t *testing.T) {
	tests := []struct {
		in, want string // want as 2006-01-02, "" for none
	}{
		{"July 18, 2025", "2025-07-18"},
		{"Published on July 18, 2025", "2025-07-18"},
		{"Dec 12, 2025", "2025-12-12"},
		{"Dec. 12 2025", "2025-12-12"},
		{"Aug 04, 2025", "2025-08-04"},
		{"Sept. 3rd, 2024", "2024-09-03"},
		{"By Jane Doe - Mar 27, 2024", "2024-03-27"},
		{"Jun 08, 2023 • 11 Minute Read", "2023-06-08"},
		{"18 July 2025", "2025-07-18"},
		{"18. Juli 2025", "2025-07-18"},
		{"le 3 décembre 2024", "2024-12-03"},
		{"18 de julio de 2025", "2025-07-18"},
		{"2025-07-18", "2025-07-18"},
		{"2025-07-18T09:30:00Z", "2025-07-18"},
		{"18.07.2025", "2025-07-18"},
		{"07/08/2025", ""},                          // July or August by the reader's country
		{"February 30, 2024", ""},                   // not on the calendar
		{"May 2025", ""},                            // no day
		{"Top 10 tips for 2025", ""},                // a year alone
		{"March 3, 1850", ""},                       // not a plausible publication year
		{"may 5 2024 be a good year", "2024-05-05"}, // read as a date: only short, marked texts are asked
	}
	for _, tt := range tests {
		got := ""
		if d, _, ok := findTextDate(tt.in); ok {
			got = d.Format("2006-01-02")
		}
		if got != tt.want {
			t.Errorf("findTextDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestURLDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://blog.example.org/2016/02/09/what-tutoring-is/", "2016-02-09"},
		{"https://blog.example.org/2025/12/19/what-do-people-love", "2025-12-19"},
		{"https://example.com/news/2024-05-02-bridge-closes", "2024-05-02"},
		{"https://example.com/2024/05/bridge", ""},       // no day
		{"https://example.com/top-10-of-2024/", ""},      // a year alone
		{"https://example.com/2024/13/40/bridge", ""},    // no such day
		{"https://example.com/id/1234/56/78/bridge", ""}, // not a year
	}
	for _, tt := range tests {
		got := ""
		if d, ok := urlDate(tt.in); ok {
			got = d.Format("2006-01-02")
		}
		if got != tt.want {
			t.Errorf("urlDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Pages that publish no date markup still show their readers a date; the
// cleaner takes the one nearest the headline, after the metadata, the feed
// and the URL.
func TestTextDateFallback(t *testing.T) {
	sidebar := `<aside><h3>Recent posts</h3><ul><li><a href="/a">Older post</a> <span>January 5, 2023</span></li>
<li><a href="/b">Another</a> <span>February 9, 2023</span></li></ul></aside>`
	tests := []struct {
		name, url, head, body, want string
	}{
		{"a date under the headline, a sidebar's dates far from it", "https://example.com/post/bridge", ``,
			`<h1>Bridge to close</h1><div class="post-meta">By Ann Smith · Posted March 3, 2024</div>` + prose + sidebar, "2024-03-03"},
		{"a cue and the date in two elements", "https://example.com/post/bridge", ``,
			`<h1>Bridge to close</h1><div class="hero"><div>Last updated on:</div><div>October 1, 2025</div></div>`, "2025-10-01"},
		{"an event to come is no publication date", "https://example.com/post/bridge", ``,
			`<h1>Bridge to close</h1><div class="event-date">June 1, 2027</div>`, ""},
		{"a sentence that names a date is not the page's date", "https://example.com/post/bridge", ``,
			`<h1>Bridge to close</h1><p>The council first discussed the closure of the bridge on March 3, 2024, and again in May.</p>`, ""},
		{"metadata first", "https://example.com/post/bridge", `<meta property="article:published_time" content="2024-05-02T09:00:00Z">`,
			`<h1>Bridge to close</h1><div class="date">March 3, 2024</div>`, "2024-05-02"},
		{"the URL before the page text", "https://example.com/2024/04/30/bridge", ``,
			`<h1>Bridge to close</h1><div class="date">March 3, 2024</div>`, "2024-04-30"},
	}
	c := New(Options{})
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Clean(context.Background(), Page{URL: tt.url, HTML: page(tt.head, tt.body), FetchedAt: fetched})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p := res.Article.PublishedAt; p != nil {
				got = p.Format("2006-01-02")
			}
			if got != tt.want {
				t.Errorf("published = %q, want %q", got, tt.want)
			}
			if strings.Contains(res.Article.Body, "Recent posts") {
				t.Errorf("sidebar in body: %q", res.Article.Body)
			}
		})
	}
}

// Every element with a digit in its text is read for a date, so one read
// must stay small on a hostile page: text spread over many nodes is not a
// date line, and is given up after shortTextNodes nodes.
func TestShortTextBounded(t *testing.T) {
	parse := func(s string) *html.Node {
		doc, err := html.Parse(strings.NewReader("<html><body>" + s + "</body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		return findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Div })
	}
	tests := []struct {
		name, html string
		ok         bool
	}{
		{"a date line", `<div>Posted <b>March 3, 2024</b></div>`, true},
		{"too long", `<div>` + strings.Repeat("word ", 30) + `</div>`, false},
		{"spread over many nodes", `<div>1 ` + strings.Repeat("<i></i>", 300) + `</div>`, false},
	}
	for _, tt := range tests {
		if _, ok := shortText(parse(tt.html), dateTextMax); ok != tt.ok {
			t.Errorf("%s: shortText ok = %v, want %v", tt.name, ok, tt.ok)
		}
	}
}
