package clean

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestDebugBlocks(t *testing.T) {
	id := os.Getenv("WW_DEBUG")
	if id == "" {
		t.Skip()
	}
	f, _ := os.Open("../../testdata/corpus/pages/" + id + ".html.gz")
	zr, _ := gzip.NewReader(f)
	b, _ := io.ReadAll(zr)
	doc, _ := html.Parse(bytes.NewReader(b))
	body := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	lin := &linearizer{budget: 300000}
	lin.walk(body, 0, walkState{}, body)
	lin.flush()
	assignBoiler(lin.blocks, body)
	conts := pickContainer(lin.blocks)
	var cont *html.Node
	if len(conts) > 0 {
		cont = conts[0]
	}
	t.Logf("containers: %d", len(conts))
	t.Logf("blocks=%d budget=%d cont=%v", len(lin.blocks), lin.budget, cont != nil)
	if cont != nil {
		for n := cont; n != nil; n = n.Parent {
			t.Logf("cont %s %v", n.Data, n.Attr)
		}
	}
	for _, bl := range lin.blocks {
		in := cont != nil && isAncestor(cont, bl.elem)
		t.Logf("%v good=%v k=%d boiler=%q ld=%.2f | %s", in, goodBlock(bl), bl.kind, bl.boiler, bl.linkDensity(), truncate(bl.text, 100))
	}
}
