package groupfrontier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/crawler/frontier"
	"github.com/wirewatch/wirewatch/pkg/bus/kafkabus"
)

// membership follows the group's generations until ctx ends or the group
// is closed: each generation's partitions are restored, read and, when the
// generation ends, released.
func (f *Frontier) membership(ctx context.Context) {
	defer close(f.done)
	for {
		gen, err := f.group.Next(ctx)
		if err != nil {
			if errors.Is(err, kafka.ErrGroupClosed) || ctx.Err() != nil {
				return
			}
			f.log.Warn("crawl group: join", "err", err)
			continue
		}
		f.startGeneration(gen)
	}
}

// startGeneration takes gen's partitions. Partitions this process held in
// the generation just before keep their cached state (no other member can
// have had them in between); all others are read again from the state
// topic.
func (f *Frontier) startGeneration(gen *kafka.Generation) {
	assigned := gen.Assignments[f.cfg.URLTopic]
	f.mu.Lock()
	consecutive := f.joined && gen.ID == f.lastGen+1
	keep := map[int]bool{}
	for _, a := range assigned {
		if p := f.parts[a.ID]; p != nil && consecutive {
			keep[a.ID] = true
		}
	}
	var drop []string
	for h, p := range f.hosts {
		if !keep[p] {
			drop = append(drop, h)
			delete(f.hosts, h)
			delete(f.pace, h)
			delete(f.dirty, h)
			delete(f.robots, h)
		}
	}
	f.parts = map[int]*partition{}
	for _, a := range assigned {
		// Even a kept partition is handed out only once its URL topic
		// position is known (see own).
		f.parts[a.ID] = &partition{id: a.ID, state: restoring}
	}
	f.joined, f.lastGen = true, gen.ID
	f.mu.Unlock()
	ids := make([]int, len(assigned))
	for i, a := range assigned {
		ids[i] = a.ID
	}
	f.log.Info("crawl group: partitions assigned", "generation", gen.ID, "partitions", ids, "kept", len(keep))
	if len(drop) > 0 {
		if err := f.cache.DropFrontierHosts(context.Background(), drop); err != nil {
			f.log.Error("crawl group: drop hosts", "err", err)
		}
	}
	for _, a := range assigned {
		gen.Start(func(ctx context.Context) { f.own(ctx, gen, a, !keep[a.ID]) })
	}
}

// own works on one partition for the length of a generation.
func (f *Frontier) own(ctx context.Context, gen *kafka.Generation, a kafka.PartitionAssignment, restore bool) {
	id := a.ID
	defer f.release(id)
	if restore {
		start := time.Now()
		n, err := f.restore(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				f.log.Error("crawl group: restore", "partition", id, "err", err)
			}
			return // ends the generation: the group rebalances and tries again
		}
		f.log.Info("crawl group: partition restored", "partition", id, "records", n, "took", time.Since(start).Round(time.Millisecond))
	}
	first, last, err := f.offsets(ctx, f.cfg.URLTopic, id)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Error("crawl group: read URLs", "partition", id, "err", err)
		}
		return
	}
	next := a.Offset
	if next < 0 { // no committed offset: from the start
		next = first
	}
	f.mu.Lock()
	if p := f.parts[id]; p != nil {
		p.state, p.next, p.hwm = owned, next, max(p.hwm, last)
	}
	f.mu.Unlock()
	if err := f.consume(ctx, gen, id, next); err != nil && ctx.Err() == nil {
		f.log.Error("crawl group: read URLs", "partition", id, "err", err)
	}
}

