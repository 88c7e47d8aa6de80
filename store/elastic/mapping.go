package elastic

import (
	"fmt"
	"strconv"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// MappingVersion is the version of the index layout written by this build.
// A change to the mapping bumps it: the template then creates
// <prefix>-articles-v<N+1>, documents are reindexed into it, and the alias
// moves, so readers never see a half-migrated index. Version 2 added the
// analysed search fields, version 3 the events, version 4 the values the
// events' actors count under in the facet (eventActorsField), version 5
// the names folded for the name filters (foldedNameFields), version 6 the
// events as the event filters match them (searchEventsField); each only
// adds fields, which ensure also adds to an index made by an older
// version.
const MappingVersion = 6

// Names are the Elasticsearch names derived from a prefix.
type Names struct {
	// Alias is what every read and write goes through.
	Alias string
	// Index is the concrete index this build creates behind the alias.
	Index string
	// Template is the composable index template for Pattern.
	Template string
	Pattern  string
}

// NamesFor returns the names for prefix.
func NamesFor(prefix string) Names {
	base := prefix + "-articles"
	return Names{
		Alias:    base,
		Index:    base + "-v" + strconv.Itoa(MappingVersion),
		Template: base,
		Pattern:  base + "-v*",
	}
}

// keyword is an exact-value field for filters and Kibana aggregations.
// ignore_above keeps an absurdly long value from rejecting the whole
// document; such a value is stored but not searchable.
func keyword() map[string]any { return map[string]any{"type": "keyword", "ignore_above": 1024} }

// name is a tagged canonical name: exact keyword for aggregations, plus a
// words sub-field so that person:Lavrov finds "Sergey Lavrov".
func name() map[string]any {
	return map[string]any{
		"type": "keyword",
		"fields": map[string]any{
			"words": map[string]any{"type": "text", "analyzer": "standard"},
		},
	}
}

func unindexed(typ string) map[string]any { return map[string]any{"type": typ, "index": false} }

// eventsMapping maps the withdrawal events of an article (mapping version
// 3). They are nested so that kind, status and actor of one event are
// matched together ("a military withdrawal by Russia").
func eventsMapping() map[string]any {
	return map[string]any{
		"type": "nested",
		"properties": map[string]any{
			"type":   keyword(),
			"kind":   keyword(),
			"status": keyword(),
			"actor":  role(),
			"what":   role(),
			"from":   role(),
			// The sentence is in body already; kept, not indexed.
			"sentence":         unindexed("keyword"),
			"start":            unindexed("integer"),
			"end":              unindexed("integer"),
			"trigger":          keyword(),
			"trigger_start":    unindexed("integer"),
			"trigger_end":      unindexed("integer"),
			"cues":             keyword(),
			"new_announcement": map[string]any{"type": "boolean"},
		},
	}
}

// role is an event participant: its words, and the canonical name and
// country of the entity it names, if any.
func role() map[string]any {
	return map[string]any{
		"properties": map[string]any{
			"text":      name(),
			"canonical": name(),
			"country":   keyword(),
			"start":     unindexed("integer"),
			"end":       unindexed("integer"),
		},
	}
}

// searchEventsMapping maps the article's events as the event filters
// match them (mapping version 6, made by Encode): one nested object an
// event, in the order of events, with its type, kind, status, news flag,
// and its actor's country and names, each name (canonical, words) as
// query.PaddedName folds it, so that a wildcard "*" + PaddedName(value) +
// "*" holds the value as whole words, case and accents folded, as in the
// embedded store and the alert matcher. A copy beside events rather than
// fields inside them: the search_* fields are left out of _source, and
// an index made before cannot change which fields it leaves out.
func searchEventsMapping() map[string]any {
	return map[string]any{
		"type": "nested",
		"properties": map[string]any{
			"type":             keyword(),
			"kind":             keyword(),
			"status":           keyword(),
			"new_announcement": map[string]any{"type": "boolean"},
			"actor": map[string]any{
				"properties": map[string]any{
					"names":   keyword(),
					"country": keyword(),
				},
			},
		},
	}
}

// AnalysedFields are the fields the search language matches free text and
// key fields in (mapping version 2). Their values are made in Go by
// package query's analysis (see Encode), the one the embedded store and
// the alert matcher use, and split by the whitespace analyzer, which every
// distribution has: so a query matches the same articles in both stores
// and in an alert. They are left out of _source, which stays the
// article's JSON.
func AnalysedFields() map[string]any {
	terms := map[string]any{"type": "text", "analyzer": "whitespace"}
	// Prefixes need the words, not their positions or frequencies.
	words := map[string]any{"type": "text", "analyzer": "whitespace", "index_options": "docs", "norms": false}
	// Phrases need positions; a score is never asked of a name.
	names := map[string]any{"type": "text", "analyzer": "whitespace", "norms": false}
	return map[string]any{
		termsTitle: terms,
		termsBody:  terms,
		wordsTitle: words,
		wordsBody:  words,
		keysField:  map[string]any{"type": "keyword"},
		// Version 4.
		eventActorsField: keyword(),
		// Version 5: the names, folded (see foldedNameFields); the
		// whitespace analyzer splits only the spaces query.NameWords left.
		foldedNameFields[article.Person]:       names,
		foldedNameFields[article.Place]:        names,
		foldedNameFields[article.Organization]: names,
		// Version 6.
		searchEventsField: searchEventsMapping(),
	}
}

// Mapping returns the strict mapping of an article document. The document is
// the article's JSON form unchanged (see package article), so _source is the
// export format. README.md in this directory documents every field.
func Mapping(analyzer string) map[string]any {
	text := func(withKeyword bool) map[string]any {
		m := map[string]any{"type": "text", "analyzer": analyzer}
		if withKeyword {
			m["fields"] = map[string]any{"keyword": map[string]any{"type": "keyword", "ignore_above": 256}}
		}
		return m
	}
	date := map[string]any{"type": "date"}
	props := map[string]any{
		"schema_version": map[string]any{"type": "integer"},
		"id":             map[string]any{"type": "keyword"},
		"url":            keyword(),
		"canonical_url":  keyword(),
		"site":           keyword(),
		"source_name":    keyword(),
		"title":          text(true),
		"authors":        keyword(),
		"published_at":   date,
		"modified_at":    date,
		// Nanosecond precision: fetched_at orders versions of an article.
		"fetched_at":    map[string]any{"type": "date_nanos"},
		"language":      keyword(),
		"section":       keyword(),
		"description":   text(false),
		"image_url":     unindexed("keyword"),
		"body":          text(false),
		"word_count":    map[string]any{"type": "integer"},
		"paywalled":     map[string]any{"type": "boolean"},
		"people":        name(),
		"places":        name(),
		"organizations": name(),
		"story_id":      keyword(),
		// Entities are plain objects, not nested: the typed lists above
		// answer "articles about X"; nested would add one hidden
		// document per mention.
		"entities": map[string]any{
			"properties": map[string]any{
				"text":      keyword(),
				"type":      keyword(),
				"canonical": keyword(),
				"country":   keyword(),
				"start":     unindexed("integer"),
				"end":       unindexed("integer"),
			},
		},
		// Figures are nested so that kind, unit and value of one figure
		// are matched together ("money > 1e9 in USD").
		"figures": map[string]any{
			"type": "nested",
			"properties": map[string]any{
				"text":      keyword(),
				"kind":      keyword(),
				"value":     map[string]any{"type": "double"},
				"unit":      keyword(),
				"qualifier": keyword(),
				// A malformed date is kept in _source and listed in
				// _ignored rather than losing the whole article.
				"date":  map[string]any{"type": "date", "format": "strict_date_optional_time||strict_year_month||strict_year", "ignore_malformed": true},
				"start": unindexed("integer"),
				"end":   unindexed("integer"),
			},
		},
		"events": eventsMapping(),
		// Removed boilerplate is kept for audit, never searched.
		"removed": map[string]any{"type": "object", "enabled": false},
	}
	for k, v := range AnalysedFields() {
		props[k] = v
	}
	return map[string]any{
		"dynamic":    "strict",
		"_meta":      map[string]any{"mapping_version": MappingVersion, "article_schema_version": 1},
		"_source":    map[string]any{"excludes": []string{"search_*"}},
		"properties": props,
	}
}

// Template returns the composable index template body for names.
func Template(n Names, analyzer string) map[string]any {
	return map[string]any{
		"index_patterns": []string{n.Pattern},
		// Above the built-in templates (priority 100 and below) so that a
		// wide user pattern cannot silently take over.
		"priority": 200,
		"version":  MappingVersion,
		"_meta":    map[string]any{"description": fmt.Sprintf("wirewatch articles, mapping v%d; read and write through the alias %s", MappingVersion, n.Alias)},
		"template": map[string]any{
			"settings": map[string]any{
				"number_of_shards": 1,
				// No replica on one node, one as soon as there are two.
				"auto_expand_replicas": "0-1",
				"refresh_interval":     "1s",
			},
			"mappings": Mapping(analyzer),
		},
	}
}
