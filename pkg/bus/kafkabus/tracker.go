package kafkabus

import "sync"

// Tracker turns out-of-order completion into in-order commits. Workers
// finish messages in any order, but a Kafka commit of offset n says "every
// message before n is done", so only the contiguous prefix of completed
// messages of a partition may be committed. Tracker remembers, per
// partition, the offsets handed out in fetch order and which of them are
// done. Offsets need not be consecutive (compaction and transaction markers
// leave gaps): order is the order of Fetched calls.
//
// A partition that is fetched again from an earlier offset (after a
// rebalance, the consumer group restarts from the last commit) starts a new
// epoch; completions of the old epoch are ignored, because the redelivered
// copies will be completed and committed instead.
//
// Tracker is safe for concurrent use.
type Tracker struct {
	mu    sync.Mutex
	parts map[int]*partition
}

// Token names one fetched message for Done.
type Token struct {
	Partition int
	Offset    int64
	epoch     int
}

type partition struct {
	epoch     int
	pending   []int64        // fetched, not yet released, in fetch order
	done      map[int64]bool // completed members of pending
	last      int64          // last offset fetched in this epoch
	doneUpTo  int64          // last offset of the completed prefix; -1 none
	committed int64          // last offset reported committed; -1 none
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return &Tracker{parts: map[int]*partition{}} }

// Fetched records that the message at offset of partition p was handed out.
func (t *Tracker) Fetched(p int, offset int64) Token {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := t.parts[p]
	if pt == nil {
		pt = &partition{done: map[int64]bool{}, last: -1, doneUpTo: -1, committed: -1}
		t.parts[p] = pt
	}
	if offset <= pt.last {
		// Rewound: the group redelivers from its last commit.
		pt.epoch++
		pt.pending = pt.pending[:0]
		clear(pt.done)
		if pt.doneUpTo >= offset {
			pt.doneUpTo = offset - 1
		}
		if pt.committed >= offset {
			pt.committed = offset - 1
		}
	}
	pt.last = offset
	pt.pending = append(pt.pending, offset)
	return Token{Partition: p, Offset: offset, epoch: pt.epoch}
}

// Done records that the message of tok is finished. It reports whether
// the completed prefix of its partition advanced.
func (t *Tracker) Done(tok Token) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := t.parts[tok.Partition]
	if pt == nil || pt.epoch != tok.epoch {
		return false
	}
	pt.done[tok.Offset] = true
	advanced := false
	for len(pt.pending) > 0 && pt.done[pt.pending[0]] {
		pt.doneUpTo = pt.pending[0]
		delete(pt.done, pt.pending[0])
		pt.pending = pt.pending[1:]
		advanced = true
	}
	if len(pt.pending) == 0 {
		pt.pending = nil // let the backing array go
	}
	return advanced
}

// Committable returns, per partition, the last offset of the completed
// prefix that has not been reported committed yet.
func (t *Tracker) Committable() map[int]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[int]int64{}
	for p, pt := range t.parts {
		if pt.doneUpTo > pt.committed {
			out[p] = pt.doneUpTo
		}
	}
	return out
}

// Committed records that offset of partition p was committed, so that
// Committable stops reporting it.
func (t *Tracker) Committed(p int, offset int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if pt := t.parts[p]; pt != nil && offset > pt.committed && offset <= pt.doneUpTo {
		pt.committed = offset
	}
}

// InFlight reports how many fetched messages are not released yet: not
// done, or done behind one that is not.
func (t *Tracker) InFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, pt := range t.parts {
		n += len(pt.pending)
	}
	return n
}