// release stops handing out the partition's URLs, waits up to ReleaseWait
// for those handed out to be settled, and writes its hosts' pace.
func (f *Frontier) release(id int) {
	f.mu.Lock()
	if p := f.parts[id]; p != nil {
		p.state = releasing
	}
	f.mu.Unlock()
	// A write that read the partition as owned before it was marked holds
	// writeMu until its records are published: wait for it.
	f.writeMu.Lock()
	//lint:ignore SA2001 an empty critical section is the barrier
	f.writeMu.Unlock()
	deadline := time.NewTimer(f.cfg.ReleaseWait)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		left := 0
		for _, p := range f.inflight {
			if p == id {
				left++
			}
		}
		closed, settle := f.closed, f.settle
		f.mu.Unlock()
		if left == 0 || closed {
			break
		}
		select {
		case <-settle:
			continue
		case <-deadline.C:
			f.log.Warn("crawl group: releasing a partition with URLs still in flight", "partition", id, "urls", left)
		}
		break
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.flushPace(ctx, &id); err != nil {
		f.log.Warn("crawl group: write pace on release", "partition", id, "err", err)
	}
}

// restore reads the state topic's partition from its start to its end into
// the cache. It returns how many records it read.
func (f *Frontier) restore(ctx context.Context, id int) (int, error) {
	first, last, err := f.offsets(ctx, f.cfg.StateTopic, id)
	if err != nil {
		return 0, err
	}
	if last <= first {
		return 0, nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: f.cfg.Conn.Brokers, Dialer: f.cfg.Conn.Dialer(),
		Topic: f.cfg.StateTopic, Partition: id, MinBytes: 1, MaxBytes: 16 << 20, MaxWait: 250 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(first); err != nil {
		return 0, err
	}
	var urls []frontier.Record
	var hosts []frontier.HostRecord
	var pages []page
	pace := map[string]time.Time{}
	files := map[string]frontier.RobotsFile{}
	n := 0
	flush := func() error {
		// The hosts are registered first, as the partition's (which is
		// being restored, so claims skip them), and the batch is written
		// under writeMu, which claims take too: no claim sees a URL in
		// a state that a later record of the partition replaces.
		f.mu.Lock()
		for _, u := range urls {
			f.hosts[u.Host] = id
		}
		for _, h := range hosts {
			f.hosts[h.Host] = id
		}
		f.mu.Unlock()
		f.writeMu.Lock()
		defer f.writeMu.Unlock()
		// Later records of a URL replace earlier ones; keep the last.
		if err := f.cache.PutFrontierRecords(ctx, dedupeURLs(urls)); err != nil {
			return err
		}
		if err := f.cache.PutHostRecords(ctx, hosts); err != nil {
			return err
		}
		for _, pg := range pages {
			if _, _, err := f.cache.Observe(ctx, pg.Site, pg.Page, pg.Blocks); err != nil {
				return err
			}
		}
		urls, hosts, pages = urls[:0], hosts[:0], pages[:0]
		return nil
	}
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return n, fmt.Errorf("read %s/%d: %w", f.cfg.StateTopic, id, err)
		}
		n++
		switch kind := recordKind(m.Key); {
		case kind == 'f':
			// First pages go to the cache in the order of their records,
			// so a tombstone deletes what an earlier record kept.
			if err := f.restoreFirstPage(ctx, m); err != nil {
				return n, err
			}
		case len(m.Value) == 0:
			// A tombstone of any other record: nothing else is deleted
			// from the state.
		case kind == 'u':
			var rec frontier.Record
			if err := json.Unmarshal(m.Value, &rec); err != nil {
				f.log.Warn("crawl group: skip a bad URL record", "partition", id, "offset", m.Offset, "err", err)
				break
			}
			urls = append(urls, rec)
		case kind == 'r':
			var file frontier.RobotsFile
			if err := json.Unmarshal(m.Value, &file); err != nil {
				f.log.Warn("crawl group: skip a bad robots.txt record", "partition", id, "offset", m.Offset, "err", err)
				break
			}
			if i := bytes.LastIndexByte(m.Key, 0); i >= 0 {
				files[string(m.Key[i+1:])] = file
			}
		case kind == 's':
			var pg page
			if err := json.Unmarshal(m.Value, &pg); err != nil {
				f.log.Warn("crawl group: skip a bad page record", "partition", id, "offset", m.Offset, "err", err)
				break
			}
			pages = append(pages, pg)
		case kind == 'h':
			var rec frontier.HostRecord
			if err := json.Unmarshal(m.Value, &rec); err != nil {
				f.log.Warn("crawl group: skip a bad host record", "partition", id, "offset", m.Offset, "err", err)
				break
			}
			hosts = append(hosts, rec)
			if rec.NotBefore.After(pace[rec.Host]) {
				pace[rec.Host] = rec.NotBefore
			}

		}
		if len(urls)+len(hosts)+len(pages) >= 1000 {
			if err := flush(); err != nil {
				return n, err
			}
		}
		if m.Offset >= last-1 {
			break
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	f.mu.Lock()
	for h, t := range pace {
		if t.After(f.pace[h]) {
			f.pace[h] = t
		}
	}
	for h, file := range files {
		f.robots[h] = file
	}
	f.mu.Unlock()
	return n, nil
}

// restoreFirstPage applies a first page's record, or its tombstone, to the
// cache. A record that does not decode is skipped, as other records are.
func (f *Frontier) restoreFirstPage(ctx context.Context, m kafka.Message) error {
	site, id, ok := parseFirstKey(m.Key)
	if !ok {
		f.log.Warn("crawl group: skip a first page with a bad key", "partition", m.Partition, "offset", m.Offset)
		return nil
	}
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	if len(m.Value) == 0 {
		_, err := f.cache.DropFirstPages(ctx, site, id)
		return err
	}
	var p frontier.FirstPage
	if err := json.Unmarshal(m.Value, &p); err != nil || p.Site != site || p.ID != id {
		f.log.Warn("crawl group: skip a bad first page record", "partition", m.Partition, "offset", m.Offset, "err", err)
		return nil
	}
	return f.cache.KeepFirstPage(ctx, p)
}

// dedupeURLs keeps the last record of each URL, in order.
func dedupeURLs(recs []frontier.Record) []frontier.Record {
	last := map[string]int{}
	for i, r := range recs {
		last[r.URL] = i
	}
	out := recs[:0:0]
	for i, r := range recs {
		if last[r.URL] == i {
			out = append(out, r)
		}
	}
	return out
}

// recordKind returns 'u' for a URL record's key, 'h' for a host record's,
// 'r' for a host's robots.txt, 's' for a page of the cleaner's statistics,
// 'f' for a new site's first page kept for cleaning again.
func recordKind(key []byte) byte {
	i := bytes.IndexByte(key, 0)
	if i < 0 || i+2 >= len(key) || key[i+2] != 0 {
		return 0
	}
	return key[i+1]
}

// offsets returns the first and the next offset (high watermark) of a
// partition.
func (f *Frontier) offsets(ctx context.Context, topic string, id int) (first, last int64, err error) {
	err = kafkabus.Retry(ctx, fmt.Sprintf("offsets of %s/%d", topic, id), func(ctx context.Context) error {
		resp, err := f.cfg.Conn.Client().ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{
			topic: {kafka.FirstOffsetOf(id), kafka.LastOffsetOf(id)},
		}})
		if err != nil {
			return err
		}
		for _, p := range resp.Topics[topic] {
			if p.Partition == id {
				first, last = p.FirstOffset, p.LastOffset
				return p.Error
			}
		}
		return errors.New("no answer")
	})
	return first, last, err
}

