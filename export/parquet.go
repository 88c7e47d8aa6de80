package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// parquetRow is the Parquet schema of an exported article: the article's
// whole structure, with the JSON names, timestamps as UTC microseconds and
// lists as LIST columns of strings or of groups.
type parquetRow struct {
	SchemaVersion int32           `parquet:"schema_version"`
	ID            string          `parquet:"id"`
	URL           string          `parquet:"url"`
	CanonicalURL  string          `parquet:"canonical_url"`
	Site          string          `parquet:"site,dict"`
	SourceName    string          `parquet:"source_name,dict"`
	Title         string          `parquet:"title"`
	Authors       []string        `parquet:"authors,list"`
	PublishedAt   *time.Time      `parquet:"published_at,optional,timestamp(microsecond:utc)"`
	ModifiedAt    *time.Time      `parquet:"modified_at,optional,timestamp(microsecond:utc)"`
	Language      string          `parquet:"language,dict"`
	Section       string          `parquet:"section,dict"`
	Description   string          `parquet:"description"`
	ImageURL      string          `parquet:"image_url"`
	WordCount     int32           `parquet:"word_count"`
	People        []string        `parquet:"people,list"`
	Places        []string        `parquet:"places,list"`
	Organizations []string        `parquet:"organizations,list"`
	StoryID       string          `parquet:"story_id"`
	FetchedAt     time.Time       `parquet:"fetched_at,timestamp(microsecond:utc)"`
	Paywalled     bool            `parquet:"paywalled"`
	Entities      []parquetEntity `parquet:"entities,list"`
	Figures       []parquetFigure `parquet:"figures,list"`
	Removed       []parquetRemove `parquet:"removed,list"`
	Body          string          `parquet:"body"`

	Events []parquetEvent `parquet:"events,list"`
}

// parquetEvent is a withdrawal event; absent roles are empty groups
// (text "", start and end 0), since Parquet has no null group in a list
// element without making every field optional.
type parquetEvent struct {
	Type            string       `parquet:"type,dict"`
	Kind            string       `parquet:"kind,dict"`
	Status          string       `parquet:"status,dict"`
	Actor           *parquetRole `parquet:"actor,optional"`
	What            *parquetRole `parquet:"what,optional"`
	From            *parquetRole `parquet:"from,optional"`
	Sentence        string       `parquet:"sentence"`
	Start           int64        `parquet:"start"`
	End             int64        `parquet:"end"`
	Trigger         string       `parquet:"trigger"`
	TriggerStart    int64        `parquet:"trigger_start"`
	TriggerEnd      int64        `parquet:"trigger_end"`
	Cues            []string     `parquet:"cues,list"`
	NewAnnouncement bool         `parquet:"new_announcement"`
}

type parquetRole struct {
	Text      string `parquet:"text"`
	Canonical string `parquet:"canonical"`
	Country   string `parquet:"country,dict"`
	Start     int64  `parquet:"start"`
	End       int64  `parquet:"end"`
}

func toParquetRole(r *article.Role) *parquetRole {
	if r == nil {
		return nil
	}
	return &parquetRole{Text: r.Text, Canonical: r.Canonical, Country: r.Country, Start: int64(r.Start), End: int64(r.End)}
}

type parquetEntity struct {
	Text      string `parquet:"text"`
	Type      string `parquet:"type,dict"`
	Canonical string `parquet:"canonical"`
	Country   string `parquet:"country,dict"`
	Start     int64  `parquet:"start"`
	End       int64  `parquet:"end"`
}

type parquetFigure struct {
	Text      string  `parquet:"text"`
	Kind      string  `parquet:"kind,dict"`
	Value     float64 `parquet:"value"`
	Unit      string  `parquet:"unit"`
	Qualifier string  `parquet:"qualifier"`
	Date      string  `parquet:"date"`
	Start     int64   `parquet:"start"`
	End       int64   `parquet:"end"`
}

type parquetRemove struct {
	Text   string `parquet:"text"`
	Reason string `parquet:"reason,dict"`
}

func toParquetRow(a *article.Article) parquetRow {
	r := parquetRow{
		SchemaVersion: int32(a.SchemaVersion),
		ID:            a.ID, URL: a.URL, CanonicalURL: a.CanonicalURL, Site: a.Site,
		SourceName: a.SourceName, Title: a.Title, Authors: a.Authors,
		PublishedAt: utc(a.PublishedAt), ModifiedAt: utc(a.ModifiedAt),
		Language: a.Language, Section: a.Section, Description: a.Description, ImageURL: a.ImageURL,
		WordCount: int32(a.WordCount), People: a.People, Places: a.Places, Organizations: a.Organizations,
		StoryID: a.StoryID, FetchedAt: a.FetchedAt.UTC(), Paywalled: a.Paywalled, Body: a.Body,
		Entities: make([]parquetEntity, len(a.Entities)),
		Figures:  make([]parquetFigure, len(a.Figures)),
		Removed:  make([]parquetRemove, len(a.Removed)),
	}
	for i, e := range a.Entities {
		r.Entities[i] = parquetEntity{Text: e.Text, Type: e.Type, Canonical: e.Canonical, Country: e.Country, Start: int64(e.Start), End: int64(e.End)}
	}
	for i, f := range a.Figures {
		r.Figures[i] = parquetFigure{Text: f.Text, Kind: f.Kind, Value: f.Value, Unit: f.Unit, Qualifier: f.Qualifier, Date: f.Date, Start: int64(f.Start), End: int64(f.End)}
	}
	for i, rm := range a.Removed {
		r.Removed[i] = parquetRemove{Text: rm.Text, Reason: rm.Reason}
	}
	r.Events = make([]parquetEvent, len(a.Events))
	for i, ev := range a.Events {
		r.Events[i] = parquetEvent{Type: ev.Type, Kind: ev.Kind, Status: ev.Status,
			Actor: toParquetRole(ev.Actor), What: toParquetRole(ev.What), From: toParquetRole(ev.From),
			Sentence: ev.Sentence, Start: int64(ev.Start), End: int64(ev.End),
			Trigger: ev.Trigger, TriggerStart: int64(ev.TriggerStart), TriggerEnd: int64(ev.TriggerEnd),
			Cues: ev.Cues, NewAnnouncement: ev.NewAnnouncement}
		if r.Events[i].Cues == nil {
			r.Events[i].Cues = []string{}
		}
	}
	return r
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
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
	pw      *parquet.GenericWriter[parquetRow]
	rows    int // rows in the open part
	pending int // bytes of text buffered since the last row group
	buf     [1]parquetRow
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
	_, err := w.writeRow(toParquetRow(a))
	return err
}

// rowText estimates the bytes a row buffers, to size row groups.
func rowText(r *parquetRow) int { return len(r.Body) + len(r.Title) + len(r.Description) + 512 }

// writeRow writes one row of a prepared article and reports whether it
// completed a part.
func (w *parquetDir) writeRow(row parquetRow) (finished bool, err error) {
	if w.pw == nil {
		if err := w.startPart(); err != nil {
			return false, err
		}
	}
	w.buf[0] = row
	if _, err := w.pw.Write(w.buf[:]); err != nil {
		return false, fmt.Errorf("parquet: write %s: %w", w.f.Name(), err)
	}
	w.buf[0] = parquetRow{}
	w.rows++
	w.pending += rowText(&row)
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
	w.pw = parquet.NewGenericWriter[parquetRow](f,
		parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("wirewatch", "", ""),
	)
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
