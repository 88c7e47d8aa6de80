package events

// Class is a set of word classes, as bit flags: a lexicon sorts the words
// that matter around a trigger into these classes, and the detector's rules
// speak only of classes, never of words, so that a language is added by
// writing a lexicon, not code.
type Class uint32

// Word classes. The first seven name event kinds; the rest mark contexts
// that change or cancel a trigger's meaning.
const (
	Military Class = 1 << iota
	Diplomatic
	Agreement
	Political
	Business
	Sports
	// Money marks banking senses: "cash withdrawal", "withdraw funds".
	Money
	// Medical marks "withdrawal symptoms", "opioid withdrawal".
	Medical
	// Squad marks a team's line-up, which players leave without withdrawing
	// from any event: "pulled out of the squad".
	Squad
	// Vote marks elections on an office holder: "recall vote".
	Vote
	// Product marks goods that are recalled: "recalled 20,000 cars".
	Product
	// Figurative marks objects of physical or figurative uses: "pull out
	// all the stops", "pulled out his phone", "markets retreat".
	Figurative
	// Race marks contests that are political or sporting by context.
	Race
	// Market marks prices and indexes, which "retreat" and "pull back".
	Market
	// Career marks what people resign or retire from.
	Career
)

// kindClasses lists the classes that name kinds, in the order ties are
// broken.
var kindClasses = []struct {
	c    Class
	name string
}{
	{Military, "military"}, {Diplomatic, "diplomatic"}, {Agreement, "agreement"},
	{Political, "political"}, {Business, "business"}, {Sports, "sports"},
}

// Family groups the forms of one trigger; the detector's rules are per
// family, since each has its own senses to tell apart.
type Family int

// Trigger families.
const (
	// FamWithdraw: withdraw, withdrawal. Fires unless a Money, Medical or
	// Squad word is close, or the word is an adjective ("became withdrawn").
	FamWithdraw Family = iota + 1
	// FamPullOut: pull ... out, pull-out, pullout; pull back, pullback.
	// Needs its particle, and "out of" or a withdrawable object.
	FamPullOut
	// FamRecall: recall. Fires for ambassadors and goods, never for the
	// memory sense or a recall vote.
	FamRecall
	// FamRetreat: retreat, drawdown, disengage. Military only.
	FamRetreat
	// FamEvacuate: evacuate. Only embassies, diplomats and troops.
	FamEvacuate
	// FamExit: exit, quit, leave, drop out, bow out, walk out/away. Needs an
	// organisation, agreement, market or race as its object.
	FamExit
	// FamEnd: verbs of ending and abandoning (end, abandon, scrap,
	// terminate, suspend, drop) whose object's head is a thing one
	// withdraws from or withdraws: "ended his campaign", "terminated the
	// pact", "abandoned its bid"; a mission, deployment or presence only
	// when it is military.
	FamEnd
	// FamHome: verbs that send people back (bring, call, send, fly, order)
	// with forces or diplomats as their object and "home" or "out of" after
	// it: "bring its soldiers home", "flown its embassy staff out of Haiti".
	FamHome
	// FamMove: forces that move out of or back from a place, or return to
	// their bases: "its fighters would move out of the checkpoints".
	FamMove
	// FamReduce: verbs of reducing (reduce, cut, lower, halve) whose
	// object is forces, their number or a military presence: a partial
	// withdrawal ("will reduce the number of troops in Iraq").
	FamReduce
	// FamRecognition: recognition of a state withdrawn without the word
	// "withdraw": "stopped recognising Taiwan", "switch recognition from
	// Taiwan to China".
	FamRecognition
	// FamClose: a business ending its activity in a named place without
	// the word "exit": closing its bureau, offices or stores there ("closes
	// its English-language bureau in China"), or stopping flying or
	// operating there ("will stop flying to Bangkok"); and a state closing
	// its embassy there ("closes its embassy in Damascus"), which
	// withdraws its diplomats.
	FamClose
)

// Form is the grammatical form of a trigger word, which sets its default
// status.
type Form int

// Trigger forms.
const (
	Base        Form = iota // withdraw, withdraws
	Past                    // withdrew
	Participle              // withdrawn: past, or passive
	Progressive             // withdrawing
	Noun                    // withdrawal, pullout
)

