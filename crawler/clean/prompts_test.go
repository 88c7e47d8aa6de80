package clean

import (
	"fmt"
	"strings"
	"testing"
)

// promptPage is the first page of a new site: obfuscated class names, no
// learned layer, a story that ends with tail, then a prompt box.
func promptPage(tail string, prompt []string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Harbour story</title></head><body><div class="x1"><h1>Harbour story</h1><div class="x2">`)
	for j := range 4 {
		fmt.Fprintf(&b, `<p>Paragraph %d: the harbour authority said on Tuesday that the new quay, built over many years, would open to ferries in spring after a long dispute with residents about noise and traffic.</p>`, j)
	}
	if tail != "" {
		fmt.Fprintf(&b, "<p>%s</p>", tail)
	}
	if len(prompt) > 0 {
		b.WriteString(`<div class="x3">`)
		fmt.Fprintf(&b, `<h2 class="x4">%s</h2>`, prompt[0])
		for _, p := range prompt[1:] {
			fmt.Fprintf(&b, `<p class="x5">%s</p>`, p)
		}
		b.WriteString(`<a role="button" class="x6">Comments</a></div>`)
	}
	b.WriteString(`</div></div></body></html>`)
	return []byte(b.String())
}

// TestTailPromptsFirstPage shows that comment, forum and newsletter
// prompts closing an article are removed on a site's first page, in
// several languages, without the per-site layer, and that a news sentence
// about comment or e-mail in the same place is kept.
func TestTailPromptsFirstPage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prompt []string
	}{
		{"forum, English", []string{"Join our commenting forum", "Join thought-provoking conversations, follow other readers and see their replies"}},
		{"comments, German", []string{"Diskutieren Sie mit", "Kommentieren Sie diesen Artikel in unserem Leserforum."}},
		{"comments, French", []string{"Réagissez à cet article", "Laissez un commentaire ci-dessous."}},
		{"comments, Spanish", []string{"Únete a la conversación", "Deja tu comentario sobre esta noticia."}},
		{"newsletter, English", []string{"Never miss a story", "Sign up to our daily newsletter, straight to your inbox."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cleanPage(t, New(Options{}), 1, promptPage("", tc.prompt))
			for _, p := range tc.prompt {
				if strings.Contains(res.Article.Body, p) {
					t.Errorf("body keeps the prompt %q:\n%s", p, res.Article.Body)
				}
			}
			if !strings.Contains(res.Article.Body, "Paragraph 3:") {
				t.Errorf("story lost:\n%s", res.Article.Body)
			}
		})
	}
	for _, tail := range []string{
		"A spokesperson for the ministry declined to comment.",
		"The council said residents could send their objections by email before Friday.",
	} {
		res := cleanPage(t, New(Options{}), 1, promptPage(tail, nil))
		if !strings.Contains(res.Article.Body, tail) {
			t.Errorf("news sentence %q removed:\n%s", tail, res.Article.Body)
		}
	}
}
