package gazetteer

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	g, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ok      bool
		canon   string
		kind    Kind
		country string
	}{
		{"Libya", true, "Libya", Country, "LY"},
		{"LIBYA", true, "Libya", Country, "LY"},
		{"UAE", true, "United Arab Emirates", Country, "AE"},
		{"Libyan", true, "Libya", Demonym, "LY"},
		{"Russians", true, "Russia", Demonym, "RU"},
		{"Tripoli", true, "Tripoli", Place, "LY"},
		{"Luxembourg", true, "Luxembourg", Country, "LU"},
		{"the U.N.", true, "United Nations", Organization, ""},
		{"NATO", true, "NATO", Organization, ""},
		{"Haftar", true, "Khalifa Hifter", Person, ""},
		{"Egypt's", true, "Egypt", Country, "EG"},
		{"Fed", true, "Federal Reserve", Organization, "US"},
		{"fed", false, "", 0, ""},
		{"Atlantis", false, "", 0, ""},
	}
	for _, tc := range tests {
		e, ok := g.Lookup(tc.name)
		if ok != tc.ok || e.Canonical != tc.canon || e.Kind != tc.kind || e.Country != tc.country {
			t.Errorf("Lookup(%q) = %+v, %v; want %q %v %q, %v", tc.name, e, ok, tc.canon, tc.kind, tc.country, tc.ok)
		}
	}
}

func TestMatch(t *testing.T) {
	g, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string // "start-end:canonical"
	}{
		{"backed by the United Arab Emirates and Egypt", []string{"3-6:United Arab Emirates", "7-8:Egypt"}},
		{"the united arab emirates", nil},
		{"New York and New Delhi", []string{"0-2:New York", "3-5:New Delhi"}},
	}
	for _, tc := range tests {
		toks := strings.Fields(tc.text)
		lower := strings.Fields(strings.ToLower(tc.text))
		var got []string
		for _, m := range g.Match(toks, lower) {
			got = append(got, strings.Join([]string{itoa(m.Start) + "-" + itoa(m.End), m.Canonical}, ":"))
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Match(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestCountryName(t *testing.T) {
	g, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		code, want string
		ok         bool
	}{{"RU", "Russia", true}, {"GB", "United Kingdom", true}, {"ru", "", false}, {"XX", "", false}} {
		if got, ok := g.CountryName(tt.code); got != tt.want || ok != tt.ok {
			t.Errorf("CountryName(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}
