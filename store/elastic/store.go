// Package elastic is wirewatch's Elasticsearch store. Articles are written
// and read through an alias backed by a versioned index whose strict mapping
// comes from a composable index template (see README.md in this directory,
// the mapping reference for Kibana users). It answers the same queries as
// the embedded store with the same results.
package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// VersionType is how documents are versioned: the version is the article's
// fetch time, and a write with an equal or higher version wins. An older
// fetch is answered with 409, which writers treat as done.
const VersionType = "external_gte"

// ErrNotFound is article.ErrNotFound, which Get wraps for an unknown id:
// the one sentinel every store returns, so that callers need not know the
// store. It is kept here for callers written before.
var ErrNotFound = article.ErrNotFound

// Store is an Elasticsearch-backed article store. It is safe for concurrent
// use.
type Store struct {
	es    *elasticsearch.Client
	names Names
	log   *slog.Logger
}

// Open connects with cfg and makes sure the template, the index and the
// alias exist. It waits for the cluster to be at least yellow; it does not
// use GET / (some deployments forbid it).
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	s, cfg, err := connect(cfg, log)
	if err != nil {
		return nil, err
	}
	if err := s.ensure(ctx, cfg.Analyzer); err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	return s, nil
}

// ErrNoIndex is returned by OpenExisting when the alias does not exist.
var ErrNoIndex = errors.New("no wirewatch index")

// OpenExisting connects with cfg for reading: unlike Open it creates
// nothing, and an alias that does not exist is ErrNoIndex, so that a
// mistyped prefix or cluster is an error rather than an empty result.
func OpenExisting(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	s, cfg, err := connect(cfg, log)
	if err != nil {
		return nil, err
	}
	st, _, err := s.do(ctx, esapi.IndicesExistsAliasRequest{Name: []string{s.names.Alias}}, http.StatusNotFound)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: alias %s: %w", s.names.Alias, err)
	}
	if st == http.StatusNotFound {
		return nil, fmt.Errorf("elasticsearch: alias %s (--es-index-prefix %s): %w", s.names.Alias, cfg.IndexPrefix, ErrNoIndex)
	}
	return s, nil
}

// connect is the one way Open and OpenExisting build a store: cfg with its
// defaults (returned, for what each does next), a client, the names of the
// prefix and a logger (slog.Default for nil). It sends no request.
func connect(cfg Config, log *slog.Logger) (*Store, Config, error) {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	es, err := NewClient(cfg)
	if err != nil {
		return nil, cfg, err
	}
	return &Store{es: es, names: NamesFor(cfg.IndexPrefix), log: log}, cfg, nil
}

// Client returns the underlying client, for the bulk sink.
func (s *Store) Client() *elasticsearch.Client { return s.es }

// Names returns the alias, index and template names in use.
func (s *Store) Names() Names { return s.names }

// WriteAlias names the alias documents are written through, for the bulk
// sink.
func (s *Store) WriteAlias() string { return s.names.Alias }

// EncodeVersioned is Encode with the version type writes must use, so that
// a bulk sink writes exactly the documents Put would.
func (s *Store) EncodeVersioned(a *article.Article) (doc []byte, version int64, versionType string, err error) {
	doc, version, err = Encode(a)
	return doc, version, VersionType, err
}

// esError is a non-2xx answer from Elasticsearch.
type esError struct {
	Status int
	Type   string
	Reason string
}

func (e *esError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("status %d: %s", e.Status, e.Reason)
	}
	return fmt.Sprintf("status %d: %s: %s", e.Status, e.Type, e.Reason)
}

// do performs req and returns the body of a 2xx answer; other statuses
// become *esError, except those listed in ok, whose body is returned too.
func (s *Store) do(ctx context.Context, req esapi.Request, ok ...int) (int, []byte, error) {
	res, err := req.Do(ctx, s.es)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, fmt.Errorf("read response: %w", err)
	}
	if res.StatusCode < 300 {
		return res.StatusCode, body, nil
	}
	for _, st := range ok {
		if st == res.StatusCode {
			return res.StatusCode, body, nil
		}
	}
	return res.StatusCode, body, decodeError(res.StatusCode, body)
}

