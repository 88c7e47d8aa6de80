package export

import (
	"context"

	"github.com/wirewatch/wirewatch/store/scan"
)

// The request and page types are package scan's, which the stores
// implement without importing this package; so are the id ranges an
// export's slices read (scan.SliceRange).
type (
	// Doc is one stored article as its store holds it (scan.Doc).
	Doc = scan.Doc
	// Page is a run of stored articles in id order (scan.Page).
	Page = scan.Page
	// Request says which stored articles an export reads (scan.Request).
	Request = scan.Request
)

// MaxSlices is the most requests an export may have in flight.
const MaxSlices = scan.MaxSlices

// Source is a store that exports.
type Source interface {
	// Export calls fn with pages of the articles matching r whose ids sort
	// after r.After, in id order, one call at a time and from the calling
	// goroutine. Export returns fn's first error, at once.
	Export(ctx context.Context, r Request, fn func(Page) error) error
	// ExportCount returns how many articles match r, positions aside; it
	// only feeds the progress line.
	ExportCount(ctx context.Context, r Request) (int, error)
}
