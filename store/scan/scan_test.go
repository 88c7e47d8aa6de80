package scan

import "testing"

// TestSliceRangeCoversEveryID checks that the ranges of every division
// follow each other without gap or overlap, cover every string, and keep
// id order: all of range i sorts before all of range i+1.
func TestSliceRangeCoversEveryID(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 64, 1000, MaxRanges} {
		prevHi := ""
		for i := range n {
			lo, hi := SliceRange(i, n)
			if lo != prevHi {
				t.Fatalf("n=%d: range %d starts at %q, the previous ended at %q", n, i, lo, prevHi)
			}
			if i == n-1 && hi != "" || i < n-1 && (hi == "" || hi <= lo) {
				t.Fatalf("n=%d: range %d is [%q, %q)", n, i, lo, hi)
			}
			prevHi = hi
		}
	}
	// Ids, even malformed ones, fall into exactly one range.
	for _, id := range []string{"", "0000", "00000000000000000000000000000000", "7fff0", "ffffffffffffffffffffffffffffffff", "zz", "ABC"} {
		in := 0
		for i := range 7 {
			lo, hi := SliceRange(i, 7)
			if id >= lo && (hi == "" || id < hi) {
				in++
			}
		}
		if in != 1 {
			t.Errorf("id %q is in %d of 7 ranges, want 1", id, in)
		}
	}
}