func decodeError(status int, body []byte) error {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	json.Unmarshal(body, &e)
	var detail struct {
		Type     string `json:"type"`
		Reason   string `json:"reason"`
		CausedBy struct {
			Reason string `json:"reason"`
		} `json:"caused_by"`
	}
	if json.Unmarshal(e.Error, &detail) != nil || detail.Type == "" {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		return &esError{Status: status, Reason: msg}
	}
	reason := detail.Reason
	if detail.CausedBy.Reason != "" {
		reason += ": " + detail.CausedBy.Reason
	}
	return &esError{Status: status, Type: detail.Type, Reason: reason}
}

func jsonBody(v any) io.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of plain values are marshalled here
	}
	return bytes.NewReader(b)
}

// ensure creates what is missing: the template (or a newer version of it),
// then the first index with the alias. Several processes may race here;
// each step tolerates the others having done it.
func (s *Store) ensure(ctx context.Context, analyzer string) error {
	yes := true
	if _, _, err := s.do(ctx, esapi.ClusterHealthRequest{WaitForStatus: "yellow", Timeout: 30 * time.Second, Local: &yes}); err != nil {
		return fmt.Errorf("cluster health: %w", err)
	}
	n := s.names
	st, body, err := s.do(ctx, esapi.IndicesGetIndexTemplateRequest{Name: n.Template}, http.StatusNotFound)
	if err != nil {
		return fmt.Errorf("get template %s: %w", n.Template, err)
	}
	put := st == http.StatusNotFound
	if !put {
		var got struct {
			IndexTemplates []struct {
				IndexTemplate struct {
					Version int `json:"version"`
				} `json:"index_template"`
			} `json:"index_templates"`
		}
		if err := json.Unmarshal(body, &got); err != nil || len(got.IndexTemplates) == 0 {
			return fmt.Errorf("get template %s: unexpected answer %.200s", n.Template, body)
		}
		v := got.IndexTemplates[0].IndexTemplate.Version
		put = v < MappingVersion
		if v > MappingVersion {
			s.log.Warn("elasticsearch template is newer than this build; leaving it", "template", n.Template, "version", v, "ours", MappingVersion)
		}
	}
	if put {
		if _, _, err := s.do(ctx, esapi.IndicesPutIndexTemplateRequest{Name: n.Template, Body: jsonBody(Template(n, analyzer))}); err != nil {
			return fmt.Errorf("put template %s: %w", n.Template, err)
		}
	}
	st, _, err = s.do(ctx, esapi.IndicesExistsAliasRequest{Name: []string{n.Alias}}, http.StatusNotFound)
	if err != nil {
		return fmt.Errorf("alias %s: %w", n.Alias, err)
	}
	if st != http.StatusNotFound {
		if !put {
			return nil
		}
		// The template was older: the index it made gains the analysed
		// fields (mapping v2), the events (v3), the facet's actors (v4),
		// the folded names (v5) and the events as the filters match them
		// (v6); adding fields is allowed on a live index, and without them
		// the strict mapping would reject new documents. Articles stored
		// before are found by free text, counted in the actors facet under
		// their country and found by names and event actors without their
		// accents once indexed again (wirewatch reindex).
		added := AnalysedFields()
		added["events"] = eventsMapping()
		if _, _, err := s.do(ctx, esapi.IndicesPutMappingRequest{Index: []string{n.Alias},
			Body: jsonBody(map[string]any{"properties": added})}); err != nil {
			return fmt.Errorf("add new fields to %s: %w", n.Alias, err)
		}
		return nil
	}
	create := map[string]any{"aliases": map[string]any{n.Alias: map[string]any{"is_write_index": true}}}
	_, _, err = s.do(ctx, esapi.IndicesCreateRequest{Index: n.Index, Body: jsonBody(create), WaitForActiveShards: "1"})
	var ee *esError
	if errors.As(err, &ee) && ee.Type == "resource_already_exists_exception" {
		_, _, err = s.do(ctx, esapi.IndicesPutAliasRequest{Index: []string{n.Index}, Name: n.Alias, Body: jsonBody(map[string]any{"is_write_index": true})})
	}
	if err != nil {
		return fmt.Errorf("create index %s: %w", n.Index, err)
	}
	s.log.Info("elasticsearch index created", "index", n.Index, "alias", n.Alias)
	return nil
}

