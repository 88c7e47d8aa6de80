package chaos

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func body(n, rev int) string {
	return fmt.Sprintf("Chaos Wire report %d, revision %d, was filed by the metro desk.\n\nText.", n, rev)
}

func TestMarker(t *testing.T) {
	for _, c := range []struct {
		body   string
		n, rev int
		ok     bool
	}{
		{body(12, 3), 12, 3, true},
		{"Intro.\n\n" + body(1, 1), 1, 1, true},
		{"No marker here.", 0, 0, false},
		{"Chaos Wire report 4 revision 2", 0, 0, false}, // the cleaner dropped the commas: not ours
	} {
		n, rev, ok := Marker(c.body)
		if n != c.n || rev != c.rev || ok != c.ok {
			t.Errorf("Marker(%q) = %d, %d, %v; want %d, %d, %v", c.body, n, rev, ok, c.n, c.rev, c.ok)
		}
	}
}

func TestCompare(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := func(n int) string { return fmt.Sprintf("http://s/news/%d.html", n) }
	published := []Version{
		{N: 1, URL: u(1), Rev: 1, At: t0},
		{N: 2, URL: u(2), Rev: 1, At: t0},
		{N: 2, URL: u(2), Rev: 2, At: t0.Add(time.Second)},
		{N: 3, URL: u(3), Rev: 1, At: t0},
	}
	for _, c := range []struct {
		name string
		docs []Doc
		want Result
	}{
		{"all there", []Doc{
			{ID: "a", URL: u(1), Body: body(1, 1)},
			{ID: "b", URL: u(2), CanonicalURL: u(2), Body: body(2, 2)},
			{ID: "c", URL: u(3), Body: body(3, 1)},
		}, Result{Articles: 3, Versions: 4, Stored: 3}},
		{"lost and stale", []Doc{
			{ID: "b", URL: u(2), Body: body(2, 1)},
			{ID: "c", URL: u(3), Body: body(3, 1)},
		}, Result{Articles: 3, Versions: 4, Stored: 2, Lost: []string{u(1)}, Stale: []Stale{{URL: u(2), Have: 1, Max: 2}}}},
		{"one canonical URL under two ids", []Doc{
			{ID: "a", URL: u(1), Body: body(1, 1)},
			{ID: "a2", URL: u(1) + "?utm=x", CanonicalURL: u(1), Body: body(1, 1)},
			{ID: "b", URL: u(2), Body: body(2, 2)},
			{ID: "c", URL: u(3), Body: body(3, 1)},
		}, Result{Articles: 3, Versions: 4, Stored: 4, Duplicated: [][]string{{u(1), "a", "a2"}}}},
		{"a document of no published article, and one with another's text", []Doc{
			{ID: "a", URL: u(1), Body: body(3, 1)},
			{ID: "b", URL: u(2), Body: body(2, 2)},
			{ID: "c", URL: u(3), Body: body(3, 1)},
			{ID: "x", URL: "http://elsewhere/", Body: "hello"},
		}, Result{Articles: 3, Versions: 4, Stored: 4, Foreign: []string{"http://elsewhere/", u(1)}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Compare(published, c.docs); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Compare:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestCountAlerts(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	published := []Version{
		{N: 1, URL: "u1", Rev: 1, Keyword: true},
		{N: 1, URL: "u1", Rev: 2, Keyword: true},
		{N: 2, URL: "u2", Rev: 1, Keyword: true},
		{N: 3, URL: "u3", Rev: 1},
		{N: 4, URL: "u4", Rev: 1, Keyword: true}, // never stored
	}
	docs := []Doc{{URL: "u1", StoryID: "s1"}, {URL: "u2", StoryID: "s2"}, {URL: "u3", StoryID: "s3"}}
	got := CountAlerts("webhook", published, docs, []Delivery{
		{StoryID: "s1", At: t0}, {StoryID: "s1", At: t0.Add(time.Millisecond)}, {StoryID: "s1", At: t0.Add(5 * time.Second)}, // three times
		{StoryID: "s3"}, // the search does not match it
	})
	want := AlertCount{Channel: "webhook", Expected: 3, Delivered: 1, Missing: []string{"u2", "u4"}, Twice: 1,
		Repeats: []string{"s1 (u1) 3 times, 1ms, 4.999s apart"}, MostCopies: 3, Unexpected: 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CountAlerts:\n got %+v\nwant %+v", got, want)
	}
}

func TestRecovery(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	published := []Version{
		{N: 1, Rev: 1, At: at(0)},
		{N: 2, Rev: 1, At: at(5)},
		{N: 2, Rev: 2, At: at(12)},
		{N: 3, Rev: 1, At: at(30)}, // after every fault below is cleared
	}
	seen := Seen{}
	seen.Observe(at(2), []Doc{{Body: body(1, 1)}})
	seen.Observe(at(8), []Doc{{Body: body(1, 1)}, {Body: body(2, 1)}})
	// Revision 2 of article 2 is first seen at 25 s.
	seen.Observe(at(25), []Doc{{Body: body(1, 1)}, {Body: body(2, 2)}})
	for _, c := range []struct {
		name   string
		f      Fault
		want   time.Duration
		wantOK bool
	}{
		{"cleared before the revision: caught up when article 2 was first seen", Fault{Start: at(6), Cleared: at(7)}, 2 * time.Second, true},
		{"cleared after the revision: caught up at 25 s", Fault{Start: at(10), Cleared: at(14)}, 15 * time.Second, true},
		{"already caught up when cleared: the fault's own length", Fault{Start: at(26), Cleared: at(29)}, 3 * time.Second, true},
		{"never caught up", Fault{Start: at(31), Cleared: at(32)}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.f.Recovery(seen, published)
			if got != c.want || ok != c.wantOK {
				t.Errorf("Recovery = %s, %v; want %s, %v", got, ok, c.want, c.wantOK)
			}
		})
	}
	if got, want := seen.Latencies(published[:3]), []time.Duration{2 * time.Second, 3 * time.Second, 13 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("Latencies = %v, want %v", got, want)
	}
}

func TestMedianMax(t *testing.T) {
	s := time.Second
	for _, c := range []struct {
		in       []time.Duration
		med, max time.Duration
	}{
		{nil, 0, 0},
		{[]time.Duration{3 * s}, 3 * s, 3 * s},
		{[]time.Duration{4 * s, 1 * s, 9 * s}, 4 * s, 9 * s},
		{[]time.Duration{4 * s, 1 * s, 9 * s, 2 * s}, 3 * s, 9 * s},
	} {
		if m, x := Median(c.in), Max(c.in); m != c.med || x != c.max {
			t.Errorf("Median, Max of %v = %s, %s; want %s, %s", c.in, m, x, c.med, c.max)
		}
	}
}
