package cleaneval

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// trafilaturaCase is one entry of trafilatura's tests/evaldata.json: the
// saved page and the snippets its main text must and must not contain.
type trafilaturaCase struct {
	File    string   `json:"file"`
	With    []string `json:"with"`
	Without []string `json:"without"`
}

// LoadTrafilatura reads trafilatura's evaluation set (Adrien Barbaresi,
// Apache-2.0) from a checkout of its repository at dir: tests/evaldata.json
// and the pages it names under tests/eval or tests/cache (plain or
// gzipped). The pages are read where they are, not copied. Its truth has
// no body, only must_include and must_exclude snippets, so only the
// snippet counts are meaningful for it; pages come in URL order and their
// ids are "traf-" and a hash of the URL.
func LoadTrafilatura(dir string) ([]Page, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "tests", "evaldata.json"))
	if err != nil {
		return nil, fmt.Errorf("load trafilatura set: %w", err)
	}
	var cases map[string]trafilaturaCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		return nil, fmt.Errorf("load trafilatura set: evaldata.json: %w", err)
	}
	urls := make([]string, 0, len(cases))
	for u := range cases {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	pages := make([]Page, 0, len(urls))
	for _, u := range urls {
		c := cases[u]
		b, err := readTrafilaturaPage(dir, c.File)
		if err != nil {
			return nil, fmt.Errorf("load trafilatura set: %s: %w", u, err)
		}
		sum := sha1.Sum([]byte(u))
		pages = append(pages, Page{Truth: Truth{
			ID: "traf-" + hex.EncodeToString(sum[:6]), Source: "trafilatura", URL: u,
			MustInclude: c.With, MustExclude: c.Without,
		}, HTML: b})
	}
	return pages, nil
}

// readTrafilaturaPage reads one saved page from tests/eval, else
// tests/cache, gunzipping it when it is gzipped.
func readTrafilaturaPage(dir, file string) ([]byte, error) {
	var b []byte
	var err error
	for _, sub := range []string{"eval", "cache"} {
		b, err = os.ReadFile(filepath.Join(dir, "tests", sub, file))
		if !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	return b, nil
}
