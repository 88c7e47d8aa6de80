package figures

import "time"

// The tables below are read-only after package initialisation, so Extract
// can share them between goroutines without locking.

// qualifiers are the hedges that may precede a number. Longer phrases are
// tried first, so "just over" wins over "over".
var qualifiers = [][]string{
	{"as", "many", "as"}, {"as", "much", "as"}, {"as", "few", "as"},
	{"more", "than"}, {"fewer", "than"}, {"less", "than"}, {"at", "least"}, {"at", "most"},
	{"up", "to"}, {"just", "over"}, {"just", "under"}, {"close", "to"}, {"an", "estimated"},
	{"upwards", "of"}, {"in", "excess", "of"}, {"a", "few"}, {"nearly"}, {"almost"},
	{"about"}, {"around"}, {"roughly"}, {"approximately"}, {"some"}, {"over"}, {"several"},
	{"only"}, {"just"},
}

// smallNumbers are the number words below twenty, plus the tens.
var smallNumbers = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19,
}

var tensNumbers = map[string]float64{
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90,
}

// scaleWords multiply the number before them ("2.5 million"). Lakh and
// crore are the Indian scales, common in South Asian business copy.
var scaleWords = map[string]float64{
	"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"mln": 1e6, "mn": 1e6, "bln": 1e9, "bn": 1e9, "tn": 1e12, "trn": 1e12,
	"lakh": 1e5, "crore": 1e7,
}

// scaleSuffixes are scales written glued to the digits ("£20m", "1.2bn").
var scaleSuffixes = map[string]float64{
	"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12,
}

// vagueNumbers are plural scale words used as round counts ("hundreds of
// people"); the value is the lower bound.
var vagueNumbers = map[string]float64{
	"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1e3,
	"millions": 1e6, "billions": 1e9, "tens": 10,
}

// unitAbbrevs are measurement units that may follow or be glued to a
// number; they are kept as written, lowercased.
var unitAbbrevs = map[string]bool{
	"km": true, "kg": true, "mph": true, "kph": true, "mm": true, "cm": true, "ft": true,
	"lb": true, "lbs": true, "mw": true, "gw": true, "kw": true, "kwh": true, "mwh": true,
	"gwh": true, "gb": true, "tb": true, "mb": true, "hp": true, "mg": true, "ml": true,
	"sq": false, "km2": true, "ha": true, "mi": true, "oz": true,
}

// symbolCurrencies maps currency signs to ISO 4217 codes. "$" alone is
// taken as USD and "¥" as JPY, the usual readings in English-language copy.
var symbolCurrencies = map[string]string{
	"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "₽": "RUB",
	"₩": "KRW", "₺": "TRY", "₦": "NGN", "₱": "PHP", "₪": "ILS", "₴": "UAH",
}

// dollarPrefixes are the letters written before "$" for other dollars.
var dollarPrefixes = map[string]string{
	"us": "USD", "u.s": "USD", "a": "AUD", "au": "AUD", "c": "CAD", "ca": "CAD", "can": "CAD",
	"hk": "HKD", "nz": "NZD", "s": "SGD", "sg": "SGD", "r": "BRL", "mx": "MXN", "nt": "TWD",
}

// codeCurrencies are currency codes and abbreviations written as words
// before or after the amount ("CHF 10", "Rs 500", "20 EUR").
var codeCurrencies = map[string]string{
	"usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "rmb": "CNY",
	"inr": "INR", "chf": "CHF", "cad": "CAD", "aud": "AUD", "rub": "RUB", "hkd": "HKD",
	"sgd": "SGD", "nzd": "NZD", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "krw": "KRW",
	"brl": "BRL", "mxn": "MXN", "zar": "ZAR", "try": "TRY", "sar": "SAR", "aed": "AED",
	"pkr": "PKR", "ngn": "NGN", "egp": "EGP", "ils": "ILS", "uah": "UAH", "rs": "INR",
}

// currencyWords are currency names written after the amount. Ambiguous
// names (pounds, pesos, francs, won) are in ambiguousCurrencies instead.
var currencyWords = map[string]string{
	"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "yen": "JPY",
	"yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "rupee": "INR",
	"roubles": "RUB", "rubles": "RUB", "rouble": "RUB", "ruble": "RUB",
	"lira": "TRY", "liras": "TRY", "rand": "ZAR", "naira": "NGN", "shekels": "ILS",
	"riyals": "SAR", "dirhams": "AED", "hryvnias": "UAH", "hryvnia": "UAH",
	"sterling": "GBP",
}

