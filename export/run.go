package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Job describes one export run.
type Job struct {
	// Format is JSONL, CSV or Parquet.
	Format string
	// Path is the output file (jsonl, csv) or directory (parquet); when
	// it is empty the export goes to Stream and cannot be resumed.
	Path   string
	Stream io.Writer
	// Rejects is the file that receives the documents skipped because
	// they cannot be exported, one JSON object {id, reason, doc} a line;
	// "" means RejectsPath(Path). A stream export without it only counts
	// them (and OnReject sees each).
	Rejects string
	// Resume continues the interrupted export at Path (see StatePath).
	Resume bool
	// Strict makes the first document that cannot be exported an error
	// instead of a reject.
	Strict bool
	// Fields, when not nil, narrows a csv or jsonl export to these columns
	// or fields, in this order (see CheckFields).
	Fields []string
	// RowsPerFile caps the articles of one Parquet part; zero means
	// DefaultRowsPerFile.
	RowsPerFile int
	// Slices is how many requests the store may have in flight (1 to
	// MaxSlices), each reading its own range of ids.
	Slices int
	// Request selects the articles; its Fields and After are set by Run.
	Request Request
	// Every and OnProgress, when set, report progress every Every.
	Every      time.Duration
	OnProgress func(Progress)
	// OnReject, when set, sees every rejected document.
	OnReject func(id, reason string)
}

// Progress counts what an export has done, across resumed runs.
type Progress struct {
	// Total is how many articles matched when the run started, -1 when
	// unknown.
	Total int
	// Exported and Rejected count documents written and skipped; Bytes is
	// the size of the stored JSON this run read, Elapsed its time.
	Exported, Rejected int64
	// RunExported counts the articles this run exported, for rates.
	RunExported int64
	Bytes       int64
	Elapsed     time.Duration
	// RejectsPath is where rejects went, "" when nowhere.
	RejectsPath string
}

