// Package export writes stored articles to files that researchers load into
// their own tools: JSON Lines, CSV and Parquet. Every format can be resumed
// after a crash or an interrupt, because exports of millions of articles
// take long enough to be interrupted: articles arrive in id order, and each
// format can tell the id of the last article it holds completely.
package export

import (
	"errors"
	"fmt"
	"io"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Format names, as given to --format.
const (
	JSONL   = "jsonl"
	CSV     = "csv"
	Parquet = "parquet"
)

// DefaultRowsPerFile is the default number of articles in one Parquet part.
const DefaultRowsPerFile = 100_000

// Writer receives articles in id order. Close finishes what was written so
// that a later resume finds it complete; a Writer must be closed even after
// a failed Write.
type Writer interface {
	Write(a *article.Article) error
	Close() error
}

// Options tune Open.
type Options struct {
	// Resume keeps what an earlier export to the same path completed
	// instead of starting afresh.
	Resume bool
	// RowsPerFile caps the articles in one Parquet part file; zero means
	// DefaultRowsPerFile.
	RowsPerFile int
}

// ErrFormat reports a format name this package does not know.
var ErrFormat = errors.New("unknown export format")

// CheckFormat returns an error naming the supported formats unless format
// is one of them.
func CheckFormat(format string) error {
	switch format {
	case JSONL, CSV, Parquet:
		return nil
	}
	return fmt.Errorf("%w %q: only jsonl, csv and parquet are supported", ErrFormat, format)
}

// Open starts an export to path: a file for jsonl and csv, a directory of
// part files for parquet. Without opts.Resume it replaces what an earlier
// export left there. With it, it keeps every complete article, drops a torn
// one, and returns the id of the last article kept, after which the caller
// continues ("" when there is none).
func Open(format, path string, opts Options) (w Writer, after string, err error) {
	if err := CheckFormat(format); err != nil {
		return nil, "", err
	}
	switch format {
	case JSONL:
		return openJSONL(path, opts.Resume)
	case CSV:
		return openCSV(path, opts.Resume)
	default:
		n := opts.RowsPerFile
		if n == 0 {
			n = DefaultRowsPerFile
		}
		if n < 0 {
			return nil, "", fmt.Errorf("parquet: rows per file must be positive, not %d", n)
		}
		return openParquetDir(path, n, opts.Resume)
	}
}

// NewStream starts an export to a stream such as standard output. Closing
// the Writer flushes it but leaves w open. Parquet cannot be streamed: its
// footer is written last and it is exported as a directory of parts.
func NewStream(format string, w io.Writer) (Writer, error) {
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	switch format {
	case JSONL:
		return newJSONL(w, nil), nil
	case CSV:
		return newCSV(w, nil, true), nil
	default:
		return nil, errors.New("parquet cannot be written to a stream: give a directory for --out")
	}
}

// prepare applies the normalization and checks of article.Marshal, so that
// every format exports the same articles, with the same derived fields.
func prepare(a *article.Article) error {
	a.Normalize()
	return a.Validate()
}
