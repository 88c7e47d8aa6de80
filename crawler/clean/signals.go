package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// contentRule is one layer-2 signal: phrases that, found in a short block,
// show that the block talks to the reader about the site rather than
// reporting news.
type contentRule struct {
	reason string
	// phrases anywhere in the block (lower case); need hits of them.
	phrases []string
	need    int
	// prefixes the block starts with (lower case); one is enough.
	prefixes []string
	// shortPrefixes are prefixes that only mark blocks of a few words,
	// because a sentence may also start with them.
	shortPrefixes []string
	// leadIns end a short line that introduces what follows ("If you liked
	// this post you might also like:"), matched with the colon.
	leadIns []string
	// exact whole-block texts (lower case, trailing punctuation trimmed).
	exact []string
	// maxLen is the longest block the rule applies to: a long block that
	// mentions a newsletter is usually news about one.
	maxLen int
	// offer marks the rule of offer words, which needs its two phrases
	// only with the "wall-offer-two" rule on (else one, as before).
	offer bool
}

var contentRules = []contentRule{
	{
		reason: "content: reader-revenue appeal",
		phrases: []string{"your support", "support us", "support our journalism", "support independent journalism",
			"support the independent", "donate", "donation", "make a contribution", "contribute today", "contribute now",
			"become a member", "become a supporter", "reader-funded", "reader funded", "readers like you",
			"independent journalism", "quality journalism", "we rely on", "keep our journalism", "fund our journalism",
			"every contribution", "makes all the difference", "make all the difference", "from as little as",
			"support now", "help us keep", "your generosity", "paywall-free", "free to read for everyone", "tell the story",
			"unterstützen sie uns", "jetzt spenden", "unabhängigen journalismus", "soutenez-nous", "faire un don",
			"journalisme indépendant", "haz una donación", "periodismo independiente", "giornalismo indipendente",
			"jornalismo independente"},
		need: 2, maxLen: 1500,
	},
	{
		reason: "content: subscription wall",
		phrases: []string{"subscribe to continue", "to continue reading", "continue reading with", "already a subscriber",
			"subscribers only", "for subscribers", "subscriber-only", "log in to continue", "sign in to continue",
			"register to continue", "sign in to read", "unlock this article", "log in or register", "sign in or register"},
		need: 1, maxLen: 400,
	},
	{
		// Offer words: a price or a trial alone is how reviews and
		// product pages talk; a wall makes an offer and names access.
		reason: "content: subscription wall",
		phrases: []string{"create a free account", "register for free", "start your free trial", "free trial", "subscribe now",
			"subscribe today", "unlimited access", "digital access", "per month", "cancel anytime", "exclusive content",
			"subscribe for", "subscription"},
		need: 2, maxLen: 400, offer: true,
	},
	{
		reason: "content: newsletter sign-up",
		phrases: []string{"sign up for", "sign up to", "newsletter", "in your inbox", "to your inbox", "delivered to your inbox",
			"by signing up", "email address", "enter your email", "subscribe to our", "straight to your inbox", "get our free",
			"check your inbox", "subscribe here", "nieuwsbrief", "abonnieren sie unseren", "abonnez-vous à notre",
			"inscrivez-vous à notre", "suscríbete a nuestro", "suscríbete a nuestra", "iscriviti alla nostra", "assine nossa"},
		need: 1, maxLen: 300,
	},
	{
		reason: "content: consent notice",
		phrases: []string{"we use cookies", "use of cookies", "cookie policy", "accept cookies", "cookie settings",
			"consent to", "privacy policy", "terms of service", "terms of use", "terms and conditions", "privacy notice",
			"manage preferences", "your privacy", "verwendet cookies", "verwenden cookies", "verwendung von cookies",
			"datenschutz & cookies", "cookies akzeptieren", "utilise des cookies", "utilisons des cookies", "accepter les cookies",
			"utiliza cookies", "utilizamos cookies", "aceptar cookies", "utilizza cookie", "utilizza i cookie",
			"utilizziamo i cookie", "gebruikt cookies", "maakt gebruik van cookies", "używa plików cookie"},
		need: 1, maxLen: 300,
	},
	{
		reason: "content: share bar",
		phrases: []string{"share this article", "share this story", "share on facebook", "share on twitter", "share on whatsapp",
			"click to share", "copy link", "share via", "link copied", "share full article", "email this", "opens in new window",
			"facebook twitter", "twitter facebook", "whatsapp email", "share on x", "tweet this", "pinterest",
			"artikel teilen", "beitrag teilen", "partager cet article", "partager sur facebook", "compartir en facebook",
			"compartir en twitter", "compartir en whatsapp", "condividi su facebook", "compartilhe no facebook"},
		need: 1, maxLen: 200,
	},
	{
		reason: "content: comment prompt",
		phrases: []string{"leave a comment", "join the conversation", "share your thoughts", "comment on this", "view comments",
			"code of conduct", "comments are closed", "tell us what you think", "what do you think?", "have your say",
			"load comments", "show comments", "share your feedback", "post a comment", "add a comment", "show comments", "read comments",
			"comments have been", "community guidelines", "start the conversation", "debate the big issues",
			"schreibe einen kommentar", "kommentar schreiben", "kommentar verfassen", "kommentare sind geschlossen",
			"laisser un commentaire", "laissez un commentaire", "ajouter un commentaire", "les commentaires sont fermés",
			"deja un comentario", "dejar un comentario", "deixe um comentário", "deixe seu comentário", "lascia un commento",
			"laat een reactie achter"},
		need: 1, maxLen: 300,
	},
	{
		reason: "content: related list",
		prefixes: []string{"read more:", "related:", "see also:", "also read:", "read also:", "more:", "recommended:",
			"watch:", "listen:", "read:", "also see:", "read next:", "related articles", "related stories", "related content",
			"related coverage", "related topics", "recommended for you", "you may also like", "you might also like",
			"what to read next", "editor's picks", "editors' picks",
			"lesen sie auch:", "siehe auch:", "à lire aussi :", "à lire aussi:", "à lire aussi »", "a lire aussi :",
			"a lire aussi:", "lire aussi :", "lire aussi:", "voir aussi :", "voir aussi:", "lee también:", "lea también:",
			"leia também:", "veja também:", "leggi anche:", "zie ook:", "lees ook:"},
		shortPrefixes: []string{"read more", "read next", "keep reading", "you may be interested", "you might be interested",
			"you may also be interested", "most popular", "most read", "more from", "more on this",
			"popular videos", "top stories", "trending", "more stories", "latest stories", "more in ", "catch up on",
			"explore more", "more coverage", "more about", "further reading", "related", "recommended", "sponsored stories",
			"around the web", "from our partners", "você pode gostar", "leia também", "veja também", "lea también",
			"te puede interesar", "vous aimerez aussi", "à lire aussi", "lire aussi", "das könnte sie auch interessieren",
			"mehr zum thema", "auch interessant", "lesen sie auch", "lesen sie mehr", "siehe auch", "a lire aussi",
			"voir aussi", "lee también", "leia mais", "lees ook", "zie ook", "czytaj także", "czytaj też",
			"schon gelesen", "mehr themen", "weitere themen", "zum weiterlesen", "weitere artikel", "ähnliche artikel",
			"verwandte artikel", "verwandte themen", "weiterführende links", "weiterführender link", "meistgelesen",
			"das könnte dich auch interessieren", "sur le même sujet", "articles similaires", "noticias relacionadas",
			"artículos relacionados", "notizie correlate", "articoli correlati", "notícias relacionadas", "potrebbe interessarti", "leggi anche", "читайте также", "похожие статьи",
			"самые популярные", "популярное"},
		leadIns: []string{"you might also like:", "you may also like:", "you might also enjoy:", "you may also enjoy:",
			"you might be interested in:", "you may be interested in:", "related posts:", "related articles:",
			"related stories:", "more stories like this:"},
		maxLen: 250,
	},
	{
		reason: "content: photo credit",
		prefixes: []string{"photo:", "photo by", "photograph:", "photograph by", "image:", "image caption", "image source",
			"picture:", "pictures:", "credit:", "source:", "illustration:", "photo credit", "(photo", "photos:", "video:",
			"image copyright", "media caption", "getty images", "file photo", "foto:", "fotos:", "bild:", "bildquelle:",
			"titelbild:", "quelle:", "crédit photo", "crédits photo", "photo :", "fuente:", "fonte:", "źródło:"},
		phrases: []string{"getty images", "(ap photo", "ap photo/", "shutterstock", "alamy", "afp via getty",
			"pa wire", "epa-efe", "©", "photo courtesy", "courtesy of"},
		need: 1, maxLen: 160,
	},
	{
		reason: "content: advertising",
		exact: []string{"advertisement", "advertising", "ad", "ads", "sponsored", "sponsored content", "story continues below advertisement",
			"continue reading below", "scroll to continue", "article continues below", "article continues below this ad",
			"continue reading", "story continues below", "content continues below", "skip advert", "paid content",
			"promoted content", "partner content", "ad feedback", "close", "share", "tweet", "email", "print", "comments",
			"loading", "loading...", "play", "replay", "watch", "listen", "menu", "search", "log in", "sign in", "register",
			"subscribe", "more", "next", "previous", "back to top", "skip to content", "skip to main content", "open in app",
			"advert", "watch now", "what's this", "what’s this", "this slideshow requires javascript", "don't miss", "don’t miss",
			"recommended", "related", "most read", "most popular", "read more", "see more", "show more", "load more", "view more",
			"view gallery", "view comments", "enlarge image", "expand", "collapse", "copy link", "copied", "link copied",
			"show caption", "hide caption", "toggle caption", "bookmark", "save", "saved", "save article", "listen to this article",
			"anzeige", "werbung", "publicité", "publicidad", "pubblicità", "publicidade", "advertentie", "reklama"},
		maxLen: 60,
	},
	{
		reason: "content: contact prompt",
		phrases: []string{"get in touch", "have a tip", "got a tip", "got a story", "story to tell", "send us your",
			"contact our newsroom", "email us at", "tip us off", "may be reached at", "can be reached at", "in my bookmarks"},
		need: 1, maxLen: 250,
	},
	{
		reason: "content: copyright notice",
		phrases: []string{"all rights reserved", "copyright ©", "© copyright", "this material may not be published",
			"may not be published, broadcast, rewritten", "not be reproduced"},
		need: 1, maxLen: 300,
	},
	{
		reason: "content: follow prompt",
		phrases: []string{"follow us on", "follow us:", "like us on facebook", "download our app", "get the app",
			"download the app", "turn on notifications", "follow @", "on google news", "preferred source", "whatsapp channel",
			"telegram channel", "add us as a", "join us on whatsapp", "sign up to our whatsapp", "follow us on whatsapp",
			"receive notifications", "notifications about new"},
		need: 1, maxLen: 250,
	},
}