// StatePath is the state file of an export to path: a small JSON file
// next to it that records, at each checkpoint, how many bytes (or Parquet
// parts) of the output are complete and the id of the last article in it.
// --resume cuts the output back to that size and reads on from there. It
// is removed when the export completes.
func StatePath(path string) string { return strings.TrimRight(path, `/\`) + ".export-state.json" }

// RejectsPath is the default rejects file of an export to path.
func RejectsPath(path string) string { return strings.TrimRight(path, `/\`) + ".rejects.jsonl" }

// state is the content of a state file.
type state struct {
	Version  int      `json:"version"`
	Format   string   `json:"format"`
	Query    string   `json:"query"`
	Since    string   `json:"fetched_since,omitempty"`
	Until    string   `json:"fetched_until,omitempty"`
	Fields   []string `json:"fields,omitempty"`
	Rejects  string   `json:"rejects,omitempty"`
	After    string   `json:"after"`                // the last id complete
	Bytes    int64    `json:"bytes"`                // complete output bytes (jsonl, csv)
	Parts    int      `json:"parts"`                // complete parquet parts
	RejBytes int64    `json:"rejects_bytes"`        // complete rejects bytes
	Exported int64    `json:"exported"`             // articles exported so far
	Rejected int64    `json:"rejected"`             // documents rejected so far
	Updated  string   `json:"updated_at,omitempty"` // for people reading it
}

const stateVersion = 1

// checkpointEvery is how often a file export makes its output durable and
// records its position; parquet does so at each complete part.
const checkpointEvery = 2 * time.Second

// ErrStrict wraps the reason a strict export stopped at a document.
var ErrStrict = errors.New("document cannot be exported")

// Run exports the articles src holds that match job.Request to the
// destination job names, in id order. The source reads ranges of ids in
// parallel and documents are validated and encoded on every core, but one
// goroutine writes them in the order src delivers them. Memory stays
// bounded by a few pages per slice and worker, whatever the export's size.
// Interrupted (ctx cancelled or an error), Run still leaves the output and
// state file at its last complete page, so that Resume continues there.
func Run(ctx context.Context, src Source, job Job) (Progress, error) {
	if err := CheckFormat(job.Format); err != nil {
		return Progress{}, err
	}
	if err := CheckFields(job.Format, job.Fields); err != nil {
		return Progress{}, fmt.Errorf("fields: %w", err)
	}
	if job.Slices < 1 || job.Slices > MaxSlices {
		return Progress{}, fmt.Errorf("slices must be 1 to %d, not %d", MaxSlices, job.Slices)
	}
	if job.Path == "" && job.Resume {
		return Progress{}, errors.New("resume needs a file or directory to export to")
	}
	if job.Path == "" && job.Format == Parquet {
		return Progress{}, errors.New("parquet cannot be written to a stream: give a directory for --out")
	}
	perFile := job.RowsPerFile
	if perFile == 0 {
		perFile = DefaultRowsPerFile
	}
	if perFile < 0 {
		return Progress{}, fmt.Errorf("parquet: rows per file must be positive, not %d", perFile)
	}
	if job.Rejects == "" && job.Path != "" {
		job.Rejects = RejectsPath(job.Path)
	}
	x := &exporter{job: job, perFile: perFile, start: time.Now()}
	if err := x.open(); err != nil {
		return Progress{}, err
	}
	x.prog.Total = -1
	req := job.Request
	fields := job.Fields
	if fields == nil && job.Format == CSV {
		// A whole CSV needs only its columns' fields: a store that can
		// send less (Elasticsearch's _source filtering) leaves out the
		// removed blocks and anything else no column shows.
		fields = csvColumns
	}
	req.Fields = SourceFields(job.Format, fields)
	if n, err := src.ExportCount(ctx, req); err == nil {
		x.prog.Total = n
	}
	req.After = x.st.After
	req.Parallel = job.Slices
	err := x.run(ctx, src, req)
	if cerr := x.close(err == nil); err == nil {
		err = cerr
	}
	x.prog.Elapsed = time.Since(x.start)
	x.report()
	return x.prog, err
}

// exporter is one run of Run.
type exporter struct {
	job     Job
	perFile int
	start   time.Time
	st      state
	prog    Progress

	// Output: a file or stream for jsonl and csv, a directory of parts
	// for parquet.
	f  *os.File
	bw *bufio.Writer
	n  int64 // bytes of f written
	pq *parquetDir

	rej     *os.File // opened at the first reject
	rejBW   *bufio.Writer
	rejN    int64
	lastCP  time.Time
	lastRep time.Time
}

// open prepares the output: afresh, or cut back to the state a resumed
// export recorded.
func (x *exporter) open() error {
	j := x.job
	x.st = state{Version: stateVersion, Format: j.Format, Query: j.Request.Query.String(), Fields: j.Fields,
		Since: timeText(j.Request.FetchedSince), Until: timeText(j.Request.FetchedUntil), Rejects: j.Rejects,
	}
	if j.Path == "" {
		if j.Rejects != "" {
			if err := os.Remove(j.Rejects); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove earlier rejects: %w", err)
			}
		}
		x.bw = bufio.NewWriterSize(j.Stream, 1<<20)
		return x.header()
	}
	if j.Resume {
		b, err := os.ReadFile(StatePath(j.Path))
		switch {
		case err == nil:
			return x.resume(b)
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("resume: %w", err)
		}
		return x.resumeByID()
	}
	os.Remove(StatePath(j.Path))
	if err := os.Remove(j.Rejects); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove earlier rejects: %w", err)
	}
	if j.Format == Parquet {
		w, _, err := openParquetDir(j.Path, x.perFile, false)
		if err != nil {
			return err
		}
		x.pq = w.(*parquetDir)
		return nil
	}
	f, err := os.Create(j.Path)
	if err != nil {
		return err
	}
	x.f, x.bw = f, bufio.NewWriterSize(f, 1<<20)
	return x.header()
}

// header writes the CSV header row of a new file.
func (x *exporter) header() error {
	if x.job.Format != CSV {
		return nil
	}
	cols := csvColumns
	if x.job.Fields != nil {
		cols = x.job.Fields
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(cols)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	x.n += int64(b.Len())
	_, err := x.bw.Write(b.Bytes())
	return err
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// resume continues from a state file.
func (x *exporter) resume(b []byte) error {
	j := x.job
	var st state
	if err := json.Unmarshal(b, &st); err != nil || st.Version != stateVersion {
		return fmt.Errorf("resume: %s is not a state file of this build (%v)", StatePath(j.Path), err)
	}
	want := x.st
	switch {
	case st.Format != want.Format:
		return fmt.Errorf("resume: the export at %s is %s, not %s", j.Path, st.Format, want.Format)
	case st.Query != want.Query || st.Since != want.Since || st.Until != want.Until || !slices.Equal(st.Fields, want.Fields):
		return fmt.Errorf("resume: the export at %s was started with other --query, --since, --until or --fields (query %q); give the same, or export afresh", j.Path, st.Query)
	}
	st.Rejects = j.Rejects
	x.st = st
	x.prog.Exported, x.prog.Rejected = st.Exported, st.Rejected
	if err := truncateFile(j.Rejects, st.RejBytes); err != nil {
		return err
	}
	x.rejN = st.RejBytes
	if j.Format == Parquet {
		w, err := resumeParquetDir(j.Path, x.perFile, st.Parts)
		if errors.Is(err, errPartMissing) {
			return x.resumeByID() // parts removed by hand: read what is left
		}
		if err != nil {
			return err
		}
		x.pq = w
		return nil
	}
	f, err := os.OpenFile(j.Path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() < st.Bytes {
		f.Close()
		// Cut shorter than recorded, by hand or by a copy: read the
		// output itself, as exports in id order allow.
		return x.resumeByID()
	}
	if err == nil {
		err = truncateAt(f, st.Bytes)
	}
	if err != nil {
		f.Close()
		return err
	}
	x.f, x.bw, x.n = f, bufio.NewWriterSize(f, 1<<20), st.Bytes
	if st.Bytes == 0 {
		return x.header()
	}
	return nil
}

// resumeByID continues an export that has no usable state file, such as
// one written by an earlier wirewatch: its articles are in id order, so it
// goes on after the last complete one.
func (x *exporter) resumeByID() error {
	j := x.job
	if j.Fields != nil {
		return fmt.Errorf("resume: %s has no state file; a narrow export resumes only with one", StatePath(j.Path))
	}
	w, after, err := Open(j.Format, j.Path, Options{Resume: true, RowsPerFile: x.perFile})
	if err != nil {
		return err
	}
	x.st.After = after
	if fi, err := os.Stat(j.Rejects); err == nil {
		x.rejN = fi.Size()
	}
	if pq, ok := w.(*parquetDir); ok {
		x.pq = pq
		return nil
	}
	// Close what Open cut to size and append to it.
	if err := w.Close(); err != nil {
		return err
	}
	f, err := os.OpenFile(j.Path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	x.f, x.bw, x.n = f, bufio.NewWriterSize(f, 1<<20), fi.Size()
	if x.n == 0 {
		return x.header()
	}
	return nil
}

// truncateFile cuts the file at path to n bytes; a missing file is fine
// when n is 0.
func truncateFile(path string, n int64) error {
	err := os.Truncate(path, n)
	if errors.Is(err, os.ErrNotExist) && n == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	return nil
}

var errPartMissing = errors.New("a part the state file records is missing")

// resumeParquetDir keeps the first parts complete parts of dir and
// removes later and torn ones.
func resumeParquetDir(dir string, perFile, parts int) (*parquetDir, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		tmp, torn := strings.CutSuffix(name, tmpSuffix)
		m := partRE.FindStringSubmatch(tmp)
		if m == nil {
			continue
		}
		var i int
		fmt.Sscan(m[1], &i)
		if torn || i >= parts {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("resume: %w", err)
			}
		}
	}
	for i := range parts {
		if _, err := os.Stat(filepath.Join(dir, partName(i))); err != nil {
			return nil, fmt.Errorf("resume: %w: %w", errPartMissing, err)
		}
	}
	return &parquetDir{dir: dir, perFile: perFile, next: parts}, nil
}

// work is one page on its way from the source to the output.
type work struct {
	page Page
	out  *encoded
	done chan struct{}
}

// run moves pages from src through the encoders to the output.
func (x *exporter) run(ctx context.Context, src Source, req Request) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	order := make(chan *work, 2*workers)
	todo := make(chan *work, 2*workers)
	srcErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(todo)
		srcErr <- src.Export(ctx, req, func(p Page) error {
			w := &work{page: p, done: make(chan struct{})}
			// To the workers first: every page the writer waits for is
			// sure to be encoded.
			for _, c := range []chan *work{todo, order} {
				select {
				case c <- w:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}()
	for range workers {
		go func() {
			enc := newEncoder(x.job.Format, x.job.Fields)
			for w := range todo {
				w.out = enc.encode(w.page)
				close(w.done)
			}
		}()
	}
	var werr error
	for w := range order {
		if werr != nil {
			continue // drain, so that the source sees the cancel and stops
		}
		// Pages already read are written even when ctx is done, so that
		// an interrupted export keeps them.
		<-w.done
		if werr = x.write(w.out); werr != nil {
			cancel()
		}
	}
	err := <-srcErr
	if werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

// write writes one encoded page and its rejects, and checkpoints when due.
func (x *exporter) write(e *encoded) error {
	if x.job.Strict && len(e.rejects) > 0 {
		r := e.rejects[0]
		return fmt.Errorf("article %s: %w: %s (without --strict it would be skipped and listed in the rejects file)", r.ID, ErrStrict, r.Reason)
	}
	if x.pq != nil {
		return x.writeParquet(e)
	}
	if _, err := x.bw.Write(e.data); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	x.n += int64(len(e.data))
	x.prog.Bytes += e.read
	for _, r := range e.rejects {
		if err := x.writeReject(r); err != nil {
			return err
		}
	}
	x.prog.Exported += int64(e.n)
	x.prog.RunExported += int64(e.n)
	if e.last != "" {
		x.st.After = e.last
	}
	x.tick()
	if x.f != nil && time.Since(x.lastCP) >= checkpointEvery {
		return x.checkpoint()
	}
	return nil
}

// writeParquet writes a page's rows one by one, so that a part finishing
// in the middle of the page records the position of its last row.
func (x *exporter) writeParquet(e *encoded) error {
	for _, it := range e.items {
		if it.row < 0 {
			if err := x.writeReject(e.rejects[it.rej]); err != nil {
				return err
			}
			x.st.After = it.id
			continue
		}
		row := e.rows[it.row]
		finished, err := x.pq.writeRow(row)
		if err != nil {
			return err
		}
		x.prog.Exported++
		x.prog.RunExported++
		x.st.After = it.id
		if finished {
			if err := x.checkpoint(); err != nil {
				return err
			}
		}
	}
	if e.last != "" {
		x.st.After = e.last
	}
	x.prog.Bytes += e.read
	x.tick()
	return nil
}

func (x *exporter) writeReject(r reject) error {
	x.prog.Rejected++
	if x.job.OnReject != nil {
		x.job.OnReject(r.ID, r.Reason)
	}
	if x.job.Rejects == "" {
		return nil
	}
	if x.rej == nil {
		f, err := os.OpenFile(x.job.Rejects, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		x.rej, x.rejBW = f, bufio.NewWriter(f)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	x.rejBW.Write(b)
	x.rejBW.WriteByte('\n')
	x.rejN += int64(len(b)) + 1
	x.prog.RejectsPath = x.job.Rejects
	return nil
}

// tick reports progress when due.
func (x *exporter) tick() {
	if x.job.OnProgress == nil || x.job.Every <= 0 || time.Since(x.lastRep) < x.job.Every {
		return
	}
	x.lastRep = time.Now()
	x.report()
}

func (x *exporter) report() {
	if x.job.OnProgress == nil {
		return
	}
	x.prog.Elapsed = time.Since(x.start)
	x.job.OnProgress(x.prog)
}

// checkpoint makes everything written so far durable, then records it in
// the state file, replaced atomically: the state never runs ahead of the
// output it describes.
func (x *exporter) checkpoint() error {
	x.lastCP = time.Now()
	if x.f != nil {
		if err := x.bw.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", x.f.Name(), err)
		}
		if err := x.f.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", x.f.Name(), err)
		}
	}
	if x.rej != nil {
		if err := x.rejBW.Flush(); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
		if err := x.rej.Sync(); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
	}
	x.st.Bytes, x.st.RejBytes = x.n, x.rejN
	if x.pq != nil {
		x.st.Parts = x.pq.next
	}
	x.st.Exported, x.st.Rejected = x.prog.Exported, x.prog.Rejected
	x.st.Updated = time.Now().UTC().Format(time.RFC3339)
	b, err := json.MarshalIndent(x.st, "", "  ")
	if err != nil {
		return err
	}
	path := StatePath(x.job.Path)
	tmp := path + tmpSuffix
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}

// close finishes the output, complete or not, and records its state.
func (x *exporter) close(complete bool) error {
	var err error
	switch {
	case x.pq != nil:
		err = x.pq.Close()
	case x.f == nil:
		err = x.bw.Flush()
	}
	if x.job.Path != "" {
		if cerr := x.checkpoint(); err == nil {
			err = cerr
		}
		// A complete export needs no state: it is in id order, so a
		// later --resume reads on after its last article.
		if complete && err == nil {
			os.Remove(StatePath(x.job.Path))
		}
	} else if x.rej != nil {
		if ferr := x.rejBW.Flush(); err == nil {
			err = ferr
		}
	}
	if x.f != nil {
		if cerr := x.f.Close(); err == nil {
			err = cerr
		}
	}
	if x.rej != nil {
		if cerr := x.rej.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
