package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// The Parquet schema of an exported article is derived from the article
// type itself (pkg/article), so that it cannot drift from the model: every
// field is a column named as in the JSON form, in the order of the type,
// with the article's whole structure (lists as LIST columns of strings or
// of groups, an absent event role a null group). parquetColumnOptions adds
// what the Go type does not say: timestamps as UTC microseconds, counts as
// 32-bit integers, lists as LIST, dictionary encoding for the columns of
// few values. Files written before the schema was derived (testdata/
// parquet-before) have the same columns, types and nesting.
var parquetColumnOptions = map[string]string{
	"schema_version":       "int(32)",
	"site":                 "dict",
	"source_name":          "dict",
	"authors":              "list",
	"published_at":         "optional,timestamp(microsecond:utc)",
	"modified_at":          "optional,timestamp(microsecond:utc)",
	"language":             "dict",
	"section":              "dict",
	"word_count":           "int(32)",
	"people":               "list",
	"places":               "list",
	"organizations":        "list",
	"entities":             "list",
	"entities.type":        "dict",
	"entities.country":     "dict",
	"figures":              "list",
	"figures.kind":         "dict",
	"fetched_at":           "timestamp(microsecond:utc)",
	"removed":              "list",
	"removed.reason":       "dict",
	"events":               "list",
	"events.type":          "dict",
	"events.kind":          "dict",
	"events.status":        "dict",
	"events.actor":         "optional",
	"events.actor.country": "dict",
	"events.what":          "optional",
	"events.what.country":  "dict",
	"events.from":          "optional",
	"events.from.country":  "dict",
	"events.cues":          "list",
}

// parquetSchema is the schema of an exported article, and parquetTags the
// struct tags that give article.Article that schema, for parquet-go's
// writer and readers.
var parquetSchema, parquetTags = func() (*parquet.Schema, []*parquet.StructTagOption) {
	var tags []*parquet.StructTagOption
	used := map[string]bool{}
	parquetTagsOf(reflect.TypeFor[article.Article](), nil, "", used, &tags)
	for name := range parquetColumnOptions {
		if !used[name] {
			panic("export: parquet options for " + name + ", which the article does not have")
		}
	}
	opts := make([]parquet.SchemaOption, len(tags))
	for i, t := range tags {
		opts[i] = t
	}
	// The root keeps the name files have always had, though no type
	// bears it any more.
	return parquet.NewSchema("parquetRow", parquet.SchemaOf(article.Article{}, opts...)), tags
}()

// parquetTagsOf appends to tags the struct tag of every field of the
// struct type t, whose column path is path in parquet-go's terms (the
// columns' names, then the Go name of the field) and whose JSON path is
// prefix, and of the fields of the structs it holds. It marks the
// options of parquetColumnOptions it uses.
func parquetTagsOf(t reflect.Type, path []string, prefix string, used map[string]bool, tags *[]*parquet.StructTagOption) {
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			panic("export: article field " + f.Name + " has no JSON name for its Parquet column")
		}
		key := prefix + name
		tag := name
		if o, ok := parquetColumnOptions[key]; ok {
			tag += "," + o
			used[key] = true
		}
		*tags = append(*tags, &parquet.StructTagOption{
			ColumnPath: append(slices.Clip(path), f.Name),
			StructTag:  reflect.StructTag(`parquet:"` + tag + `"`),
		})
		ft, inner := f.Type, append(slices.Clip(path), name)
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
			if strings.Contains(tag, ",list") {
				inner = append(inner, "list", "element")
			}
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			parquetTagsOf(ft, inner, key+".", used, tags)
		}
	}
}

// parquetWriterOptions are the options of every part's writer.
func parquetWriterOptions() []parquet.WriterOption {
	opts := []parquet.WriterOption{
		parquetSchema,
		parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("wirewatch", "", ""),
	}
	for _, t := range parquetTags {
		opts = append(opts, t)
	}
	return opts
}

// rowGroupBytes is roughly how much article text a part buffers before it
// writes a row group, which keeps memory bounded whatever the part size.
const rowGroupBytes = 32 << 20

// partName is the name of part i; a part being written carries tmpSuffix
// until it is complete, so that readers globbing *.parquet never see it.
func partName(i int) string { return fmt.Sprintf("part-%05d.parquet", i) }

const tmpSuffix = ".tmp"

var partRE = regexp.MustCompile(`^part-(\d{5,})\.parquet$`)

// parquetDir writes an export as numbered part files in a directory. A
// Parquet file cannot be appended to, so resuming starts a new part after
// the last complete one.
type parquetDir struct {
	dir     string
	perFile int
	next    int // index of the next part to start

	f       *os.File // the open temp part, or nil
	pw      *parquet.GenericWriter[article.Article]
	rows    int // rows in the open part
	pending int // bytes of text buffered since the last row group
	buf     [1]article.Article
}

