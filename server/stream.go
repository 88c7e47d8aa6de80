package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// streamWindow is how many of the best matches each poll of a live stream
// reads: a new story ranks among them when the query is newest first (no
// free text), and usually does otherwise, as new articles are few.
const streamWindow = 50

// stream sends new matching stories as Server-Sent Events ("story" events
// whose data is a search hit) as they are stored. It polls the store,
// which works the same whichever process writes it; the stories matching
// when the stream opens are not sent.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) *problem {
	q, p := s.queryParam(r)
	if p != nil {
		return p
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	ctx := r.Context()
	seen := map[string]bool{}
	key := func(storyID, id string) string {
		if storyID != "" {
			return storyID
		}
		return id
	}
	hits, err := s.opts.Store.SearchStories(ctx, q, streamWindow)
	if err != nil {
		return s.internal(r, err)
	}
	for _, h := range hits {
		seen[key(h.StoryID, h.ID)] = true
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// The first comment tells the client the stream is open.
	fmt.Fprint(w, ": open\nretry: 5000\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	poll := time.NewTicker(s.opts.StreamPoll)
	defer poll.Stop()
	beat := time.NewTicker(s.opts.StreamHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-beat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case <-poll.C:
			hits, err := s.opts.Store.SearchStories(ctx, q, streamWindow)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("api: stream poll", "err", err)
				}
				continue
			}
			// Oldest first, so that the page shows them in the order
			// they were found.
			for i := len(hits) - 1; i >= 0; i-- {
				h := hits[i]
				k := key(h.StoryID, h.ID)
				if seen[k] {
					continue
				}
				seen[k] = true
				b, _ := json.Marshal(h)
				fmt.Fprintf(w, "event: story\nid: %s\ndata: %s\n\n", h.ID, b)
			}
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}
