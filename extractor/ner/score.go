package ner

import "sort"

// PRF is precision, recall and F1 for one entity type, with the counts
// they come from.
type PRF struct {
	Gold, Predicted, Correct int
	P, R, F1                 float64
}

// Score compares predicted against gold IOB tags at entity level with exact
// span and type match, as conlleval does, and returns scores per type plus
// the key "ALL" for all types together.
func Score(gold, pred [][]string) map[string]PRF {
	out := map[string]PRF{}
	add := func(typ string, g, p, c int) {
		s := out[typ]
		s.Gold += g
		s.Predicted += p
		s.Correct += c
		out[typ] = s
	}
	for k := range gold {
		gs, ps := Chunks(gold[k]), Chunks(pred[k])
		inGold := map[Chunk]bool{}
		for _, c := range gs {
			inGold[c] = true
			add(c.Type, 1, 0, 0)
			add("ALL", 1, 0, 0)
		}
		for _, c := range ps {
			hit := 0
			if inGold[c] {
				hit = 1
			}
			add(c.Type, 0, 1, hit)
			add("ALL", 0, 1, hit)
		}
	}
	for typ, s := range out {
		if s.Predicted > 0 {
			s.P = float64(s.Correct) / float64(s.Predicted)
		}
		if s.Gold > 0 {
			s.R = float64(s.Correct) / float64(s.Gold)
		}
		if s.P+s.R > 0 {
			s.F1 = 2 * s.P * s.R / (s.P + s.R)
		}
		out[typ] = s
	}
	return out
}

// Chunk is one entity: tokens [Start, End) of type Type.
type Chunk struct {
	Start, End int
	Type       string
}

// Chunks groups IOB1 or IOB2 tags into entities the way conlleval does: an
// I- tag whose type differs from the previous tag's starts a new entity.
func Chunks(tags []string) []Chunk {
	var out []Chunk
	cur := -1
	typ := ""
	for i, t := range tags {
		tt, prefix := "", byte('O')
		if len(t) > 2 && t[1] == '-' {
			tt, prefix = t[2:], t[0]
		}
		continues := prefix == 'I' && tt == typ && cur >= 0
		if !continues && cur >= 0 {
			out = append(out, Chunk{cur, i, typ})
			cur, typ = -1, ""
		}
		if prefix != 'O' && !continues {
			cur, typ = i, tt
		}
	}
	if cur >= 0 {
		out = append(out, Chunk{cur, len(tags), typ})
	}
	return out
}

// Types lists the keys of a Score result in a fixed order.
func Types(s map[string]PRF) []string {
	var out []string
	for k := range s {
		if k != "ALL" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return append(out, "ALL")
}
