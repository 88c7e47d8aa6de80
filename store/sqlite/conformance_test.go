package sqlite_test

import (
	"testing"

	"github.com/wirewatch/wirewatch/store/sqlite/sqlitetest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestConformance runs the store-level conformance suite. The suite's
// parts that need a stage (the alert matcher's agreement, the export) run
// from the alert and export packages' tests, against this store too.
func TestConformance(t *testing.T) {
	storetest.Run(t, sqlitetest.Options())
}
