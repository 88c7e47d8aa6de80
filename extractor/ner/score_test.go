package ner

import (
	"math"
	"reflect"
	"testing"
)

func TestChunks(t *testing.T) {
	tests := []struct {
		tags []string
		want []Chunk
	}{
		{[]string{"O", "O"}, nil},
		{[]string{"B-PER", "I-PER", "O", "B-LOC"}, []Chunk{{0, 2, "PER"}, {3, 4, "LOC"}}},
		{[]string{"B-PER", "B-PER"}, []Chunk{{0, 1, "PER"}, {1, 2, "PER"}}},
		{[]string{"I-ORG", "I-ORG", "I-LOC"}, []Chunk{{0, 2, "ORG"}, {2, 3, "LOC"}}},
		{[]string{"O", "I-MISC"}, []Chunk{{1, 2, "MISC"}}},
	}
	for _, tc := range tests {
		if got := Chunks(tc.tags); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Chunks(%q) = %v, want %v", tc.tags, got, tc.want)
		}
	}
}

func TestScore(t *testing.T) {
	gold := [][]string{{"B-PER", "I-PER", "O", "B-LOC"}, {"B-ORG", "O"}}
	pred := [][]string{{"B-PER", "O", "O", "B-LOC"}, {"B-ORG", "B-MISC"}}
	s := Score(gold, pred)
	tests := []struct {
		typ      string
		p, r, f1 float64
	}{
		{"PER", 0, 0, 0},
		{"LOC", 1, 1, 1},
		{"ORG", 1, 1, 1},
		{"MISC", 0, 0, 0},
		{"ALL", 0.5, 2.0 / 3, 2 * 0.5 * (2.0 / 3) / (0.5 + 2.0/3)},
	}
	for _, tc := range tests {
		got := s[tc.typ]
		if math.Abs(got.P-tc.p) > 1e-9 || math.Abs(got.R-tc.r) > 1e-9 || math.Abs(got.F1-tc.f1) > 1e-9 {
			t.Errorf("%s = %+v, want P %.3f R %.3f F1 %.3f", tc.typ, got, tc.p, tc.r, tc.f1)
		}
	}
}