// nbsp reads the no-break spaces of French typography as spaces.
var nbsp = strings.NewReplacer("\u00a0", " ", "\u202f", " ")

// spaced returns s with its no-break spaces read as spaces. Every block
// goes through contentSignal, and most hold none: those are returned as
// they are, without the replacer's copy.
func spaced(s string) string {
	if !strings.ContainsAny(s, "\u00a0\u202f") {
		return s
	}
	return nbsp.Replace(s)
}

// mentionLen is the length above which a block is prose that may mention
// a subscription or newsletter rather than offer one.
const mentionLen = 150

// mentionRules are the rules whose phrases ordinary prose also uses.
var mentionRules = map[string]bool{
	"content: subscription wall":  true,
	"content: newsletter sign-up": true,
	"content: consent notice":     true,
	"content: share bar":          true,
	"content: contact prompt":     true,
}

// contentSignal returns the layer-2 reason a block is boilerplate, or "".
//
// With strict, a block of more than a sentence (mentionLen bytes) must
// carry two phrases of a rule that one phrase fires on short blocks: a
// paragraph about email marketing mentions "newsletter" once, a sign-up
// box says "sign up" and "inbox" and "email address".
func contentSignal(text string, strict, offerTwo bool) string {
	low := strings.ToLower(text)
	trimmed := strings.Trim(low, " .:!?…-–—|•·»«>")
	// French sets a no-break space before ":" and "»" ("À lire aussi :"):
	// prefixes are matched with it read as a space.
	lead := spaced(low[:min(len(low), 64)])
	for i := range contentRules {
		r := &contentRules[i]
		if len(low) > r.maxLen {
			continue
		}
		for _, e := range r.exact {
			if trimmed == e {
				return r.reason
			}
		}
		for _, p := range r.prefixes {
			if strings.HasPrefix(lead, p) {
				return r.reason
			}
		}
		if len(low) < 60 {
			for _, p := range r.shortPrefixes {
				if strings.HasPrefix(lead, p) {
					return r.reason
				}
			}
		}
		if len(low) < 100 && len(r.leadIns) > 0 {
			tail := strings.TrimSpace(spaced(low))
			for _, p := range r.leadIns {
				if strings.HasSuffix(tail, p) {
					return r.reason
				}
			}
		}
		if r.need > 0 {
			need := r.need
			if r.offer && !offerTwo {
				need = 1
			}
			if strict && need == 1 && len(low) > mentionLen && mentionRules[r.reason] {
				need = 2
			}
			hits := 0
			for _, p := range r.phrases {
				if strings.Contains(low, p) {
					hits++
					if hits >= need {
						return r.reason
					}
				}
			}
		}
	}
	if isBylineText(text) {
		return "content: byline"
	}
	if hasCreditTail(text, low) {
		return "content: photo credit"
	}
	if isGalleryCounter(low) {
		return "content: gallery counter"
	}
	return ""
}

