package extractor

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// TestResolveRules checks the rules layered over the model: roles, hyphen
// compounds, agency credits, coreference and the alias table.
func TestResolveRules(t *testing.T) {
	e := extractorForTest(t)
	type want struct{ text, typ, canonical, country string }
	tests := []struct {
		name    string
		body    string
		want    []want
		notText []string // texts that must not be entities
	}{
		{
			name:    "role before name",
			body:    "Apple said its Chief Executive Tim Cook would visit Beijing.",
			want:    []want{{"Tim Cook", article.Person, "Tim Cook", ""}, {"Beijing", article.Place, "Beijing", "CN"}},
			notText: []string{"Executive", "Chief Executive Tim Cook"},
		},
		{
			name: "compounds",
			body: "A NATO-backed uprising was followed by a U.N.-supported government.",
			want: []want{{"NATO", article.Organization, "NATO", ""}, {"U.N.", article.Organization, "United Nations", ""}},
		},
		{
			name:    "agency credit",
			body:    "MOSCOW (AP) — Talks went on.",
			want:    []want{{"MOSCOW", article.Place, "Moscow", "RU"}},
			notText: []string{"AP"},
		},
		{
			name: "surname coreference and aliases",
			body: "Foreign Minister Sergei Lavrov met Khalifa Haftar in the UAE. Lavrov said Haftar agreed.",
			want: []want{
				{"Lavrov", article.Person, "Sergey Lavrov", ""},
				{"Khalifa Haftar", article.Person, "Khalifa Hifter", ""},
				{"UAE", article.Place, "United Arab Emirates", "AE"},
			},
			notText: []string{"Foreign Minister Sergei Lavrov"},
		},
		{
			name: "demonym links to country",
			body: "Libyan officials said so.",
			want: []want{{"Libyan", article.Misc, "Libya", "LY"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := &article.Article{Body: tc.body}
			if err := e.Tag(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				found := false
				for _, en := range a.Entities {
					if en.Text == w.text && en.Type == w.typ && en.Canonical == w.canonical && en.Country == w.country {
						found = true
					}
				}
				if !found {
					t.Errorf("missing %+v in %+v", w, a.Entities)
				}
			}
			for _, en := range a.Entities {
				for _, bad := range tc.notText {
					if en.Text == bad {
						t.Errorf("unwanted entity %+v", en)
					}
				}
			}
		})
	}
}

func TestLeadingWords(t *testing.T) {
	e := extractorForTest(t)
	tests := []struct{ body, notText, wantText string }{
		{"Since Diwali the air in Delhi has been bad.", "Since Diwali", "Delhi"},
		{"Sadly, the talks failed.", "Sadly", ""},
	}
	for _, tc := range tests {
		a := &article.Article{Body: tc.body}
		if err := e.Tag(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		found := tc.wantText == ""
		for _, en := range a.Entities {
			if en.Text == tc.notText {
				t.Errorf("%q: unwanted entity %+v", tc.body, en)
			}
			if en.Text == tc.wantText {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: %q not found in %+v", tc.body, tc.wantText, a.Entities)
		}
	}
}
