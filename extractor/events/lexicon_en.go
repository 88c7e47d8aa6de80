package events

import "strings"

// english returns the English lexicon. The trigger words follow the verbs
// that CAMEO's codes 0874 (retreat militarily), 161 (reduce relations), 166
// (expel or withdraw) and PLOVER's RETREAT and SANCTION modes "withdraw"
// name; the lists are wirewatch's own, written for news text.
func english() *Lexicon {
	l := &Lexicon{
		Lang:          "en",
		Triggers:      map[string]Trigger{},
		Constructions: map[string][]Trigger{},
		Classes:       map[string]Class{},
		Acronyms:      map[string]bool{"who": true},
		Cues:          map[string]CueKind{},
	}
	trig := func(f Family, particle, alt string, forms map[Form]string) {
		for form, words := range forms {
			for _, w := range strings.Fields(words) {
				l.Triggers[w] = Trigger{Family: f, Form: form, Particle: particle, Alt: alt}
			}
		}
	}
	trig(FamWithdraw, "", "", map[Form]string{
		Base: "withdraw withdraws retract retracts", Past: "withdrew", Participle: "withdrawn retracted",
		Progressive: "withdrawing retracting", Noun: "withdrawal withdrawals retraction",
	})
	trig(FamPullOut, "out", "back", map[Form]string{
		Base: "pull pulls", Past: "pulled", Progressive: "pulling",
	})
	trig(FamPullOut, "", "", map[Form]string{Noun: "pullout pullouts pull-out pull-outs pullback pullbacks pull-back"})
	trig(FamRecall, "", "", map[Form]string{
		Base: "recall recalls", Past: "recalled", Progressive: "recalling",
	})
	trig(FamRetreat, "", "", map[Form]string{
		Base: "retreat retreats disengage disengages", Past: "retreated disengaged",
		Progressive: "retreating disengaging", Noun: "drawdown drawdowns disengagement",
	})
	trig(FamRetreat, "down", "", map[Form]string{Base: "draw draws", Past: "drew", Progressive: "drawing"})
	trig(FamEvacuate, "", "", map[Form]string{
		Base: "evacuate evacuates", Past: "evacuated", Progressive: "evacuating", Noun: "evacuation",
	})
	trig(FamExit, "", "", map[Form]string{
		Base: "exit exits quit quits leave leaves", Past: "exited left", Progressive: "exiting quitting leaving",
	})
	trig(FamExit, "", "", map[Form]string{Noun: "departure departures"})
	trig(FamExit, "out", "", map[Form]string{Base: "drop drops bow bows", Past: "dropped bowed", Progressive: "dropping bowing"})
	trig(FamExit, "out", "away", map[Form]string{Base: "walk walks", Past: "walked", Progressive: "walking"})
	trig(FamExit, "out", "", map[Form]string{Base: "back backs", Past: "backed", Progressive: "backing"})
	// "ordered the troops out of Iraq": an order with a military object
	// and "out of" is a withdrawal announced.
	trig(FamPullOut, "out", "", map[Form]string{Base: "order orders", Past: "ordered", Progressive: "ordering"})
	// "exit" as a noun is caught by its form after a determiner or
	// possessive; see nounUse.

	construction := func(f Family, particle, alt string, forms map[Form]string) {
		for form, words := range forms {
			for _, w := range strings.Fields(words) {
				l.Constructions[w] = append(l.Constructions[w], Trigger{Family: f, Form: form, Particle: particle, Alt: alt})
			}
		}
	}
	construction(FamEnd, "", "", map[Form]string{
		Base:        "end ends abandon abandons scrap scraps terminate terminates suspend suspends drop drops cancel cancels",
		Past:        "ended abandoned scrapped terminated suspended dropped cancelled canceled",
		Progressive: "ending abandoning scrapping terminating suspending dropping cancelling canceling",
	})
	construction(FamEnd, "", "", map[Form]string{Noun: "end cancellation cancellations termination"})
	construction(FamEnd, "down", "", map[Form]string{Base: "wind winds", Past: "wound", Progressive: "winding"})
	construction(FamMove, "out", "back", map[Form]string{
		Base: "move moves", Past: "moved", Progressive: "moving",
	})
	construction(FamMove, "to", "", map[Form]string{
		Base: "return returns", Past: "returned", Progressive: "returning",
	})
	construction(FamReduce, "", "", map[Form]string{
		Base:        "reduce reduces cut cuts lower lowers halve halves trim trims shrink shrinks",
		Past:        "reduced lowered halved trimmed shrank",
		Progressive: "reducing cutting lowering halving trimming shrinking",
	})
	construction(FamRecognition, "", "", map[Form]string{
		Progressive: "recognising recognizing", Noun: "recognition",
	})
	construction(FamClose, "", "", map[Form]string{
		Base: "close closes shut shuts", Past: "closed", Progressive: "closing shutting flying operating",
	})
	construction(FamHome, "home", "out", map[Form]string{
		Base:        "bring brings call calls send sends fly flies order orders",
		Past:        "brought called sent flew flown ordered",
		Progressive: "bringing calling sending flying ordering",
	})

	class := func(c Class, words string) {
		for _, w := range strings.Fields(words) {
			l.Classes[w] |= c
		}
	}
	class(Military, `troops troop forces force soldiers soldier army armies military militaries fighters
		mercenaries mercenary militants militia militias rebels peacekeepers peacekeeping units brigade brigades
		battalion battalions garrison garrisons base bases combat tanks navy warships occupation frontline
		front-line invasion contingent settlements settlers outposts convoy convoys contingents personnel marines battlegroup wagner idf nato-led
		counteroffensive offensive airborne infantry artillery frigate frigates warship destroyer destroyers corvette corvettes
		airbase airbases`)
	class(Diplomatic, `ambassador ambassadors envoy envoys diplomat diplomats embassy embassies consulate
		consulates diplomatic recognition consul chargé emissary commissioner commissioners staff attache attaché`)
	class(Agreement, `agreement agreements accord accords treaty treaties pact pacts convention conventions
		protocol protocols organisations organizations
		organisation organization nato eu union coalition alliance talks negotiations negotiation summit bloc
		membership framework opec who unesco unhrc icc council commission ceasefire truce deal jcpoa federation
		paris un ecowas wto osce asean mercosur brics g5 unrwa interpol csto imf`)
	class(Political, `candidacy candidate candidates contender contenders nomination nominee campaign bill bills legislation amendment motion
		endorsement election elections primary primaries presidential ballot ticket party senate governor
		mayor parliament caucus vote ordinance decree law laws regulation regulations measure reform reforms
		policy`)
	class(Business, `company companies firm firms market markets product products sale sales shelves ipo
		investments stake stakes sector sectors industry projects venture ventures partnership partnerships
		subsidiary brands shops chains outlets publishers partners shareholders sponsors bidders
		offering filing s-1 brand stores store investors investment operations business businesses bid offer
		takeover acquisition merger listing franchise app service services drug drugs medicine medication
		vehicles cars plant factory retailer retailers drugmaker drugmakers automaker automakers carmaker carmakers airline airlines lender lenders miner miners brewer application licence license insurer insurers carrier carriers bank banks`)
	class(Sports, `tournament championship championships olympics olympic games match matches cup league
		competition season grand prix wimbledon event events finals semifinal quarterfinal fixture
		race-day rally marathon tour seed seeded seeds champion champions title walkover
		injury injured injuries tendinitis hamstring groin knee wrist ankle sprained shoulder`)
	class(Race, `race races contest poll polls`)
	// A career is left by resigning or retiring, which the guideline does
	// not count: "withdrew from politics", "quit his job".
	class(Career, `politics job jobs post office career role duties position presidency chairmanship
		retirement sport ring spokesman spokeswoman spokesperson`)
	class(Money, `cash money funds fund atm bank account accounts savings deposit deposits pension pensions
		401 401k ira roth fee fees penalty limit limits balance dollars $ £ € euros pounds liquidity
		withdrawable early-withdrawal annuity retirement tax-free yen currency taxed penalties atms cd cds francs rs rupee naira banks customer customers depositors savers
		lira pesos rupees yuan roubles rubles`)
	// Markets "retreat", "pull back" and suffer "drawdowns" without
	// anybody withdrawing.
	class(Market, `stocks stock shares share prices price index indexes indices yields yield bond bonds
		dollar euro oil gold rally markets valuations valuation nasdaq dow s&p futures equities portfolio`)
	class(Medical, `social emotional emotionally depression depressive anxiety isolation loneliness
		symptoms symptom syndrome opioid opioids alcohol nicotine caffeine drug-induced heroin
		methadone benzodiazepine detox addiction addicts seizures insomnia effects delirium`)
	class(Squad, `squad line-up lineup side xi roster starting matchday team`)
	// Office holders are what a recall vote removes ("recall of Gov.
	// Newsom"); an ambassador is recalled by a state.
	class(Vote, `vote votes voting referendum petition petitions recall-election ballot election elections campaign
		gov gov. governor mayor senator councilman councilwoman councillor councilor judge sheriff
		signatures proponents`)
	class(Product, `vehicles vehicle cars car suvs trucks products product units models batches batch lots
		devices toys food foods pounds packages bottles jars cans airbags batteries laptops phones
		heaters shipments doses vaccines medicines medication drugs smartphones smartphone minivans minivan sedans sedan
		pickups motorcycles scooters appliances strollers cribs powder beef meat`)
	class(Figurative, `stops phone gun knife chair tooth teeth wallet card cable plug notebook pen camera
		weapon pistol cord drawer driveway parking lot sword hair weeds`)

	cue := func(k CueKind, words string) {
		for _, w := range strings.Split(words, ",") {
			if w = strings.TrimSpace(w); w != "" {
				l.Cues[w] = k
			}
		}
	}
	cue(CueAnnounce, `will, 'll, shall, plans, plan, planned, planning, intends, intend, intended, announced,
		announces, announce, announcing, decided, decides, decision, pledged, pledges, vowed, vows, promised,
		promises, is to, are to, set to, going to, expected to, agreed to, agrees to, agreed, ordered, orders,
		order, scheduled, schedule, timetable, confirmed, confirms, confirm, said it would, says it will,
		unveiled, unveils, would, chosen, chose, chooses, opted, opts, prepares, preparing, prepared to,
		announcement, provided for, provides for, envisages, envisions, envisioned, foresees, approves, approved, approve, declared, declares, declare,
		to begin, to start`)
	cue(CueDemand, `called on, calls on, call on, called for, calls for, call for, calling for, calling on,
		calls to, call to, recommended, recommends, recommend, recommending, obligation, urged, urges, urge, urging, demanded, demands, demand, demanding, asked, asks, ask, pressed, must, should, insisted, insists, ultimatum, appealed, appeals, demanding, wants, want,
		wanted, campaign for, campaigns for, campaigning for, campaigned for, requested, requests, request, advised, advises, advise, advising, pressure, pressured,
		pressing, wish, wishes, insistence, insisting, encouraged, encourages, encourage, encouraging`)
	cue(CueSupport, `backs, backed, back, backing, supports, supported, support, supporting, welcomed,
		welcomes, welcome, welcoming, celebrate, celebrated, celebrates, cheered, endorsed, endorses, endorse, favours, favors, praised, praises, hailed,
		hails, applauded, applauds`)
	cue(CueRefuse, `delaying, delayed, delay, delays, suspending, suspended, suspend, suspends, halted, halting,
		halt, halts, postponed, postponing, postpone, postpones, refuted, refutes, dismissed, refused, refuses, refuse, refusing, rejected, rejects, reject, rejecting, ruled out,
		rules out, rule out, ruling out, declined, declines, decline, denied, denies, deny, not, n't, never, no,
		no plans, won't, cannot, can't, against, rather than, instead of`)
	// Verbs and nouns of attempt are hypothetical too: what is tried is
	// not done ("tried to pull out of the race"), and an attempt on a
	// known plan is the news, not the plan ("an attempt to disrupt the
	// planned pullout").
	cue(CueHypo, `if, could, might, may, possible, possibly, potential, potentially, consider, considering,
		considered, considers, weighing, weighs, weigh, mulling, mulls, mull, toyed, threatened, threatens,
		threaten, threatening, eventual, unlikely, likely, eventually, whether, unless, risk, any, hopes, hoped,
		proposed, proposes, propose, option, idea, suggests, suggested, perhaps, maybe, talking about,
		in the event, in case, nearly, almost, about to, close to, warnings, warning, warned, warns,
		talk of, discussing, discuss, discussed, tried to, tries to, try to, trying to, attempt, attempts, attempted, attempting`)
	cue(CueBackground, `after, although, though, since, following, follows, when, before, until, amid, despite, during,
		because, while, once, due to, wake of`)
	cue(CuePast, `ago, previously, history, historic, decades, centuries, earlier, once,
		back in`)
	cue(CueUnderway, `began, begun, begins, begin, beginning, started, starts, start, starting, completed, completes, complete, finished, has,
		have, continues, continued, completing, underway, under way, was, were, is, are, been`)

	set := func(words string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(words) {
			m[w] = true
		}
		return m
	}
	l.From = set("from")
	l.Of = set("of")
	l.Boundary = set(`from of by in on at to for with after before since until amid as and but or while when due
		because because, that which who whom whose said says say told tells according , . ; : ! ? ( ) " “ ” — –
		after over under within during following despite if unless than this last next`)
	for _, w := range strings.Fields(`monday tuesday wednesday thursday friday saturday sunday today yesterday
		tomorrow tonight saying citing leaving amid is are was were has have had will would could should may
		might`) {
		l.Boundary[w] = true
	}
	l.FromBoundary = map[string]bool{}
	for w := range l.Boundary {
		if w != "of" {
			l.FromBoundary[w] = true
		}
	}
	l.Pronouns = set("it they he she we its their his her our")
	l.Determiners = set("the a an its their his her our this that these those")
	l.Adjectival = set("became become becomes becoming seemed seems seem grew grow grows appeared appears quiet and very more increasingly socially emotionally")
	l.Abbrev = set(`mr mrs ms dr prof st sen rep gov gen col lt sgt capt maj adm cmdr pres jan feb mar apr jun jul
		aug sep sept oct nov dec no vs etc inc corp co ltd jr sr u.s u.k u.n e.u mt ft approx est dept`)
	set2 := func(words string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(words) {
			m[w] = true
		}
		return m
	}
	l.Months = map[string]int{}
	for n, names := range []string{"january jan", "february feb", "march mar", "april apr", "may", "june jun",
		"july jul", "august aug", "september sep sept", "october oct", "november nov", "december dec"} {
		for _, w := range strings.Fields(names) {
			l.Months[w] = n + 1
		}
	}
	words := map[WordSet]string{
		SetMemory:             `that how when what being seeing hearing his her my their the a one an going having it this where why`,
		SetStrongMemory:       `that how when what where why being seeing hearing having going it growing watching meeting thinking`,
		SetNounModifiers:      `a the its their product safety voluntary nationwide massive global huge major new food vehicle mass urgent this that recent his her abrupt hasty disruptive chaotic planned full complete partial troop another latest second expanded widespread broad`,
		SetExitBlocked:        `poll polls polling interview interviews ramp ramps wound wounds strategy door doors sign signs row fee fees velocity code survey button multiple valuation point node`,
		SetDropBlocked:        `school college university high class classes program programme course workforce labor labour sight view touch`,
		SetCompoundBlocked:    `letter letters form forms request requests method methods option options slip rate rates strategy button line lines`,
		SetExitObjects:        `government cabinet`,
		SetPersonalPossessive: `their his her your my our`,
		SetSkippable:          `will would shall 'll to has have had is are was were be been being not n't never also already now then still reportedly formally officially fully completely eventually partially gradually quickly finally begin began begun start started plans plan planned decided announced agreed could may might must should can intends intended expected set going ordered voted did does do chose chosen threatened refused declined wants wanted hopes vowed pledged promised seems seemed quietly abruptly suddenly largely all its their that later earlier subsequently recently previously immediately swiftly`,
		SetIntentNouns:        `intention intent decision plan readiness willingness move bid permitted allowed forced able unable likely unlikely due ready poised preparing prepared moving`,
		SetSayVerbs:           `announces says said confirmed confirms declared declares told`,
		SetWeakDemand:         `pressure pressured pressing wish wishes wanted wants want asked asks ask told encouraged encourages encourage encouraging`,
		SetFutureAux:          `will 'll shall to`,
		SetOrderVerbs:         `ordered orders order ordering`,
		SetPastVerbs:          `was were had did began begun started ended took came left caused completed gets got`,
		SetPresentVerbs:       `is are seems remains would should must appears`,
		SetPlannedNoun:        `planned upcoming expected proposed impending promised`,
		SetAdjacentHypo:       `almost nearly`,
		SetPerfectAux:         `had 'd`,
		SetAskVerbs:           `asked asks ask asking told tells tell telling instructed instructs instruct directed directs`,
		SetLeaveKinds:         `military sick parental maternity paternity annual medical compassionate unpaid paid shore family bereavement study`,
		SetEndObjects:         `campaign campaigns bid bids candidacy candidature agreement agreements accord accords deal deals pact pacts treaty treaties membership participation merger mergers`,
		SetPresenceNouns:      `mission missions deployment deployments presence operation operations base bases`,
		SetPlaceNouns:         `village villages town towns city cities region regions area areas neighborhood neighbourhood district districts positions territory territories province provinces capital checkpoints bases base outposts airbase airbases`,
		SetPerfectAdverbs:     `also already just previously earlier once long since even all largely mostly`,
		SetEvacuationBlocked:  `convoy convoys order orders warning warnings zone zones notice notices corridor corridors advisory advisories route routes plan plans flight flights centre centres center centers drill drills`,
		SetSuspendVerbs:       `suspend suspends suspended suspending`,
		SetSuspendObjects:     `campaign bid bids candidacy candidature`,
		SetExpulsion:          `expel expels expelled expelling expulsion expulsions grata gratae`,
		SetPastForms:          `was were had did took came left said told won lost fell rose broke made gave held led met saw sent kept became began ran struck fought fled went stood brought sought thought felt found got overran shot`,
		SetAttributivePrep:    `to of for with about on in from`,
		SetIssueVerbs:         `issue issues issued issuing announce announces announced expand expands expanded widen widens widened`,
		SetPartyNouns:         `party caucus`,
		SetCountNouns:         `number numbers level levels size strength`,
		SetSellVerbs:          `sell sells selling sold divest divests divesting divested`,
		SetFirmPresence:       `business businesses operations presence activities`,
		SetOrgPossessive:      `its their`,
		SetStopVerbs:          `stop stops stopped stopping cease ceases ceased ceasing`,
		SetSwitchVerbs:        `switch switches switched switching shift shifts shifted shifting transfer transfers transferred transferring`,
		SetStateVerbs:         `state states stated say says said write writes wrote written claim claims claimed promise promises promised argue argues argued`,
		SetTimePreps:          `at toward towards near till through throughout around`,
		SetTimeNouns:          `week weeks month months year years night weekend decade spring summer autumn fall winter`,
		SetNotWithdrawn:       `issue issues matter matters question questions debate debates topic topics subject politics photograph photographs photo photos image images picture pictures paper papers article articles study studies research findings report reports case cases appeal appeals request requests lawsuit lawsuits litigation suit suits complaint complaints charges ad ads advert adverts advertisement advertisements commercial commercials concession concessions`,
		SetPlanInfinitive:     `want wants intention intentions intent decision decisions plan plans readiness willingness permitted allowed permission ready poised preparing prepared`,
		SetOffices:            `minister premier president chancellor government cabinet administration coalition`,
		SetPoliticalBackers:   `party parties coalition caucus faction bloc lawmakers deputies mps`,
		SetAdviseVerbs:        `warns warned warn warning advises advised advise advising urges urged urge urging encourages encouraged encourage`,
		SetResultStates:       `dead injured wounded killed hurt homeless missing stranded displaced destitute`,
		SetEffortNouns:        `process effort efforts`,
		SetAimNouns:           `effort efforts`,
		SetRecentPast:         `earlier`,
		SetModalAux:           `will 'll shall would`,
		SetEffortStarts:       `initiated initiates initiate initiating launched launches launch launching began begins begin begun beginning started starts start starting opened opens open opening`,
		SetSecondPerson:       `you your yours yourself yourselves`,
		SetIndefinite:         `a an`,
		SetHappenWords:        `completed complete begun began begin begins start started starts take took taken taking place under underway expected due set scheduled planned to be being been over finished finish resume resumed continue continued proceed proceeded happen happened come came announced confirmed ordered approved agreed decided carried made effective now already also not n't still largely almost nearly mostly partly partially fully`,
		SetOutlets:            `bureau bureaus office offices store stores shop shops branch branches operations business businesses restaurants outlets embassy embassies consulate consulates`,
		SetServeVerbs:         `flying operating`,
		SetTemporary:          `temporarily temporary reopen reopens reopened reopening`,
		SetCareerHeads:        `power life`,
		SetStaffNouns:         `staff staffers employees personnel`,
		SetTimeLimitNouns:     `deadline deadlines timetable timetables timeline timelines schedule schedules`,
		SetLimitSetters:       `set sets setting agree agrees agreed agreeing announce announces announced announcing propose proposes proposed proposing establish establishes established unveil unveils unveiled present presents presented outline outlines outlined give gives gave given`,
		SetTopicPreps:         `into over about on regarding concerning at against`,
		SetGrantedThings:      `invitation invitations rights status accreditation permission permissions permit permits clearance asylum`,
		SetConditionals:       `if unless`,
		SetConcessives:        `even`,
		SetGiveVerbs:          `give gives gave giving`,
		SetTimeUnits:          `hours days weeks months`,
		SetGerundPreps:        `of to on by from about over against without`,
		SetDoneEndNouns:       `end`,
		SetSubjectVerbs: `announces announce announced says say said confirms confirm confirmed declares declare declared
			states stated tells told warns warned decides decided agrees agreed insists insisted adds added vows vowed
			threatens threatened indicates indicated reveals revealed notifies notified begins began initiates initiated
			completes completed orders ordered completing starts started issues issued`,
		SetHearsay: `reported reportedly believed thought understood rumoured rumored alleged said`,
		SetPartitives: `all some most half part many rest remainder majority bulk last none each several dozens hundreds thousands
			one two three four five ten`,
		SetClauseOpeners:    `and but or as after before while when if unless because since until although though once where`,
		SetOrdinals:         `first second third fourth fifth last only latest 2nd 3rd 4th 5th`,
		SetBodyHeads:        `conference forum`,
		SetCourtHeads:       `court`,
		SetSupranational:    `international european`,
		SetCollegeWords:     `university universities college colleges athletic`,
		SetQuantifiers:      `more than over nearly almost about approximately around roughly some up to at least an estimated`,
		SetIntransitiveNext: `from after amid following before under within on and but while`,
		SetPersonalSubjects: `he she i we you`,
		SetRequestVerbs:     `requests requested request asks asked ask demands demanded demand`,
		SetRejectVerbs:      `rejects rejected reject rejecting dismisses dismissed dismiss dismissing defies defied defy defying ignores ignored ignore ignoring resists resisted resist resisting refuses refused refuse refusing`,
		SetDemandNouns:      `call calls demand demands request requests appeal appeals pressure ultimatum`,
		SetGapUnits:         `day days week weeks month months year years decade decades`,
		SetFollowVerbs:      `comes came come coming`,
		SetBackReferences:   `country's nation's company's firm's group's bloc's club's team's country nation company firm group bloc club team`,
		SetRegulators:       `administration ministry agency authority authorities commission department regulator regulators watchdog government fda nhtsa cpsc`,
		SetCitizens:         `citizens nationals residents civilians people tourists foreigners expatriates expats travellers travelers visitors`,
		SetCombatWords:      `military bombing air armed terror terrorist missile drone guerrilla insurgent insurgency shelling`,
		SetCivilBases:       `legal tax customer client fan voter donor user support power industrial manufacturing export`,
		SetBanVerbs:         `ban bans banned banning bar bars barred barring prevent prevents prevented preventing prohibit prohibits prohibited prohibiting forbid forbids forbidden block blocks blocked blocking stop stops stopped stopping`,
		SetEndorseWords:     `boost endorse endorses endorsing endorsed back backs backing support supports supporting favour favor`,
		SetTransport:        `aircraft airplane airplanes plane planes flight flights ship ships vessel vessels train trains bus buses ferry lounge date dates time times`,
		SetHeldPlaces:       `positions posts outposts trenches checkpoints strongholds`,
		SetPersonRoles:      `executive executives chief director directors officer founder coach manager chairman chairwoman ceo president minister secretary adviser advisor aide`,
		SetJourneyWords:     `talks meeting meetings visit attend summit conference tour trip`,
		SetCrowdWords:       `thousands hundreds dozens tens millions people residents civilians villagers families inhabitants locals`,
		SetToVerbs: `agree agrees vote votes decide decides continue continues seek seeks try tries prepare prepares
			refuse refuses offer offers aim aims hope threaten threatens promise promises pledge pledges vow vows
			move moves opt opts choose chooses want wants`,
		SetScrutiny:     `protest protests protested protesting hearing hearings inquiry inquiries investigation investigations probe probes review reviews advice criticism criticisms criticise criticises criticised criticize criticizes criticized debate debates questions concerns blame blames blamed blaming testimony lawsuit lawsuits handling mishandling defend defends defended defending`,
		SetMemberNouns:  `deputies lawmakers legislators mps teams clubs`,
		SetRelatives:    `who whom whose which that where`,
		SetSupportNouns: `support backing aid funding assistance recognition veto offer allegations allegation complaint lawsuit charges objection objections consent endorsement threat threats`,
	}
	for set, ws := range words {
		l.Sets[set] = set2(ws)
	}
	l.DemonymSuffixes = strings.Fields("ian ians ese ish ean eans an ans i is")
	return l
}
