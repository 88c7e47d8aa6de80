package sqlfrontier

import (
	"testing"

	"github.com/wirewatch/wirewatch/pkg/frontier/frontiertest"
)

// TestFrontierSuite holds the embedded frontier to the behaviour the
// frontier shared by a crawl group shows too.
func TestFrontierSuite(t *testing.T) {
	frontiertest.Run(t, func(t *testing.T) frontiertest.Frontier { return open(t) })
}
