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
