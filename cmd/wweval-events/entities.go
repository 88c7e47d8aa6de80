package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/wirewatch/wirewatch/extractor"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// tagger finds an item's entities as the pipeline's extractor does before
// it detects events (and as `wirewatch events --jsonl` does), so that the
// figures are those of the shipped path: roles take their canonical names
// and countries from the entities, and a few detection rules read them.
// It remembers each text's entities, so that timed runs time the detector
// alone.
type tagger struct {
	ex    *extractor.Extractor
	cache map[string][]article.Entity
}

func newTagger() (*tagger, error) {
	ex, err := extractor.New(extractor.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	return &tagger{ex: ex, cache: map[string][]article.Entity{}}, nil
}

// entities returns the entities of text, nil when t is nil (-no-entities).
func (t *tagger) entities(text string) ([]article.Entity, error) {
	if t == nil {
		return nil, nil
	}
	if ents, ok := t.cache[text]; ok {
		return ents, nil
	}
	a := &article.Article{Body: text}
	if err := t.ex.Tag(context.Background(), a); err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	t.cache[text] = a.Entities
	return a.Entities, nil
}
