package elastic_test

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/elastic/elastictest"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// TestSourceIsTheArticle checks that the _source of a stored article with
// names and events is its JSON form, without the search_* fields Encode
// adds beside it (search_events among them, which are events too).
func TestSourceIsTheArticle(t *testing.T) {
	s := elastictest.Open(t, elastictest.Config(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	body := "Recep Tayyip Erdoğan will withdraw troops from Idlib."
	a := storetest.Mk("/source", "news.example.org", "Withdrawal", body, storetest.T0, article.Entity{Type: article.Person, Canonical: "Recep Tayyip Erdoğan"})
	a.Events = []article.Event{storetest.Event(body, "withdraw", "military", "announced", true, storetest.Actor(body, "Recep Tayyip Erdoğan", "Recep Tayyip Erdoğan", "TR"))}
	if err := s.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	res, err := esapi.GetSourceRequest{Index: s.Names().Alias, DocumentID: a.ID}.Do(ctx, s.Client())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.IsError() {
		t.Fatalf("get source: %s %s %v", res.Status(), b, err)
	}
	want, err := article.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantFields map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &wantFields); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantFields) {
		t.Errorf("_source = %s, want the article's JSON %s", b, want)
	}
}
