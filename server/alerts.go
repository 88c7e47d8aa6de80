package server

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// alertsResponse lists saved searches.
type alertsResponse struct {
	Alerts []alert.Search `json:"alerts"`
}

// alertLogResponse lists fired alerts, newest first.
type alertLogResponse struct {
	Fired []alert.Alert `json:"fired"`
}

// alertRequest is the body of POST /api/v1/alerts, as `alerts add` takes it.
type alertRequest struct {
	Name    string `json:"name"`
	Query   string `json:"query"`
	Webhook string `json:"webhook"`
}

func (s *Server) noAlerts() *problem {
	return &problem{Type: typeUnavailable, Title: "Alerts unavailable", Status: http.StatusServiceUnavailable,
		Detail: "this server has no alert store"}
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) *problem {
	if s.opts.Alerts == nil {
		return s.noAlerts()
	}
	list, err := s.opts.Alerts.Searches(r.Context())
	if err != nil {
		return s.internal(r, err)
	}
	if list == nil {
		list = []alert.Search{}
	}
	writeJSON(w, http.StatusOK, alertsResponse{Alerts: list})
	return nil
}

func (s *Server) addAlert(w http.ResponseWriter, r *http.Request) *problem {
	if s.opts.Alerts == nil {
		return s.noAlerts()
	}
	var req alertRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return badParam("body", "the body must be JSON {name, query, webhook}: %v", err)
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 200 {
		return badParam("name", "name must be 1 to 200 bytes")
	}
	if _, p := parseQuery("query", req.Query, s.limits.MaxQueryLen); p != nil {
		return p
	}
	if _, err := alert.ParseQuery(req.Query); err != nil {
		return &problem{Type: typeBadQuery, Title: "Bad query", Status: http.StatusBadRequest, Param: "query",
			Detail: err.Error(), Query: req.Query, Position: 1}
	}
	search := alert.Search{Name: req.Name, Query: req.Query, Webhook: strings.TrimSpace(req.Webhook)}
	if search.Webhook != "" {
		if err := s.checkWebhook(r, search.Webhook); err != nil {
			return badParam("webhook", "%v", err)
		}
		if s.opts.NewSecret != nil {
			secret, err := s.opts.NewSecret()
			if err != nil {
				return s.internal(r, err)
			}
			search.Secret = secret
		}
	}
	saved, err := s.opts.Alerts.Add(r.Context(), search)
	if err != nil {
		return s.internal(r, err)
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/alerts/%d", saved.ID))
	// The secret is shown here only: the JSON form of a search leaves it out.
	writeJSON(w, http.StatusCreated, struct {
		alert.Search
		Secret string `json:"secret,omitempty"`
	}{saved, saved.Secret})
	return nil
}

// checkWebhook accepts an http or https URL the policy allows.
func (s *Server) checkWebhook(r *http.Request, raw string) error {
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return fmt.Errorf("webhook must be an http or https URL")
	}
	if s.opts.CheckWebhook != nil {
		return s.opts.CheckWebhook(r.Context(), raw)
	}
	return nil
}

func alertID(r *http.Request) (int64, *problem) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, notFound("no saved search %q", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) removeAlert(w http.ResponseWriter, r *http.Request) *problem {
	if s.opts.Alerts == nil {
		return s.noAlerts()
	}
	id, p := alertID(r)
	if p != nil {
		return p
	}
	if err := s.opts.Alerts.Remove(r.Context(), id); err != nil {
		if s.opts.NotFound(err) {
			return notFound("no saved search %d", id)
		}
		return s.internal(r, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) alertLog(w http.ResponseWriter, r *http.Request) *problem {
	if s.opts.Alerts == nil {
		return s.noAlerts()
	}
	limit, p := intParam(r, "limit", 50, 1, 1000)
	if p != nil {
		return p
	}
	fired, err := s.opts.Alerts.Fired(r.Context(), limit)
	if err != nil {
		return s.internal(r, err)
	}
	if fired == nil {
		fired = []alert.Alert{}
	}
	writeJSON(w, http.StatusOK, alertLogResponse{Fired: fired})
	return nil
}

// The RSS 2.0 document of a saved search's alerts.
type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title   string `xml:"title"`
	Link    string `xml:"link"`
	GUID    rssID  `xml:"guid"`
	PubDate string `xml:"pubDate"`
	Source  string `xml:"description"`
}

type rssID struct {
	Permalink bool   `xml:"isPermaLink,attr"`
	Value     string `xml:",chardata"`
}

// eventLine tells an event in a line, as the page's alert log does:
// "military withdrawal, announced (new): Russia withdraws its troops from
// Moldova", so that a feed reader shows what was announced.
func eventLine(e article.Event) string {
	name := func(r *article.Role) string {
		if r.Canonical != "" {
			return r.Canonical
		}
		return r.Text
	}
	line := e.Kind + " " + e.Type + ", " + e.Status
	if e.NewAnnouncement {
		line += " (new)"
	}
	line += ": "
	if e.Actor != nil {
		line += name(e.Actor)
	} else {
		line += "actor not named"
	}
	if e.What != nil || e.From != nil {
		line += " withdraws" // "the army withdraws from Tripoli"
	}
	if e.What != nil {
		line += " " + name(e.What)
	}
	if e.From != nil {
		line += " from " + name(e.From)
	}
	return line
}

// feedSize is how many of the latest alerts a feed lists.
const feedSize = 100

func (s *Server) alertFeed(w http.ResponseWriter, r *http.Request) *problem {
	if s.opts.Alerts == nil {
		return s.noAlerts()
	}
	id, p := alertID(r)
	if p != nil {
		return p
	}
	searches, err := s.opts.Alerts.Searches(r.Context())
	if err != nil {
		return s.internal(r, err)
	}
	var search *alert.Search
	for i := range searches {
		if searches[i].ID == id {
			search = &searches[i]
		}
	}
	if search == nil {
		return notFound("no saved search %d", id)
	}
	// The log holds every search's alerts; read enough of it to find
	// this search's latest.
	fired, err := s.opts.Alerts.Fired(r.Context(), 20*feedSize)
	if err != nil {
		return s.internal(r, err)
	}
	doc := rss{Version: "2.0", Channel: rssChannel{
		Title:       "wirewatch: " + search.Name,
		Link:        "/?q=" + search.Query,
		Description: "New stories matching " + search.Query,
		Items:       []rssItem{},
	}}
	for _, a := range fired {
		if a.SearchID != id || len(doc.Channel.Items) == feedSize {
			continue
		}
		desc := a.Site
		for _, e := range a.Events {
			desc += "; " + eventLine(e)
		}
		doc.Channel.Items = append(doc.Channel.Items, rssItem{
			Title: a.Title, Link: a.URL, Source: desc,
			GUID:    rssID{Value: fmt.Sprintf("wirewatch:%d:%s", a.SearchID, a.StoryID)},
			PubDate: a.FiredAt.UTC().Format(time.RFC1123Z),
		})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		s.log.Warn("api: feed", "err", err)
	}
	return nil
}
