package groupfrontier

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/crawler/frontier"
)

// maxFirstPageRecord bounds a first page's record on the state topic,
// well under the broker's default message limit (1 MB) with the record's
// JSON around it. A larger page (its HTML deflated, base64 in JSON) is
// kept in the cache only: a restart or a new owner of its host leaves it
// as emitted, as before the pages moved with their hosts.
const maxFirstPageRecord = 512 << 10

// firstKey is the state-topic key of site's first page of article id,
// placed in the partition of the page's host.
func (f *Frontier) firstKey(p frontier.FirstPage) []byte {
	return []byte(f.Key(frontier.Host(p.URL)) + "\x00f\x00" + p.Site + "\x00" + p.ID)
}

// parseFirstKey returns the site and article id a first page's key names.
func parseFirstKey(key []byte) (site, id string, ok bool) {
	_, rest, ok := bytes.Cut(key, []byte("\x00f\x00"))
	if !ok {
		return "", "", false
	}
	s, i, ok := bytes.Cut(rest, []byte{0})
	return string(s), string(i), ok && len(s) > 0 && len(i) > 0
}

// KeepFirstPage keeps a new site's first article page for cleaning again
// (see the crawler's firstPageMemory) in the cache and on the state
// topic, in its host's partition, so that the host's next owner cleans it
// again when the site's learned layer is ready.
func (f *Frontier) KeepFirstPage(ctx context.Context, p frontier.FirstPage) error {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	if err := f.cache.KeepFirstPage(ctx, p); err != nil {
		return err
	}
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("groupfrontier: %w", err)
	}
	if len(v) > maxFirstPageRecord {
		f.log.Debug("crawl group: first page too large to share; kept here only", "url", p.URL, "bytes", len(v))
		return nil
	}
	if err := f.write(ctx, []kafka.Message{{Topic: f.cfg.StateTopic, Key: f.firstKey(p), Value: v}}); err != nil {
		return fmt.Errorf("groupfrontier: write first page: %w", err)
	}
	return nil
}

// DropFirstPages forgets site's first pages of articles ids (all of them
// when no id is given): in the cache, and on the state topic with a
// tombstone for each page the cache held. It returns the pages forgotten
// without their HTML and body.
func (f *Frontier) DropFirstPages(ctx context.Context, site string, ids ...string) ([]frontier.FirstPage, error) {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	dropped, err := f.cache.DropFirstPages(ctx, site, ids...)
	if err != nil {
		return nil, err
	}
	return dropped, f.tombstone(ctx, dropped)
}

// DropFirstPagesBefore forgets the first pages kept before t, in the
// cache and on the state topic, and returns them without their HTML and
// body.
func (f *Frontier) DropFirstPagesBefore(ctx context.Context, t time.Time) ([]frontier.FirstPage, error) {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	dropped, err := f.cache.DropFirstPagesBefore(ctx, t)
	if err != nil {
		return nil, err
	}
	return dropped, f.tombstone(ctx, dropped)
}

// tombstone writes a tombstone for each of the dropped first pages, so
// that no later owner of their hosts restores them. Called with writeMu
// held, after the cache dropped them.
func (f *Frontier) tombstone(ctx context.Context, dropped []frontier.FirstPage) error {
	if len(dropped) == 0 {
		return nil
	}
	tombs := make([]kafka.Message, 0, len(dropped))
	for _, p := range dropped {
		tombs = append(tombs, kafka.Message{Topic: f.cfg.StateTopic, Key: f.firstKey(p)})
	}
	if err := f.write(ctx, tombs); err != nil {
		return fmt.Errorf("groupfrontier: forget first pages: %w", err)
	}
	return nil
}

// FirstPages returns the first pages of the owned hosts' sites that the
// cache holds.
func (f *Frontier) FirstPages(ctx context.Context) ([]frontier.FirstPage, error) {
	return f.cache.FirstPages(ctx)
}

// FirstPagesOf returns site's first pages that the cache holds: kept here,
// or restored from the state topic with the site's host.
func (f *Frontier) FirstPagesOf(ctx context.Context, site string) ([]frontier.FirstPage, error) {
	return f.cache.FirstPagesOf(ctx, site)
}
