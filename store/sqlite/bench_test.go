package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
	"github.com/wirewatch/wirewatch/store/storetest"
)

// BenchmarkEntityFilter measures person: searches over 20,000 articles
// naming four of 5,000 people each: a full name, a rare word of a name, a
// common word of a name (a family name 10 people share), and a name with
// free text.
func BenchmarkEntityFilter(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const articles, people = 20000, 5000
	name := func(i int) string { return fmt.Sprintf("Given%d Family%d", i, i%500) }
	for i := range articles {
		var ents []article.Entity
		body := "Rain fell as"
		for j := range 4 {
			n := name((i*7 + j*1237) % people)
			body += " " + n
			ents = append(ents, article.Entity{Type: article.Person, Canonical: n})
		}
		body += " met."
		a := storetest.Mk(fmt.Sprintf("/%d", i), "example.com", "t", body, storetest.T0.Add(time.Duration(i)*time.Minute), ents...)
		if err := s.Put(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{
		`person:"Given17 Family17"`,
		`person:Given17`,
		`person:Family17`,
		`person:nobody`,
		`person:Given17 rain`,
	} {
		pq, err := query.Parse(q)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(q, func(b *testing.B) {
			n := 0
			for b.Loop() {
				hits, err := s.Search(ctx, pq, 10)
				if err != nil {
					b.Fatal(err)
				}
				n = len(hits)
			}
			if n == 0 && q != `person:nobody` {
				b.Fatalf("%s: no hits", q)
			}
		})
	}
}

// BenchmarkSearchStories compares Search with SearchStories over 50,000
// articles in stories of three copies: everything, a site, a word in every
// article, and a person.
func BenchmarkSearchStories(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := range 50000 {
		person := fmt.Sprintf("P%d", i%300)
		a := storetest.Mk(fmt.Sprintf("/%d", i), fmt.Sprintf("s%d.com", i%50), "t",
			fmt.Sprintf("%s saw rain fall %d times", person, i%100), storetest.T0.Add(time.Duration(i)*time.Minute),
			article.Entity{Type: article.Person, Canonical: person})
		a.StoryID = fmt.Sprintf("story%d", i/3)
		if err := s.Put(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
	for _, qs := range []string{``, `site:s7.com`, `rain`, `person:P7`} {
		pq, err := query.Parse(qs)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range []struct {
			name   string
			search func(context.Context, query.Query, int) ([]query.Hit, error)
		}{{"all", s.Search}, {"stories", s.SearchStories}} {
			b.Run(f.name+"/"+qs, func(b *testing.B) {
				for b.Loop() {
					hits, err := f.search(ctx, pq, 10)
					if err != nil || len(hits) != 10 {
						b.Fatalf("%d hits, %v", len(hits), err)
					}
				}
			})
		}
	}
}
