package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/scan"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestExportLetsSyncThrough checks that an export waiting for a slow
// consumer holds no snapshot of the file that a checkpoint must wait for:
// Sync, which the index role runs before each offset commit, succeeds
// while the consumer holds the first page and articles are stored
// meanwhile, and the export then delivers every article once, in order.
func TestExportLetsSyncThrough(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// More pages than Export reads ahead, written in one transaction
	// (Put would take seconds): the export only reads id and doc.
	const n = (exportAhead+3)*exportPage + 17
	err = s.write(ctx, func(tx *sql.Tx) error {
		for i := range n {
			a := storetest.Mk(fmt.Sprintf("/%d", i), "example.com", "t", "body", storetest.T0)
			doc, err := article.Marshal(a)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO articles (id, url, canonical_url, site, fetched_at, doc) VALUES (?, ?, ?, ?, ?, ?)`,
				a.ID, a.URL, a.CanonicalURL, a.Site, a.FetchedAt.Format(time.RFC3339Nano), string(doc)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	var ids []string
	go func() {
		done <- s.Export(ctx, scan.Request{}, func(p scan.Page) error {
			if len(ids) == 0 {
				close(first)
				<-release
			}
			for _, d := range p.Docs {
				ids = append(ids, d.ID)
			}
			return nil
		})
	}()
	<-first
	if err := s.Put(ctx, storetest.Mk("/late", "example.com", "t", "body", storetest.T0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(ctx); err != nil {
		t.Errorf("Sync while an export waits for its consumer: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] || i > 0 && id <= ids[i-1] {
			t.Fatalf("id %d of the export, %s, is out of order or twice", i, id)
		}
		seen[id] = true
	}
	// The late article falls among the others: an export may or may not
	// have read past its id before it was stored.
	if len(ids) != n && len(ids) != n+1 {
		t.Errorf("export delivered %d articles, want the %d stored before it (and maybe the late one)", len(ids), n)
	}
}