// ambiguousCurrencies are only money after a scale word ("5 million
// pounds"); "lost 20 pounds" is a weight and "3 won" is a tally.
var ambiguousCurrencies = map[string]string{
	"pounds": "GBP", "won": "KRW", "pesos": "MXN", "francs": "CHF",
}

// currencyAdjectives select the dollar, peso or franc before the name.
var currencyAdjectives = map[string]map[string]string{
	"us":         {"dollars": "USD", "dollar": "USD"},
	"u.s":        {"dollars": "USD", "dollar": "USD"},
	"american":   {"dollars": "USD"},
	"australian": {"dollars": "AUD"},
	"canadian":   {"dollars": "CAD"},
	"singapore":  {"dollars": "SGD"},
	"taiwan":     {"dollars": "TWD"},
	"swiss":      {"francs": "CHF"},
	"mexican":    {"pesos": "MXN"},
	"philippine": {"pesos": "PHP"},
	"argentine":  {"pesos": "ARS"},
	"south":      {"won": "KRW"},
}

// months maps month names and their abbreviations to months. Whether the
// form was abbreviated matters: "Mar" or "Dec" alone is not taken as a date.
var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
	"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday,
	"saturday": time.Saturday,
}

// holidayWeekdays precede a weekday name in names of holidays and events
// ("Good Friday", "Super Tuesday"), which are not relative dates.
var holidayWeekdays = map[string]bool{
	"good": true, "black": true, "super": true, "bloody": true, "ash": true, "cyber": true,
	"easter": true, "palm": true, "holy": true, "maundy": true, "giving": true, "fat": true,
}

// monthPreps may introduce a bare month name ("in April"); without one,
// "March" and "May" are too often verbs or names.
var monthPreps = map[string]bool{
	"in": true, "since": true, "until": true, "till": true, "by": true, "from": true,
	"through": true, "during": true, "early": true, "late": true, "mid": true,
	"before": true, "after": true, "of": true, "last": true, "next": true, "this": true,
	"between": true, "and": true, "to": true,
}

// yearPreps make a bare four-digit number a year even when a plural noun
// follows ("in 2011 protesters took to the streets").
var yearPreps = map[string]bool{
	"in": true, "since": true, "until": true, "till": true, "by": true, "from": true,
	"through": true, "during": true, "before": true, "after": true, "of": true,
	"between": true, "and": true, "to": true, "the": true, "early": true, "late": true,
	"mid": true, "year": true, "spring": true, "summer": true, "autumn": true,
	"fall": true, "winter": true, "circa": true, "c": true, "season": true,
}

// earlyYearPreps introduce a year before 1900 ("in 1848", "since 1776").
var earlyYearPreps = map[string]bool{
	"in": true, "since": true, "until": true, "till": true, "circa": true, "c": true,
	"year": true, "during": true,
}

// eventNouns after a four-digit number make it the year of the event
// ("1988 protests", "2020 elections") rather than a count.
var eventNouns = map[string]bool{
	"protests": true, "elections": true, "olympics": true, "games": true, "riots": true,
	"floods": true, "attacks": true, "talks": true, "playoffs": true, "polls": true,
	"midterms": true, "primaries": true, "championships": true, "finals": true,
	"uprisings": true, "negotiations": true, "hearings": true, "awards": true, "models": true,
}

// futureMarkers in the same sentence make a bare weekday point forward
// ("will meet on Monday").
var futureMarkers = map[string]bool{
	"will": true, "shall": true, "scheduled": true, "expected": true, "due": true,
	"plans": true, "planned": true, "upcoming": true, "until": true, "tomorrow": true,
	"next": true, "won't": true, "won\u2019t": true,
}

// pastMarkers next to a date show the sentence reports the past.
var pastMarkers = map[string]bool{
	"said": true, "told": true, "announced": true, "was": true, "were": true, "had": true,
	"did": true, "reported": true, "died": true, "killed": true, "ago": true, "earlier": true,
}

