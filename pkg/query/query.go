// Package query is wirewatch's search language: one parser, one tree
// (Node) and one text analysis (Analyze) that the embedded store renders
// to FTS5 and SQL, the Elasticsearch store to query DSL, and the alert
// matcher evaluates in process, so that a query means the same in
// search, in an alert and over either store. It also defines the hits,
// facets and timelines every store returns.
//
// # The language
//
//	(withdraw* OR pullout OR "pull out") AND (troops OR forces) NOT "cash withdrawal"
//	person:Lavrov place:(Libya OR Syria) site:apnews.com since:now-7d
//	"foreign fighters"~3 figure:money>1000000 -section:sport
//
// Words, "phrases" and filters written one after another must all match;
// AND, OR and NOT (upper case; lower-case and, or, not are words) and
// parentheses combine them, NOT binding tightest and OR loosest. -x is
// NOT x. Filters of one field written one after another without AND
// match any of their values (person:Lavrov person:Biden finds either),
// as field:(a OR b) does.
//
//   - word: the word's stem occurs in the title or the body. A word of
//     several parts (covid-19, U.S.) is a phrase of them.
//   - "a phrase": its words occur in order, one after another, in the
//     title or in the body (not across them).
//   - "a b"~N: the words occur in any order with at most N other words
//     between the first and the last.
//   - pre*: a word of the title or body starting with pre (folded, not
//     stemmed: universit* finds "university"); at least 3 letters.
//   - person:, place:, org: a tagged name holding the value as whole
//     words, case and accents folded (person:Lavrov finds "Sergey
//     Lavrov", person:ozil "Mesut Özil"). site: the host or a subdomain
//     of it.
//   - lang:, story: the language code or story id, any case. section:,
//     author: whole words of the section or of an author's name.
//   - title: free text (words, phrases, prefixes, proximity) in the title.
//   - since:, until: the article's date (published, else fetched) is on
//     or after, on or before: a day (2024-05-31, the whole day), an RFC
//     3339 time, today, now, now-7d or now-12h (units m, h, d, w). A
//     relative date is resolved when the query runs, so a saved search
//     with since:now-1d keeps meaning "the last day". Several bounds all
//     apply.
//   - figure:KIND, figure:KINDopN: an extracted figure of that kind
//     (money, percent, quantity, year, date) whose value compares with
//     N (>, >=, <, <=, =): figure:money>1000000.
//   - event:withdrawal, event:new-withdrawal (an event that is news in
//     the article), event.kind:, event.status:, event.actor: the
//     withdrawal events the extractor tagged. Event filters ANDed
//     together hold for one and the same event (event.kind:military
//     event.actor:Russia is a military withdrawal by Russia); a negated
//     one means the article has no such event. See events.go.
//
// A word or phrase without letters or digits ("&", "—") has nothing to
// search for and is left out, so that Johnson & Johnson finds Johnson.
// Everything else the parser cannot read is an *Error naming the problem
// and its column: an unbalanced parenthesis, a dangling operator, an
// empty field value, an unknown field, a too-short prefix.
//
// # Bounded cost
//
// A query is at most MaxLength bytes with at most MaxLeaves words,
// phrases and filters once repeated ones are folded (a word written 400
// times is one word), nested at most MaxDepth deep; the stores also run
// each query under a deadline.
//
// # Text analysis
//
// Analyze is the one analysis of free text. Words are runs of Unicode
// letters and digits (with the marks attached to them); they are
// lowercased, Latin, Greek and Cyrillic accents are removed ("Café" is
// "cafe"), and words of the letters a to z are stemmed with the Snowball
// English (Porter2) stemmer (github.com/kljensen/snowball), a maintained
// implementation of the stemmer both Lucene and SQLite's porter
// tokenizer descend from. Text is analysed in Go once, when an article
// is stored, and the stores index the analysed terms in fields of their
// own (FTS5 over space-separated terms; Elasticsearch fields with the
// whitespace analyzer), so both stores and the matcher compare the same
// terms by construction, on any Elasticsearch distribution (the
// stemming token filters are not in every one). Words of other scripts
// are folded but not stemmed, and a script written without spaces
// (Chinese, Japanese, Thai) is one word per run of letters.
package query
