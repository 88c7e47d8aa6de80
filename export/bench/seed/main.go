// Command seed fills an Elasticsearch index, in the layout wirewatch
// writes, with synthetic articles of realistic size (about 15 KB of JSON
// each, like the 20,000 articles in 300 MB), for the export
// benchmark in export/bench. It is a benchmark tool, not part of wirewatch.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/store/elastic"
	"github.com/wirewatch/wirewatch/store/sqlite"
)

func main() {
	url := flag.String("es-url", "http://127.0.0.1:9200", "Elasticsearch node")
	prefix := flag.String("prefix", "wwbench-export", "index prefix (the alias is PREFIX-articles)")
	n := flag.Int("n", 20000, "articles")
	drop := flag.Bool("drop", false, "delete the benchmark index instead of filling it")
	data := flag.String("sqlite", "", "fill the embedded store in this directory instead")
	flag.Parse()
	var err error
	if *data != "" {
		err = fillSQLite(context.Background(), *data, *n)
	} else {
		err = run(context.Background(), *url, *prefix, *n, *drop)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url, prefix string, n int, drop bool) error {
	cfg := elastic.Config{URLs: []string{url}, IndexPrefix: prefix}
	st, err := elastic.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	names := st.Names()
	if drop {
		res, err := esapi.IndicesDeleteRequest{Index: []string{names.Index}}.Do(ctx, st.Client())
		if err != nil {
			return err
		}
		res.Body.Close()
		res, err = esapi.IndicesDeleteIndexTemplateRequest{Name: names.Template}.Do(ctx, st.Client())
		if err != nil {
			return err
		}
		res.Body.Close()
		return nil
	}
	if c, err := st.Count(ctx); err == nil && c == n {
		fmt.Printf("%s already holds %d articles\n", names.Alias, n)
		return nil
	}
	var failed atomic.Int64
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{Client: st.Client(), Index: names.Alias, NumWorkers: 2, FlushBytes: 5 << 20})
	if err != nil {
		return err
	}
	var size int64
	for a := range articles(n) {
		doc, version, err := elastic.Encode(a)
		if err != nil {
			return err
		}
		size += int64(len(doc)) + 1
		v := version
		if err := bi.Add(ctx, esutil.BulkIndexerItem{Action: "index", DocumentID: a.ID, Body: bytes.NewReader(doc), Version: &v, VersionType: elastic.VersionType,
			OnFailure: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem, error) { failed.Add(1) }}); err != nil {
			return err
		}
	}
	if err := bi.Close(ctx); err != nil {
		return err
	}
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d articles failed to index", f)
	}
	if err := st.Refresh(ctx); err != nil {
		return err
	}
	fmt.Printf("%s: %d articles, %.0f MB of JSON\n", names.Alias, n, float64(size)/1e6)
	return nil
}

func words(rng *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		out[i] = string(w)
	}
	return out
}

// articles yields n synthetic articles of about 15 KB of JSON each, the
// same every time.
func articles(n int) func(yield func(*article.Article) bool) {
	return func(yield func(*article.Article) bool) {
		rng := rand.New(rand.NewPCG(7, 11))
		vocab := words(rng, 5000)
		people := []string{"Olaf Scholz", "Sergey Lavrov", "Ursula von der Leyen", "Joe Biden", "Emmanuel Macron"}
		places := []string{"Tripoli", "Kyiv", "Berlin", "Paris", "Washington"}
		t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
		for i := range n {
			a := article.New(fmt.Sprintf("https://news%d.example.org/world/%d-story", i%40, i), "", t0.Add(time.Duration(i)*time.Minute))
			var body strings.Builder
			for p := 0; body.Len() < 10500; p++ {
				if p > 0 {
					body.WriteString("\n\n")
				}
				body.WriteString(people[rng.IntN(len(people))] + " said in " + places[rng.IntN(len(places))] + " that")
				for range 60 {
					body.WriteString(" " + vocab[rng.IntN(len(vocab))])
				}
				body.WriteString(".")
			}
			a.Body = body.String()
			a.Title = fmt.Sprintf("%s %s talks in %s, number %d", vocab[i%len(vocab)], people[i%5], places[i%5], i)
			a.Description = strings.Repeat(vocab[rng.IntN(len(vocab))]+" ", 30)
			a.Authors = []string{"Anna Müller", "Jean Dupont"}
			pub := a.FetchedAt.Add(-time.Hour)
			a.PublishedAt = &pub
			a.Language, a.Section, a.SourceName = "en", "world", fmt.Sprintf("News %d", i%40)
			for _, name := range append(people, places...) {
				off := 0
				for k := 0; k < 3; k++ {
					j := strings.Index(a.Body[off:], name)
					if j < 0 {
						break
					}
					typ := article.Person
					if strings.Contains(strings.Join(places, "|"), name) {
						typ = article.Place
					}
					a.Entities = append(a.Entities, article.Entity{Text: name, Type: typ, Canonical: name, Start: off + j, End: off + j + len(name)})
					off += j + len(name)
				}
			}
			a.People, a.Places = people[:2], places[:2]
			a.Removed = []article.Removed{{Text: strings.Repeat("Subscribe to our newsletter. ", 10), Reason: "boilerplate"}}
			if !yield(a) {
				return
			}
		}
	}
}

// fillSQLite stores the articles in the embedded store under dir.
func fillSQLite(ctx context.Context, dir string, n int) error {
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if c, err := st.Count(ctx); err == nil && c == n {
		return nil
	}
	for a := range articles(n) {
		if err := st.Put(ctx, a); err != nil {
			return err
		}
	}
	fmt.Printf("%s: %d articles\n", dir, n)
	return nil
}
