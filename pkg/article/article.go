// Package article defines the article model shared by every stage and every
// store of wirewatch. Its JSON form is a public contract: it is the export
// format and the message format on the bus, so field names never change
// within a schema version.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SchemaVersion is the version of the JSON form written by this build.
// Readers reject any other version instead of guessing at its meaning.
const SchemaVersion = 1

// Article is one news article after cleaning and, once the extractor has
// run, tagging. Offsets in Entities and Figures are byte offsets into Body.
type Article struct {
	SchemaVersion int        `json:"schema_version"`
	ID            string     `json:"id"`
	URL           string     `json:"url"`
	CanonicalURL  string     `json:"canonical_url"`
	Site          string     `json:"site"`
	SourceName    string     `json:"source_name,omitempty"`
	Title         string     `json:"title"`
	Authors       []string   `json:"authors"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	ModifiedAt    *time.Time `json:"modified_at,omitempty"`
	Language      string     `json:"language,omitempty"`
	Section       string     `json:"section,omitempty"`
	Description   string     `json:"description,omitempty"`
	ImageURL      string     `json:"image_url,omitempty"`
	Body          string     `json:"body"`
	WordCount     int        `json:"word_count"`
	// Paywalled marks an article whose text a paywall cuts short, so that
	// users can tell a short article from a truncated one.
	Paywalled     bool      `json:"paywalled,omitempty"`
	People        []string  `json:"people"`
	Places        []string  `json:"places"`
	Organizations []string  `json:"organizations"`
	Entities      []Entity  `json:"entities"`
	Figures       []Figure  `json:"figures"`
	StoryID       string    `json:"story_id,omitempty"`
	FetchedAt     time.Time `json:"fetched_at"`
	Removed       []Removed `json:"removed"`

	// Events are the withdrawal events the body reports. The field is
	// optional: documents written before it existed simply lack it, and
	// they decode under the same schema version.
	Events []Event `json:"events,omitempty"`
}

// Entity types used in Entity.Type.
const (
	Person       = "PERSON"
	Place        = "PLACE"
	Organization = "ORGANIZATION"
	Misc         = "MISC"
)

// Entity is one mention of a named entity in the body.
type Entity struct {
	Text      string `json:"text"`
	Type      string `json:"type"`
	Canonical string `json:"canonical"`
	// Country is the ISO 3166-1 alpha-2 code of the country a place is or
	// lies in, when known.
	Country string `json:"country,omitempty"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// Figure kinds used in Figure.Kind.
const (
	Quantity = "quantity"
	Money    = "money"
	Percent  = "percent"
	Year     = "year"
	Date     = "date"
)

// Figure is a number found in the body with what it counts.
type Figure struct {
	Text      string  `json:"text"`
	Kind      string  `json:"kind"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit,omitempty"`
	Qualifier string  `json:"qualifier,omitempty"`
	// Date is an ISO 8601 date (or year-month, or year) for kinds year and
	// date, resolved against the publication time when it was relative.
	Date  string `json:"date,omitempty"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Event types used in Event.Type.
const (
	Withdrawal = "withdrawal"
)

// Event is one event the body reports, found in one sentence. Start and End
// are the sentence's byte offsets into the body; the trigger is the word or
// words that made the detector fire, kept so that every event can be
// explained. Kind and Status take the values listed in
// extractor/events/GUIDELINES.md (kind: military, diplomatic, agreement,
// political, business, sports, other; status: announced, completed,
// demanded, supported, refused, historical, hypothetical).
type Event struct {
	Type   string `json:"type"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	// Actor is who withdraws, What what is withdrawn (absent when the actor
	// withdraws itself), From where or what from; each is absent when the
	// sentence does not say.
	Actor    *Role  `json:"actor,omitempty"`
	What     *Role  `json:"what,omitempty"`
	From     *Role  `json:"from,omitempty"`
	Sentence string `json:"sentence"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	// Trigger is the text of the trigger words (a phrasal verb's particle
	// included, "pulled ... out" as "pulled out"); TriggerStart and
	// TriggerEnd span them in the body.
	Trigger      string `json:"trigger"`
	TriggerStart int    `json:"trigger_start"`
	TriggerEnd   int    `json:"trigger_end"`
	// Cues are the words that decided the status ("called on", "will"), so
	// that the status can be explained too.
	Cues []string `json:"cues,omitempty"`
	// NewAnnouncement is true when the event is news in this article: its
	// status is announced, completed or supported, and it is not mentioned
	// as background.
	NewAnnouncement bool `json:"new_announcement"`
}

// Role is a participant of an event: the words of the sentence, and, when
// they name an entity of the article, its canonical name and country code.
type Role struct {
	Text      string `json:"text"`
	Canonical string `json:"canonical,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code of a country role or of the
	// country a place role lies in, when known.
	Country string `json:"country,omitempty"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// Removed records a block that the cleaner stripped from the page and why,
// so that a user can audit boilerplate removal.
type Removed struct {
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// ID returns the article id for a canonical URL: the lowercase hex of the
// first 16 bytes of the SHA-256 of the URL.
func ID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:16])
}

// Site returns the host of u without a leading "www.", lowercased.
func Site(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.")
}

// WordCount counts the words of s: whitespace-separated words, and each
// Han, Hiragana or Katakana character as a word of its own, since Chinese
// and Japanese are written without spaces between words (counted by
// fields, a long Japanese article would be a handful of "words", and the
// cleaner's minimum length would drop it). Latin text counts as before.
// Thai, Lao, Khmer and Burmese, also written without spaces, are still
// counted by their space-separated phrases.
func WordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r >= 0x3000 && unicode.IsPunct(r):
			// East Asian punctuation ("。", "、", "「") separates
			// words as a space does.
			in = false
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			n++
			in = false
		case !in:
			n++
			in = true
		}
	}
	return n
}

// New returns an article for a page fetched from rawURL whose canonical URL
// is canonical, with the derived fields (id, site) filled in.
func New(rawURL, canonical string, fetchedAt time.Time) *Article {
	if canonical == "" {
		canonical = rawURL
	}
	return &Article{
		SchemaVersion: SchemaVersion,
		ID:            ID(canonical),
		URL:           rawURL,
		CanonicalURL:  canonical,
		Site:          Site(canonical),
		FetchedAt:     fetchedAt.UTC(),
	}
}

// Normalize fills derived fields and replaces nil slices with empty ones, so
// that the JSON form always carries [] rather than null for lists.
func (a *Article) Normalize() {
	if a.SchemaVersion == 0 {
		a.SchemaVersion = SchemaVersion
	}
	if a.CanonicalURL == "" {
		a.CanonicalURL = a.URL
	}
	if a.ID == "" && a.CanonicalURL != "" {
		a.ID = ID(a.CanonicalURL)
	}
	if a.Site == "" {
		a.Site = Site(a.CanonicalURL)
	}
	a.WordCount = WordCount(a.Body)
	for _, s := range []*[]string{&a.Authors, &a.People, &a.Places, &a.Organizations} {
		if *s == nil {
			*s = []string{}
		}
	}
	if a.Entities == nil {
		a.Entities = []Entity{}
	}
	if a.Figures == nil {
		a.Figures = []Figure{}
	}
	if a.Removed == nil {
		a.Removed = []Removed{}
	}
}

// ErrSchemaVersion reports an article written under a schema version this
// build does not understand.
var ErrSchemaVersion = errors.New("unsupported schema_version")

// ErrNotFound is the error a store wraps when it holds no article of the
// id asked for. Every store returns this one value (test with errors.Is),
// so that a caller, such as the web API answering 404, need not know which
// store it reads.
var ErrNotFound = errors.New("article not found")

// Validate checks the invariants every stage relies on. It does not modify
// the article.
func (a *Article) Validate() error {
	if a.SchemaVersion != SchemaVersion {
		return fmt.Errorf("article %q: %w %d (this build reads %d)", a.ID, ErrSchemaVersion, a.SchemaVersion, SchemaVersion)
	}
	if a.CanonicalURL == "" {
		return fmt.Errorf("article %q: canonical_url is empty", a.ID)
	}
	if u, err := url.Parse(a.CanonicalURL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("article %q: canonical_url %q is not an absolute http(s) URL", a.ID, a.CanonicalURL)
	}
	if want := ID(a.CanonicalURL); a.ID != want {
		return fmt.Errorf("article %q: id does not match canonical_url (want %s)", a.ID, want)
	}
	if !utf8.ValidString(a.Body) || !utf8.ValidString(a.Title) {
		return fmt.Errorf("article %s: title or body is not valid UTF-8", a.ID)
	}
	if a.FetchedAt.IsZero() {
		return fmt.Errorf("article %s: fetched_at is missing", a.ID)
	}
	for i, e := range a.Entities {
		if err := checkSpan(a.Body, e.Start, e.End, e.Text); err != nil {
			return fmt.Errorf("article %s: entity %d: %w", a.ID, i, err)
		}
	}
	for i, f := range a.Figures {
		if err := checkSpan(a.Body, f.Start, f.End, f.Text); err != nil {
			return fmt.Errorf("article %s: figure %d: %w", a.ID, i, err)
		}
	}
	for i, ev := range a.Events {
		if err := checkSpan(a.Body, ev.Start, ev.End, ev.Sentence); err != nil {
			return fmt.Errorf("article %s: event %d: %w", a.ID, i, err)
		}
		if ev.TriggerStart < ev.Start || ev.TriggerEnd > ev.End || ev.TriggerEnd < ev.TriggerStart {
			return fmt.Errorf("article %s: event %d: trigger span [%d,%d) outside its sentence [%d,%d)", a.ID, i, ev.TriggerStart, ev.TriggerEnd, ev.Start, ev.End)
		}
		for _, r := range []*Role{ev.Actor, ev.What, ev.From} {
			if r == nil {
				continue
			}
			if err := checkSpan(a.Body, r.Start, r.End, r.Text); err != nil {
				return fmt.Errorf("article %s: event %d: role: %w", a.ID, i, err)
			}
		}
	}
	return nil
}

func checkSpan(body string, start, end int, text string) error {
	if start < 0 || end < start || end > len(body) {
		return fmt.Errorf("span [%d,%d) outside body of %d bytes", start, end, len(body))
	}
	if body[start:end] != text {
		return fmt.Errorf("span [%d,%d) is %q, not %q", start, end, body[start:end], text)
	}
	return nil
}

// Marshal validates a and returns its JSON form.
func Marshal(a *Article) ([]byte, error) {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(a)
}

// Unmarshal parses and validates one article from its JSON form. A document
// from an unknown schema version is rejected with ErrSchemaVersion before
// any other field is trusted.
func Unmarshal(data []byte) (*Article, error) {
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("decode article: %w", err)
	}
	if head.SchemaVersion == nil {
		return nil, fmt.Errorf("decode article: %w: field missing", ErrSchemaVersion)
	}
	if *head.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("decode article: %w %d (this build reads %d)", ErrSchemaVersion, *head.SchemaVersion, SchemaVersion)
	}
	var a Article
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("decode article: %w", err)
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}
