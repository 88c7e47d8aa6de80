package query

import (
	"errors"
	"reflect"
	"testing"
)

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
	for _, in := range []string{
		`"unterminated`,
		`author:smith`,
		`person:`,
		`person:""`,
		`-person:x`,
		`ab"c`,
		`-only -negated`,
	} {
		_, err := Parse(in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q) = %v, want *Error", in, err)
		}
	}
}
