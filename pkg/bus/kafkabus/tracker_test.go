package kafkabus

import (
	"maps"
	"math/rand/v2"
	"testing"
)

func TestTracker(t *testing.T) {
	type step struct {
		fetch []int64 // offsets of partition 0 fetched, in order
		done  []int64 // then completed, in order (index into fetch tokens by offset)
		want  int64   // committed offset after the step; -1 none
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"in order", []step{{fetch: []int64{0, 1, 2}, done: []int64{0, 1, 2}, want: 2}}},
		{"nothing done", []step{{fetch: []int64{0, 1}, want: -1}}},
		{"gap blocks", []step{{fetch: []int64{0, 1, 2}, done: []int64{1, 2}, want: -1}, {done: []int64{0}, want: 2}}},
		{"middle missing", []step{{fetch: []int64{5, 6, 7}, done: []int64{5, 7}, want: 5}, {done: []int64{6}, want: 7}}},
		{"offset gaps (compaction)", []step{{fetch: []int64{3, 10, 11, 40}, done: []int64{40, 3, 11}, want: 3}, {done: []int64{10}, want: 40}}},
		{"reversed", []step{{fetch: []int64{0, 1, 2, 3}, done: []int64{3, 2, 1}, want: -1}, {done: []int64{0}, want: 3}}},
		{"interleaved fetches", []step{{fetch: []int64{0, 1}, done: []int64{1}, want: -1}, {fetch: []int64{2}, done: []int64{2, 0}, want: 2}}},
		{"rewind after commit", []step{
			{fetch: []int64{0, 1, 2}, done: []int64{0}, want: 0},
			{fetch: []int64{1}, want: 0}, // redelivered from the commit
			{done: []int64{1}, want: 1},
		}},
		{"rewind behind the commit never commits backwards", []step{
			{fetch: []int64{0, 1, 2, 3, 4}, done: []int64{0, 1, 2, 3}, want: 3},
			{fetch: []int64{2}, done: []int64{2}, want: 3}, // read again from before the commit
			{fetch: []int64{3, 4}, done: []int64{3, 4}, want: 4},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker()
			toks := map[int64]Token{}
			committed := int64(-1)
			for i, s := range tt.steps {
				for _, o := range s.fetch {
					toks[o], _ = tr.Fetched(0, 0, o)
				}
				for _, o := range s.done {
					tr.Done(toks[o])
				}
				if got, ok := tr.Committable(0)[0]; ok {
					tr.Committed(0, 0, got)
					committed = got
				}
				if committed != s.want {
					t.Fatalf("step %d: committed %d, want %d", i, committed, s.want)
				}
			}
		})
	}
}

func TestTrackerStaleEpochIgnored(t *testing.T) {
	tr := NewTracker()
	old, _ := tr.Fetched(0, 0, 5)
	tr.Fetched(0, 0, 6)
	again, _ := tr.Fetched(0, 0, 5) // the partition starts over at 5
	if tr.Done(old) {
		t.Fatal("completion of a message from before the rewind advanced the prefix")
	}
	if _, ok := tr.Committable(0)[0]; ok {
		t.Fatal("stale completion made an offset committable")
	}
	if !tr.Done(again) {
		t.Fatal("completion of the redelivered message did not advance")
	}
	if got := tr.Committable(0)[0]; got != 5 {
		t.Fatalf("committable %d, want 5", got)
	}
}

func TestTrackerPartitionsIndependent(t *testing.T) {
	tr := NewTracker()
	a0, _ := tr.Fetched(0, 0, 0)
	tr.Fetched(0, 0, 1)
	b0, _ := tr.Fetched(0, 1, 0)
	b1, _ := tr.Fetched(0, 1, 1)
	tr.Done(b1)
	tr.Done(a0)
	tr.Done(b0)
	want := map[int]int64{0: 0, 1: 1}
	if got := tr.Committable(0); !maps.Equal(got, want) {
		t.Fatalf("committable %v, want %v", got, want)
	}
	if n := tr.InFlight(); n != 1 {
		t.Fatalf("in flight %d, want 1", n)
	}
}

