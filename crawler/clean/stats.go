package clean

import (
	"context"
	"sync"
)

// BlockStats is the per-site memory of the text blocks seen on pages, the
// store behind layer 3 (learned boilerplate). A block that recurs on many
// distinct pages of one site is navigation, a promotion or an appeal for that
// site, whatever its markup.
type BlockStats interface {
	// Observe records that one page of site contained these block
	// fingerprints and returns, for each, on how many distinct pages of the
	// site it has been seen (including this one), and the number of pages of
	// the site observed so far. Observing the same pageID again (a re-crawl)
	// must not count that page twice.
	Observe(ctx context.Context, site string, pageID string, blocks []uint64) (seen []int, pages int, err error)
}

// MemoryStats is an in-memory BlockStats for tests and single-process runs.
// It grows without bound; production uses SQLiteStats.
type MemoryStats struct {
	mu    sync.Mutex
	sites map[string]*siteStats
}

type siteStats struct {
	pages  map[string]map[uint64]struct{} // page id -> fingerprints seen on it
	counts map[uint64]int                 // fingerprint -> distinct pages
}

// NewMemoryStats returns an empty in-memory BlockStats.
func NewMemoryStats() *MemoryStats {
	return &MemoryStats{sites: make(map[string]*siteStats)}
}

// Observe implements BlockStats.
func (m *MemoryStats) Observe(ctx context.Context, site, pageID string, blocks []uint64) ([]int, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sites[site]
	if s == nil {
		s = &siteStats{pages: make(map[string]map[uint64]struct{}), counts: make(map[uint64]int)}
		m.sites[site] = s
	}
	page := s.pages[pageID]
	if page == nil {
		page = make(map[uint64]struct{}, len(blocks))
		s.pages[pageID] = page
	}
	seen := make([]int, len(blocks))
	for i, fp := range blocks {
		if _, ok := page[fp]; !ok {
			page[fp] = struct{}{}
			s.counts[fp]++
		}
		seen[i] = s.counts[fp]
	}
	return seen, len(s.pages), nil
}
