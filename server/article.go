package server

import (
	"net/http"
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

func (s *Server) suggest(w http.ResponseWriter, r *http.Request) *problem {
	v := r.URL.Query()
	field := v.Get("field")
	switch field {
	case "person", "place", "org", "site":
	default:
		return badParam("field", "field must be person, place, org or site")
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
	counts, err := s.opts.Store.Suggest(ctx, field, prefix, n)
	if err != nil {
		return s.internal(r, err)
	}
	if counts == nil {
		counts = []query.Count{}
	}
	writeJSON(w, http.StatusOK, suggestResponse{Field: field, Prefix: prefix, Suggestions: counts})
	return nil
}
