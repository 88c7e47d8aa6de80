package clean

import (
	"strings"
)

// Built-in markers of the prompts that close an article on most sites, in
// the languages the crawler meets most: invitations to comment or join a
// reader forum, and newsletter sign-ups. They are recognised from the
// first page of a site, before the per-site layer has learned anything,
// but only where such prompts stand: in the tail of the article, after its
// last long paragraph, in a short block, and only when the block both
// names the forum (or newsletter) and invites the reader. A news sentence
// such as "The ministry declined to comment." names no invitation and is
// kept.
var (
	// forumWords name a comment section or a reader discussion.
	forumWords = []string{"comment", "forum", "conversation", "discussion", "replies", "community",
		"kommentar", "diskussion", "leserforum", "commentaire", "discussion", "réaction", "comentario", "comentário",
		"conversación", "conversa", "commento", "commenti", "discussione", "reactie", "discussie", "komentarz",
		"dyskusj", "kommentar", "yorum", "комментари", "обсужден", "تعليق", "コメント", "评论", "留言", "評論"}
	// newsletterWords name a newsletter or e-mail sign-up.
	newsletterWords = []string{"newsletter", "inbox", "e-mail", "email", "boletín", "lettre d'information",
		"infolettre", "posteingang", "рассылк", "ニュースレター", "订阅", "nieuwsbrief"}
	// inviteWords ask the reader to act.
	inviteWords = []string{"join", "leave a", "add a", "add your", "post a", "write a", "share your", "view ", "show ",
		"read the", "see the", "load ", "sign in", "log in", "sign up", "subscribe", "register", "have your say",
		"let us know", "tell us", "what do you think", "follow other", "start the",
		"beteiligen", "diskutieren sie", "mitdiskutieren", "kommentieren sie", "schreiben sie", "abonnieren", "anmelden",
		"rejoignez", "participez", "laissez", "réagissez", "donnez votre avis", "inscrivez", "abonnez",
		"únete", "deja tu", "deje su", "participa", "suscríbete", "suscribirse", "regístrate",
		"unisciti", "lascia un", "partecipa", "iscriviti", "commenta",
		"junte-se", "deixe seu", "deixe o seu", "participe", "inscreva-se", "assine",
		"doe mee", "reageer", "schrijf je in", "aanmelden",
		"dołącz", "zostaw", "zapisz się", "katıl", "abone ol",
		"присоединяйтесь", "оставьте", "подпишитесь", "انضم", "اشترك", "参加", "登録", "加入", "订阅", "訂閱"}
)

// promptMaxLen is the longest block taken for a prompt.
const promptMaxLen = 250

// cutTailPrompts removes comment and newsletter prompts after the last
// long paragraph of the article.
func cutTailPrompts(blocks []*block) {
	last := -1
	for i, b := range blocks {
		if b.removed == "" && goodBlock(b) && len(b.text) >= 150 {
			last = i
		}
	}
	if last < 0 {
		return
	}
	for _, b := range blocks[last+1:] {
		if b.removed != "" || len(b.text) > promptMaxLen {
			continue
		}
		if r := promptKind(b.text); r != "" {
			b.removed = r
		}
	}
}

// promptKind returns the reason a short tail block is a prompt, or "".
func promptKind(text string) string {
	low := strings.ToLower(text)
	if !containsAny(low, inviteWords) {
		return ""
	}
	switch {
	case containsAny(low, forumWords):
		return "content: comment prompt"
	case containsAny(low, newsletterWords):
		return "content: newsletter sign-up"
	}
	return ""
}

func containsAny(s string, subs []string) bool {
	for _, w := range subs {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
