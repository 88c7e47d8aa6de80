package cleaneval

import "strings"

// A LeakClass is one class of boilerplate the cleaner exists to remove
// (issue 14's goals: appeals, newsletter and cookie notices, related links,
// comment prompts).
type LeakClass string

// The classes of boilerplate the audit looks for.
const (
	Appeal     LeakClass = "appeal"
	Newsletter LeakClass = "newsletter"
	Cookie     LeakClass = "cookie"
	Related    LeakClass = "related"
	Comments   LeakClass = "comments"
)

// leakClasses lists the classes in report order.
var leakClasses = []LeakClass{Appeal, Newsletter, Cookie, Related, Comments}

// A Leak is a marker phrase of a boilerplate class found in an output body
// although the page's truth does not hold it.
type Leak struct {
	Class  LeakClass
	Marker string
}

// leakMarkers are the phrases that mark each class, in the languages of
// the dev sets' largest shares. They are written from what such blocks
// say everywhere ("sign up for our newsletter"), not from any page of the
// dev sets, and are kept specific: a phrase an article's own prose could
// use ("donate", "comments") is no marker. The audit is independent of the
// cleaner's own prompt markers on purpose: it measures them, so it must
// not share their blind spots.
var leakMarkers = map[LeakClass][]string{
	Appeal: {
		"support our journalism", "support independent journalism", "support quality journalism",
		"your support helps us", "your support makes all the difference", "make a contribution",
		"become a member today", "become a supporter", "donate now", "support us today",
		"help us keep our journalism", "unterstützen sie unseren journalismus", "soutenez notre journalisme",
		"apoya nuestro periodismo", "apoie o jornalismo",
	},
	Newsletter: {
		"sign up for our newsletter", "sign up to our newsletter", "subscribe to our newsletter",
		"sign up for the newsletter", "subscribe to the newsletter", "newsletter sign-up", "newsletter signup",
		"get our newsletter", "join our newsletter", "join our mailing list", "delivered to your inbox",
		"straight to your inbox", "abonnieren sie unseren newsletter", "newsletter abonnieren",
		"inscrivez-vous à notre newsletter", "abonnez-vous à notre newsletter", "suscríbete a nuestro boletín",
		"suscríbete a nuestra newsletter", "assine nossa newsletter", "iscriviti alla newsletter",
	},
	Cookie: {
		"we use cookies", "this site uses cookies", "this website uses cookies", "accept all cookies",
		"accept cookies", "cookie settings", "manage cookies", "by continuing to use this site",
		"verwendet cookies", "wir verwenden cookies", "utilise des cookies", "nous utilisons des cookies",
		"utilizamos cookies", "este sitio utiliza cookies", "utilizziamo i cookie",
	},
	Related: {
		"related articles", "related stories", "related posts", "related content", "you may also like",
		"you might also like", "recommended for you", "more from this author", "trending now",
		"most read", "most popular", "lesen sie auch", "das könnte sie auch interessieren", "à lire aussi",
		"lire aussi", "vous aimerez aussi", "te puede interesar", "artículos relacionados", "leia também",
		"articoli correlati", "potrebbe interessarti",
	},
	Comments: {
		"leave a comment", "leave a reply", "post a comment", "add a comment", "join the conversation",
		"join the discussion", "comments are closed", "commenting forum", "be the first to comment",
		"show comments", "view comments", "your email address will not be published",
		"you must be logged in to post a comment", "kommentar schreiben", "laisser un commentaire",
		"deja un comentario", "deixe um comentário", "lascia un commento",
	},
}

// headingMarkers are markers that article prose uses too ("two of the most
// popular cameras"): they mark a block only as its heading, a line of at
// most headingWords words.
var headingMarkers = map[string]bool{
	"most read": true, "most popular": true, "trending now": true, "related content": true,
}

const headingWords = 6

// Leaks returns the marker phrases of every boilerplate class that a line
// of the output body holds and the truth body does not, one per class and
// marker. Comparing with the truth keeps an article about newsletters or
// cookies from counting as a leak.
func Leaks(truth, body string) []Leak {
	t := FoldSnippet(strings.ToLower(truth))
	seen := make(map[Leak]bool)
	var out []Leak
	for line := range strings.Lines(body) {
		l := FoldSnippet(strings.ToLower(line))
		for _, c := range leakClasses {
			for _, m := range leakMarkers[c] {
				k := Leak{Class: c, Marker: m}
				if seen[k] || !strings.Contains(l, m) || strings.Contains(t, m) {
					continue
				}
				if headingMarkers[m] && len(Tokens(l)) > headingWords {
					continue
				}
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
