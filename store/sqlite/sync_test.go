package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestSyncPutsCommitsInTheDatabaseFile checks what Sync promises: after it,
// a committed article is in the database file itself, which is what a
// power cut leaves (the unsynced tail of the write-ahead log may be lost).
// The file is copied without its log and opened on its own; without Sync
// the article is only in the log.
func TestSyncPutsCommitsInTheDatabaseFile(t *testing.T) {
	for _, tt := range []struct {
		name string
		sync bool
	}{{"without sync", false}, {"after sync", true}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			a := storetest.Mk("/durable", "example.com", "Durable", "Stored before its offset is committed.", storetest.T0)
			if err := s.Put(ctx, a); err != nil {
				t.Fatal(err)
			}
			if tt.sync {
				if err := s.Sync(ctx); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(s.Path())
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), raw, 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Get(ctx, a.ID)
			if found := err == nil; found != tt.sync {
				t.Fatalf("article in the database file alone: %v (Get: %v), want %v", found, err, tt.sync)
			}
		})
	}
}