// openParquetDir prepares dir for an export. Without resume it removes the
// part files (complete or not) of an earlier export and nothing else. With
// it, it removes torn temp parts and returns the last id of the last
// complete part.
func openParquetDir(dir string, perFile int, resume bool) (Writer, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("parquet: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, "", fmt.Errorf("parquet: %w", err)
	}
	var parts []int
	for _, e := range entries {
		name := e.Name()
		if tmp, ok := strings.CutSuffix(name, tmpSuffix); ok && partRE.MatchString(tmp) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, "", fmt.Errorf("parquet: remove torn part: %w", err)
			}
			continue
		}
		m := partRE.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if !resume {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, "", fmt.Errorf("parquet: remove earlier part: %w", err)
			}
			continue
		}
		i, _ := strconv.Atoi(m[1])
		parts = append(parts, i)
	}
	w := &parquetDir{dir: dir, perFile: perFile}
	if len(parts) == 0 {
		return w, "", nil
	}
	slices.Sort(parts)
	lastPart := parts[len(parts)-1]
	w.next = lastPart + 1
	after, err := lastParquetID(filepath.Join(dir, partName(lastPart)))
	if err != nil {
		return nil, "", err
	}
	return w, after, nil
}

// lastParquetID returns the id of the last row of a part, reading only the
// id column.
func lastParquetID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("parquet: resume: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("parquet: resume: %w", err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return "", fmt.Errorf("parquet: resume: %s is not a complete Parquet file: %w", path, err)
	}
	type idOnly struct {
		ID string `parquet:"id"`
	}
	r := parquet.NewGenericReader[idOnly](pf)
	defer r.Close()
	n := r.NumRows()
	if n == 0 {
		return "", fmt.Errorf("parquet: resume: %s holds no rows", path)
	}
	if err := r.SeekToRow(n - 1); err != nil {
		return "", fmt.Errorf("parquet: resume: %s: %w", path, err)
	}
	row := make([]idOnly, 1)
	if k, err := r.Read(row); k != 1 {
		if err == nil || errors.Is(err, io.EOF) {
			err = errors.New("last row unreadable")
		}
		return "", fmt.Errorf("parquet: resume: %s: %w", path, err)
	}
	if row[0].ID == "" {
		return "", fmt.Errorf("parquet: resume: %s: last row has no id", path)
	}
	return row[0].ID, nil
}

func (w *parquetDir) Write(a *article.Article) error {
	if err := prepare(a); err != nil {
		return err
	}
	_, err := w.writeRow(a)
	return err
}

// rowText estimates the bytes a row buffers, to size row groups.
func rowText(a *article.Article) int { return len(a.Body) + len(a.Title) + len(a.Description) + 512 }

// writeRow writes one prepared article as a row and reports whether it
// completed a part.
func (w *parquetDir) writeRow(a *article.Article) (finished bool, err error) {
	if w.pw == nil {
		if err := w.startPart(); err != nil {
			return false, err
		}
	}
	w.buf[0] = *a
	if _, err := w.pw.Write(w.buf[:]); err != nil {
		return false, fmt.Errorf("parquet: write %s: %w", w.f.Name(), err)
	}
	w.buf[0] = article.Article{}
	w.rows++
	w.pending += rowText(a)
	if w.rows >= w.perFile {
		return true, w.finishPart()
	}
	if w.pending >= rowGroupBytes {
		w.pending = 0
		if err := w.pw.Flush(); err != nil {
			return false, fmt.Errorf("parquet: write %s: %w", w.f.Name(), err)
		}
	}
	return false, nil
}

func (w *parquetDir) startPart() error {
	f, err := os.Create(filepath.Join(w.dir, partName(w.next)+tmpSuffix))
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	w.f, w.rows, w.pending = f, 0, 0
	w.pw = parquet.NewGenericWriter[article.Article](f, parquetWriterOptions()...)
	return nil
}

// finishPart completes the open part and gives it its final name, which is
// what makes it count on resume.
func (w *parquetDir) finishPart() error {
	f, tmp := w.f, w.f.Name()
	err := w.pw.Close()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	w.f, w.pw = nil, nil
	if err == nil {
		err = os.Rename(tmp, filepath.Join(w.dir, partName(w.next)))
	}
	if err == nil {
		err = syncDir(w.dir)
	}
	if err != nil {
		return fmt.Errorf("parquet: finish %s: %w", tmp, err)
	}
	w.next++
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (w *parquetDir) Close() error {
	if w.pw == nil {
		return nil
	}
	return w.finishPart()
}