// Encode returns the document for a and its external version. It
// normalizes and validates a first: an invalid article fails for good.
func Encode(a *article.Article) (doc []byte, version int64, err error) {
	doc, err = article.Marshal(a)
	if err != nil {
		return nil, 0, fmt.Errorf("encode article: %w", err)
	}
	doc, err = withAnalysed(doc, a)
	if err != nil {
		return nil, 0, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	version, err = Version(a.FetchedAt)
	if err != nil {
		return nil, 0, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	return doc, version, nil
}

var (
	minFetched = time.Unix(0, 1)
	maxFetched = time.Unix(0, 1<<63-1)
)

// Version maps fetched_at to an external version: Unix nanoseconds, which
// Elasticsearch accepts (0 to 2^63-1) for any time from 1970 to 2262.
func Version(fetchedAt time.Time) (int64, error) {
	if fetchedAt.Before(minFetched) || fetchedAt.After(maxFetched) {
		return 0, fmt.Errorf("fetched_at %s outside 1970-2262", fetchedAt.Format(time.RFC3339))
	}
	return fetchedAt.UnixNano(), nil
}

// Put writes one article synchronously. A stored article fetched later is
// kept (the write is answered with a version conflict, which is success
// here). Use the bulk sink in package indexer for volume.
func (s *Store) Put(ctx context.Context, a *article.Article) error {
	doc, version, err := Encode(a)
	if err != nil {
		return err
	}
	yes := true
	v := int(version) // int is 64 bits on every platform wirewatch supports
	_, _, err = s.do(ctx, esapi.IndexRequest{
		Index: s.names.Alias, DocumentID: a.ID, Body: bytes.NewReader(doc),
		Version: &v, VersionType: VersionType, RequireAlias: &yes,
	}, http.StatusConflict)
	if err != nil {
		return fmt.Errorf("put article %s: %w", a.ID, err)
	}
	return nil
}

// Refresh makes every write so far visible to Search, Scan and Count,
// which otherwise see them within the index's refresh interval (1 s).
func (s *Store) Refresh(ctx context.Context) error {
	if _, _, err := s.do(ctx, esapi.IndicesRefreshRequest{Index: []string{s.names.Alias}}); err != nil {
		return fmt.Errorf("refresh %s: %w", s.names.Alias, err)
	}
	return nil
}

// Get returns the stored article with id. It reads in real time, so a
// completed Put is visible at once.
func (s *Store) Get(ctx context.Context, id string) (*article.Article, error) {
	st, body, err := s.do(ctx, esapi.GetRequest{Index: s.names.Alias, DocumentID: id}, http.StatusNotFound)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	var doc struct {
		Found  bool            `json:"found"`
		Source json.RawMessage `json:"_source"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	if st == http.StatusNotFound || !doc.Found {
		return nil, fmt.Errorf("get %s: %w", id, ErrNotFound)
	}
	a, err := article.Unmarshal(doc.Source)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	return a, nil
}

// StoredVersion returns the stored version of article id: its fetched_at in
// Unix nanoseconds, so operators can see which fetch won.
func (s *Store) StoredVersion(ctx context.Context, id string) (int64, error) {
	_, body, err := s.do(ctx, esapi.GetRequest{Index: s.names.Alias, DocumentID: id, Source: []string{"false"}})
	if err != nil {
		return 0, fmt.Errorf("version of %s: %w", id, err)
	}
	var doc struct {
		Version int64 `json:"_version"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return 0, fmt.Errorf("version of %s: %w", id, err)
	}
	return doc.Version, nil
}

// Count returns the number of stored articles.
func (s *Store) Count(ctx context.Context) (int, error) {
	_, body, err := s.do(ctx, esapi.CountRequest{Index: []string{s.names.Alias}})
	if err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	var c struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return c.Count, nil
}
