package clean

import (
	"encoding/json"
	"html"
	"strings"
)

// ldInfo is what the JSON-LD of a page says about its article.
type ldInfo struct {
	found       bool // an article-like object was found
	types       []string
	headline    string
	authors     []string // people
	orgAuthors  []string // organisations named as author
	published   string
	modified    string
	language    string
	section     string
	description string
	image       string
	publisher   string
	body        string
	url         string
	free        *bool // isAccessibleForFree
	pageTypes   []string
	pageName    string
	pageDate    string
	siteName    string
	itemList    bool // an object of type ItemList was found
	// howTo is the page's first HowTo or Recipe object: its steps are
	// read only when the page's markup yields no text (fallbackHowTo).
	howTo map[string]any
}

// articleTypes are the schema.org types that describe one article.
var articleTypes = map[string]bool{
	"article": true, "newsarticle": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "reviewnewsarticle": true,
	"backgroundnewsarticle": true, "askpublicnewsarticle": true, "blogposting": true,
	"liveblogposting": true, "scholarlyarticle": true, "techarticle": true,
	"socialmediaposting": true, "report": true, "satiricalarticle": true,
	"advertisercontentarticle": true, "medicalscholarlyarticle": true, "posting": true,
	"videoobject": false,
}

// webPageSubtypes are schema.org's kinds of WebPage whose names do not
// contain "webpage": a collection or search page declares what the page
// is just as a WebPage does.
var webPageSubtypes = []string{"collectionpage", "searchresultspage", "itempage", "profilepage", "aboutpage",
	"contactpage", "faqpage", "qapage", "checkoutpage", "realestatelisting"}

// isWebPageType reports whether the lower-cased, space-joined types of a
// JSON-LD object name a WebPage or one of its subtypes.
func isWebPageType(low string) bool {
	if strings.Contains(low, "webpage") {
		return true
	}
	for _, t := range webPageSubtypes {
		if strings.Contains(low, t) {
			return true
		}
	}
	return false
}

// parseJSONLD reads the JSON-LD scripts of a page. Invalid JSON is
// repaired where a common publishing mistake explains it (raw control
// characters inside strings) and skipped otherwise.
func parseJSONLD(scripts []string) ldInfo {
	var objs []map[string]any
	for _, s := range scripts {
		v, ok := decodeLenient(s)
		if !ok {
			continue
		}
		collectObjects(v, &objs, 0)
	}
	byID := make(map[string]map[string]any)
	for _, o := range objs {
		if id, ok := o["@id"].(string); ok && id != "" {
			if _, dup := byID[id]; !dup || len(o) > len(byID[id]) {
				byID[id] = o
			}
		}
	}
	var info ldInfo
	var best map[string]any
	bestScore := -1
	for _, o := range objs {
		types := typesOf(o)
		isArt := false
		for _, t := range types {
			if articleTypes[strings.ToLower(t)] {
				isArt = true
			}
		}
		if !isArt {
			low := strings.ToLower(strings.Join(types, " "))
			if strings.Contains(low, "itemlist") {
				info.itemList = true
			}
			if info.howTo == nil && (strings.Contains(low, "howto") || strings.Contains(low, "recipe")) {
				info.howTo = o
			}
			if isWebPageType(low) && info.pageTypes == nil {
				info.pageTypes = types
				info.pageName = ldString(o["name"])
				info.pageDate = ldString(o["datePublished"])
			}
			if strings.Contains(low, "website") && info.siteName == "" {
				info.siteName = ldString(o["name"])
			}
			continue
		}
		score := 0
		for _, k := range []string{"headline", "author", "datePublished", "articleBody", "image", "publisher"} {
			if _, ok := o[k]; ok {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = o, score
		}
	}
	if best == nil {
		return info
	}
	info.found = true
	info.types = typesOf(best)
	info.headline = ldString(best["headline"])
	if info.headline == "" {
		info.headline = ldString(best["name"])
	}
	info.authors, info.orgAuthors = ldAuthors(best["author"], byID)
	if len(info.authors) == 0 && len(info.orgAuthors) == 0 {
		info.authors, info.orgAuthors = ldAuthors(best["creator"], byID)
	}
	info.published = ldString(best["datePublished"])
	if info.published == "" {
		info.published = ldString(best["dateCreated"])
	}
	info.modified = ldString(best["dateModified"])
	info.language = ldString(best["inLanguage"])
	info.section = ldString(best["articleSection"])
	info.description = ldString(best["description"])
	info.image = ldImage(best["image"], byID)
	if info.image == "" {
		info.image = ldImage(best["thumbnailUrl"], byID)
	}
	info.publisher = ldName(resolveRef(best["publisher"], byID))
	info.body = ldString(best["articleBody"])
	info.url = ldString(best["url"])
	if info.url == "" {
		if m, ok := resolveRef(best["mainEntityOfPage"], byID).(map[string]any); ok {
			info.url = ldString(m["@id"])
		} else {
			info.url = ldString(best["mainEntityOfPage"])
		}
	}
	info.free = ldBool(best["isAccessibleForFree"])
	if info.free == nil || *info.free {
		// A paywalled part is also declared with hasPart.
		for _, p := range ldList(best["hasPart"]) {
			if m, ok := p.(map[string]any); ok {
				if f := ldBool(m["isAccessibleForFree"]); f != nil && !*f {
					info.free = f
				}
			}
		}
	}
	return info
}

func decodeLenient(s string) (any, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<!--")
	s = strings.TrimSuffix(s, "-->")
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "//<![CDATA["))
	s = strings.TrimSpace(strings.TrimSuffix(s, "//]]>"))
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		return v, true
	}
	// Raw newlines and tabs inside strings are the usual breakage.
	fixed := strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, s)
	if err := json.Unmarshal([]byte(fixed), &v); err == nil {
		return v, true
	}
	return nil, false
}

