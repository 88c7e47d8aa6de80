package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// jsonlWriter writes one article JSON object per line.
type jsonlWriter struct {
	bw *bufio.Writer
	f  *os.File // nil for a stream, which is flushed but not closed
}

func newJSONL(w io.Writer, f *os.File) *jsonlWriter {
	return &jsonlWriter{bw: bufio.NewWriterSize(w, 1<<20), f: f}
}

func (w *jsonlWriter) Write(a *article.Article) error {
	b, err := article.Marshal(a)
	if err != nil {
		return err
	}
	w.bw.Write(b)
	return w.bw.WriteByte('\n')
}

func (w *jsonlWriter) Close() error {
	return finishFile(w.bw, w.f)
}

// finishFile flushes bw and, for a file, syncs and closes it, so that what
// was reported written survives a crash.
func finishFile(bw *bufio.Writer, f *os.File) error {
	err := bw.Flush()
	if f == nil {
		return err
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return nil
}

// openJSONL opens a JSON Lines export. With resume it keeps every complete
// line, cuts a torn last line, and returns the id of the last article kept.
func openJSONL(path string, resume bool) (Writer, string, error) {
	if !resume {
		f, err := os.Create(path)
		if err != nil {
			return nil, "", err
		}
		return newJSONL(f, f), "", nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, "", err
	}
	var keep, pos int64
	var last string
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) == 0 || line[len(line)-1] != '\n' {
			break // end of file, or a torn last line
		}
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(line, &head) != nil || head.ID == "" {
			break // an unreadable complete line: keep nothing after it
		}
		pos += int64(len(line))
		keep, last = pos, head.ID
		if err != nil {
			break
		}
	}
	if err := truncateAt(f, keep); err != nil {
		f.Close()
		return nil, "", err
	}
	return newJSONL(f, f), last, nil
}

// truncateAt cuts f to n bytes and positions it there for appending.
func truncateAt(f *os.File, n int64) error {
	if err := f.Truncate(n); err != nil {
		return fmt.Errorf("resume %s: %w", f.Name(), err)
	}
	if _, err := f.Seek(n, io.SeekStart); err != nil {
		return fmt.Errorf("resume %s: %w", f.Name(), err)
	}
	return nil
}
