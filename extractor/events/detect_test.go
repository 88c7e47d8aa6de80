package events

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/article"
)

func TestDetect(t *testing.T) {
	d, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text           string
		want           bool
		kind, status   string
		new            bool
		trigger, actor string
		what, from     string
	}{
		// Hard negatives from issue 15.
		{text: "Customers rushed to make a cash withdrawal before the banks closed.", want: false},
		{text: "Patients often suffer withdrawal symptoms when they stop the drug.", want: false},
		{text: "Activists gathered signatures for a recall vote against the governor.", want: false},
		{text: "The striker pulled out of the squad with a hamstring injury.", want: false},
		{text: "Stocks retreated from record highs on Friday.", want: false},
		{text: "Exit polls showed the ruling party ahead.", want: false},
		{text: "She recalled how the soldiers arrived at dawn.", want: false},
		{text: "He pulled out a gun and fired.", want: false},
		{text: "The team pulled out all the stops.", want: false},
		{text: "The child became withdrawn and quiet at school.", want: false},
		// Events.
		{text: "Moscow backs the pullout of mercenaries from Libya.", want: true, kind: "military", status: "supported", new: true, trigger: "pullout"},
		{text: "Russia will withdraw its troops from Moldova by June.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw", actor: "Russia"},
		{text: "Opposition leaders called on the government to withdraw the bill.", want: true, kind: "political", status: "demanded", trigger: "withdraw", actor: "the government"},
		{text: "France recalled its ambassador to Australia.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "recalled", actor: "France"},
		{text: "Toyota is recalling 1.2 million vehicles over faulty airbags.", want: true, kind: "business", status: "completed", new: true, trigger: "recalling"},
		{text: "Washington pulled its remaining troops out of Syria.", want: true, kind: "military", status: "completed", new: true, trigger: "pulled out", actor: "Washington"},
		// Forces as the object carry the sense whatever the place is called.
		{text: "Ruritania pulled its peacekeepers out of the valley.", want: true, kind: "military", status: "completed", new: true, trigger: "pulled out", actor: "Ruritania"},
		{text: "The embassy pulled its diplomats out of the capital overnight.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "pulled out"},
		{text: "The shop pulled the old model out of the window display.", want: false},
		{text: "Ruritania moved its troops out of the valley.", want: true, kind: "military", status: "completed", new: true, trigger: "moved out", actor: "Ruritania"},
		{text: "The army moved the brigade back from the border on Tuesday.", want: true, kind: "military", status: "completed", new: true, trigger: "moved back"},
		{text: "The club moved its players out of the hotel.", want: false},
		{text: "They moved the furniture out of the house.", want: false},
		{text: "The minister refused to withdraw his nomination.", want: true, kind: "political", status: "refused", trigger: "withdraw"},
		{text: "If the talks fail, the US could pull out of the treaty.", want: true, kind: "agreement", status: "hypothetical", trigger: "pull out"},
		{text: "Ethiopian troops withdrew from Somalia in 2009.", want: true, kind: "military", status: "historical", trigger: "withdrew"},
		{text: "She withdrew from last year's championships to focus on her studies.", want: true, kind: "sports", status: "historical", trigger: "withdrew"},
		{text: "After Biden withdrew from the race, donors regrouped.", want: true, kind: "political", status: "completed", new: false, trigger: "withdrew"},
		{text: "The senator dropped out of the presidential race on Tuesday.", want: true, kind: "political", status: "completed", new: true, trigger: "dropped out"},
		{text: "The senator was encouraged to drop out of the race.", want: true, kind: "political", status: "demanded", trigger: "drop out"},
		{text: "Argentina said it will leave the World Health Organization.", want: true, kind: "agreement", status: "announced", new: true, trigger: "leave"},
		// "WHO" in capitals is the organisation; "who" is a pronoun, no
		// kind word, and no end to the place withdrawn from.
		{text: "Tanzania said it will withdraw from the WHO next year.", want: true, kind: "agreement", status: "announced", new: true, trigger: "withdraw", from: "the WHO"},
		{text: "The officials who withdrew were not named.", want: false},
		{text: "The United States is to fully withdraw its troops from all of Syria, an official said.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw",
			actor: "The United States", what: "its troops", from: "all of Syria"},
		{text: "Fiat recalls 130,000 Puntos on brake problem", want: true, kind: "business", status: "completed", new: true, trigger: "recalls", what: "130,000 Puntos"},
		{text: "Russia withdraws troops after Ukraine encircles key city", want: true, kind: "military", status: "completed", new: true, trigger: "withdraws", actor: "Russia", what: "troops"},
		{text: "Ukrainian troops piled pressure on retreating Russian forces on Tuesday.", want: true, kind: "military", status: "completed", new: true, trigger: "retreating", actor: "Russian forces"},
		{text: "Organizers behind a proposed recall of California Gov. Gavin Newsom face a deadline.", want: false},
		{text: "Prices pulled back from their highs after the central bank statement.", want: false},
		{text: "Weekend retreats may cost several thousand dollars.", want: false},
		{text: "\u201cLife was not long enough,\u201d she recalled.", want: false},
		// Withdrawals told without a trigger word.
		{text: "Spain will bring its 600 soldiers home from Iraq within weeks.", want: true, kind: "military", status: "announced", new: true, trigger: "bring home",
			actor: "Spain", what: "its 600 soldiers", from: "Iraq"},
		{text: "Peru called its ambassador home on Friday.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "called home", actor: "Peru"},
		{text: "Japan has flown its embassy staff out of Sudan.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "flown out"},
		{text: "The senator ended his presidential campaign on Monday.", want: true, kind: "political", status: "completed", new: true, trigger: "ended"},
		{text: "The buyer terminated its merger agreement with the bank.", want: true, status: "completed", new: true, trigger: "terminated", kind: "business"},
		{text: "Rebel fighters moved out of the city overnight.", want: true, kind: "military", status: "completed", new: true, trigger: "moved out"},
		{text: "Two clubs backed out of the breakaway league on Tuesday.", want: true, kind: "sports", status: "completed", new: true, trigger: "backed out"},
		{text: "He brought home the winning run in the ninth.", want: false},
		{text: "The firm abandoned plans to sign the treaty.", want: false},
		{text: "They tied up loose ends on the deal before the weekend.", want: false},
		{text: "Soldiers on military leave", want: false},
		{text: "The party scrapped its tax on sugar.", want: false},
		// Status from tense and from who gives the order.
		{text: "Kenyan troops had already withdrawn from the town.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawn"},
		{text: "The army said its troops had withdrawn from the town.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawn"},
		{text: "Mali ordered French troops to leave the country.", want: true, kind: "military", status: "demanded", new: false, trigger: "leave"},
		{text: "The general ordered his troops to withdraw from the border.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw"},
		{text: "The party withdrew its support for the budget bill.", want: true, kind: "political", status: "completed", new: true, trigger: "withdrew"},
		// News summaries in the present tense (Wikipedia's Portal:Current
		// events): an "after" clause after the main clause gives its recent
		// cause; before it, or after a main clause in the past, background.
		{text: "Rebels capture the town of Kuma after government troops withdraw from the area.", want: true, kind: "military", status: "completed", new: true, trigger: "withdraw"},
		{text: "The board names a new chief executive after two rival candidates withdrew their candidacies.", want: true, kind: "political", status: "completed", new: true, trigger: "withdrew"},
		{text: "Rebels seized the town of Kuma after government troops withdrew from the area.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrew"},
		{text: "Shortly after withdrawing from the tournament with a knee injury, the champion announces her retirement.", want: true, kind: "sports", status: "completed", new: false, trigger: "withdrawing"},
		// What is attempted is not done; an attempt on a known plan is the
		// news, not the plan.
		{text: "The team tried to pull out of the race but was told to start.", want: true, kind: "political", status: "hypothetical", new: false, trigger: "pull out"},
		{text: "The team decided to pull out of the race.", want: true, kind: "political", status: "announced", new: true, trigger: "pull out"},
		{text: "Two men are arrested in an attempt to disrupt the planned Ruritanian pullout from the valley.", want: true, kind: "military", status: "announced", new: false, trigger: "pullout"},
		{text: "Two men are arrested ahead of the planned Ruritanian pullout from the valley.", want: true, kind: "military", status: "announced", new: true, trigger: "pullout"},
		{text: "Rebels attempt to retake the town after government troops withdraw from the area.", want: true, kind: "military", status: "completed", new: true, trigger: "withdraw"},
		// A possessive that refers back to a named actor makes the withdrawal
		// that actor's own earlier step: background, not a recent cause.
		{text: "Ruritania resumes seal hunting following the country's withdrawal from the Arctic Council.", want: true, kind: "agreement", status: "completed", new: false, trigger: "withdrawal"},
		{text: "The president addresses the nation following his decision to withdraw troops from Borduria.", want: true, kind: "military", status: "announced", new: false, trigger: "withdraw"},
		{text: "Government forces seize the oil field following the withdrawal of rebel forces.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		{text: "Rebels capture the town of Kuma following the army's withdrawal.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		// Words inside names mean nothing of their own.
		{text: "The Social Democratic Party withdraws from the governing coalition.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdraws"},
		{text: "The army retakes the airport after the Rapid Support Forces' withdrawal.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		{text: "The Green Party leaves the ruling coalition for the first time since 1994.", want: true, kind: "agreement", status: "completed", new: true, trigger: "leaves"},
		// Suspensions, civilian evacuations and expulsions are not withdrawals.
		{text: "France suspends its defence agreement with Chad.", want: false},
		{text: "Wildfires trigger evacuation orders for settlements near the lake.", want: false},
		{text: "Ruritania declares two diplomats personae non gratae and orders them to leave the country.", want: false},
		// A later clause's date is its own; a known withdrawal named by a
		// participle is background.
		{text: "Acme issues a recall for 20,000 space heaters over burn risks, after recalling 5,000 toasters last year.", want: true, kind: "business", status: "completed", new: true, trigger: "recall"},
		{text: "Acme recalls 20,000 heaters, after recalling 5,000 in 2019.", want: true, kind: "business", status: "completed", new: true, trigger: "recalls"},
		{text: "A salmonella outbreak linked to recalled egg products sickens 40 people.", want: true, kind: "business", status: "completed", new: false, trigger: "recalled"},
		// Own forces named by the orderer's demonym; forces leaving places.
		{text: "Ruritanian President Jan Novak orders Ruritanian troops to withdraw from the peacekeeping mission.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw"},
		{text: "The garrison will not pull out of the region despite the attacks.", want: true, kind: "military", status: "refused", new: false, trigger: "pull out"},
		{text: "The militia has agreed to retreat through safe corridors from the areas it holds.", want: true, kind: "military", status: "announced", new: true, trigger: "retreat"},
		{text: "Soldiers fired on men who crossed the army's withdrawal line near the border.", want: false},
		{text: "The army confirms its withdrawal from the town of Kuma.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		{text: "The army confirms its withdrawal from the town of Kuma will begin on Monday.", want: true, kind: "military", status: "announced", new: true, trigger: "withdrawal"},
		{text: "The Ruritanian Foreign Ministry orders the families of Ruritanian diplomats in Borduria to leave.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "leave"},
		{text: "Senator Jane Roe announces that she will leave the Liberty Caucus.", want: true, kind: "political", status: "announced", new: true, trigger: "leave"},
		{text: "The cabinet resigns following the withdrawal of 300 Belgian soldiers from the capital earlier this month.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawal"},
		{text: "Four defectors who sheltered in the Swedish embassy in March leave for Seoul.", want: false},
		// What is withdrawn must be something the guideline counts: not a
		// topic, a publication, a step of a court case, nor a career; and
		// "leaves 12 dead" is a result, not a departure.
		{text: "State party leaders try to withdraw from the divisive issue of school prayer.", want: false},
		{text: "The agency has withdrawn 300 photographs by a freelance photographer after a review.", want: false},
		{text: "A study claiming to cure baldness in mice is withdrawn over doubts about its data.", want: false},
		{text: "Borduria withdraws its case at the International Court of Justice against Ruritania.", want: false},
		{text: "The governor resigns and announces his disengagement from politics.", want: false},
		{text: "Fighting between the militia and the army in the northern city leaves at least 12 dead.", want: false},
		{text: "The publisher withdrew the book from sale after complaints.", want: true, kind: "business", status: "completed", new: true, trigger: "withdrew"},
		{text: "Borduria withdraws from the talks on the border issue.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdraws"},
		// What governs an infinitive trigger decides its status: a plan or a
		// permission is announced, a beginning is under way.
		{text: "Two large unions announce their intentions to leave the labour federation.", want: true, kind: "agreement", status: "announced", new: true, trigger: "leave"},
		{text: "Non-emergency embassy staff are permitted to leave Borduria.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "leave"},
		{text: "Ruritania begins to withdraw its troops from the bases in Borduria", want: true, kind: "military", status: "completed", new: true, trigger: "withdraw"},
		{text: "Ruritania will begin to withdraw its troops from the bases in Borduria.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw"},
		// The subject of an infinitive "leave" may stand further back; the
		// verb "force" is no forces.
		{text: "The embassy says non-emergency staff and their family members are allowed to leave Borduria.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "leave"},
		{text: "Demonstrators protest against the prime minister's plans to force all Ruritanian villagers to leave the Green Valley.", want: false},
		{text: "The Ruritanian embassy in Borduria warns its citizens to leave the Green Valley airport.", want: false},
		{text: "The talks seek an agreement for Ruritanian troops to begin leaving Borduria.", want: true, kind: "military", status: "announced", new: true, trigger: "leaving"},
		{text: "Thousands march calling for a referendum on the final terms of Ruritania's planned exit from the Union.", want: true, kind: "agreement", status: "announced", new: false, trigger: "exit"},
		{text: "The festival goes ahead despite the agency withdrawing its recognition of the event as a heritage site.", want: true, kind: "other", status: "completed", new: false, trigger: "withdrawing"},
		// Support for a government or its head, withdrawn by a party, is
		// political; recognition withdrawn is diplomatic.
		{text: "The Green Party withdraws its support for prime minister Jan Novak.", want: true, kind: "political", status: "completed", new: true, trigger: "withdraws"},
		{text: "The cabinet falls after coalition partner Unity withdraws its support.", want: true, kind: "political", status: "completed", new: true, trigger: "withdraws"},
		{text: "Ruritania withdraws its recognition of Borduria's breakaway republic.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "withdraws"},
		{text: "The Norwegian agency withdrew its support for the dam project.", want: true, kind: "other", status: "completed", new: true, trigger: "withdrew"},
		// A planned or proposed withdrawal is announced, whoever opposes it;
		// the news is then the opposition.
		{text: "The minister resigns in protest against the planned Ruritanian withdrawal from the valley.", want: true, kind: "military", status: "announced", new: false, trigger: "withdrawal"},
		{text: "Settlers protest against the proposed Ruritanian pullout of troops from the valley.", want: true, kind: "military", status: "announced", new: false, trigger: "pullout"},
		{text: "Union leaders vote to end their campaign of walkouts at the docks.", want: false},
		{text: "Two aid workers are killed when an evacuation convoy is attacked near the port.", want: false},
		{text: "The compromise would leave the old customs checks in place at the border.", want: false},
		// Withdrawing spoken of in general: the reader addressed, or a
		// noun defined.
		{text: "Buyers know that when you reveal your plan to exit a market, prices fall.", want: false},
		{text: "A market withdrawal is a step a maker takes when a product is unsafe.", want: false},
		// A known withdrawal commented on is background; one told as
		// happening is news.
		{text: "Observers said the pullout of the peacekeepers was a blunder.", want: true, kind: "military", status: "completed", new: false, trigger: "pullout"},
		{text: "The withdrawal of the peacekeepers will hurt the ceasefire.", want: true, kind: "military", status: "announced", new: false, trigger: "withdrawal"},
		{text: "The withdrawal of the peacekeepers was completed on Sunday.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		// A withdrawal served by an effort under way was decided before:
		// background; an effort started in the sentence is the news.
		{text: "Ruritania is in the process of leaving the customs union, the minister told parliament.", want: true, kind: "agreement", status: "completed", new: false, trigger: "leaving"},
		{text: "The premier defended his efforts to complete the withdrawal of Ruritania from the customs union.", want: true, kind: "agreement", status: "announced", new: false, trigger: "withdrawal"},
		// A plan's auxiliary governs its verb beyond a parenthetical or a
		// coordination.
		{text: "The chain will sell its warehouses near the coast and end its business in Ruritania, it said.", want: true, kind: "business", status: "announced", new: true, trigger: "end"},
		{text: "The president said the republic would, as early as next spring, exit the climate accord.", want: true, kind: "agreement", status: "announced", new: true, trigger: "exit"},
		// A recent past is background, but not history.
		{text: "The government had earlier withdrawn from the peace talks with the rebels.", want: true, kind: "agreement", status: "completed", new: false, trigger: "withdrawn"},
		{text: "The top seed had pulled out of last week's open with a wrist injury.", want: true, kind: "sports", status: "completed", new: false, trigger: "pulled out"},
		// A withdrawal approved or envisioned is decided, not yet done.
		{text: "Lawmakers in Ruritania approve the country's withdrawal from the trade bloc.", want: true, kind: "agreement", status: "announced", new: true, trigger: "withdrawal"},
		{text: "The defence minister envisions a gradual pullback of troops from the border.", want: true, kind: "military", status: "announced", new: true, trigger: "pullback"},
		// An effort aims at a withdrawal not yet reached: a plan, known.
		{text: "Critics mocked the government's efforts on leaving the customs union.", want: true, kind: "agreement", status: "announced", new: false, trigger: "leaving"},
		{text: "Three states have initiated a process to withdraw from the customs union.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdraw"},
		// The noun "end" tells an ending as a verb of ending does; after a
		// preposition it is only a time.
		{text: "The governor declared the end of her presidential campaign on Sunday.", want: true, kind: "political", status: "completed", new: true, trigger: "end"},
		{text: "Ruritania announces an end to its peacekeeping mission in the valley.", want: true, kind: "military", status: "completed", new: true, trigger: "end"},
		{text: "At the end of her campaign the governor thanked her volunteers.", want: false},
		{text: "By the end of the agreement the partners had doubled their sales.", want: false},
		// Reducing forces is a partial withdrawal; reducing what they cost
		// is not.
		{text: "Ruritania will lower the number of its peacekeepers in the valley to 400.", want: true, kind: "military", status: "announced", new: true, trigger: "lower"},
		{text: "The government said it would halve its military presence on the islands.", want: true, kind: "military", status: "announced", new: true, trigger: "halve"},
		{text: "The ministry will cut military spending next year.", want: false},
		{text: "The coach cut the number of players in his squad to 23.", want: false},
		// A company leaving a country: named as a company before the verb,
		// or selling up after it; a person leaving is travel.
		{text: "The brewer said it would leave Ruritania after forty years.", want: true, kind: "business", status: "announced", new: true, trigger: "leave"},
		{text: "Acme will leave Freedonia and sell its two plants there to a rival.", want: true, kind: "business", status: "announced", new: true, trigger: "leave"},
		{text: "The chief executive will leave Freedonia and sell his flat.", want: false},
		{text: "A judge barred the former ruler from leaving Freedonia until his application is heard.", want: false},
		// A company ending or winding down its business in a country.
		{text: "The insurer said it would wind down its business in Freedonia.", want: true, kind: "business", status: "announced", new: true, trigger: "wind down"},
		// A named body left by its members (twenty-second session): an
		// athletic conference is a sport's, a forum or an international
		// court a state's membership; a judge leaving a national court
		// retires, and a news conference is no body.
		{text: "Freedonia State University will leave the Western Athletic Conference to join the Big Sky Conference.", want: true, kind: "sports", status: "announced", new: true, trigger: "leave", actor: "Freedonia State University", from: "the Western Athletic Conference"},
		{text: "Ruritania becomes the first country to leave the International Criminal Court.", want: true, kind: "agreement", status: "completed", new: true, trigger: "leave", actor: "Ruritania", from: "the International Criminal Court"},
		{text: "Freedonia says it will leave the Pacific Islands Forum.", want: true, kind: "agreement", status: "announced", new: true, trigger: "leave", from: "the Pacific Islands Forum"},
		{text: "Justice Smith will leave the Supreme Court in June.", want: false},
		{text: "The minister left the news conference without taking questions.", want: false},
		// An amount is what a deal is worth, not money withdrawn
		// (twenty-second session); money itself ended is no withdrawal.
		{text: "Acme and Globex announce the cancellation of their $28 billion merger.", want: true, kind: "business", status: "announced", new: true, trigger: "cancellation", what: "their $28 billion merger"},
		{text: "Acme sold its fields for $1.3 billion, ending its operations in Freedonia.", want: true, kind: "business", status: "completed", new: true, trigger: "ending"},
		{text: "The bank will end its cash withdrawal limit of $500 next month.", want: false},
		{text: "Acme shut its last plant in the north and ended its operations in Ruritania.", want: true, kind: "business", status: "completed", new: true, trigger: "ended"},
		{text: "He wound down the window of his car.", want: false},
		{text: "The baker is winding down her business in Paris.", want: false},
		// Recognition withdrawn without the word "withdraw"; a plan dated
		// last year is background.
		{text: "Ruritania has stopped recognising Freedonia.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "recognising"},
		{text: "The island state will switch recognition from Freedonia to Ruritania.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "recognition"},
		{text: "The scanner stopped recognising the card.", want: false},
		{text: "The council's decision last year to switch recognition from Freedonia to Ruritania angered voters.", want: true, kind: "diplomatic", status: "announced", new: false, trigger: "recognition"},
		// In the passive what is recalled or sent home comes first; the
		// addressee's own stated position is no news.
		{text: "Two more envoys were also being called home, the ministry said.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "called home"},
		{text: "Further batches of the syrup may be recalled if the tests confirm the fault.", want: true, kind: "business", status: "hypothetical", new: false, trigger: "recalled"},
		{text: "The veteran was brought home by his daughter.", want: false},
		{text: "In your manifesto you promised that all peacekeepers will be brought home.", want: true, kind: "military", status: "announced", new: false, trigger: "brought home"},
		// An apposition between commas counts as one word for the reach of
		// a cue, of the forces before a second verb and of the kind words.
		{text: "Ruritania has asked Mr. Ivo Petrov, the Freedonian embassy's deputy press attache, to leave within a week.", want: true, kind: "diplomatic", status: "demanded", new: false, trigger: "leave"},
		{text: "The council demands that Freedonian rebels, the Popular Front for the Liberation of the North (PFLN), immediately disarm and leave Ruritania.", want: true, kind: "military", status: "demanded", new: false, trigger: "leave"},
		// Members leave the named body they belong to: a party, a
		// parliament, a league; not a place left on a journey.
		{text: "Twelve deputies of the Ruritanian parliament leave the Law and Order party after a row over the budget.", want: true, kind: "political", status: "completed", new: true, trigger: "leave"},
		{text: "Six teams said they would leave Formula Nova and set up a series of their own.", want: true, kind: "sports", status: "announced", new: true, trigger: "leave"},
		{text: "The row pits Novak, who founded Greenfront, against party official Ivo Petrov, who says he will leave Greenfront to form a new group.", want: true, kind: "political", status: "announced", new: true, trigger: "leave"},
		{text: "The teams will leave Bahrain for Melbourne on Monday.", want: false},
		{text: "Members of the delegation will leave Geneva on Friday.", want: false},
		// A business closing its outlets in a named place, or stopping its
		// flights there; not a pause, a deal closed or a bird.
		{text: "Acme News closes its bureau in Freedonia after its correspondent is expelled.", want: true, kind: "business", status: "completed", new: true, trigger: "closes", actor: "Acme News"},
		{text: "Skyline Air will stop flying to Novigrad from March, the airline said.", want: true, kind: "business", status: "announced", new: true, trigger: "flying", actor: "Skyline Air"},
		{text: "The bank closed its offices for the holiday.", want: false},
		{text: "The company closed the deal in Freedonia.", want: false},
		{text: "The bird stopped flying to Africa.", want: false},
		{text: "Acme temporarily closes its stores in Freedonia as the virus spreads.", want: false},
		// A state closing its embassy in a named place withdraws its
		// diplomats (twenty-second session); a pause or a building that
		// is not its own is none.
		{text: "Ruritania closes its embassy in Novigrad amid security fears.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "closes", actor: "Ruritania", what: "its embassy", from: "Novigrad"},
		{text: "The allies will shut their consulates in Sylvania, the ministers said.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "shut"},
		{text: "Ruritania temporarily closes its embassy in Novigrad for the holiday.", want: false},
		{text: "Police closed the embassy in Novigrad to traffic.", want: false},
		// A withdrawal told in a relative clause between commas describes
		// a noun with what the reader is taken to know; the same
		// withdrawal told in the main clause, or in an apposition, is news.
		{text: "Ruritania, which withdrew from the customs union, is now seeking a trade deal with Freedonia.", want: true, kind: "agreement", status: "completed", new: false, trigger: "withdrew"},
		{text: "Rebels reject the plan, which includes a full withdrawal of Ruritanian troops from the valley.", want: true, kind: "military", status: "announced", new: false, trigger: "withdrawal"},
		{text: "Ruritania, the union's newest member, withdrew from the customs union on Monday.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdrew"},
		{text: "Rebels back the plan that Ruritanian troops withdraw from the valley.", want: true, kind: "military", status: "supported", new: true, trigger: "withdraw"},
		// A withdrawal that hearings, advice or blame are about is known to
		// the reader; the same noun agreed on or announced is news.
		{text: "The Senate holds hearings into the withdrawal of Ruritanian troops from Freedonia.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawal"},
		{text: "Ruritania's president blames the crisis on the sudden withdrawal of Freedonian troops.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawal"},
		// Judged, defended or handled: a withdrawal the reader knows.
		{text: "The committee releases a report criticizing the president for his handling of the withdrawal of Ruritanian forces from Freedonia.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawal"},
		{text: "The Ruritanian foreign minister defends the Ruritanian withdrawal during a parliamentary hearing.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawal"},
		// Taken back from another party: a sanction, not a withdrawal.
		{text: "The federation also withdraws Ruritania's hosting rights of the 2027 world championships.", want: false},
		{text: "The electoral commission withdraws the observer status of a rights group for the general election.", want: false},
		{text: "Ruritania withdraws Freedonian Prime Minister Jan Novak's invitation to attend a summit of leaders.", want: false},
		{text: "The dissident is arrested after Ruritania withdraws asylum.", want: false},
		{text: "The mayor later withdraws his concession as the count narrows.", want: false},
		{text: "The bloc withdraws a trade concessions deal with Freedonia.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdraws"},
		{text: "The junior coalition partner withdraws its support for the prime minister over minority rights.", want: true, kind: "political", status: "completed", new: true, trigger: "withdraws"},
		{text: "Ruritanian authorities withdrew landing permission for a plane carrying the Freedonian foreign minister.", want: false},
		// Steps of a court case, and advertisements and articles retracted.
		{text: "The candidate withdraws her lawsuit in the state court for a recount of votes.", want: false},
		{text: "A law firm withdraws from litigation on behalf of the act.", want: false},
		{text: "The campaign group withdraws an advertisement after complaints from veterans.", want: false},
		{text: "Presidential election, 2030: An ad comparing the candidate to a dictator is withdrawn after protests.", want: false},
		{text: "Three journalists resign after the publication of a Ruritania-related article involving President Jan Novak that was retracted.", want: false},
		// Campaigns suspended together pause; one suspended is over.
		{text: "All major parties suspend their campaigns following the attack.", want: false},
		{text: "The senator suspends her campaign for the presidential nomination.", want: true, kind: "political", status: "completed", new: true, trigger: "suspends"},
		// A condition after the trigger: hypothetical, unless concessive.
		{text: "The foreign minister says Ruritania will quit the agreement if its flaws can't be fixed.", want: true, kind: "agreement", status: "hypothetical", new: false, trigger: "quit"},
		{text: "Ruritania will leave the agreement even if no new deal is reached, the prime minister says.", want: true, kind: "agreement", status: "announced", new: true, trigger: "leave"},
		{text: "Ruritania withdrew its troops from the border region to see if the talks would hold.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrew"},
		// A date in a relative clause after the trigger is the clause's.
		{text: "Two insurers terminate their proposed merger that had been blocked last month by a federal judge.", want: true, kind: "business", status: "completed", new: true, trigger: "terminate"},
		// An ultimatum is a demand; a time given to one's own military is
		// its government's order.
		{text: "Ruritania's government gives Freedonia 48 hours to withdraw its forces from the border region.", want: true, kind: "military", status: "demanded", new: false, trigger: "withdraw"},
		{text: "The Ruritanian cabinet approves the ceasefire, with the Ruritanian military given 24 hours to withdraw its troops to the agreed lines.", want: true, kind: "military", status: "completed", new: true, trigger: "withdraw"},
		// Nouns of ending: announced, a termination or cancellation is a
		// step under way; the end of a campaign is done.
		{text: "Ruritania's president announces the termination of all agreements with Freedonia.", want: true, kind: "agreement", status: "announced", new: true, trigger: "termination"},
		{text: "The Ruritanian president announces the cancellation of his participation at the regional summit.", want: true, kind: "agreement", status: "announced", new: true, trigger: "cancellation"},
		{text: "The governor announced the end of his campaign on Tuesday.", want: true, kind: "political", status: "completed", new: true, trigger: "end"},
		{text: "The insurer announces that it has terminated its merger with a rival.", want: true, kind: "business", status: "completed", new: true, trigger: "terminated"},
		// A gerund after a preposition names a withdrawal spoken of; "in"
		// tells the act.
		{text: "The audit office rejects a Treasury estimate of the cost of leaving the European Union.", want: true, kind: "agreement", status: "completed", new: false, trigger: "leaving"},
		{text: "If the truce holds, an agreement on withdrawing Ruritanian troops from Freedonia will be signed next month.", want: true, kind: "military", status: "completed", new: false, trigger: "withdrawing"},
		{text: "Ruritania succeeded in withdrawing its troops from the border region.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawing"},
		// A withdrawal deadline spoken of belongs to a known plan.
		{text: "The allies agree to continue evacuations past the August 31 troop withdrawal deadline.", want: true, kind: "military", status: "announced", new: false, trigger: "withdrawal"},
		{text: "Ruritania decides on the withdrawal of its troops from Freedonia.", want: true, kind: "military", status: "announced", new: true, trigger: "withdrawal"},
		{text: "Ruritania announces the withdrawal of its troops from Freedonia.", want: true, kind: "military", status: "announced", new: true, trigger: "withdrawal"},
		// Leaving power or public life is resigning or retiring; leaving a
		// place named with "power" in it is not.
		{text: "Nobel laureate Archbishop Desmond Ruritano announces he is to withdraw from public life.", want: false},
		{text: "Envoys negotiate terms for the general's withdrawal from power, but the terms are rejected.", want: false},
		{text: "Ruritanian troops withdraw from the nuclear power plant.", want: true, kind: "military", status: "completed", new: true, trigger: "withdraw"},
		// A trigger word inside the name of a treaty or a bill names it;
		// the same word in lower case, or opening the sentence, reports a
		// withdrawal.
		{text: "The Commission sues Ruritania over breaches of the Brexit Withdrawal Agreement.", want: false},
		{text: "The Lords approve amendments to the European Union (Withdrawal) Bill.", want: false},
		{text: "The Commission sues Ruritania over its withdrawal from the customs agreement.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdrawal"},
		{text: "Withdrawal of Ruritanian troops from the valley begins.", want: true, kind: "military", status: "completed", new: true, trigger: "Withdrawal"},
		// A party named before or the subject's own ("the party", "his
		// party") is left as a named one is; not on the way elsewhere.
		{text: "John Ruritano of the Freedom Party causes controversy and later leaves the party.", want: true, kind: "political", status: "completed", new: true, trigger: "leaves"},
		{text: "Six Ruritanian MPs quit the party after the election.", want: true, kind: "political", status: "completed", new: true, trigger: "quit"},
		{text: "The mayor leaves the party for the airport.", want: false},
		// An order or advice to an organisation's own staff withdraws
		// them; staff that a demonym or a possessive marks as another's
		// are expelled or asked to leave.
		{text: "The European Union advises non-essential staff to evacuate Ruritania amid rising violence.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "evacuate"},
		{text: "The State Department orders all non-emergency, non-essential government employees at the embassy in Ruritania and the consulate office to leave the country.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "leave"},
		// A host ordering, asking or giving hours to another state's
		// diplomats to leave, or asking that they be recalled, expels them;
		// unmarked diplomats may be the orderer's own, and another's
		// troops ordered out are a demanded withdrawal.
		{text: "Ruritania orders 20 Freedonian embassy staff to leave the country.", want: false},
		{text: "The government of Ruritania orders EU ambassador John Smith to leave the country after accusing him of meddling.", want: false},
		{text: "The president gives the Freedonian ambassador 72 hours to leave Ruritania.", want: false},
		{text: "President Smith requests that Freedonia recall its ambassador for allegedly supporting the opposition.", want: false},
		{text: "The ministry ordered the families of diplomats to leave amid riots.", want: true, kind: "diplomatic", status: "demanded", trigger: "leave"},
		{text: "Ruritania ordered Freedonian troops to leave the country within a month.", want: true, kind: "military", status: "demanded", new: false, trigger: "leave"},
		{text: "The government advises Freedonia's embassy staff to leave the country.", want: true, kind: "diplomatic", status: "demanded", new: false, trigger: "leave"},
		// The time limit of a plan spoken of (extended, lacking) is the
		// news, not the plan; a time limit set in the sentence is news.
		{text: "Ruritania will not extend the deadline for the Freedonian armed forces to withdraw from the valley.", want: true, kind: "military", status: "announced", new: false, trigger: "withdraw"},
		{text: "An official says that there is no timeline for the withdrawal of Ruritanian troops from Freedonia.", want: true, kind: "military", status: "announced", new: false, trigger: "withdrawal"},
		{text: "The two governments agree on a timetable for the withdrawal of Ruritanian troops from Freedonia.", want: true, kind: "military", status: "announced", new: true, trigger: "withdrawal"},
		// The present progressive an actor is reported to say it is in is
		// its decision; told by the writer, it is under way.
		{text: "Senator Smith announces that he is withdrawing from the race for the nomination.", want: true, kind: "political", status: "announced", new: true, trigger: "withdrawing"},
		{text: "Ruritania is temporarily pulling its diplomats out of Freedonia, the foreign ministry said.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "pulling out"},
		{text: "Ruritania is temporarily pulling its diplomats out of Freedonia amid the fighting.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "pulling out"},
		{text: "Senator Smith was withdrawing from the race when the polls closed, aides said.", want: true, kind: "political", status: "completed", new: true, trigger: "withdrawing"},
		// What is recalled: an amount of goods ("more than", "approximately"
		// before a number), goods the lexicon names, or a state's forces
		// behind a partitive; a state recalling its forces is military.
		{text: "Acme announces that it has recalled more than 570,000 minivans over rear axle issues.", want: true, kind: "business", status: "completed", new: true, trigger: "recalled", what: "more than 570,000 minivans"},
		{text: "Acme recalls approximately 50,000 Roadster sedans after finding a fault.", want: true, kind: "business", status: "completed", new: true, trigger: "recalls", what: "approximately 50,000 Roadster sedans"},
		{text: "Acme recalls all Galaxy smartphones that have fire-prone batteries.", want: true, kind: "business", status: "completed", new: true, trigger: "recalls"},
		{text: "Ruritania recalls half of its 1,200 troops in the border area.", want: true, kind: "military", status: "completed", new: true, trigger: "recalls", what: "half of its 1,200 troops"},
		{text: "Ruritania recalls its frigate from the Gulf of Guinea.", want: true, kind: "military", status: "completed", new: true, trigger: "recalls"},
		{text: "He recalls more than once how the soldiers arrived.", want: false},
		{text: "She recalls half of her childhood in the village.", want: false},
		{text: "He recalls his Formula One debut in Monaco.", want: false},
		{text: "She recalls the food her mother cooked.", want: false},
		{text: "He recalled the ambassador after the insult, the ministry said.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "recalled"},
		// Forces evacuate themselves or a place: the object read up to its
		// head, a place evacuated is where they withdraw from, and forces
		// with no object after the verb evacuate where they are; "forces"
		// as the verb of compelling people is no subject.
		{text: "The Ruritanian military evacuates the remaining 100 special operations forces members in the country.", want: true, kind: "military", status: "completed", new: true, trigger: "evacuates"},
		{text: "Rebel fighters start evacuating from Novigrad and head north on buses.", want: true, kind: "military", status: "completed", new: true, trigger: "evacuating", from: "Novigrad"},
		{text: "Rebels in the valley begin to evacuate after agreeing to surrender the region.", want: true, kind: "military", status: "completed", new: true, trigger: "evacuate"},
		{text: "Government forces evacuate the airbase after days of shelling.", want: true, kind: "military", status: "completed", new: true, trigger: "evacuate", from: "the airbase"},
		{text: "The attack also damages the vessel and forces its crew to evacuate.", want: false},
		{text: "Wildfires near the town force 15,000 people to evacuate.", want: false},
		{text: "Soldiers evacuated residents from their homes as the river rose.", want: false},
		// A government or cabinet left is known by the head of the phrase,
		// whatever stands before it; "due" ends a phrase as "because" does.
		{text: "The Unity party leaves Smith's government due to a dispute over conscription.", want: true, kind: "agreement", status: "completed", new: true, trigger: "leaves", from: "Smith's government"},
		{text: "The Freedom Movement partially pulls out of the unity government after one of its members is detained.", want: true, kind: "agreement", status: "completed", new: true, trigger: "pulls out", from: "the unity government"},
		{text: "Acme recalls 885,000 vehicles due to faulty brakes.", want: true, kind: "business", status: "completed", new: true, trigger: "recalls", what: "885,000 vehicles"},
		// "side" before "of" is a part of a place, not a team.
		{text: "Ruritanian militias withdraw from the Freedonian side of the border crossing.", want: true, kind: "military", status: "completed", new: true, trigger: "withdraw", from: "the Freedonian side of the border crossing"},
		{text: "The striker withdrew from the Freedonian side with a knee injury.", want: false},
		// A demand rejected, as a noun the rejecting verb takes, is a
		// refusal by the one who rejects it.
		{text: "Ruritania rejects Freedonia's calls to withdraw its troops from the border region.", want: true, kind: "military", status: "refused", trigger: "withdraw", actor: "Ruritania", what: "its troops"},
		{text: "Acme signs the contract, defying union calls to cancel the deal.", want: true, kind: "agreement", status: "refused", trigger: "cancel"},
		{text: "Freedonia renews its calls to withdraw the troops from the border region.", want: true, kind: "military", status: "demanded", trigger: "withdraw"},
		// An "after" clause set apart by a time before it, or by "comes",
		// tells an earlier step, not the day's recent cause.
		{text: "Freedonia formally rejoins the arms treaty, 107 days after it left the accord.", want: true, kind: "agreement", status: "completed", trigger: "left"},
		{text: "The decision comes after Ruritania closed its embassy in Freedonia.", want: true, kind: "diplomatic", status: "completed", trigger: "closed"},
		// "The company's", like "the country's", refers back to the actor.
		{text: "Acme's profits fall by 46% in the second quarter following the company's exit from Freedonia.", want: true, kind: "business", status: "completed", trigger: "exit"},
		{text: "Rebels enter the town following the army's withdrawal from its barracks.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		// A participle after a possessive names a withdrawal as known.
		{text: "Officials hold talks with Jan Novak, the union's recalled ambassador to Freedonia.", want: true, kind: "diplomatic", status: "completed", trigger: "recalled"},
		{text: "Ruritania's recalled its ambassador to Freedonia.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "recalled"},
		// Wanting, campaigning for, recommending another to withdraw, or
		// its obligation to, is a demand.
		{text: "Most voters now want Ruritania to leave the customs union.", want: true, kind: "agreement", status: "demanded", trigger: "leave", actor: "Ruritania"},
		{text: "Ministers may campaign for Freedonia to leave the customs union.", want: true, kind: "agreement", status: "demanded", trigger: "leave"},
		{text: "Ruritania has failed in its obligation to pull its troops out of the towns.", want: true, kind: "military", status: "demanded", trigger: "pull out"},
		{text: "The prime minister recommended the foreign troops withdraw.", want: true, kind: "military", status: "demanded", trigger: "withdraw"},
		// A withdrawal that times the news ("during") is known to the reader.
		{text: "The minister is accused of ignoring warnings during the withdrawal of Freedonian troops from the valley.", want: true, kind: "military", status: "completed", trigger: "withdrawal"},
		{text: "Rebel forces led by the Freedom Front capture the air base following the withdrawal of the Ruritanian army.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrawal"},
		{text: "The president urges Freedonia to rejoin the trade pact after the country withdrew over a dispute.", want: true, kind: "agreement", status: "completed", trigger: "withdrew"},
		// An "after" clause that opens the sentence gives the recent cause
		// of a main clause in the present; in the past, or for the
		// subject's own step, it is background.
		{text: "After rebels retreat outside the town, the coalition has begun launching air strikes.", want: true, kind: "military", status: "completed", new: true, trigger: "retreat"},
		{text: "Following Acme's withdrawal, the board of Bolt accepts a takeover offer from Rex.", want: true, kind: "business", status: "completed", new: true, trigger: "withdrawal"},
		{text: "After rebels retreated outside the town, the coalition launched air strikes.", want: true, kind: "military", status: "completed", trigger: "retreated"},
		{text: "After withdrawing from the race, the senator endorses her rival.", want: true, kind: "political", status: "completed", trigger: "withdrawing"},
		// A background word that does not subordinate the trigger: "while"
		// after a comma, a "that" clause between, "before having to".
		{text: "Opposition leaders call it a coup, while Freedonia recalls its ambassador.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "recalls"},
		{text: "Officials announced hours before the match that Novak had pulled out of the tournament.", want: true, kind: "sports", status: "completed", new: true, trigger: "pulled out"},
		{text: "Novak was leading the tournament by six strokes before having to withdraw.", want: true, kind: "sports", status: "completed", new: true, trigger: "withdraw"},
		{text: "Troops will stay in the valley until Freedonia has withdrawn its militias.", want: true, kind: "military", status: "completed", trigger: "withdrawn"},
		// A retreat someone is forced into is a withdrawal when the ones
		// forced are forces, named or referred to by a pronoun.
		{text: "Ruritanian forces confirm that they were forced to retreat.", want: true, kind: "military", status: "completed", new: true, trigger: "retreat"},
		{text: "Peacekeeping troops clashed with the rebels, forcing them to retreat.", want: true, kind: "military", status: "completed", new: true, trigger: "retreat"},
		{text: "An explosion forces rescue teams to retreat as 31 sailors remain missing.", want: false},
		{text: "The governor says Ruritanian forces may have to retreat from the city.", want: true, kind: "military", status: "hypothetical", trigger: "retreat"},
		// Forces abandoning their positions pull back; a party's positions
		// are views.
		{text: "Soldiers abandoned their positions and fled the city on boats.", want: true, kind: "military", status: "completed", new: true, trigger: "abandoned"},
		{text: "The party abandoned its positions on tax and spending.", want: false},
		// Forces or diplomats leaving a named place or a town, a district.
		{text: "Ruritanian rebels leave the neighborhood of Bab Amr after a long bombardment.", want: true, kind: "military", status: "completed", new: true, trigger: "leave"},
		{text: "The foreign minister confirmed the envoy had left Freedonia on Wednesday.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "left"},
		{text: "The ambassador left the building after the speech.", want: false},
		// What the review of these rules found them misreading.
		{text: "Ruritanian forces began to retreat from the city.", want: true, kind: "military", status: "completed", new: true, trigger: "retreat", actor: "Ruritanian forces"},
		{text: "Rebel forces, forced to retreat, regrouped in the hills.", want: true, kind: "military", status: "completed", new: true, trigger: "retreat"},
		{text: "After Freedonia withdraws its troops, the army will collapse.", want: true, kind: "military", status: "completed", trigger: "withdraws"},
		{text: "Residents returned after the troops that had occupied the town withdrew.", want: true, kind: "military", status: "completed", trigger: "withdrew"},
		{text: "The envoy rejected the criticism and renewed calls for Ruritania to withdraw its troops.", want: true, kind: "military", status: "demanded", trigger: "withdraw", actor: "Ruritania"},
		{text: "Acme's recalled more than one million vehicles.", want: true, kind: "business", status: "completed", new: true, trigger: "recalled"},
		{text: "The space probe ended its mission in Saturn's atmosphere on Friday.", want: false},
		{text: "Rescuers ended their search mission in Ruritania on Sunday.", want: false},
		{text: "The army abandoned its position on conscription.", want: false},
		{text: "Investors cheered the departure of the company's chief executive.", want: false},
		{text: "The ambassador left Novigrad on Friday for talks in the capital.", want: false},
		{text: "The senator urged Republicans to leave the party.", want: true, kind: "political", status: "demanded", trigger: "leave"},
		{text: "Freedonia follows Ruritania and withdraws from the arms treaty.", want: true, kind: "agreement", status: "completed", new: true, trigger: "withdraws"},
		{text: "During talks in Geneva Freedonia agreed to withdraw its troops.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw"},
		{text: "The Conservatives want to leave the customs union.", want: true, kind: "agreement", status: "announced", new: true, trigger: "leave", actor: "The Conservatives"},
		{text: "In phone calls to allies, the president said he would withdraw the troops.", want: true, kind: "military", status: "announced", new: true, trigger: "withdraw"},
		{text: "Novak drops out to support Ruritania at the Davis Cup.", want: false},
		// "Departure" is a withdrawal when forces, firms, a party or a
		// candidate leave; not a journey, a post or a policy changed.
		{text: "The decision follows the departure of several energy companies from the country.", want: true, kind: "business", status: "completed", trigger: "departure"},
		{text: "The Pentagon orders the departure of Freedonian troops from the border region.", want: true, kind: "military", status: "announced", new: true, trigger: "departure"},
		{text: "She has been a voter on the market since his departure from the presidential race.", want: true, kind: "political", status: "completed", trigger: "departure"},
		{text: "The first talks since the departure of Ruritanian troops from the valley, will begin today in Geneva.", want: true, kind: "military", status: "completed", trigger: "departure"},
		{text: "The plane lost contact 40 minutes after its departure from Singapore.", want: false},
		{text: "The press secretary announces the departure of National Security Council spokesman Jan Novak.", want: false},
		{text: "The remarks are a departure from the policy of strategic ambiguity.", want: false},
		// A candidate who drops out to back a named rival leaves a race.
		{text: "Jan Novak drops out in an effort to boost Anna Kowalska.", want: true, kind: "political", status: "completed", new: true, trigger: "drops out"},
		{text: "Jan Novak dropped out in the autumn semester.", want: false},
		// A mission in a country ended is a presence withdrawn; a probe's is
		// not.
		{text: "The bloc announces it will end its mission to train police officers in Freedonia.", want: true, kind: "other", status: "announced", new: true, trigger: "end"},
		{text: "A farewell ceremony ends the 14 year RAMSI mission in the Ruritanian Islands.", want: true, kind: "other", status: "completed", new: true, trigger: "ends"},
		{text: "The space probe ends its mission in December with a plunge into the planet.", want: false},
		// A firm's legal base is no military one; a ban from leaving keeps
		// people in.
		{text: "Acme Bank announces it is moving its legal base out of Catalonia to Valencia.", want: false},
		{text: "Freedonia bans all Ruritanian nationals (including embassy employees) from leaving the country.", want: false},
		{text: "The army announces it is moving its troops out of the valley.", want: true, kind: "military", status: "announced", new: true, trigger: "moving out"},
		// A campaign of fighting ended is no withdrawal; a race's is.
		{text: "The militant group suspends its bombing campaign in Freedonia.", want: false},
		{text: "The rebel leader says his forces will not end their military campaign until the president resigns.", want: false},
		{text: "The senator suspends her campaign for the presidency.", want: true, kind: "political", status: "completed", new: true, trigger: "suspends"},
		// Citizens told to leave a country are no withdrawal; diplomats are.
		{text: "Officials say enough troops are in place to launch an invasion and warn Americans to leave the country within 48 hours.", want: false},
		{text: "The ministry orders its diplomats to leave the country as troops mass on the border.", want: true, kind: "diplomatic", status: "announced", new: true, trigger: "leave"},
		// A protest at a withdrawal is news about one the reader knows.
		{text: "The adviser quits in protest at the Freedonian withdrawal from the arms treaty.", want: true, kind: "agreement", status: "completed", trigger: "withdrawal"},
		// An authority's recall order is demanded of the maker; a maker's
		// own is announced.
		{text: "The Freedonian Road Safety Administration orders a product recall of 46,000 Acme trucks.", want: true, kind: "business", status: "demanded", trigger: "recall"},
		{text: "The Ministry of Health issues a recall of contaminated meat products from Acme Foods.", want: true, kind: "business", status: "demanded", trigger: "recall"},
		{text: "Acme orders a recall of 475,000 cars over faulty cameras.", want: true, kind: "business", status: "announced", new: true, trigger: "recall"},
		// A cue of refusal does not govern a finite verb joined to its own
		// by "and"; it governs a base form that shares its infinitive.
		{text: "Freedonia suspends diplomatic relations with Ruritania and withdraws its diplomats from the country.", want: true, kind: "diplomatic", status: "completed", new: true, trigger: "withdraws"},
		{text: "The army did not regroup and withdrew from the town.", want: true, kind: "military", status: "completed", new: true, trigger: "withdrew"},
		{text: "The rebels refused to negotiate and withdraw from the town.", want: true, kind: "military", status: "refused", trigger: "withdraw"},
		// "Formerly" describes a name, not the time of the event.
		{text: "Jan Novak, formerly the mayor of Ruritania City, ended his campaign on Wednesday.", want: true, kind: "political", status: "completed", new: true, trigger: "ended"},
		{text: "The security firm Bolt (formerly Acme Guards) ends its operations in Freedonia.", want: true, kind: "business", status: "completed", new: true, trigger: "ends"},
		// "In the event" and "in case" set a condition, as "if" does.
		{text: "The bank prepares for trading in Frankfurt in the event Ruritania leaves the customs union.", want: true, kind: "agreement", status: "hypothetical", trigger: "leaves"},
		{text: "Staff pack their bags in case the embassy is withdrawn from the capital.", want: true, kind: "diplomatic", status: "hypothetical", trigger: "withdrawn"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			evs := d.Detect(tc.text, nil, nil)
			if got := len(evs) > 0; got != tc.want {
				t.Fatalf("fired = %v, want %v (%+v)", got, tc.want, evs)
			}
			if !tc.want {
				return
			}
			ev := evs[0]
			if ev.Kind != tc.kind || ev.Status != tc.status || ev.NewAnnouncement != tc.new || ev.Trigger != tc.trigger {
				t.Errorf("got %s/%s new=%v trigger %q (cues %q), want %s/%s new=%v trigger %q",
					ev.Kind, ev.Status, ev.NewAnnouncement, ev.Trigger, ev.Cues, tc.kind, tc.status, tc.new, tc.trigger)
			}
			for _, r := range []struct {
				name, want string
				got        *article.Role
			}{{"actor", tc.actor, ev.Actor}, {"what", tc.what, ev.What}, {"from", tc.from, ev.From}} {
				if r.want != "" && (r.got == nil || r.got.Text != r.want) {
					t.Errorf("%s = %+v, want %q", r.name, r.got, r.want)
				}
			}
			if tc.text[ev.TriggerStart:ev.TriggerEnd] == "" || tc.text[ev.Start:ev.End] != ev.Sentence {
				t.Errorf("bad spans: %+v", ev)
			}
		})
	}
}

// TestActor checks who the detector says withdraws, in the constructions
// where the word before the trigger is not the subject: a pronoun after a
// verb of saying, an adverb, hearsay, a passive, a participle clause, an
// apposition, a description of the subject, and noun triggers governed by
// a verb of announcing or owned by a pronoun. "" means no actor.
func TestActor(t *testing.T) {
	d, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, actor string }{
		{"Freedonia said on Monday it would withdraw its troops from the valley.", "Freedonia"},
		{"Ruritania is temporarily pulling its diplomats out of Novigrad.", "Ruritania"},
		{"Senator Jane Roe is reported to be withdrawing from the race.", "Senator Jane Roe"},
		{"Freedonia said on Sunday it would no longer respect any limits on its enrichment of uranium, effectively abandoning the 2015 nuclear deal.", "Freedonia"},
		{"The former governor of Novigrad, John Doe, ends his campaign for the presidency.", "John Doe"},
		{"John Doe, who was a candidate in the primary, ended his campaign on Friday.", "John Doe"},
		{"Ruritania becomes the first country to withdraw from the convention.", "Ruritania"},
		{"Freedonia announces its withdrawal from the regional bloc.", "Freedonia"},
		{"The Ruritanian army announces a partial withdrawal from the border.", "The Ruritanian army"},
		{"Rebels seized the town following the withdrawal of Ruritanian forces.", "Ruritanian forces"},
		{"The foreign minister of Freedonia announces the country's withdrawal from the treaty.", "Freedonia"},
		{"His exit from the race leaves three candidates in the primary.", ""},
		{"The State Department orders all non-essential staff to leave Freedonia.", "The State Department"},
		{"Washington welcomed Belgrade's decision to pull back troops from the border.", "Belgrade's"},
		{"A similar bill was withdrawn in 2003 after mass protests.", ""},
		{"Freedonia announces that all troops will be withdrawn from Novigrad by May.", "Freedonia"},
		{"The troops were withdrawn by Ruritania from the valley on Friday.", "Ruritania"},
		{"The resolution passes, prompting Freedonia to recall its ambassador from Ruritania.", "Freedonia"},
		{"The Ruritanian army was given 24 hours to withdraw its troops from the valley.", "The Ruritanian army"},
		{"Freedonia gives Ruritania 48 hours to withdraw its troops from the valley.", "Ruritania"},
		{"On September 1 Ruritania withdrew from the Dagomys peace agreement.", "Ruritania"},
		{"Following Acme's withdrawal, the board of Bolt accepts a takeover offer.", "Acme's"},
		{"Novak was leading the tournament by six strokes before having to withdraw.", "Novak"},
		{"Ruritania rejects Freedonia's calls to withdraw its troops from the border region.", "Ruritania"},
		{"The envoy says Ruritania has failed in its obligation to pull its troops out of the towns.", ""},
		{"Will Smith's withdrawal from the film was announced on Monday.", "Will Smith's"},
		{"Freedonia has heeded calls to withdraw its troops from the valley.", ""},
		// Unchanged: the subject right before the verb, and a possessor.
		{"Russia will withdraw its troops from Moldova by June.", "Russia"},
		{"Freedonia's withdrawal from the bloc takes effect in May.", "Freedonia's"},
	}
	for _, tc := range tests {
		evs := d.Detect(tc.text, nil, nil)
		if len(evs) == 0 {
			t.Errorf("%s: no event", tc.text)
			continue
		}
		got := ""
		if evs[0].Actor != nil {
			got = evs[0].Actor.Text
		}
		if got != tc.actor {
			t.Errorf("%s: actor %q, want %q", tc.text, got, tc.actor)
		}
	}
}

// TestObjectRoles checks what is withdrawn and where from where the
// phrase is not simply the object and a "from" after it: a part of a
// whole, a post abroad, a "from" further on, and phrases that name no
// place. "" means no role.
func TestObjectRoles(t *testing.T) {
	d, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, what, from string }{
		{"Freedonia will withdraw about half of its 2,500 troops from Novigrad by September.", "about half of its 2,500 troops", "Novigrad"},
		{"Ruritania recalls its ambassador to Freedonia after a row over remarks.", "its ambassador", "Freedonia"},
		{"The agency withdraws all of its international staff from the capital.", "all of its international staff", "the capital"},
		{"Acme closed its last stores in Freedonia on Friday.", "its last stores", "Freedonia"},
		{"Ruritania recalled its envoy to the Democratic Republic of the Congo due to the fighting.", "its envoy", "the Democratic Republic of the Congo"},
		{"The ministry ordered the families of diplomats to leave amid riots.", "", ""},
		{"Freedonia will reduce its troops from 5,200 to 3,000 by May.", "its troops", ""},
		{"Acme recalled 40,000 heaters in March over a fire risk.", "40,000 heaters", ""},
		{"The State Department orders all non-essential staff to leave Freedonia.", "all non-essential staff", "Freedonia"},
		{"Ruritania warns that it will not meet the deadline to withdraw from Freedonia.", "", "Freedonia"},
		{"A similar bill was withdrawn in 2003 after mass protests.", "A similar bill", ""},
		{"Freedonia announces that all troops will be withdrawn from Novigrad by May.", "all troops", "Novigrad"},
	}
	for _, tc := range tests {
		evs := d.Detect(tc.text, nil, nil)
		if len(evs) == 0 {
			t.Errorf("%s: no event", tc.text)
			continue
		}
		for _, r := range []struct {
			name, want string
			got        *article.Role
		}{{"what", tc.what, evs[0].What}, {"from", tc.from, evs[0].From}} {
			got := ""
			if r.got != nil {
				got = r.got.Text
			}
			if got != r.want {
				t.Errorf("%s: %s %q, want %q", tc.text, r.name, got, r.want)
			}
		}
	}
}

// TestMembersLeavePlace checks that members who leave a name the article's
// entities know as a place travel: "lawmakers will leave Kyiv" is no
// withdrawal from a party, while the same sentence without the entity is
// read as one.
func TestMembersLeavePlace(t *testing.T) {
	d, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	text := "Twelve lawmakers will leave Novigrad after the vote."
	if evs := d.Detect(text, nil, nil); len(evs) != 1 {
		t.Fatalf("without entities: want one event, got %+v", evs)
	}
	start := strings.Index(text, "Novigrad")
	ents := []article.Entity{{Text: "Novigrad", Type: article.Place, Start: start, End: start + len("Novigrad")}}
	if evs := d.Detect(text, ents, nil); len(evs) != 0 {
		t.Errorf("with Novigrad a place: want no event, got %+v", evs)
	}
}

// TestLaterMentionFollowsBackground checks that a second mention of a
// withdrawal without a status cue of its own is background when the
// sentence has told the withdrawal as background.
func TestLaterMentionFollowsBackground(t *testing.T) {
	d, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	text := "Ruritania is in the process of leaving the customs union, a move nicknamed Ruxit for Ruritanian exit."
	evs := d.Detect(text, nil, nil)
	if len(evs) < 2 {
		t.Fatalf("want two events, got %+v", evs)
	}
	for _, ev := range evs {
		if ev.NewAnnouncement {
			t.Errorf("%q is news (cues %q), want background", ev.Trigger, ev.Cues)
		}
	}
}

func TestGroupsAndFolds(t *testing.T) {
	tests := []struct {
		it   Labelled
		want string
	}{
		{Labelled{ID: "authored2-s07-1", Group: "s07"}, "s07"},
		{Labelled{ID: "wcxb-0440#188"}, "wcxb-0440"},
		{Labelled{ID: "authored-021"}, "authored-021"},
	}
	for _, tc := range tests {
		if got := GroupOf(tc.it); got != tc.want {
			t.Errorf("GroupOf(%s) = %q, want %q", tc.it.ID, got, tc.want)
		}
	}
	for _, g := range []string{"s07", "wcxb-0440", "conll2003-train/doc3"} {
		f := Fold(g, 5)
		if f < 0 || f >= 5 || Fold(g, 5) != f {
			t.Errorf("Fold(%q, 5) = %d, not a stable fold", g, f)
		}
	}
}

func TestResolveCoNLLGroups(t *testing.T) {
	dir := t.TempDir()
	conll := "-DOCSTART- O\n\nRussia B-LOC\nwithdraws O\n\n-DOCSTART- O\n\nTroops O\nleft O\n\nMore O\n"
	if err := os.WriteFile(dir+"/x.txt", []byte(conll), 0o644); err != nil {
		t.Fatal(err)
	}
	items := []Labelled{{ID: "a", CoNLL: &CoNLLRef{File: "x.txt", Sentence: 2}}, {ID: "b", Group: "mine", CoNLL: &CoNLLRef{File: "x.txt", Sentence: 0}}}
	if err := ResolveCoNLL(items, dir); err != nil {
		t.Fatal(err)
	}
	if items[0].Text != "More" || items[0].Group != "x/doc1" || items[1].Text != "Russia withdraws" || items[1].Group != "mine" {
		t.Errorf("got %+v", items)
	}
	bad := []Labelled{{ID: "c", CoNLL: &CoNLLRef{File: "x.txt", Sentence: 3}}}
	if err := ResolveCoNLL(bad, dir); err == nil || !strings.Contains(err.Error(), "item c") {
		t.Errorf("out-of-range sentence: err = %v", err)
	}
}

func TestSplitSentences(t *testing.T) {
	lex := english()
	text := "Mr. Smith left. U.S. troops withdrew on Jan. 5. \"We go,\" he said.\nHeadline here\n\nLast one?"
	var got []string
	for _, s := range splitSentences(text, lex.Abbrev) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{"Mr. Smith left.", "U.S. troops withdrew on Jan. 5.", "\"We go,\" he said.", "Headline here", "Last one?"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestNewLanguage(t *testing.T) {
	if _, err := New("de"); err == nil {
		t.Error("New(de) succeeded without a German lexicon")
	}
	for _, tag := range []string{"", "en", "en-GB", "EN_us"} {
		if _, err := New(tag); err != nil {
			t.Errorf("New(%q): %v", tag, err)
		}
	}
}

// BenchmarkDetect measures sentences per second on one core over a mix of
// news sentences with and without trigger words.
func BenchmarkDetect(b *testing.B) {
	d, _ := New("en")
	sents := []string{
		"Russia will withdraw its troops from Moldova by June, the foreign ministry said on Tuesday.",
		"Customers rushed to make a cash withdrawal before the banks closed.",
		"The central bank left interest rates unchanged for a third month.",
		"Opposition leaders called on the government to withdraw the bill.",
		"The match was delayed by rain for almost two hours.",
		"Toyota is recalling 1.2 million vehicles over faulty airbags.",
		"Prices of wheat rose sharply after the drought in the south of the country.",
		"The minister said talks with the unions would resume next week.",
	}
	body := strings.Join(sents, " ")
	b.ReportAllocs()
	for b.Loop() {
		d.Detect(body, nil, nil)
	}
	b.ReportMetric(float64(len(sents)*b.N)/b.Elapsed().Seconds(), "sentences/s")
}

func ExampleDetector_Detect() {
	d, _ := New("en")
	for _, ev := range d.Detect("Moscow backs the pullout of mercenaries from Libya.", nil, nil) {
		fmt.Println(ev.Type, ev.Kind, ev.Status, ev.Trigger, ev.What.Text, ev.From.Text, ev.NewAnnouncement)
	}
	// Output: withdrawal military supported pullout mercenaries Libya true
}

// BenchmarkDetectCorpus measures sentences per second on one core over the
// bodies of the project's test corpus (testdata/corpus): real article text,
// where most sentences hold no trigger at all.
func BenchmarkDetectCorpus(b *testing.B) {
	f, err := os.Open("../../testdata/corpus/truth.jsonl")
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	var bodies []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var page struct {
			Body *string `json:"body"`
		}
		if json.Unmarshal(sc.Bytes(), &page) == nil && page.Body != nil {
			bodies = append(bodies, *page.Body)
		}
	}
	d, _ := New("en")
	sentences := 0
	for _, body := range bodies {
		sentences += len(splitSentences(body, d.lex.Abbrev))
	}
	b.ResetTimer()
	for b.Loop() {
		for _, body := range bodies {
			d.Detect(body, nil, nil)
		}
	}
	b.ReportMetric(float64(sentences*b.N)/b.Elapsed().Seconds(), "sentences/s")
}

// TestLexiconsComplete checks that every built-in lexicon fills everything
// the rules consult: a missing word set would silently switch a rule off.
func TestLexiconsComplete(t *testing.T) {
	for lang, lex := range lexicons() {
		for set := range numSets {
			if len(lex.Sets[set]) == 0 {
				t.Errorf("%s: word set %d is empty", lang, set)
			}
		}
		if len(lex.Triggers) == 0 || len(lex.Classes) == 0 || len(lex.Cues) == 0 || len(lex.DemonymSuffixes) == 0 ||
			len(lex.Boundary) == 0 || len(lex.FromBoundary) == 0 || len(lex.From) == 0 || len(lex.Of) == 0 {
			t.Errorf("%s: lexicon has an empty table", lang)
		}
	}
}

// TestDetectContext checks what the article context changes: the
// publication date decides whether a year or month in the sentence is
// background, and a headline that reports a withdrawal makes a bare noun
// that refers back to it an event and lends its kind. Without context each
// sentence is judged alone.
func TestDetectContext(t *testing.T) {
	d, err := New("en")
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) *time.Time {
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &tm
	}
	const (
		somalia = "Ethiopian troops withdrew from Somalia in 2009."
		miami   = "She also withdrew from the Miami Open in March."
		spain   = "Spain said the recall would not change its decision."
		macron  = "The withdrawal will take four to six months, President Emmanuel Macron said."
	)
	tests := []struct {
		name         string
		text         string
		c            Context
		want         bool
		kind, status string
		new          bool
	}{
		{"year alone", somalia, Context{}, true, "military", "historical", false},
		{"comment on a known withdrawal", "The pullout of the peacekeepers was a blunder.", Context{}, true, "military", "completed", false},
		{"comment under a headline reporting it", "The pullout of the peacekeepers was a blunder.",
			Context{Title: "Ruritania withdraws its peacekeepers from the valley"}, true, "military", "completed", true},
		{"year of publication", somalia, Context{Published: date("2009-01-25")}, true, "military", "completed", true},
		{"year before publication", somalia, Context{Published: date("2012-06-01")}, true, "military", "historical", false},
		{"month alone", miami, Context{}, true, "sports", "completed", true},
		{"month of publication", miami, Context{Published: date("2024-03-25")}, true, "sports", "completed", true},
		{"month before publication", miami, Context{Published: date("2024-04-24")}, true, "sports", "completed", false},
		{"plan for a later month", "Kenya will withdraw its troops from Haiti in December.", Context{Published: date("2025-06-11")},
			true, "military", "announced", true},
		{"month of a later year", "Ruritania announces its intention to resume whaling in July 2019 after withdrawing from the whaling commission.",
			Context{Published: date("2018-12-26")}, true, "agreement", "completed", true},
		// An absolute "with" clause tells the news's circumstance, unless a
		// later deadline makes it the plan's detail.
		{"circumstance told with", "Patients fall ill after using the syrup, with the manufacturer withdrawing the product.",
			Context{Published: date("2011-03-29")}, true, "business", "completed", false},
		{"with after a verb takes its object", "The president met with soldiers withdrawing from the town.",
			Context{Published: date("2024-09-27")}, true, "military", "completed", true},
		{"plan told with a later deadline", "The allies agree to end the mission by September 2025, with all remaining troops withdrawing by the end of 2026.",
			Context{Published: date("2024-09-27")}, true, "military", "announced", true},
		{"deadline of the article's year told with", "The allies end the mission, with all remaining troops withdrawing by the end of 2024.",
			Context{Published: date("2024-09-27")}, true, "military", "completed", false},
		{"month and year before publication", "The country voted on June 23, 2016, to leave the European Union.",
			Context{Published: date("2019-09-11")}, true, "agreement", "historical", false},
		{"year after an article", "Voters chose in a 2016 referendum to leave the European Union.",
			Context{Published: date("2019-09-11")}, true, "agreement", "historical", false},
		{"month and year without a preposition", "The candidate withdrew from the race around August 2019.",
			Context{Published: date("2020-10-22")}, true, "political", "historical", false},
		{"month and year of publication", "The candidate withdrew from the race around August 2020.",
			Context{Published: date("2020-10-22")}, true, "political", "completed", true},
		{"done last month of that name", "Three publishers pulled out of the price agreement last September.",
			Context{Published: date("2024-04-10")}, true, "agreement", "historical", false},
		{"plan said last month of that name", "The ministry said last May that its troops would withdraw from the region.",
			Context{Published: date("2024-04-10")}, true, "military", "announced", false},
		{"earlier month without last", "The troops retreated from the town in March.",
			Context{Published: date("2024-04-10")}, true, "military", "completed", false},
		{"part of an earlier month", "She dropped out of the race in early March.",
			Context{Published: date("2020-04-16")}, true, "political", "completed", false},
		{"bare noun alone", spain, Context{}, false, "", "", false},
		{"bare noun under a withdrawal headline", spain, Context{Title: "Israel recalls envoy to Spain after recognition of Palestine"},
			true, "diplomatic", "completed", true},
		{"bare noun under another headline", spain, Context{Title: "Spain recognises a Palestinian state"}, false, "", "", false},
		{"recall vote under a withdrawal headline", "Residents said the recall vote would go ahead.",
			Context{Title: "Israel recalls envoy to Spain"}, false, "", "", false},
		{"bare drop out alone", "Harris dropped out ahead of the debate.", Context{}, false, "", "", false},
		{"bare drop out under a withdrawal headline", "Harris dropped out ahead of the debate.",
			Context{Title: "Harris ends presidential bid"}, true, "political", "completed", true},
		{"school drop-outs under a withdrawal headline", "Many students dropped out of school.",
			Context{Title: "Harris ends presidential bid"}, false, "", "", false},
		{"a construction noun under a withdrawal headline", "The budget runs until the end of 2027.",
			Context{Title: "Ruritania recalls its envoy to Freedonia"}, false, "", "", false},
		{"plan dated in an earlier year", "Ruritania said in 2019 that it would withdraw its troops from the valley.",
			Context{Published: date("2021-05-02")}, true, "military", "announced", false},
		{"plan dated in the year of publication", "Ruritania said in 2021 that it would withdraw its troops from the valley.",
			Context{Published: date("2021-05-02")}, true, "military", "announced", true},
		{"kind alone", macron, Context{}, true, "other", "announced", true},
		{"kind from the headline", macron, Context{Title: "France to pull troops out of Mali"}, true, "military", "announced", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs := d.DetectContext(tc.text, nil, tc.c)
			if !tc.want {
				if len(evs) != 0 {
					t.Fatalf("got %+v, want no event", evs)
				}
				return
			}
			if len(evs) != 1 || evs[0].Kind != tc.kind || evs[0].Status != tc.status || evs[0].NewAnnouncement != tc.new {
				t.Fatalf("got %+v, want one %s %s event, new %v", evs, tc.kind, tc.status, tc.new)
			}
			if p := d.PredictContext(tc.text, tc.c); !p.Withdrawal || p.Status != tc.status || p.NewAnnouncement != tc.new {
				t.Errorf("PredictContext = %+v", p)
			}
		})
	}
	pub := date("2009-01-25")
	if got, want := d.Detect(somalia, nil, pub), d.DetectContext(somalia, nil, Context{Published: pub}); len(got) != 1 || got[0].Status != want[0].Status {
		t.Errorf("Detect and DetectContext differ: %+v vs %+v", got, want)
	}
}

func TestLabelledContext(t *testing.T) {
	tests := []struct {
		published string
		wantYear  int // 0: no date
		wantErr   bool
	}{
		{"", 0, false},
		{"1996-08-30", 1996, false},
		{"2025-11-03 00:00:00+00:00", 2025, false},
		{"2024-02-01T10:00:00Z", 2024, false},
		{"last Tuesday", 0, true},
	}
	for _, tc := range tests {
		c, err := Labelled{ID: "x", Title: "T", Published: tc.published}.Context()
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: err = %v, want error %v", tc.published, err, tc.wantErr)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "item x") {
				t.Errorf("%q: error %q does not name the item", tc.published, err)
			}
			continue
		}
		year := 0
		if c.Published != nil {
			year = c.Published.Year()
		}
		if year != tc.wantYear || c.Title != "T" {
			t.Errorf("%q: context %+v, want year %d and the title", tc.published, c, tc.wantYear)
		}
	}
}

// TestResolveCoNLLContext checks that a CoNLL item gets its document's
// headline and dateline date, and that a document without a dateline
// gives a headline but no date.
func TestResolveCoNLLContext(t *testing.T) {
	dir := t.TempDir()
	conll := "-DOCSTART- O\n\nRussian B-MISC\ntroops O\nstart O\npullout O\n. O\n\nSHATOI B-LOC\n, O\nRussia B-LOC\n1996-08-25 O\n\nTroops O\nleft O\n\n" +
		"-DOCSTART- O\n\nSOCCER O\n- O\nRESULTS O\n\nAjax B-ORG\nwon O\n"
	if err := os.WriteFile(dir+"/x.txt", []byte(conll), 0o644); err != nil {
		t.Fatal(err)
	}
	items := []Labelled{
		{ID: "a", CoNLL: &CoNLLRef{File: "x.txt", Sentence: 2}},
		{ID: "b", CoNLL: &CoNLLRef{File: "x.txt", Sentence: 4}},
		{ID: "c", Title: "own", Published: "2001-01-01", CoNLL: &CoNLLRef{File: "x.txt", Sentence: 2}},
	}
	if err := ResolveCoNLL(items, dir); err != nil {
		t.Fatal(err)
	}
	want := []struct{ title, published string }{
		{"Russian troops start pullout .", "1996-08-25"},
		{"SOCCER - RESULTS", ""},
		{"own", "2001-01-01"},
	}
	for k, w := range want {
		if items[k].Title != w.title || items[k].Published != w.published {
			t.Errorf("item %s: title %q, published %q; want %q, %q", items[k].ID, items[k].Title, items[k].Published, w.title, w.published)
		}
	}
}

// TestResolveCorpus checks that corpus items get their page's title and
// date by page id (with or without a set prefix), that a page's missing
// or unreadable date is left out, and that other items are untouched.
func TestResolveCorpus(t *testing.T) {
	dir := t.TempDir()
	truth := `{"id":"wcxb-0001","title":"Mali leaves G5 Sahel","published":"2022-05-16"}` + "\n" +
		`{"id":"aeb-x","title":null,"published":"sometime"}` + "\n"
	if err := os.WriteFile(dir+"/truth.jsonl", []byte(truth), 0o644); err != nil {
		t.Fatal(err)
	}
	items := []Labelled{{ID: "wcxb-0001#4"}, {ID: "events3:wcxb-0001#9"}, {ID: "aeb-x#1"}, {ID: "authored-001"}, {ID: "wcxb-0002#1"}}
	if err := ResolveCorpus(items, []string{dir}); err != nil {
		t.Fatal(err)
	}
	for k, w := range []struct{ title, published string }{
		{"Mali leaves G5 Sahel", "2022-05-16"}, {"Mali leaves G5 Sahel", "2022-05-16"}, {"", ""}, {"", ""}, {"", ""},
	} {
		if items[k].Title != w.title || items[k].Published != w.published {
			t.Errorf("item %s: %q, %q; want %q, %q", items[k].ID, items[k].Title, items[k].Published, w.title, w.published)
		}
	}
	if err := os.WriteFile(dir+"/truth.jsonl", []byte("{broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ResolveCorpus(items, []string{dir}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("broken truth file: err = %v, want one naming line 1", err)
	}
}