func collectObjects(v any, out *[]map[string]any, depth int) {
	if depth > 8 || len(*out) > 500 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectObjects(e, out, depth+1)
		}
	case map[string]any:
		*out = append(*out, x)
		if g, ok := x["@graph"]; ok {
			collectObjects(g, out, depth+1)
		}
		if m, ok := x["mainEntity"]; ok {
			collectObjects(m, out, depth+1)
		}
		if m, ok := x["itemListElement"]; ok && depth < 2 {
			_ = m // lists of other pages' articles describe a hub, not this page
		}
	}
}

func typesOf(o map[string]any) []string {
	switch t := o["@type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func ldList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// ldString returns a string value, the first string of a list, or the
// "@value"/"name" of an object.
func ldString(v any) string {
	switch x := v.(type) {
	case string:
		if strings.IndexByte(x, '&') >= 0 {
			// Many CMSs put HTML-escaped text into JSON-LD.
			x = html.UnescapeString(x)
		}
		return normSpace(x)
	case float64:
		return ""
	case []any:
		for _, e := range x {
			if s := ldString(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if s := ldString(x["@value"]); s != "" {
			return s
		}
		return ldString(x["name"])
	}
	return ""
}

func ldBool(v any) *bool {
	var b bool
	switch x := v.(type) {
	case bool:
		b = x
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "yes", "1":
			b = true
		case "false", "no", "0":
			b = false
		default:
			return nil
		}
	default:
		return nil
	}
	return &b
}

func resolveRef(v any, byID map[string]map[string]any) any {
	if m, ok := v.(map[string]any); ok {
		if id, ok := m["@id"].(string); ok && len(m) <= 2 {
			if full, ok := byID[id]; ok {
				return full
			}
		}
	}
	return v
}

func ldName(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return ldString(x["name"])
	case []any:
		for _, e := range x {
			if s := ldName(e); s != "" {
				return s
			}
		}
	case string:
		return normSpace(x)
	}
	return ""
}

func ldImage(v any, byID map[string]map[string]any) string {
	switch x := resolveRef(v, byID).(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		for _, e := range x {
			if s := ldImage(e, byID); s != "" {
				return s
			}
		}
	case map[string]any:
		if s := ldString(x["url"]); s != "" {
			return s
		}
		return ldString(x["contentUrl"])
	}
	return ""
}

// ldAuthors splits the author value into people and organisations.
func ldAuthors(v any, byID map[string]map[string]any) (people, orgs []string) {
	for _, e := range ldList(v) {
		e = resolveRef(e, byID)
		switch x := e.(type) {
		case string:
			people = append(people, splitNames(x)...)
		case map[string]any:
			name := ldString(x["name"])
			if name == "" {
				gn, fn := ldString(x["givenName"]), ldString(x["familyName"])
				name = strings.TrimSpace(gn + " " + fn)
			}
			if name == "" {
				continue
			}
			isOrg := false
			for _, t := range typesOf(x) {
				switch strings.ToLower(t) {
				case "organization", "newsmediaorganization", "corporation":
					isOrg = true
				}
			}
			if isOrg {
				orgs = append(orgs, name)
			} else {
				people = append(people, splitNames(name)...)
			}
		}
	}
	return people, orgs
}