// Trigger is one word form of a trigger.
type Trigger struct {
	Family Family
	Form   Form
	// Particle is a word that must follow within a few tokens for the
	// trigger to count ("out" for "pulled"), "" for none.
	Particle string
	// Alt is a second particle accepted in place of Particle ("back").
	Alt string
}

// CueKind is what a status cue says about the event it governs.
type CueKind int

// Status cues.
const (
	CueAnnounce   CueKind = iota + 1 // will, plans, announced
	CueDemand                        // called on, urged
	CueSupport                       // backs, welcomed
	CueRefuse                        // refused, ruled out, not
	CueHypo                          // if, could, considering
	CueBackground                    // after, although, since: a clause of background
	CuePast                          // years ago, formerly: long past
	CueUnderway                      // began, has, completed
)

// WordSet names a set of words that a rule consults; each language's
// lexicon fills every set.
type WordSet int

// Word sets.
const (
	// SetMemory: words after "recall" that may mark remembering ("recalled
	// his"), unless a recalled thing follows.
	SetMemory WordSet = iota
	// SetStrongMemory: words after "recall" that can only mark remembering
	// ("recalled how").
	SetStrongMemory
	// SetNounModifiers: words before "recall" or "exit" that make it a noun
	// ("a voluntary recall", "the disruptive exit").
	SetNounModifiers
	// SetExitBlocked: words after "exit" that make it no withdrawal ("exit
	// polls").
	SetExitBlocked
	// SetDropBlocked: what people drop out of without withdrawing from any
	// event the guideline counts ("school").
	SetDropBlocked
	// SetCompoundBlocked: nouns that a trigger noun modifies when it names a
	// procedure rather than an event ("withdrawal letter").
	SetCompoundBlocked
	// SetExitObjects: what a party quits or leaves that counts although the
	// words name no agreement ("the government", of a coalition partner).
	SetExitObjects
	// SetPersonalPossessive: possessives of people, not of companies
	// ("their businesses" are sold by owners).
	SetPersonalPossessive
	// SetSkippable: words between a subject and its verb: auxiliaries,
	// modals, adverbs and the verbs of deciding that take "to".
	SetSkippable
	// SetIntentNouns: nouns and adjectives between a subject and an
	// infinitive trigger ("its intention to withdraw", "permitted to").
	SetIntentNouns
	// SetSayVerbs: verbs of saying between a subject and a trigger ("says it
	// will withdraw").
	SetSayVerbs
	// SetWeakDemand: demand cues that count only with "to" or "for" before
	// the trigger ("pressure on Syria to withdraw").
	SetWeakDemand
	// SetFutureAux: words before "be" and a participle that make a passive
	// plan ("will be pulled out").
	SetFutureAux
	// SetOrderVerbs: verbs that announce a withdrawal whatever the trigger's
	// form ("ordered Spanish troops pulled out").
	SetOrderVerbs
	// SetPastVerbs: verbs after a noun trigger that report it done ("the
	// withdrawal was too late").
	SetPastVerbs
	// SetPresentVerbs: verbs after a noun trigger that speak of it as a plan
	// ("the drawdown is not as swift as expected").
	SetPresentVerbs
	// SetSupportNouns: things withdrawn that make the kind "other" whatever
	// they concern ("its support for the occupation").
	SetSupportNouns
	// SetPlannedNoun: words before a noun trigger that make it a plan, which
	// a background clause cannot date ("after its planned exit").
	SetPlannedNoun
	// SetAdjacentHypo: hypothetical cues that count only right before the
	// trigger ("nearly pulled out", not "almost all troops have left").
	SetAdjacentHypo
	// SetPerfectAux: the auxiliary of the past perfect ("had"), which sets
	// an event before the news.
	SetPerfectAux
	// SetPerfectAdverbs: adverbs between that auxiliary and the verb ("had
	// already withdrawn").
	SetPerfectAdverbs
	// SetEndObjects: heads of what a FamEnd verb ends that make it a
	// withdrawal ("campaign", "bid", "pact", "membership").
	SetEndObjects
	// SetPresenceNouns: heads that make a FamEnd verb a withdrawal only
	// with a military word near ("its military mission").
	SetPresenceNouns
	// SetPlaceNouns: places that forces leave ("left dozens of villages").
	SetPlaceNouns
	// SetLeaveKinds: words before "leave" that make it time off work
	// ("military leave", "sick leave").
	SetLeaveKinds
	// SetAskVerbs: verbs that ask another party to do something ("asked
	// the diplomat to leave"), like the order verbs.
	SetAskVerbs
	// SetEvacuationBlocked: nouns after "evacuation" that make it an order
	// or a route for civilians, not a withdrawal ("evacuation orders in
	// settlements", "an evacuation corridor").
	SetEvacuationBlocked
	// SetSuspendVerbs: the FamEnd verbs of suspending, which end a campaign
	// or a bid but only pause an agreement ("suspends its agreements").
	SetSuspendVerbs
	// SetSuspendObjects: what a suspending verb ends for good ("suspends
	// her campaign").
	SetSuspendObjects
	// SetExpulsion: words of an expulsion, which makes an order to leave no
	// withdrawal ("declares them personae non gratae and orders them to
	// leave").
	SetExpulsion
	// SetPastForms: irregular past-tense verbs; with these and the forms in
	// -ed they tell a main clause in the past from a present-tense news
	// summary ("took", "said").
	SetPastForms
	// SetAttributivePrep: prepositions before a participle trigger that
	// make it an adjective of a noun ("linked to recalled products").
	SetAttributivePrep
	// SetIssueVerbs: verbs whose object "a recall" is a product recall
	// whatever is recalled ("issues a recall for 330,000 mini-fridges").
	SetIssueVerbs
	// SetPartyNouns: heads of a named group that a member leaves for good
	// ("the People Power Party", "the Freedom Caucus").
	SetPartyNouns
	// SetCountNouns: heads of an object that count what follows them ("the
	// number of troops", "troop levels"), so that a reducing verb reduces
	// what they count.
	SetCountNouns
	// SetSellVerbs: verbs of selling up, which make whoever leaves a
	// country a business ("leave Russia and sell its restaurants").
	SetSellVerbs
	// SetFirmPresence: what a company ends, or winds down, in a country
	// when it leaves it ("its business there", "its operations in
	// Africa").
	SetFirmPresence
	// SetOrgPossessive: the possessives of an organisation ("its",
	// "their"), as opposed to a person's.
	SetOrgPossessive
	// SetStopVerbs: verbs of stopping before a gerund ("stopped
	// recognising Taiwan").
	SetStopVerbs
	// SetSwitchVerbs: verbs of switching what one recognises ("switch
	// recognition from Taiwan to China").
	SetSwitchVerbs
	// SetStateVerbs: verbs of stating a position ("you state", "you
	// promised"), after which the position is the addressee's, not news.
	SetStateVerbs
	// SetTimePreps: prepositions before "the end of" that make it a time
	// ("at the end of his campaign"), besides the boundary words.
	SetTimePreps
	// SetTimeNouns: what "last" dates by ("last week", "last year"), as
	// opposed to "the last remaining units".
	SetTimeNouns
	// SetNotWithdrawn: heads of what is withdrawn, or withdrawn from, that
	// the guideline does not count: topics ("withdraw from the issue"),
	// publications and advertisements, which are retracted ("withdrew 920
	// photographs", "withdraws an advertisement"), and steps of a court
	// case ("withdraws its case", "its extradition request", "her
	// lawsuit", "withdraws from litigation").
	SetNotWithdrawn
	// SetResultStates: words that make "leave" a verb of result, not of
	// departure ("leaves 19 dead", "left thousands homeless").
	SetResultStates
	// SetPlanInfinitive: nouns and participles before "to" and a trigger
	// that make it a plan or a permission, not yet done ("their
	// intentions to leave", "permitted to leave").
	SetPlanInfinitive
	// SetOffices: governments and their heads, whose support a party
	// withdraws ("support for prime minister Bolojan"): political.
	SetOffices
	// SetAdviseVerbs: verbs that tell someone else to do something ("warns
	// Americans to leave"), whose subject is not the one who leaves.
	SetAdviseVerbs
	// SetPoliticalBackers: who withdraws support from a government
	// ("coalition partner Five Star withdraws its support").
	SetPoliticalBackers
	// SetEffortNouns: nouns of an effort already under way that a
	// withdrawal completes ("in the process of leaving", "efforts to
	// complete the withdrawal"): the withdrawal they serve was decided
	// before, so it is background.
	SetEffortNouns
	// SetEffortStarts: verbs that start such an effort, which is then the
	// news ("has initiated a process to withdraw").
	SetEffortStarts
	// SetAimNouns: the effort nouns that aim at a withdrawal not yet
	// reached ("efforts to complete the withdrawal"), unlike a process,
	// which is under way: the withdrawal they serve is a plan, announced.
	SetAimNouns
	// SetRecentPast: past cues that date an event shortly before the news
	// ("had earlier withdrawn"): background, but not history.
	SetRecentPast
	// SetModalAux: the auxiliaries of a plan that may govern a verb from
	// beyond a parenthetical or a coordination ("would, for the second
	// time, exit"; "will sell its plant and end its business").
	SetModalAux
	// SetSecondPerson: the pronouns of the reader addressed ("once you
	// announce your intention to exit"): advice or a definition, about no
	// one who withdraws.
	SetSecondPerson
	// SetIndefinite: the articles of a noun spoken of in general ("a
	// product recall is a request").
	SetIndefinite
	// SetHappenWords: words after "the withdrawal was", "will" or "had"
	// that tell the withdrawal happening, planned or announced ("was
	// completed", "will begin", "was announced"), not a comment on it.
	SetHappenWords
	// SetRelatives: relative pronouns, which open a clause between commas,
	// not an apposition ("Jordan, which expelled ..., asked").
	SetRelatives
	// SetMemberNouns: members of a party, a parliament or a league, who
	// leave the body they belong to ("deputies leave the party").
	SetMemberNouns
	// SetOutlets: what a business closes in a place it leaves (FamClose):
	// its bureau, offices, stores, branches, operations; not its plants,
	// whose closing leaves no market. A state's embassies and consulates
	// too: their diplomatic class makes the kind diplomatic.
	SetOutlets
	// SetServeVerbs: the FamClose participles a business stops in a place
	// ("stop flying to Bangkok", "ceased operating in Russia").
	SetServeVerbs
	// SetTemporary: words that make a closing a pause, not a departure
	// ("temporarily closes its stores").
	SetTemporary
	// SetTopicPreps: prepositions that make a noun phrase the topic of what
	// comes before them ("hearings into the withdrawal").
	SetTopicPreps
	// SetScrutiny: words of inquiry, judgement and blame whose topic is a
	// thing already known ("hearings", "advice", "blames ... on", "his
	// handling of", "defends").
	SetScrutiny
	// SetCareerHeads: head nouns of what is left by resigning or retiring
	// that name a career only as the head ("withdrew from public life",
	// "his withdrawal from power", not "the power plant").
	SetCareerHeads
	// SetStaffNouns: an organisation's own people who are ordered or advised
	// to leave a place ("non-essential staff", "government employees").
	SetStaffNouns
	// SetTimeLimitNouns: the time limit or schedule of a plan ("the deadline
	// for US forces to withdraw", "no timeline for the withdrawal").
	SetTimeLimitNouns
	// SetLimitSetters: verbs that set a time limit in the sentence, which is
	// then news ("sets a deadline for", "agree on a timetable for").
	SetLimitSetters
	// SetGrantedThings: what one party grants another and can take back
	// ("withdraws Russia's hosting rights", "its observer status", "the
	// prime minister's invitation", "landing permission"): taking it back
	// is a sanction on the other, as an expulsion is, not a withdrawal of
	// one's own.
	SetGrantedThings
	// SetConditionals: words that open a condition after the trigger ("will
	// quit the agreement if its flaws can't be fixed"): the withdrawal is
	// hypothetical.
	SetConditionals
	// SetConcessives: words before a conditional that make it concessive
	// ("even if no agreement is reached"): the plan holds either way.
	SetConcessives
	// SetGiveVerbs: verbs that grant another party a time to act ("gives
	// Turkey 48 hours to withdraw"): an ultimatum, a demand.
	SetGiveVerbs
	// SetTimeUnits: the units of an ultimatum's time ("48 hours", "seven
	// days").
	SetTimeUnits
	// SetGerundPreps: prepositions whose gerund names a withdrawal without
	// telling it ("the cost of leaving the EU", "opposition to leaving",
	// "an agreement on withdrawing troops"); not "in", which tells the act
	// ("succeeded in withdrawing"), nor the background words "after" and
	// "since", which have rules of their own.
	SetGerundPreps
	// SetDoneEndNouns: the FamEnd nouns that, announced, tell the end as
	// done ("announced the end of his campaign"); the others tell a step
	// under way ("announces the termination of all agreements").
	SetDoneEndNouns
	// SetSubjectVerbs: verbs whose subject a pronoun after them refers to
	// ("Israel said it would withdraw", "Qatar announces that it is
	// withdrawing"), and which govern a withdrawal noun whose actor is their
	// subject ("Colombia announces its withdrawal").
	SetSubjectVerbs
	// SetHearsay: participles that put the subject before a "to"
	// ("Edwards is reported to be withdrawing").
	SetHearsay
	// SetToVerbs: verbs that take the trigger as an infinitive, between
	// the subject and "to" ("leaders agree to withdraw", "lawmakers vote
	// to withdraw").
	SetToVerbs
	// SetPartitives: words that take a part of what follows "of" ("all
	// of its staff", "half of its troops"), so that the part and the whole
	// are one thing withdrawn.
	SetPartitives
	// SetClauseOpeners: conjunctions that open a clause, before which a
	// passive's subject does not reach ("troops left after the bill was
	// withdrawn").
	SetClauseOpeners
	// SetOrdinals: words after "the" that make a noun phrase a description
	// of the subject ("Canada becomes the first country to withdraw").
	SetOrdinals
	// SetBodyHeads: last words of a named body that members leave for good
	// and that no other word class names ("the Pacific Islands Forum", "the
	// Big 12 Conference").
	SetBodyHeads
	// SetCourtHeads: last words of a named body that states leave only when
	// it is above them ("the International Criminal Court"); a judge who
	// leaves "the Supreme Court" retires.
	SetCourtHeads
	// SetSupranational: first words of the name of a body above states
	// ("International", "European").
	SetSupranational
	// SetCollegeWords: words that make a conference left an athletic one,
	// so the withdrawal is a sport's ("Boise State University will leave
	// the Western Athletic Conference").
	SetCollegeWords
	// SetQuantifiers: words before a number that make it an amount of
	// things ("recalls more than 570,000 minivans", "approximately 50,000
	// sedans"), which is what a product recall counts.
	SetQuantifiers
	// SetIntransitiveNext: words after a verb that show it has no object
	// ("rebels begin to evacuate after agreeing", "start evacuating from
	// Douma").
	SetIntransitiveNext
	// SetCrowdWords: words for many people, which a verb "force" takes as
	// its object ("forces thousands to evacuate").
	SetCrowdWords
	// SetRequestVerbs: verbs that ask another party for a step in a
	// "that" clause ("requests that Cuba recall its ambassador").
	SetRequestVerbs
	// SetPersonalSubjects: pronouns of people as a subject, who remember
	// what they "recall" unless it is diplomats or forces.
	SetPersonalSubjects
	// SetRejectVerbs: verbs that turn down a demand put before them as a
	// noun ("rejects the United States' calls to withdraw", "defying
	// calls to cancel the deal"): the withdrawal is refused.
	SetRejectVerbs
	// SetDemandNouns: demands as nouns, which a verb of rejecting may
	// take as its object.
	SetDemandNouns
	// SetGapUnits: units of a time that separates the news from an
	// earlier cause ("107 days after it left", "four years after Russia
	// withdrew"); hours stay within the day's news.
	SetGapUnits
	// SetFollowVerbs: verbs that set the news after an earlier event
	// ("the decision comes after Fiji closed its embassy").
	SetFollowVerbs
	// SetBackReferences: general nouns for a party that, after "the" and in
	// the possessive, refer back to one named before ("Japan resumes
	// whaling following the country's withdrawal", "profits fall
	// following the company's exit").
	SetBackReferences
	// SetRegulators: the heads of authorities that order a product
	// recall of another's goods ("the Ministry of Health issues a recall
	// of products from RCL Foods"): the recall is demanded of the maker.
	SetRegulators
	// SetCitizens: people told to leave a country who are its visitors or
	// a state's citizens abroad, not its forces or staff ("urges its
	// citizens to leave Ukraine"): no withdrawal.
	SetCitizens
	// SetCombatWords: words before "campaign" that make it one of
	// fighting, not a race ("its bombing campaign", "their military
	// campaign"): ending one is no withdrawal.
	SetCombatWords
	// SetCivilBases: words before "base" that make it a firm's or a
	// following's, not a military one ("its legal base", "the customer
	// base").
	SetCivilBases
	// SetJourneyWords: words after a diplomat's leaving that make it a
	// journey ("left Kyiv for talks in Washington").
	SetJourneyWords
	// SetPersonRoles: the posts of people, whose "departure" is a person
	// leaving a post, not a withdrawal ("the departure of the company's
	// chief executive"); spokesmen are a Career class already.
	SetPersonRoles
	// SetHeldPlaces: what forces hold and abandon when they pull back
	// ("abandoned their positions").
	SetHeldPlaces
	// SetTransport: vehicles and timetables whose "departure" is a
	// journey's start, not a withdrawal.
	SetTransport
	// SetEndorseWords: words by which a candidate who drops out backs a
	// named rival ("drops out in an effort to boost Emmanuel Macron").
	SetEndorseWords
	// SetBanVerbs: verbs that keep someone "from leaving": a ban, not a
	// withdrawal.
	SetBanVerbs
	numSets
)