// creditWords open the parenthesised credit that ends a photo caption:
// "Protesters in the square (Image: Getty)".
var creditWords = []string{"image:", "images:", "photo:", "photos:", "picture:", "pictures:", "credit:", "ap photo",
	"photo by", "pic:", "getty", "reuters/", "afp/", "epa", "shutterstock", "alamy", "pa wire", "ap/"}

// hasCreditTail reports a caption: a block that ends with a
// parenthesised photo credit. text is the block as written, low its
// lower-cased form.
func hasCreditTail(text, low string) bool {
	low = strings.TrimRight(low, " .")
	if len(low) > 500 || !strings.HasSuffix(low, ")") {
		return false
	}
	i := strings.LastIndexByte(low, '(')
	if i < 0 {
		return false
	}
	tail := strings.TrimSpace(low[i+1:])
	for _, w := range creditWords {
		if strings.HasPrefix(tail, w) {
			return !definesAbbreviation(text)
		}
	}
	return false
}

// definesAbbreviation reports a block that ends with an abbreviation in
// parentheses rather than a credit: "the Environmental Protection Agency
// (EPA)", "die elektronische Patientenakte (ePA)". An agency's credit is
// a name, "(EPA)", "(Getty)", and does not spell the words before it.
// Only a bare word counts: "(EPA/John Smith)" is a credit.
func definesAbbreviation(text string) bool {
	text = strings.TrimRight(text, " .")
	i := strings.LastIndexByte(text, '(')
	if i < 0 || !strings.HasSuffix(text, ")") {
		return false
	}
	abbr := strings.TrimSpace(text[i+1 : len(text)-1])
	if abbr == "" || strings.IndexFunc(abbr, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(abbr); unicode.IsLower(r) {
		return true // credits are names: "(Getty)", "(EPA)", not "(ePA)"
	}
	words := strings.Fields(text[:i])
	n := utf8.RuneCountInString(abbr)
	if len(words) < n {
		return false
	}
	var initials []rune
	for _, w := range words[len(words)-n:] {
		r, _ := utf8.DecodeRuneInString(w)
		initials = append(initials, unicode.ToUpper(r))
	}
	return string(initials) == abbr
}

// isGalleryCounter reports "3 of 12" style slide counters.
func isGalleryCounter(low string) bool {
	f := strings.Fields(strings.Trim(low, " |/"))
	if len(f) != 3 || f[1] != "of" {
		return false
	}
	_, ok1 := allDigits(f[0])
	_, ok2 := allDigits(f[2])
	return ok1 && ok2
}

// bylinePrefixes start a byline or a time stamp line inside the body.
var bylinePrefixes = []string{"by ", "written by ", "words by ", "posted by ", "edited by ", "reporting by ",
	"published ", "updated ", "last updated", "first published", "posted on", "published on", "published:", "updated:",
	"posted:", "modified:", "last modified", "aktualisiert am", "veröffentlicht am", "erstellt am", "publié le",
	"mis à jour le", "publicado el", "actualizado el", "pubblicato il", "aggiornato il", "publicado em", "atualizado em"}

// isBylineText reports a short line that names the author or the time of
// the article ("By Jane Doe", "Updated 3 hours ago"), which the metadata
// carries and the body must not.
func isBylineText(text string) bool {
	if len(text) > 140 {
		return false
	}
	low := strings.ToLower(text)
	for _, p := range bylinePrefixes {
		if !strings.HasPrefix(low, p) {
			continue
		}
		rest := strings.TrimSpace(text[len(p):])
		switch p {
		case "by ", "written by ", "words by ", "posted by ", "edited by ", "reporting by ":
			// A name follows: few words, capitalised, no full sentence.
			if rest == "" || wordCount(rest) > 10 {
				return false
			}
			r := []rune(rest)
			return r[0] >= 'A' && r[0] <= 'Z' || r[0] > 127
		}
		return strings.ContainsAny(rest, "0123456789") && wordCount(rest) <= 14
	}
	return false
}
