package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/query"
)

// maxCopies bounds the copies of one story listed with an article or story.
const maxCopies = 200

// copyRef is a short reference to another copy of a story.
type copyRef struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	Site        string     `json:"site"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

func refOf(a *article.Article) copyRef {
	return copyRef{ID: a.ID, Title: a.Title, URL: a.URL, Site: a.Site, PublishedAt: a.PublishedAt}
}

// articleResponse is the whole article plus the other copies of its story.
type articleResponse struct {
	*article.Article
	OtherCopies []copyRef `json:"other_copies"`
}

func (s *Server) article(w http.ResponseWriter, r *http.Request) *problem {
	id := r.PathValue("id")
	if !validID(id) {
		return notFound("no article %q (ids are letters, digits, - and _)", id)
	}
	ctx, cancel := s.withTimeout(r)
	defer cancel()
	a, err := s.opts.Store.Get(ctx, id)
	if err != nil {
		if s.opts.NotFound(err) {
			return notFound("no article %s", id)
		}
		return s.internal(r, err)
	}
	res := articleResponse{Article: a, OtherCopies: []copyRef{}}
	copies, err := s.opts.Store.StoryArticles(ctx, a.StoryID, maxCopies)
	if err != nil {
		return s.internal(r, err)
	}
	for _, c := range copies {
		if c.ID != a.ID {
			res.OtherCopies = append(res.OtherCopies, refOf(c))
		}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// validID reports whether id looks like an article or story id, so that
// arbitrary text never reaches a store.
func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	return strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == ""
}

// storyResponse is a story: its copies, whole, in id order.
type storyResponse struct {
	StoryID  string             `json:"story_id"`
	Articles []*article.Article `json:"articles"`
}

func (s *Server) story(w http.ResponseWriter, r *http.Request) *problem {
	id := r.PathValue("story_id")
	if !validID(id) {
		return notFound("no story %q", id)
	}
	ctx, cancel := s.withTimeout(r)
	defer cancel()
	arts, err := s.opts.Store.StoryArticles(ctx, id, maxCopies)
	if err != nil {
		return s.internal(r, err)
	}
	if len(arts) == 0 {
		return notFound("no story %s", id)
	}
	writeJSON(w, http.StatusOK, storyResponse{StoryID: id, Articles: arts})
	return nil
}

// suggestResponse lists completions.
type suggestResponse struct {
	Field       string        `json:"field"`
	Prefix      string        `json:"prefix"`
	Suggestions []query.Count `json:"suggestions"`
}

// storeSuggested are the fields whose values the store completes
// (Suggester); the closed event fields (query.EventValues) are completed
// here from the language's own lists.
var storeSuggested = []string{"person", "place", "org", "site", "event.actor"}

// suggestFields names every field suggest completes, for its error.
const suggestFields = "person, place, org, site, event.actor, event, event.kind or event.status"

func (s *Server) suggest(w http.ResponseWriter, r *http.Request) *problem {
	v := r.URL.Query()
	field := v.Get("field")
	closed, isClosed := query.EventValues(field)
	if !isClosed && !slices.Contains(storeSuggested, field) {
		return badParam("field", "field must be %s", suggestFields)
	}
	prefix := v.Get("prefix")
	if len(prefix) > 200 {
		return badParam("prefix", "prefix is too long (at most 200 bytes)")
	}
	n, p := intParam(r, "limit", 10, 1, s.limits.MaxFacetSize)
	if p != nil {
		return p
	}
	ctx, cancel := s.withTimeout(r)
	defer cancel()
	var counts []query.Count
	var err error
	if isClosed {
		counts, err = s.suggestClosed(ctx, field, closed, prefix, n)
	} else {
		counts, err = s.opts.Store.Suggest(ctx, field, prefix, n)
	}
	if err != nil {
		return s.internal(r, err)
	}
	if counts == nil {
		counts = []query.Count{}
	}
	writeJSON(w, http.StatusOK, suggestResponse{Field: field, Prefix: prefix, Suggestions: counts})
	return nil
}

// suggestClosed completes a field of fixed values: up to n of values that
// start with prefix, ignoring ASCII case, in the language's order rather
// than by count, and those no article has yet too, since the point is the
// vocabulary; each counts the articles field:value finds (the store's
// Total, cached as a search's total is, so that typing costs little).
func (s *Server) suggestClosed(ctx context.Context, field string, values []string, prefix string, n int) ([]query.Count, error) {
	out := []query.Count{}
	for _, v := range values {
		if len(out) == n {
			break
		}
		if !strings.HasPrefix(v, strings.ToLower(prefix)) {
			continue
		}
		q, err := query.Parse(field + ":" + v)
		if err != nil {
			return nil, err
		}
		total, err := cached(s, "suggest\x00"+q.String(), func() (int, error) { return s.opts.Store.Total(ctx, q) })
		if err != nil {
			return nil, err
		}
		out = append(out, query.Count{Value: v, Count: total})
	}
	return out, nil
}
