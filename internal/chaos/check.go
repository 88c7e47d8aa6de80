package chaos

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Doc is what the run reads back of one document stored in Elasticsearch.
type Doc struct {
	ID           string
	URL          string
	CanonicalURL string
	StoryID      string
	Body         string
}

// Delivery is one alert as a channel (the webhook receiver, the
// --alerts-out file) received it.
type Delivery struct {
	StoryID string
	URL     string
	At      time.Time // when it arrived (zero when the channel does not say)
}

// Letter is one dead letter as `wirewatch dlq list` shows it.
type Letter struct {
	Key   string // the article id
	Error string
}

// Stale is a stored document older than the site's latest revision.
type Stale struct {
	URL       string
	Have, Max int
}

// AlertCount is the verdict on one alert channel.
type AlertCount struct {
	Channel    string
	Expected   int      // stories the saved search matches
	Delivered  int      // of those, delivered at least once
	Missing    []string // URLs of matching stories never delivered
	Twice      int      // stories delivered more than once
	Repeats    []string // those stories, with the time between their deliveries
	MostCopies int      // the most deliveries of one story
	Unexpected int      // deliveries for stories the search does not match
}

// Result compares what the site published with what the run found.
type Result struct {
	Articles   int        // articles the site published
	Versions   int        // revisions, first publications included
	Stored     int        // documents in Elasticsearch
	Lost       []string   // published URLs with no document
	Duplicated [][]string // ids sharing one canonical URL, one list per URL
	Stale      []Stale
	Foreign    []string // documents that are no published article (no marker, or an unknown URL)
	Alerts     []AlertCount
	Letters    []Letter // dead letters that should not be there
	Expected   int      // dead letters that should be there
}

// Compare checks docs against the published versions: every article
// stored once (by canonical URL; Elasticsearch itself cannot hold two
// documents under one id), with its latest revision.
func Compare(published []Version, docs []Doc) Result {
	latest := map[string]Version{}
	for _, v := range published {
		if cur, ok := latest[v.URL]; !ok || v.Rev > cur.Rev {
			latest[v.URL] = v
		}
	}
	r := Result{Articles: len(latest), Versions: len(published), Stored: len(docs)}
	byURL := map[string][]Doc{}
	for _, d := range docs {
		u := d.CanonicalURL
		if u == "" {
			u = d.URL
		}
		byURL[u] = append(byURL[u], d)
	}
	for u, ds := range byURL {
		if len(ds) > 1 {
			ids := make([]string, len(ds))
			for i, d := range ds {
				ids[i] = d.ID
			}
			sort.Strings(ids)
			r.Duplicated = append(r.Duplicated, append([]string{u}, ids...))
		}
		want, ok := latest[u]
		if !ok {
			r.Foreign = append(r.Foreign, u)
			continue
		}
		for _, d := range ds {
			n, rev, ok := Marker(d.Body)
			switch {
			case !ok || n != want.N:
				r.Foreign = append(r.Foreign, u)
			case rev < want.Rev:
				r.Stale = append(r.Stale, Stale{URL: u, Have: rev, Max: want.Rev})
			}
		}
	}
	for u := range latest {
		if len(byURL[u]) == 0 {
			r.Lost = append(r.Lost, u)
		}
	}
	sort.Strings(r.Lost)
	sort.Strings(r.Foreign)
	sort.Slice(r.Duplicated, func(i, j int) bool { return r.Duplicated[i][0] < r.Duplicated[j][0] })
	sort.Slice(r.Stale, func(i, j int) bool { return r.Stale[i].URL < r.Stale[j].URL })
	return r
}

