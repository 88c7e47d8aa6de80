package ner

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/internal/gazetteer"
)

func labelled(s string) Sentence {
	var out Sentence
	for _, f := range strings.Fields(s) {
		w, tag, _ := strings.Cut(f, "/")
		out.Words = append(out.Words, w)
		out.Tags = append(out.Tags, tag)
	}
	return out
}

// TestTrainWriteRead trains on a toy set, checks the model learns it and
// survives a write/read round trip unchanged, and that decoding always
// yields valid IOB2.
func TestTrainWriteRead(t *testing.T) {
	g, err := gazetteer.Load()
	if err != nil {
		t.Fatal(err)
	}
	data := []Sentence{
		labelled("Peter/B-PER Blackburn/I-PER visited/O Paris/B-LOC ./O"),
		labelled("The/O EU/B-ORG met/O in/O Brussels/B-LOC ./O"),
		labelled("German/B-MISC officials/O met/O Anna/B-PER Smith/I-PER ./O"),
	}
	m, err := Train(context.Background(), data, g, TrainOptions{Epochs: 5, Bits: 12})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range data {
		if got := m.Tag(d.Words); !slices.Equal(got, d.Tags) {
			t.Errorf("Tag = %q, want %q", got, d.Tags)
		}
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Read(&buf, g)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.w, m2.w) || m.trans != m2.trans {
		t.Error("model changed in a write/read round trip")
	}
	for _, s := range []string{"in in in", "Smith Smith Paris the", "./O"} {
		tags := m2.Tag(labelled(s).Words)
		for i, tag := range tags {
			if tag[0] == 'I' && (i == 0 || tags[i-1] == "O" || tags[i-1][2:] != tag[2:]) {
				t.Errorf("invalid IOB2 %q for %q", tags, s)
			}
		}
	}
}

func TestDefaultModel(t *testing.T) {
	g, err := gazetteer.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Default(g)
	if err != nil {
		t.Fatal(err)
	}
	toks := []string{"Peter", "Blackburn", "arrived", "in", "Moscow", "."}
	want := []string{"B-PER", "I-PER", "O", "O", "B-LOC", "O"}
	if got := m.Tag(toks); !slices.Equal(got, want) {
		t.Errorf("Tag = %q, want %q", got, want)
	}
	if _, err := Read(strings.NewReader("junk"), g); err == nil {
		t.Error("Read accepted junk")
	}
}