// Lexicon is everything language-specific the detector knows. Keys are
// lowercased words; phrase keys are words joined by single spaces.
type Lexicon struct {
	// Lang is the BCP 47 primary language tag, e.g. "en".
	Lang string
	// Triggers maps word forms to triggers.
	Triggers map[string]Trigger
	// Constructions maps word forms to triggers that count only in a
	// construction (FamEnd, FamHome); they are tried when the word's
	// entry in Triggers, if any, does not fire ("dropped out" is FamExit,
	// "dropped his bid" FamEnd).
	Constructions map[string][]Trigger
	// Classes maps the words around triggers to their classes.
	Classes map[string]Class
	// Acronyms are the entries of Classes that count only when written in
	// capitals, because in lower case they are common words: "WHO" is the
	// World Health Organization, "who" a pronoun.
	Acronyms map[string]bool
	// Cues maps status cues of one to three words to what they say.
	Cues map[string]CueKind
	// From lists the words that introduce the place or thing withdrawn
	// from ("from", "out of" is the phrase "out of").
	From map[string]bool
	// Of lists the words that introduce a noun trigger's object ("of").
	Of map[string]bool
	// Boundary lists the words that end a role's phrase (prepositions,
	// conjunctions, verbs of saying, days).
	Boundary map[string]bool
	// FromBoundary is Boundary less "of": a place withdrawn from may be
	// "the city of Lyman" or "all of Syria".
	FromBoundary map[string]bool
	// Subordinate pronouns that refer back to an actor named earlier.
	Pronouns map[string]bool
	// Determiners and possessives that may start a noun trigger's phrase.
	Determiners map[string]bool
	// Adjectival marks a participle used as an adjective of a person
	// ("became withdrawn"): the words that come before it.
	Adjectival map[string]bool
	// Abbrev lists abbreviations after which a full stop ends no sentence.
	Abbrev map[string]bool
	// Months maps the names of months (and their abbreviations) to their
	// numbers, 1 to 12, for "in January": a past reference that makes an
	// announcement background unless it is the article's own month.
	Months map[string]int
	// Sets are the word sets the rules consult, by WordSet.
	Sets [numSets]map[string]bool
	// DemonymSuffixes end the names of peoples ("Russian", "Chinese"), which
	// make a withdrawal a state's.
	DemonymSuffixes []string
}

// lexicons holds the built-in lexicons by language.
func lexicons() map[string]*Lexicon {
	return map[string]*Lexicon{"en": english()}
}
