package article_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// An article's id comes from its canonical URL, so every copy fetched
// through another address is the same article.
func ExampleNew() {
	a := article.New("https://www.example.com/news/1?utm_source=rss", "https://example.com/news/1", time.Date(2024, 5, 10, 9, 0, 0, 0, time.UTC))
	a.Title = "Libya announces withdrawal"
	a.Body = "Libya said the withdrawal of foreign fighters would begin next week."
	fmt.Println(a.ID == article.ID("https://example.com/news/1"))
	fmt.Println(a.Site)

	doc, err := article.Marshal(a)
	if err != nil {
		fmt.Println(err)
		return
	}
	back, err := article.Unmarshal(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Title, back.WordCount)
	// Output:
	// true
	// example.com
	// Libya announces withdrawal 11
}

// The extractor locates every entity in the body by byte offsets, and
// Validate (which Marshal runs) refuses an article whose offsets do not
// point at the entity's text, so that no stage reads a wrong highlight.
func ExampleArticle_Validate() {
	a := article.New("https://example.com/news/2", "", time.Date(2024, 5, 10, 9, 0, 0, 0, time.UTC))
	a.Body = "Sergey Lavrov arrived in Tripoli."
	a.Entities = []article.Entity{{Text: "Tripoli", Type: article.Place, Canonical: "Tripoli", Country: "LY", Start: 25, End: 32}}
	fmt.Println(a.Validate())

	a.Entities[0].Start, a.Entities[0].End = 0, 7
	fmt.Println(a.Validate())
	// Output:
	// <nil>
	// article cd18ed906d0c48463baf18cde7e2b12f: entity 0: span [0,7) is "Sergey ", not "Tripoli"
}

// A document of a schema version this build does not know is refused
// before any other field is trusted; errors.Is tells it apart.
func ExampleUnmarshal() {
	_, err := article.Unmarshal([]byte(`{"schema_version": 99, "id": "x"}`))
	fmt.Println(errors.Is(err, article.ErrSchemaVersion))
	// Output:
	// true
}

// Every store wraps one sentinel for an unknown id, so that a caller
// (the web API answering 404) need not know which store it reads.
func ExampleErrNotFound() {
	err := fmt.Errorf("get %s: %w", "0123", article.ErrNotFound) // as a store's Get returns it
	fmt.Println(errors.Is(err, article.ErrNotFound))
	// Output:
	// true
}
