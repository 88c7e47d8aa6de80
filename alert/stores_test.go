package alert_test

import (
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/extractor/events"
	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/sqlite/sqlitetest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// matcher is the alert matcher as the conformance suite takes it: the
// article analysed once, then each query evaluated on the analysis.
func matcher(a *article.Article) func(query.Query, time.Time) bool {
	d := alert.NewDoc(a)
	return func(q query.Query, now time.Time) bool { return alert.Eval(q, d, now) }
}

// TestStoresAgreeWithMatcher holds every store to the matcher: for each
// query of the query corpus (over the demo corpus, its events tagged by
// the extractor's detector) and each event filter, Search and Scan find
// exactly the articles the matcher matches, so a saved search alerts on
// what a search finds. Elasticsearch is skipped without WIREWATCH_TEST_ES.
func TestStoresAgreeWithMatcher(t *testing.T) {
	d, err := events.New("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		o    storetest.Options
	}{
		{"SQLite", sqlitetest.Options()},
		{"Elasticsearch", elastictest.Options()},
	} {
		t.Run(s.name, func(t *testing.T) { storetest.RunMatcher(t, s.o, matcher, d) })
	}
}
