package cleaneval

import (
	"slices"
	"testing"
)

func TestLeaks(t *testing.T) {
	tests := []struct {
		name, truth, body string
		want              []Leak
	}{
		{"none", "The minister spoke.", "The minister spoke.", nil},
		{"newsletter prompt kept", "The minister spoke.", "The minister spoke.\nSign up for our newsletter\n",
			[]Leak{{Newsletter, "sign up for our newsletter"}}},
		{"the truth holds it: an article about newsletters", "Publishers ask readers to sign up for our newsletter less often.",
			"Publishers ask readers to sign up for our newsletter less often.", nil},
		{"case folded", "Text.", "Text.\nYOU MIGHT ALSO LIKE:\n",
			[]Leak{{Related, "you might also like"}}},
		{"prose using a heading marker", "Text.", "Two of the most popular cameras are the Canon and the Nikon.", nil},
		{"a heading marker as a heading", "Text.", "Text.\nMost popular\nA teaser headline\n",
			[]Leak{{Related, "most popular"}}},
		{"one leak per marker, in line order", "Text.",
			"We use cookies.\nLeave a comment\nLeave a comment\nJoin our newsletter",
			[]Leak{{Cookie, "we use cookies"}, {Comments, "leave a comment"}, {Newsletter, "join our newsletter"}}},
		{"other languages", "Text.", "Lesen Sie auch\nDeja un comentario",
			[]Leak{{Related, "lesen sie auch"}, {Comments, "deja un comentario"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Leaks(tt.truth, tt.body); !slices.Equal(got, tt.want) {
				t.Errorf("Leaks = %v, want %v", got, tt.want)
			}
		})
	}
}
