package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// CSVColumns returns the columns of a CSV export, in order; the first row
// of every CSV export names them. Times are RFC 3339 with the offset the
// article carries (empty when unknown), lists are joined as JoinList does,
// entities_json, figures_json and events_json hold the JSON arrays of the
// article's entities, figures and withdrawal events, and body comes last because it is the longest. The
// removed-boilerplate audit trail is left out; JSONL and Parquet keep it.
// Text is written byte for byte, but note that Go's encoding/csv reader
// drops a carriage return before a line feed even inside quoted fields.
func CSVColumns() []string { return slices.Clone(csvColumns) }

// csvColumns is the table behind CSVColumns, never modified.
var csvColumns = []string{
	"id", "url", "canonical_url", "site", "source_name", "title", "authors",
	"published_at", "modified_at", "language", "section", "description",
	"image_url", "word_count", "people", "places", "organizations",
	"story_id", "fetched_at", "paywalled", "entities_json", "figures_json",
	"events_json", "body",
}

// ListSep separates the items of a list column in a CSV export.
const ListSep = "; "

// JoinList joins names for one CSV cell with ListSep. A name that itself
// contains ';' or '\' (rare in author and entity names) has them escaped
// with a backslash, so that SplitList recovers every list exactly; a plain
// split on "; " is right for all other names.
func JoinList(items []string) string {
	var b strings.Builder
	for i, s := range items {
		if i > 0 {
			b.WriteString(ListSep)
		}
		if strings.ContainsAny(s, `;\`) {
			s = strings.NewReplacer(`\`, `\\`, `;`, `\;`).Replace(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// SplitList reverses JoinList. An empty cell is an empty list.
func SplitList(cell string) []string {
	items := []string{}
	if cell == "" {
		return items
	}
	var cur strings.Builder
	for i := 0; i < len(cell); i++ {
		switch c := cell[i]; {
		case c == '\\' && i+1 < len(cell):
			i++
			cur.WriteByte(cell[i])
		case c == ';' && strings.HasPrefix(cell[i:], ListSep):
			items = append(items, cur.String())
			cur.Reset()
			i += len(ListSep) - 1
		default:
			cur.WriteByte(c)
		}
	}
	return append(items, cur.String())
}

// csvWriter writes one RFC 4180 record per article.
type csvWriter struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	f      *os.File // nil for a stream
	header bool     // the header row is still to be written
	rec    []string
	sel    []int // with --fields, the indexes of the columns written
}

func newCSV(w io.Writer, f *os.File, header bool) *csvWriter {
	bw := bufio.NewWriterSize(w, 1<<20)
	return &csvWriter{bw: bw, cw: csv.NewWriter(bw), f: f, header: header, rec: make([]string, len(csvColumns))}
}

func (w *csvWriter) Write(a *article.Article) error {
	if err := prepare(a); err != nil {
		return err
	}
	return w.writeRecord(a)
}

// writeRecord writes a as it is, without normalizing or validating it.
func (w *csvWriter) writeRecord(a *article.Article) error {
	if w.header {
		if err := w.cw.Write(csvColumns); err != nil {
			return err
		}
		w.header = false
	}
	ents, err := json.Marshal(a.Entities)
	if err != nil {
		return fmt.Errorf("article %s: entities: %w", a.ID, err)
	}
	figs, err := json.Marshal(a.Figures)
	if err != nil {
		return fmt.Errorf("article %s: figures: %w", a.ID, err)
	}
	evs := []byte("[]")
	if len(a.Events) > 0 {
		if evs, err = json.Marshal(a.Events); err != nil {
			return fmt.Errorf("article %s: events: %w", a.ID, err)
		}
	}
	r := w.rec[:0]
	r = append(r, a.ID, a.URL, a.CanonicalURL, a.Site, a.SourceName, a.Title, JoinList(a.Authors),
		csvTime(a.PublishedAt), csvTime(a.ModifiedAt), a.Language, a.Section, a.Description,
		a.ImageURL, strconv.Itoa(a.WordCount), JoinList(a.People), JoinList(a.Places), JoinList(a.Organizations),
		a.StoryID, a.FetchedAt.Format(time.RFC3339Nano), strconv.FormatBool(a.Paywalled), string(ents), string(figs),
		string(evs), a.Body)
	if w.sel != nil {
		r = pick(r, w.sel)
	}
	return w.cw.Write(r)
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func (w *csvWriter) Close() error {
	if w.header {
		// An export that matched nothing still says what its columns are.
		w.cw.Write(csvColumns)
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		if w.f != nil {
			w.f.Close()
		}
		return fmt.Errorf("write csv: %w", err)
	}
	return finishFile(w.bw, w.f)
}

// openCSV opens a CSV export. With resume it keeps the header and every
// complete record, cuts a torn last record, and returns the id of the last
// record kept. Records are found with encoding/csv, since a quoted field
// may span lines.
func openCSV(path string, resume bool) (Writer, string, error) {
	if !resume {
		f, err := os.Create(path)
		if err != nil {
			return nil, "", err
		}
		return newCSV(f, f, true), "", nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, "", err
	}
	keep, last, err := lastCSVRecord(f)
	if err == nil {
		err = truncateAt(f, keep)
	}
	if err != nil {
		f.Close()
		return nil, "", err
	}
	return newCSV(f, f, keep == 0), last, nil
}

// lastCSVRecord reads a CSV export from the start and returns the length of
// its complete part (header included, 0 without a complete header) and the
// id of the last complete record. Every record this package writes ends in
// a newline, so a record that runs into the end of the file is torn even
// when it parses.
func lastCSVRecord(f *os.File) (keep int64, last string, err error) {
	st, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	size := st.Size()
	endsInNewline := false
	if size > 0 {
		var b [1]byte
		if _, err := f.ReadAt(b[:], size-1); err != nil {
			return 0, "", fmt.Errorf("resume %s: %w", f.Name(), err)
		}
		endsInNewline = b[0] == '\n'
	}
	r := csv.NewReader(bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 1<<20))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	complete := func() bool { return r.InputOffset() < size || endsInNewline }

	head, err := r.Read()
	if err != nil || !complete() {
		return 0, "", nil // empty, or a torn header: start afresh
	}
	if !slices.Equal(head, csvColumns) {
		return 0, "", fmt.Errorf("resume %s: its header is not this build's CSV columns; export to a new file", f.Name())
	}
	keep = r.InputOffset()
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return keep, last, nil
		}
		// A parse error, a short record or an empty id is where the
		// complete part ends, like a torn record at the end.
		if err != nil || len(rec) != len(csvColumns) || rec[0] == "" || !complete() {
			return keep, last, nil
		}
		keep, last = r.InputOffset(), rec[0]
	}
}
