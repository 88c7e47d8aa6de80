// Package wirewatch is the root of the wirewatch module. It holds only the
// bundled development corpus, embedded so that the demo and the tests have
// real news pages without network access; the pipeline lives in the
// packages below (see README.md for the map).
package wirewatch

import "embed"

// Corpus holds testdata/corpus: 181 real news pages (pages/<id>.html.gz)
// with their ground truth (truth.jsonl). See testdata/corpus/README.md for
// sources and licences.
//
//go:embed testdata/corpus/pages testdata/corpus/truth.jsonl
var Corpus embed.FS
