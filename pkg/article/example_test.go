package article_test

import (
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
