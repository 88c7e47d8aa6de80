package clean

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/crawler/clean/cleaneval"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestDebugBlocks prints, for the corpus page named in WW_DEBUG, the chosen
// container's ancestry and every block with its layer-1 verdict. It is a
// tool for working on extraction failures and does nothing otherwise.
func TestDebugBlocks(t *testing.T) {
	id := os.Getenv("WW_DEBUG")
	if id == "" {
		t.Skip("set WW_DEBUG to a corpus page id")
	}
	dir := "corpus"
	if strings.HasPrefix(id, "wcxb-") {
		dir = "corpus-wcxb"
	}
	f, err := os.Open(filepath.Join("..", "..", "testdata", dir, "pages", id+".html.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	lin := &linearizer{budget: 300000, streamed: true}
	lin.walk(body, 0, walkState{}, body)
	lin.flush()
	assignBoiler(lin.blocks, body, true, func(string) bool { return true })
	conts := pickContainer(lin.blocks, true, true)
	t.Logf("blocks=%d containers=%d", len(lin.blocks), len(conts))
	if len(conts) > 0 {
		for n := conts[0]; n != nil; n = n.Parent {
			t.Logf("container %s %v", n.Data, n.Attr)
		}
	}
	for _, bl := range lin.blocks {
		in := false
		for _, c := range conts {
			in = in || isAncestor(c, bl.elem)
		}
		t.Logf("%v good=%v k=%d boiler=%q ld=%.2f ctx=%.2f card=%v | %s", in, goodBlock(bl), bl.kind, bl.boiler, bl.linkDensity(), bl.ctxLinks, bl.inCard, truncate(bl.text, 100))
	}
}

// toolSet loads the dev set named in the environment variable env for a
// hand-run tool (TestLossKinds, TestCandidateOracle, TestRemovalReasons),
// and skips the test when env is unset: the tools measure, they assert
// nothing a normal run needs.
func toolSet(t *testing.T, env string) []cleaneval.Page {
	t.Helper()
	set := os.Getenv(env)
	if set == "" {
		t.Skipf("set %s to a dev set (corpus, corpus-wcxb)", env)
	}
	pages, err := cleaneval.Load(filepath.Join("..", "..", "testdata", set))
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// toolPage parses a page the way Clean does for the hand-run tools that
// look inside the cleaner: its metadata, its body element and the titles
// the body's headline is matched against.
func toolPage(t *testing.T, p cleaneval.Page) (*pageMeta, *html.Node, []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(bytes.ToValidUTF8(p.HTML, []byte("\uFFFD"))))
	if err != nil {
		t.Fatalf("%s: %v", p.ID, err)
	}
	pm := gatherMeta(doc)
	body := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	if body == nil {
		body = doc
	}
	md := pm.resolve(p.URL, Page{URL: p.URL})
	return pm, body, append([]string{md.title, pm.ld.headline, pm.first("og:title")}, pm.h1...)
}
