// Package scan describes reading a store's documents in bulk, in id
// order, as an export does: what to read (Request), what comes back
// (Page, Doc), and how ids split into ranges read at once (SliceRange).
// Both stores implement reading; package export consumes it. It lives
// apart from both so that neither store imports the export stage.
package scan

import (
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

// Doc is one stored article as its store holds it: the id it is sorted by
// and its JSON, which may be corrupt (that is for the export to find out).
type Doc struct {
	ID   string
	JSON []byte
}

// Page is a run of stored articles in id order.
type Page struct {
	Docs []Doc
}

// Request says which stored articles an export reads.
type Request struct {
	// Query selects articles as search does.
	Query query.Query
	// FetchedSince and FetchedUntil bound fetched_at, inclusive, for
	// incremental exports; zero leaves that end open. Stores compare at
	// millisecond precision.
	FetchedSince, FetchedUntil time.Time
	// Fields, when not nil, names the top-level article fields the export
	// writes: a store may send only those, plus id and schema_version.
	Fields []string
	// After is the id after which the export continues, "" for all.
	After string
	// Parallel is how many requests a store may have in flight, reading
	// consecutive ranges of ids ahead of the one being passed on.
	Parallel int
}

// MaxSlices is the most requests an export may have in flight.
const MaxSlices = 64

// MaxRanges is the most ranges SliceRange divides ids into.
const MaxRanges = 0x10000

// SliceRange returns the ids of range i of n (n <= MaxRanges), those with lo <= id < hi,
// where "" leaves a bound open. Article ids are hex digests, so slices of
// consecutive four-digit prefixes hold about as many articles each, and
// range i holds only ids below those of range i+1; the open outer bounds
// make the ranges cover every string, so a document with a malformed id
// still belongs to exactly one.
func SliceRange(i, n int) (lo, hi string) {
	if i < 0 || i >= n {
		panic(fmt.Sprintf("scan: slice %d of %d", i, n))
	}
	if i > 0 {
		lo = fmt.Sprintf("%04x", i*0x10000/n)
	}
	if i < n-1 {
		hi = fmt.Sprintf("%04x", (i+1)*0x10000/n)
	}
	return lo, hi
}