// TestTrackerRandom completes messages of several partitions in random
// order and checks, after every completion, that the committable offset is
// exactly the end of the longest completed prefix: never past an
// unfinished message, never behind a finished prefix.
func TestTrackerRandom(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 7))
		tr := NewTracker()
		const parts = 3
		var offsets [parts][]int64
		var toks []Token
		for p := range parts {
			off := int64(rng.IntN(5))
			for range 20 + rng.IntN(40) {
				off += 1 + int64(rng.IntN(3)) // gaps, as after compaction
				offsets[p] = append(offsets[p], off)
				tok, _ := tr.Fetched(0, p, off)
				toks = append(toks, tok)
			}
		}
		rng.Shuffle(len(toks), func(i, j int) { toks[i], toks[j] = toks[j], toks[i] })
		done := map[Token]bool{}
		committed := map[int]int64{}
		for _, tok := range toks {
			tr.Done(tok)
			done[tok] = true
			for p, off := range tr.Committable(0) {
				if off <= committed[p] && committed[p] != 0 {
					t.Fatalf("seed %d: partition %d committable went back from %d to %d", seed, p, committed[p], off)
				}
				tr.Committed(0, p, off)
				committed[p] = off
			}
			for p := range parts {
				want := int64(0)
				for _, o := range offsets[p] {
					if !done[Token{Partition: p, Offset: o}] {
						break
					}
					want = o
				}
				if committed[p] != want {
					t.Fatalf("seed %d: partition %d committed %d, want %d", seed, p, committed[p], want)
				}
			}
		}
		if n := tr.InFlight(); n != 0 {
			t.Fatalf("seed %d: %d still in flight after all completed", seed, n)
		}
	}
}

// TestTrackerGenerations checks that an assignment that has ended leaves
// nothing behind: its completions are ignored, it has nothing committable
// and cannot record commits, and messages fetched for it are refused, so
// that a partition now owned by another member is never committed here.
func TestTrackerGenerations(t *testing.T) {
	tr := NewTracker()
	old0, _ := tr.Fetched(0, 0, 10)
	old1, _ := tr.Fetched(0, 1, 20)
	tr.Done(old0)
	gen := tr.Assign() // rebalance
	if gen == 0 {
		t.Fatal("Assign did not start a new generation")
	}
	tr.Done(old1)
	if got := tr.Committable(0); len(got) != 0 {
		t.Errorf("ended generation committable %v, want none", got)
	}
	if got := tr.Committable(gen); len(got) != 0 {
		t.Errorf("new generation committable %v from completions of the old one, want none", got)
	}
	if _, ok := tr.Fetched(0, 0, 11); ok {
		t.Error("a message fetched for the ended generation was accepted")
	}
	if n := tr.InFlight(); n != 0 {
		t.Errorf("in flight %d after the rebalance, want 0", n)
	}
	tok, ok := tr.Fetched(gen, 0, 5) // the new owner starts at the last commit
	if !ok {
		t.Fatal("a message of the current generation was refused")
	}
	tr.Done(tok)
	tr.Committed(0, 0, 5)
	if got := tr.Committable(gen); !maps.Equal(got, map[int]int64{0: 5}) {
		t.Errorf("committable %v, want partition 0 at 5", got)
	}
	tr.Committed(gen, 0, 5)
	if got := tr.Committable(gen); len(got) != 0 {
		t.Errorf("committable %v after the commit, want none", got)
	}
}

// TestTrackerRewind checks where a handed-back message's partition is read
// again from, and that a token of an ended epoch or generation asks for
// nothing.
func TestTrackerRewind(t *testing.T) {
	tr := NewTracker()
	var toks []Token
	for o := range int64(4) {
		tok, _ := tr.Fetched(0, 0, o)
		toks = append(toks, tok)
	}
	if from, ok := tr.Rewind(toks[2]); !ok || from != -1 {
		t.Errorf("Rewind before any commit = %d, %v; want -1 (the generation's start), true", from, ok)
	}
	tr.Done(toks[0])
	tr.Done(toks[1])
	tr.Committed(0, 0, 1)
	if from, ok := tr.Rewind(toks[2]); !ok || from != 2 {
		t.Errorf("Rewind = %d, %v; want 2 (one past the commit), true", from, ok)
	}
	again, _ := tr.Fetched(0, 0, 2) // the partition is read again
	if _, ok := tr.Rewind(toks[3]); ok {
		t.Error("a token from before the partition was read again asked to read it again")
	}
	tr.Assign()
	if _, ok := tr.Rewind(again); ok {
		t.Error("a token of an ended generation asked to read its partition again")
	}
}