// CountAlerts checks one channel's deliveries: every story with an article
// that mentions Keyword must be delivered at least once. A story is known
// by the story_id its stored document carries, or by its URL when it was
// not stored (then it counts as missing).
func CountAlerts(channel string, published []Version, docs []Doc, got []Delivery) AlertCount {
	storyOf := map[string]string{}
	for _, d := range docs {
		storyOf[d.URL] = d.StoryID
	}
	want := map[string]string{} // story id (or URL) -> an article URL
	for _, v := range published {
		if !v.Keyword {
			continue
		}
		key := storyOf[v.URL]
		if key == "" {
			key = v.URL
		}
		want[key] = v.URL
	}
	at := map[string][]time.Time{}
	c := AlertCount{Channel: channel, Expected: len(want)}
	for _, d := range got {
		if _, ok := want[d.StoryID]; !ok {
			c.Unexpected++
			continue
		}
		at[d.StoryID] = append(at[d.StoryID], d.At)
	}
	for story, u := range want {
		switch k := len(at[story]); {
		case k == 0:
			c.Missing = append(c.Missing, u)
		case k > 1:
			c.Twice++
			var gaps []string
			for i := 1; i < k; i++ {
				if !at[story][i].IsZero() {
					gaps = append(gaps, at[story][i].Sub(at[story][i-1]).Round(time.Millisecond).String())
				}
			}
			r := fmt.Sprintf("%s (%s) %d times", story, u, k)
			if len(gaps) > 0 {
				r += ", " + strings.Join(gaps, ", ") + " apart"
			}
			c.Repeats = append(c.Repeats, r)
			fallthrough
		default:
			c.Delivered++
			c.MostCopies = max(c.MostCopies, k)
		}
	}
	sort.Strings(c.Missing)
	sort.Strings(c.Repeats)
	return c
}

// Seen records when the run first saw each revision of each article in
// Elasticsearch, from repeated polls.
type Seen map[int]map[int]time.Time

// Observe records the revisions docs hold at time at.
func (s Seen) Observe(at time.Time, docs []Doc) {
	for _, d := range docs {
		n, rev, ok := Marker(d.Body)
		if !ok {
			continue
		}
		if s[n] == nil {
			s[n] = map[int]time.Time{}
		}
		if _, ok := s[n][rev]; !ok {
			s[n][rev] = at
		}
	}
}

// reached returns when article n was first seen at revision rev or later.
func (s Seen) reached(n, rev int) (time.Time, bool) {
	var first time.Time
	for r, at := range s[n] {
		if r >= rev && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// CaughtUp returns the first time the run saw Elasticsearch hold every
// revision published up to at (or a later one), and false if it never did.
func (s Seen) CaughtUp(published []Version, at time.Time) (time.Time, bool) {
	need := map[int]int{}
	for _, v := range published {
		if !v.At.After(at) && v.Rev > need[v.N] {
			need[v.N] = v.Rev
		}
	}
	var last time.Time
	for n, rev := range need {
		t, ok := s.reached(n, rev)
		if !ok {
			return time.Time{}, false
		}
		if t.After(last) {
			last = t
		}
	}
	return last, true
}

// Latencies returns, for every revision the run saw, the time from its
// publication to the first poll that found it (or a later revision).
func (s Seen) Latencies(published []Version) []time.Duration {
	var out []time.Duration
	for _, v := range published {
		if t, ok := s.reached(v.N, v.Rev); ok {
			out = append(out, max(0, t.Sub(v.At)))
		}
	}
	return out
}

// Fault is one injected fault.
type Fault struct {
	Kind    string // kill, broker, elasticsearch, disk-full, pause
	Target  string // the role or directory it hit
	Start   time.Time
	Cleared time.Time // when the process was back, the disk freed, the process resumed
	Err     error     // the fault could not be injected or cleared
}

// Recovery is the time from the fault to the first moment Elasticsearch
// held every revision published before the fault was cleared, and false
// when that never happened.
func (f Fault) Recovery(s Seen, published []Version) (time.Duration, bool) {
	t, ok := s.CaughtUp(published, f.Cleared)
	if !ok {
		return 0, false
	}
	if t.Before(f.Cleared) {
		t = f.Cleared
	}
	return t.Sub(f.Start), true
}

// Median returns the median of ds (0 for none).
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Max returns the largest of ds (0 for none).
func Max(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// Seconds formats d in seconds with one decimal.
func Seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// Table renders rows of two columns as a Markdown table, so the summary
// can go into the README as printed.
func Table(rows [][2]string) string {
	var b strings.Builder
	b.WriteString("| measure | value |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], r[1])
	}
	return b.String()
}
