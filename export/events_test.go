package export

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// eventArticles returns one article with a withdrawal event (all roles,
// one absent) and one without any.
func eventArticles() []*article.Article {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	body := "Moscow backs the pullout of mercenaries from Libya, its envoy said."
	with := article.New("https://news.example.org/events/1", "", at)
	with.Body = body
	with.Events = []article.Event{{
		Type: article.Withdrawal, Kind: "military", Status: "supported",
		Actor:    &article.Role{Text: "Moscow", Canonical: "Moscow", Country: "RU", Start: 0, End: 6},
		What:     &article.Role{Text: "mercenaries", Start: strings.Index(body, "mercenaries"), End: strings.Index(body, "mercenaries") + len("mercenaries")},
		Sentence: body, Start: 0, End: len(body),
		Trigger: "pullout", TriggerStart: 17, TriggerEnd: 24, Cues: []string{"backs"},
		NewAnnouncement: true,
	}}
	without := article.New("https://news.example.org/events/2", "", at)
	without.Body = "Customers made cash withdrawals."
	out := []*article.Article{with, without}
	for _, a := range out {
		a.Normalize()
		if err := a.Validate(); err != nil {
			panic(err)
		}
	}
	if out[0].ID > out[1].ID {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

func TestCSVEventsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	w, _, err := Open(CSV, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	as := eventArticles()
	for _, a := range as {
		if err := w.Write(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, name := range recs[0] {
		if name == "events_json" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no events_json column in %q", recs[0])
	}
	for i, a := range as {
		cell := recs[i+1][col]
		var got []article.Event
		if err := json.Unmarshal([]byte(cell), &got); err != nil {
			t.Fatalf("%s: events_json %q: %v", a.ID, cell, err)
		}
		if len(a.Events) == 0 {
			if cell != "[]" {
				t.Errorf("%s: events_json = %q, want []", a.ID, cell)
			}
			continue
		}
		if !reflect.DeepEqual(got, a.Events) {
			t.Errorf("%s: events_json = %+v, want %+v", a.ID, got, a.Events)
		}
	}
}

func TestParquetEventsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w, _, err := Open(Parquet, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	as := eventArticles()
	for _, a := range as {
		if err := w.Write(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.ReadFile[parquetRow](filepath.Join(dir, partName(0)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(as) {
		t.Fatalf("got %d rows, want %d", len(rows), len(as))
	}
	role := func(r *parquetRole) *article.Role {
		if r == nil {
			return nil
		}
		return &article.Role{Text: r.Text, Canonical: r.Canonical, Country: r.Country, Start: int(r.Start), End: int(r.End)}
	}
	for i, a := range as {
		var got []article.Event
		for _, e := range rows[i].Events {
			got = append(got, article.Event{Type: e.Type, Kind: e.Kind, Status: e.Status,
				Actor: role(e.Actor), What: role(e.What), From: role(e.From),
				Sentence: e.Sentence, Start: int(e.Start), End: int(e.End),
				Trigger: e.Trigger, TriggerStart: int(e.TriggerStart), TriggerEnd: int(e.TriggerEnd),
				Cues: e.Cues, NewAnnouncement: e.NewAnnouncement})
		}
		if len(a.Events) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, a.Events) {
			t.Errorf("%s: events = %+v, want %+v", a.ID, got, a.Events)
		}
	}
	schema := parquet.SchemaOf(parquetRow{}).String()
	for _, field := range []string{"events", "new_announcement", "trigger_start", "actor"} {
		if !strings.Contains(schema, field) {
			t.Errorf("Parquet schema lacks %s:\n%s", field, schema)
		}
	}
}
