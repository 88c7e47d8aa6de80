package sitefarm_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/wirewatch/wirewatch/internal/sitefarm"
)

// Two crawlers that both think they own a site show up as overlaps in the
// site's log.
func Example() {
	farm, err := sitefarm.Start(sitefarm.Options{Sites: 2, Articles: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer farm.Close()
	for _, ua := range []string{"crawler-1", "crawler-2"} {
		for _, u := range farm.Sites[0].ArticleURLs() {
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("User-Agent", ua)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}
	s := sitefarm.Summarize(farm.Log(), sitefarm.Fixed(time.Hour))
	fmt.Printf("%d articles fetched %d times: %d duplicates, %d disallowed, overlaps on %d host\n",
		s.Articles, s.ArticleFetches, s.Duplicates, s.Disallowed, s.OverlappedHosts)
	// Output: 3 articles fetched 6 times: 3 duplicates, 0 disallowed, overlaps on 1 host
}
