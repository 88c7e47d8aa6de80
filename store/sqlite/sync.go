package sqlite

import (
	"context"
	"fmt"
)

// Sync makes every transaction committed so far durable. With
// synchronous=NORMAL a commit survives a crash of the process but a power
// cut or an operating-system crash can undo the last ones; that is fine
// when the crawl state rolls back with them (URLs are fetched again), but
// not for a consumer that has committed its Kafka offset meanwhile. Sync is
// a full checkpoint: it syncs the write-ahead log, copies it into the
// database file and syncs that. The distributed index role calls it before
// each offset commit, about once a second, instead of paying an fsync per
// article with synchronous=FULL.
func (s *Store) Sync(ctx context.Context) error {
	// Our own writers wait; the checkpoint waits (busy_timeout) for
	// readers of older snapshots.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var busy, frames, copied int
	if err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(FULL)").Scan(&busy, &frames, &copied); err != nil {
		return fmt.Errorf("sync store %s: %w", s.path, err)
	}
	if busy != 0 {
		return fmt.Errorf("sync store %s: checkpoint blocked by a reader (%d of %d log frames copied)", s.path, copied, frames)
	}
	return nil
}