// numberLabels precede numbers that name things rather than count them:
// "page 12", "Route 66", "Game 7", "No. 10".
var numberLabels = map[string]bool{
	"no": true, "nos": true, "number": true, "page": true, "pages": true, "p": true, "pp": true,
	"section": true, "chapter": true, "article": true, "route": true, "highway": true,
	"interstate": true, "room": true, "flight": true, "game": true, "week": true,
	"episode": true, "season": true, "vol": true, "volume": true, "rule": true,
	"paragraph": true, "clause": true, "level": true, "phase": true, "grade": true,
	"class": true, "category": true, "version": true, "model": true, "unit": true,
	"floor": true, "gate": true, "platform": true, "channel": true, "district": true,
	"ward": true, "zone": true, "precinct": true, "suite": true, "building": true,
	"block": true, "lot": true, "act": true, "verse": true, "resolution": true,
	"amendment": true, "title": true, "proposition": true, "prop": true, "measure": true,
	"item": true, "figure": true, "fig": true, "table": true, "step": true, "stage": true,
	"round": true, "top": true, "day": true, "ep": true, "series": true, "gen": true,
	"covid": true, "windows": true, "iphone": true, "ios": true, "android": true,
	"ps": true, "xbox": true, "apt": true, "box": true, "exit": true, "pier": true,
	"hole": true, "lane": true, "bus": true, "line": true, "squad": true, "jersey": true,
	"rank": true, "ranked": true, "seed": true, "seeded": true, "tier": true, "type": true,
}

// stopWords end the search for the noun a number counts: function words,
// auxiliaries and common reporting verbs never belong to the noun phrase.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "nor": true,
	"of": true, "in": true, "on": true, "at": true, "to": true, "for": true, "from": true,
	"with": true, "by": true, "as": true, "that": true, "which": true, "who": true,
	"whom": true, "whose": true, "was": true, "were": true, "is": true, "are": true,
	"be": true, "been": true, "being": true, "had": true, "have": true, "has": true,
	"will": true, "would": true, "could": true, "should": true, "may": true, "might": true,
	"can": true, "must": true, "did": true, "do": true, "does": true, "said": true,
	"says": true, "say": true, "more": true, "than": true, "per": true, "each": true,
	"this": true, "these": true, "those": true, "it": true, "its": true, "they": true,
	"their": true, "them": true, "there": true, "here": true, "when": true, "where": true,
	"while": true, "if": true, "not": true, "no": true, "so": true, "such": true,
	"between": true, "into": true, "after": true, "before": true, "since": true,
	"during": true, "ago": true, "later": true, "earlier": true, "also": true,
	"including": true, "among": true, "against": true, "across": true, "about": true,
	"over": true, "under": true, "up": true, "down": true, "out": true, "off": true,
	"we": true, "you": true, "he": true, "she": true, "i": true,
	"his": true, "her": true, "our": true, "your": true, "my": true, "us": true,
	"all": true, "both": true, "either": true, "neither": true, "other": true,
	"others": true, "some": true, "any": true, "many": true, "much": true, "most": true,
	"less": true, "fewer": true, "least": true, "just": true, "only": true, "even": true,
	"then": true, "now": true, "yet": true, "still": true, "already": true, "again": true,
	"because": true, "though": true, "although": true, "unless": true, "until": true,
	"via": true, "within": true, "without": true, "through": true, "toward": true,
	"towards": true, "upon": true, "onto": true, "percent": true,
	"cent": true, "times": true, "what": true, "how": true, "why": true, "whether": true,
	"always": true, "perhaps": true, "whereas": true, "thus": true, "hers": true,
	"ours": true, "theirs": true, "yours": true, "alone": true, "apiece": true,
	"ahead": true, "behind": true, "respectively": true, "plus": true,
	"minus": true, "versus": true, "vs": true, "nearly": true, "almost": true,
	"around": true, "roughly": true, "approximately": true,
}

// irregularPlurals are plural nouns that do not end in "s", and collective
// nouns that are counted the same way.
var irregularPlurals = map[string]bool{
	"people": true, "men": true, "women": true, "children": true, "police": true,
	"personnel": true, "staff": true, "cattle": true, "sheep": true, "fish": true,
	"deer": true, "feet": true, "teeth": true, "mice": true, "geese": true, "data": true,
	"media": true, "crew": true, "dead": true, "wounded": true, "injured": true,
	"livestock": true, "poultry": true, "infantry": true, "militia": true, "aircraft": true,
	"offspring": true, "faculty": true, "clergy": true, "youth": true, "elderly": true,
	"homeless": true, "missing": true,
}

// notPlural are words that end in "s" without being plural nouns.
var notPlural = map[string]bool{
	"was": true, "has": true, "is": true, "as": true, "its": true, "this": true,
	"his": true, "hers": true, "ours": true, "yours": true, "theirs": true, "us": true,
	"less": true, "unless": true, "across": true, "always": true, "perhaps": true,
	"whereas": true, "thus": true, "yes": true, "does": true, "goes": true, "says": true,
	"news": true, "series": true, "species": true, "plus": true, "minus": true,
	"versus": true, "besides": true, "towards": true, "afterwards": true, "sometimes": true,
	"nevertheless": true, "regardless": true, "times": true, "whilst": true,
}
