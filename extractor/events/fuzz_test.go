package events

import (
	"testing"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// FuzzDetect checks that no text makes the detector panic and that every
// event it reports points into the body: the sentence, the trigger and
// each role are the body's bytes at their offsets, the trigger inside the
// sentence. Stores, highlighting and the page slice the body by these
// offsets.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"Russia will withdraw its troops from Moldova by June.",
		"Freedonia said on Monday it would withdraw its troops from the valley.",
		"The former governor of Novigrad, John Doe, ends his campaign for the presidency.",
		"The State Department orders all non-essential staff to leave Freedonia.",
		"Ruritania recalls its ambassador to the Democratic Republic of the Congo.",
		"Rebels seized the town following the withdrawal of Ruritanian forces' units.",
		"the withdrawal of , its", "’s withdrawal", "to leave", ", withdrawing", "U.S. pulls out. It",
		"", "\xff\xfe withdraw", "Canada becomes the first country to withdraw",
	} {
		f.Add(s)
	}
	d, err := New("en")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, ev := range d.Detect(body, nil, nil) {
			if ev.Start < 0 || ev.End > len(body) || ev.Start > ev.End || body[ev.Start:ev.End] != ev.Sentence {
				t.Fatalf("sentence [%d, %d) %q not the body's", ev.Start, ev.End, ev.Sentence)
			}
			if ev.TriggerStart < ev.Start || ev.TriggerEnd > ev.End || ev.TriggerStart >= ev.TriggerEnd {
				t.Fatalf("trigger [%d, %d) outside its sentence [%d, %d)", ev.TriggerStart, ev.TriggerEnd, ev.Start, ev.End)
			}
			for _, r := range []*article.Role{ev.Actor, ev.What, ev.From} {
				if r == nil {
					continue
				}
				if r.Start < ev.Start || r.End > ev.End || r.Start >= r.End || body[r.Start:r.End] != r.Text {
					t.Fatalf("role %+v not the body's bytes in its sentence [%d, %d)", *r, ev.Start, ev.End)
				}
				if utf8.ValidString(body) && !utf8.ValidString(r.Text) {
					t.Fatalf("role %q cuts a character", r.Text)
				}
			}
		}
	})
}
