package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/internal/rawjson"
	"github.com/wirewatch/wirewatch/pkg/article"
)

// jsonFields are the field names of the article JSON, in its order: those
// of an article with every optional field set.
var jsonFields = func() []string {
	t := time.Unix(0, 0)
	a := article.Article{SourceName: "s", PublishedAt: &t, ModifiedAt: &t, Language: "l", Section: "s",
		Description: "d", ImageURL: "i", Paywalled: true, StoryID: "s"}
	a.Normalize()
	b, err := json.Marshal(&a)
	if err != nil {
		panic(err)
	}
	var names []string
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		names = append(names, tok.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return names
}()

// CheckFields returns an error unless every name in fields is a column of
// format (CSVColumns for csv, JSONFields for jsonl), naming the bad one;
// parquet exports whole articles only.
func CheckFields(format string, fields []string) error {
	if fields == nil {
		return nil
	}
	if len(fields) == 0 {
		return errors.New("no fields given")
	}
	var known []string
	switch format {
	case CSV:
		known = csvColumns
	case JSONL:
		known = jsonFields
	default:
		return fmt.Errorf("%s exports whole articles: fields apply to csv and jsonl", format)
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if !slices.Contains(known, f) {
			return fmt.Errorf("unknown %s field %q (known: %s)", format, f, strings.Join(known, ", "))
		}
		if seen[f] {
			return fmt.Errorf("field %q given twice", f)
		}
		seen[f] = true
	}
	return nil
}

// SourceFields returns the stored article fields that the columns of a
// narrow export come from: a CSV column named X_json holds field X.
func SourceFields(format string, fields []string) []string {
	if fields == nil {
		return nil
	}
	out := []string{"id", "schema_version"}
	for _, f := range fields {
		if format == CSV {
			f = strings.TrimSuffix(f, "_json")
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// pick returns the items of rec at the indexes sel, in that order.
func pick(rec []string, sel []int) []string {
	out := make([]string, len(sel))
	for i, j := range sel {
		out[i] = rec[j]
	}
	return out
}

// reject is a stored document an export skipped, and why.
type reject struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	// Doc is the stored JSON as a string, so that the line stays valid
	// JSON whatever the document holds.
	Doc string `json:"doc"`
}

// item is one document of an encoded page: a row of a parquet page or a
// rejected document, in the page's order.
type item struct {
	id  string
	row int // index into encoded.rows, or -1 for a reject
	rej int // index into encoded.rejects
}

// encoded is a page made ready for writing.
type encoded struct {
	last    string // id of the page's last document
	data    []byte // jsonl or csv text of the exported articles
	n       int    // articles exported
	read    int64  // bytes of stored JSON
	rows    []*article.Article
	items   []item // parquet only
	rejects []reject
}

// encoder turns pages into output. Each worker has its own.
type encoder struct {
	format string
	fields []string // nil: whole articles
	buf    bytes.Buffer
	csv    *csvWriter
}

func newEncoder(format string, fields []string) *encoder {
	e := &encoder{format: format, fields: fields}
	if format == CSV {
		e.csv = newCSV(&e.buf, nil, false)
		for _, f := range fields {
			e.csv.sel = append(e.csv.sel, slices.Index(csvColumns, f))
		}
	}
	return e
}

// encode validates and encodes every document of p; a document that
// cannot be exported becomes a reject, never an error.
func (e *encoder) encode(p Page) *encoded {
	out := &encoded{}
	if len(p.Docs) > 0 {
		out.last = p.Docs[len(p.Docs)-1].ID
	}
	e.buf.Reset()
	for _, d := range p.Docs {
		out.read += int64(len(d.JSON))
		if err := e.one(out, d); err != nil {
			out.rejects = append(out.rejects, reject{ID: d.ID, Reason: err.Error(), Doc: string(d.JSON)})
			if e.format == Parquet {
				out.items = append(out.items, item{id: d.ID, row: -1, rej: len(out.rejects) - 1})
			}
		}
	}
	if e.csv != nil {
		e.csv.cw.Flush()
		e.csv.bw.Flush()
	}
	out.data = bytes.Clone(e.buf.Bytes())
	return out
}

func (e *encoder) one(out *encoded, d Doc) error {
	if e.fields != nil {
		return e.narrow(out, d)
	}
	if e.format == JSONL {
		// The stored document is the export: it is checked, not decoded
		// and encoded again. Its top-level fields are written in the
		// article's own order, which is the order stored already unless
		// the store re-serialized the document (Elasticsearch does, when
		// its mapping leaves fields out of _source), so that both stores
		// export the same bytes. A field spread over lines (not written
		// by wirewatch) is compacted.
		fields, err := checkIdentity(d)
		if err != nil {
			return err
		}
		start := e.buf.Len()
		if err := writeInArticleOrder(&e.buf, fields); err != nil {
			e.buf.Truncate(start)
			return fmt.Errorf("decode article: %w", err)
		}
		e.buf.WriteByte('\n')
		out.n++
		return nil
	}
	a, err := article.Unmarshal(d.JSON)
	if err != nil {
		return err
	}
	if a.ID != d.ID {
		return fmt.Errorf("stored under id %q but the document's id is %q", d.ID, a.ID)
	}
	// article.Unmarshal has normalized and validated a already.
	switch e.format {
	case CSV:
		if err := e.csv.writeRecord(a); err != nil {
			return err
		}
	default:
		out.rows = append(out.rows, a)
		out.items = append(out.items, item{id: d.ID, row: len(out.rows) - 1})
	}
	out.n++
	return nil
}

// narrow encodes the fields of a narrow export. The store may have sent
// only those fields, so the article cannot be validated as a whole: a
// document is rejected only when it cannot be decoded.
func (e *encoder) narrow(out *encoded, d Doc) error {
	switch e.format {
	case JSONL:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(d.JSON, &m); err != nil {
			return fmt.Errorf("decode article: %w", err)
		}
		start := e.buf.Len()
		e.buf.WriteByte('{')
		for i, f := range e.fields {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			v, ok := m[f]
			if !ok {
				v = json.RawMessage("null") // an optional field the article lacks
			}
			k, _ := json.Marshal(f)
			e.buf.Write(k)
			e.buf.WriteByte(':')
			if err := json.Compact(&e.buf, v); err != nil {
				e.buf.Truncate(start)
				return fmt.Errorf("decode article: %w", err)
			}
		}
		e.buf.WriteString("}\n")
	default:
		var a article.Article
		if err := json.Unmarshal(d.JSON, &a); err != nil {
			return fmt.Errorf("decode article: %w", err)
		}
		// Normalize for the derived fields and empty lists, keeping the
		// stored word count: the body may not have been sent.
		wc := a.WordCount
		a.Normalize()
		a.WordCount = wc
		if err := e.csv.writeRecord(&a); err != nil {
			return err
		}
	}
	out.n++
	return nil
}

// checkIdentity checks what a JSON Lines export relies on without
// decoding the whole article: that the document is JSON of this schema
// version whose id is the one derived from its canonical URL, stored under
// that id, with a fetch time. (CSV and Parquet, which decode every
// article, check all of article.Validate.)
func checkIdentity(d Doc) ([]rawField, error) {
	var head struct {
		SchemaVersion *int      `json:"schema_version"`
		ID            string    `json:"id"`
		CanonicalURL  string    `json:"canonical_url"`
		FetchedAt     time.Time `json:"fetched_at"`
	}
	var derr error
	var fields []rawField
	end := 0
	err := rawjson.Fields(d.JSON, func(key, value []byte) bool {
		fields = append(fields, rawField{key: key, value: value})
		var into any
		switch string(key) {
		case "schema_version":
			into = &head.SchemaVersion
		case "id":
			into = &head.ID
		case "canonical_url":
			into = &head.CanonicalURL
		case "fetched_at":
			into = &head.FetchedAt
		default:
			return true
		}
		if err := json.Unmarshal(value, into); err != nil && derr == nil {
			derr = fmt.Errorf("%s: %w", key, err)
		}
		return true
	}, &end)
	if err == nil {
		err = derr
	}
	if err == nil && len(bytes.TrimSpace(d.JSON[end:])) > 0 {
		err = fmt.Errorf("%w: text after the article", rawjson.ErrSyntax)
	}
	if err != nil {
		return nil, fmt.Errorf("decode article: %w", err)
	}
	switch {
	case head.SchemaVersion == nil:
		return nil, fmt.Errorf("decode article: %w: field missing", article.ErrSchemaVersion)
	case *head.SchemaVersion != article.SchemaVersion:
		return nil, fmt.Errorf("decode article: %w %d (this build reads %d)", article.ErrSchemaVersion, *head.SchemaVersion, article.SchemaVersion)
	case head.CanonicalURL == "":
		return nil, fmt.Errorf("article %q: canonical_url is empty", head.ID)
	case head.ID != article.ID(head.CanonicalURL):
		return nil, fmt.Errorf("article %q: id does not match canonical_url (want %s)", head.ID, article.ID(head.CanonicalURL))
	case head.ID != d.ID:
		return nil, fmt.Errorf("stored under id %q but the document's id is %q", d.ID, head.ID)
	case head.FetchedAt.IsZero():
		return nil, fmt.Errorf("article %s: fetched_at is missing", head.ID)
	}
	return fields, nil
}

// rawField is one top-level field of a stored document, as raw JSON.
type rawField struct{ key, value []byte }

// articleOrder ranks the article's JSON fields in the order the article
// model writes them (its struct order).
var articleOrder = sync.OnceValue(func() map[string]int {
	rank := map[string]int{}
	t := reflect.TypeFor[article.Article]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			rank[name] = i
		}
	}
	return rank
})

// writeInArticleOrder writes fields as one JSON object, known fields in
// the article's order and any others after them in their own order.
func writeInArticleOrder(buf *bytes.Buffer, fields []rawField) error {
	rank := articleOrder()
	sorted := slices.Clone(fields)
	slices.SortStableFunc(sorted, func(a, b rawField) int {
		ra, oka := rank[string(a.key)]
		rb, okb := rank[string(b.key)]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	buf.WriteByte('{')
	for i, f := range sorted {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('"')
		buf.Write(f.key)
		buf.WriteString(`":`)
		if bytes.IndexByte(f.value, '\n') >= 0 {
			if err := json.Compact(buf, f.value); err != nil {
				return err
			}
		} else {
			buf.Write(f.value)
		}
	}
	buf.WriteByte('}')
	return nil
}
