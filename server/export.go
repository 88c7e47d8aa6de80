package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/wirewatch/wirewatch/export"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// export streams every matching article as JSON Lines or CSV, exactly as
// `wirewatch export --format jsonl|csv --out -` writes them, reading the
// store page by page so that memory stays constant however many match.
func (s *Server) export(w http.ResponseWriter, r *http.Request) *problem {
	q, p := s.queryParam(r)
	if p != nil {
		return p
	}
	format := r.URL.Query().Get("format")
	ctype := map[string]string{"jsonl": "application/jsonl; charset=utf-8", "csv": "text/csv; charset=utf-8"}[format]
	if ctype == "" {
		return badParam("format", "format must be jsonl or csv")
	}
	ew, err := export.NewStream(format, w)
	if err != nil {
		return badParam("format", "%v", err)
	}
	// A large export outlives the server's write timeout; the client's
	// going away still ends it through the request's context.
	http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="wirewatch-export.%s"`, format))
	n := 0
	err = s.opts.Store.Scan(r.Context(), q, "", func(a *article.Article) error {
		n++
		return ew.Write(a)
	})
	if cerr := ew.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// The status is sent; all that can be done is to stop, which
		// the client sees as a truncated body.
		s.log.Warn("api: export ended early", "articles", n, "err", err)
	}
	return nil
}
