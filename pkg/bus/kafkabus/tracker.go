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
// Offsets are tracked per generation: a consumer group assigns partitions
// anew in each generation, and an offset completed under an assignment
// that has ended must not be committed, because the partition may belong
// to another member now, which may have committed further already. Assign
// starts a generation and forgets everything of the one before;
// completions of its tokens are ignored (those messages are delivered
// again to whoever owns their partition now).
//
// Within a generation, a partition that is fetched again from an earlier
// offset starts a new epoch; completions of the old epoch are ignored,
// because the redelivered copies will be completed and committed instead.
//
// Tracker is safe for concurrent use.
type Tracker struct {
	mu     sync.Mutex
	gen    int
	sealed bool // gen hands out no more messages; see Seal
	parts  map[int]*partition
}

// Token names one fetched message for Done.
type Token struct {
	Partition int
	Offset    int64
	gen       int
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

// Assign starts a new generation, with no partitions, and returns it. The
// tracker starts in generation 0.
func (t *Tracker) Assign() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	t.sealed = false
	t.parts = map[int]*partition{}
	return t.gen
}

// Seal stops generation gen from handing out more messages (Fetched
// refuses them), while its messages in flight can still complete and be
// committed: a generation that is ending finishes what it holds rather
// than leave it to the partition's next owner.
func (t *Tracker) Seal(gen int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen == t.gen {
		t.sealed = true
	}
}

// Fetched records that the message at offset of partition p, fetched in
// generation gen, was handed out. It reports false, and records nothing,
// when gen has ended or is sealed: the message is not to be handed out.
func (t *Tracker) Fetched(gen, p int, offset int64) (Token, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen || t.sealed {
		return Token{}, false
	}
	pt := t.parts[p]
	if pt == nil {
		pt = &partition{done: map[int64]bool{}, last: -1, doneUpTo: -1, committed: -1}
		t.parts[p] = pt
	}
	if offset <= pt.last {
		// Rewound: the partition is read again from its last commit (or
		// earlier). The committed offset stays where it is, so that the
		// messages read again are not committed a second time, backwards.
		pt.epoch++
		pt.pending = pt.pending[:0]
		clear(pt.done)
		if pt.doneUpTo >= offset {
			pt.doneUpTo = offset - 1
		}
	}
	pt.last = offset
	pt.pending = append(pt.pending, offset)
	return Token{Partition: p, Offset: offset, gen: gen, epoch: pt.epoch}, true
}

// Done records that the message of tok is finished. It reports whether
// the completed prefix of its partition advanced.
func (t *Tracker) Done(tok Token) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := t.parts[tok.Partition]
	if tok.gen != t.gen || pt == nil || pt.epoch != tok.epoch {
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

// Rewind reports where to read tok's partition again from after tok's
// message was handed back unsettled: one past the last offset committed in
// this generation, or -1 when nothing was (then from where the generation
// started). ok is false when tok's generation or epoch has ended already:
// its partition is read again anyway.
func (t *Tracker) Rewind(tok Token) (from int64, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := t.parts[tok.Partition]
	if tok.gen != t.gen || pt == nil || pt.epoch != tok.epoch {
		return 0, false
	}
	if pt.committed < 0 {
		return -1, true
	}
	return pt.committed + 1, true
}

// Committable returns, per partition, the last offset of the completed
// prefix that has not been reported committed yet; nothing once gen has
// ended.
func (t *Tracker) Committable(gen int) map[int]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[int]int64{}
	if gen != t.gen {
		return out
	}
	for p, pt := range t.parts {
		if pt.doneUpTo > pt.committed {
			out[p] = pt.doneUpTo
		}
	}
	return out
}

// Committed records that offset of partition p was committed in
// generation gen, so that Committable stops reporting it.
func (t *Tracker) Committed(gen, p int, offset int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	if pt := t.parts[p]; pt != nil && offset > pt.committed && offset <= pt.doneUpTo {
		pt.committed = offset
	}
}

// InFlight reports how many messages fetched in the current generation
// are not released yet: not done, or done behind one that is not.
func (t *Tracker) InFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, pt := range t.parts {
		n += len(pt.pending)
	}
	return n
}