// refreshHighWater reads the URL topic's high watermarks of the owned
// partitions, so that Outlook waits for URLs sent just before.
func (f *Frontier) refreshHighWater(ctx context.Context) error {
	f.mu.Lock()
	var ids []int
	for id := range f.parts {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	for _, id := range ids {
		_, last, err := f.offsets(ctx, f.cfg.URLTopic, id)
		if err != nil {
			return err
		}
		f.mu.Lock()
		if p := f.parts[id]; p != nil && last > p.hwm {
			p.hwm = last
		}
		f.mu.Unlock()
	}
	return nil
}

// consume reads the URL topic's partition and applies what it asks in
// batches: queue in the cache, write the changed records, commit.
func (f *Frontier) consume(ctx context.Context, gen *kafka.Generation, id int, next int64) error {
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: f.cfg.Conn.Brokers, Dialer: f.cfg.Conn.Dialer(),
		Topic: f.cfg.URLTopic, Partition: id, MinBytes: 1, MaxBytes: 8 << 20, MaxWait: 250 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(next); err != nil {
		return err
	}
	msgs := make(chan kafka.Message, 256)
	readErr := make(chan error, 1)
	go func() {
		defer close(msgs)
		for {
			m, err := r.FetchMessage(ctx)
			if err != nil {
				readErr <- err
				return
			}
			select {
			case msgs <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		var batch []kafka.Message
		select {
		case m, ok := <-msgs:
			if !ok {
				select {
				case err := <-readErr:
					if errors.Is(err, io.EOF) || ctx.Err() != nil {
						return nil
					}
					return err
				default:
					return nil
				}
			}
			batch = append(batch, m)
		case <-ctx.Done():
			return nil
		}
	more:
		for len(batch) < 500 {
			select {
			case m, ok := <-msgs:
				if !ok {
					break more
				}
				batch = append(batch, m)
			default:
				break more
			}
		}
		if err := f.applyOps(ctx, id, batch); err != nil {
			return err
		}
		end := batch[len(batch)-1]
		if err := gen.CommitOffsets(map[string]map[int]int64{f.cfg.URLTopic: {id: end.Offset + 1}}); err != nil {
			return fmt.Errorf("commit %s/%d: %w", f.cfg.URLTopic, id, err)
		}
		f.mu.Lock()
		if p := f.parts[id]; p != nil {
			p.next, p.hwm = end.Offset+1, max(p.hwm, end.HighWaterMark)
		}
		f.mu.Unlock()
	}
}

// applyOps queues a batch of the URL topic's messages in the cache and
// writes the changed records. A message that cannot be decoded is logged
// and skipped: it can never be applied, and must not stop the partition.
func (f *Frontier) applyOps(ctx context.Context, id int, batch []kafka.Message) error {
	var seeds, adds []frontier.Entry
	var now time.Time
	type recheck struct {
		p frontier.RecheckPolicy
		e []frontier.Entry
	}
	var rechecks []recheck
	for _, m := range batch {
		var o op
		if err := json.Unmarshal(m.Value, &o); err != nil || o.Entry.URL == "" {
			f.log.Warn("crawl group: skip a bad URL message", "partition", id, "offset", m.Offset, "err", err)
			continue
		}
		switch o.Op {
		case "seed":
			seeds = append(seeds, o.Entry)
			if o.Now.After(now) {
				now = o.Now
			}
		case "add":
			adds = append(adds, o.Entry)
		case "recheck":
			if o.Recheck != nil {
				rechecks = append(rechecks, recheck{p: *o.Recheck, e: []frontier.Entry{o.Entry}})
			}
		default:
			f.log.Warn("crawl group: skip a URL message of unknown kind", "partition", id, "offset", m.Offset, "op", o.Op)
		}
	}
	f.mu.Lock()
	limit := f.limit
	f.mu.Unlock()
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	var urls, hosts []string
	if len(seeds) > 0 {
		if now.IsZero() {
			now = time.Now()
		}
		if err := f.cache.AddSeeds(ctx, seeds, now); err != nil {
			return err
		}
	}
	if len(adds) > 0 {
		if _, err := f.cache.Apply(ctx, adds, nil, limit); err != nil {
			return err
		}
	}
	for _, rc := range rechecks {
		if _, err := f.cache.Recheck(ctx, rc.e, rc.p); err != nil {
			return err
		}
	}
	for _, list := range [][]frontier.Entry{seeds, adds} {
		for _, e := range list {
			urls = append(urls, e.URL)
			hosts = append(hosts, frontier.Host(e.URL))
		}
	}
	for _, rc := range rechecks {
		for _, e := range rc.e {
			urls = append(urls, e.URL)
		}
	}
	return f.publish(ctx, urls, hosts)
}
