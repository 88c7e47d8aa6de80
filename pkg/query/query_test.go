package query

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Query
	}{
		{in: "", want: Query{}},
		{in: "libya", want: Query{Terms: []Term{{Text: "libya"}}}},
		{in: `withdrawal "foreign fighters" -syria`, want: Query{Terms: []Term{{Text: "withdrawal"}, {Text: "foreign fighters", Phrase: true}, {Text: "syria", Not: true}}}},
		{in: `person:Lavrov place:Libya`, want: Query{People: []string{"Lavrov"}, Places: []string{"Libya"}}},
		{in: `org:"United Nations" site:WWW.APnews.com`, want: Query{Orgs: []string{"United Nations"}, Sites: []string{"apnews.com"}}},
		{in: `PERSON:"Sergey Lavrov" person:Mangoush`, want: Query{People: []string{"Sergey Lavrov", "Mangoush"}}},
		{in: "http://example.com 10:30", want: Query{Terms: []Term{{Text: "http://example.com"}, {Text: "10:30"}}}},
		{in: "Johnson & Johnson — -– \"...\"", want: Query{Terms: []Term{{Text: "Johnson"}, {Text: "Johnson"}}}},
		{in: "& place:Libya", want: Query{Places: []string{"Libya"}}},
		{in: "-syria place:Libya", want: Query{Terms: []Term{{Text: "syria", Not: true}}, Places: []string{"Libya"}}},
		{in: "since:2024-05-01", want: Query{Since: day("2024-05-01")}},
		{in: "until:2024-05-31", want: Query{Until: day("2024-06-01").Add(-time.Nanosecond)}},
		{in: "SINCE:2024-05-01 until:2024-05-01", want: Query{Since: day("2024-05-01"), Until: day("2024-05-02").Add(-time.Nanosecond)}},
		{in: "since:2024-05-01T12:30:00+02:00", want: Query{Since: instant("2024-05-01T10:30:00Z")}},
		{in: "until:2024-05-31T23:59:59.5Z", want: Query{Until: instant("2024-05-31T23:59:59.5Z")}},
		{in: "until:2024-06-01T00:00:00Z", want: Query{Until: day("2024-06-01")}}, // an instant, not the whole day
		{in: `since:"2024-05-01"`, want: Query{Since: day("2024-05-01")}},
		{in: "since:2024-01-01 since:2024-05-01", want: Query{Since: day("2024-05-01")}}, // the last one
		{in: "-libya since:2024-05-01", want: Query{Terms: []Term{{Text: "libya", Not: true}}, Since: day("2024-05-01")}},
		{in: "libya since:2024-05-01 place:Libya", want: Query{Terms: []Term{{Text: "libya"}}, Places: []string{"Libya"}, Since: day("2024-05-01")}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		again, err := Parse(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("Parse(String(%q)) = %+v, %v; want round trip", tt.in, again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		column int // 0: not checked
	}{
		{`"unterminated`, 1},
		{`author:smith`, 1},
		{`person:`, 8},
		{`person:""`, 8},
		{`-person:x`, 1},
		{`ab"c`, 3},
		{`-only -negated`, 1},
		{`libya since:2024-13-01`, 13},
		{`since:yesterday`, 7},
		{`until:2024-05-31T25:00:00Z`, 7},
		{`until:2024-05-31T10:00:00`, 7}, // RFC 3339 needs a zone
		{`since:05/01/2024`, 7},
		{`since:`, 7},
		{`-since:2024-05-01`, 1},
		{`since:2024-06-01 until:2024-05-31`, 18},
		{`until:2024-05-31 libya since:2024-06-01`, 24},
		{`since:2024-05-31T12:00:00Z until:2024-05-31T11:59:59Z`, 28},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q) = %v, want *Error", tt.in, err)
			continue
		}
		if tt.column != 0 && qe.Offset+1 != tt.column {
			t.Errorf("Parse(%q): %v; want column %d", tt.in, err, tt.column)
		}
	}
}

func TestInRange(t *testing.T) {
	q, err := Parse("since:2024-05-01 until:2024-05-31")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   string
		want bool
	}{
		{"2024-04-30T23:59:59.999999999Z", false},
		{"2024-05-01T00:00:00Z", true},
		{"2024-05-01T01:00:00+02:00", false}, // 23:00 UTC the day before
		{"2024-05-31T23:59:59.999999999Z", true},
		{"2024-06-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		if got := q.InRange(instant(tt.at)); got != tt.want {
			t.Errorf("InRange(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
	pub, fetched := instant("2024-04-01T00:00:00Z"), instant("2024-05-02T00:00:00Z")
	if got := ArticleDate(&pub, fetched); !got.Equal(pub) {
		t.Errorf("ArticleDate with a published time = %v, want it", got)
	}
	if got := ArticleDate(nil, fetched); !got.Equal(fetched) {
		t.Errorf("ArticleDate without a published time = %v, want the fetch time", got)
	}
}

func TestIntervalStart(t *testing.T) {
	tests := []struct {
		i        Interval
		at, want string
	}{
		{Day, "2024-05-31T23:59:59.999Z", "2024-05-31T00:00:00Z"},
		{Day, "2024-06-01T01:00:00+02:00", "2024-05-31T00:00:00Z"}, // UTC
		{Week, "2024-05-27T00:00:00Z", "2024-05-27T00:00:00Z"},     // a Monday
		{Week, "2024-06-02T23:00:00Z", "2024-05-27T00:00:00Z"},     // the Sunday after it
		{Week, "2024-01-03T12:00:00Z", "2024-01-01T00:00:00Z"},
		{Week, "2023-01-01T12:00:00Z", "2022-12-26T00:00:00Z"}, // across a year
		{Month, "2024-02-29T12:00:00Z", "2024-02-01T00:00:00Z"},
		{Month, "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z"},
	}
	for _, tt := range tests {
		if got := tt.i.Start(instant(tt.at)); !got.Equal(instant(tt.want)) {
			t.Errorf("%s.Start(%s) = %s, want %s", tt.i, tt.at, got.Format(time.RFC3339), tt.want)
		}
	}
	if _, err := ParseInterval("year"); err == nil {
		t.Error("ParseInterval(year) accepted")
	}
	if i, err := ParseInterval("week"); err != nil || i != Week {
		t.Errorf("ParseInterval(week) = %q, %v", i, err)
	}
}

func TestFillGaps(t *testing.T) {
	got := FillGaps([]Bucket{{day("2024-01-01"), 2}, {day("2024-03-01"), 1}, {day("2024-04-01"), 5}}, Month)
	want := []Bucket{{day("2024-01-01"), 2}, {day("2024-02-01"), 0}, {day("2024-03-01"), 1}, {day("2024-04-01"), 5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FillGaps = %v, want %v", got, want)
	}
	if got := FillGaps(nil, Day); len(got) != 0 {
		t.Errorf("FillGaps(nil) = %v", got)
	}
}
