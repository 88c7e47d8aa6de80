package query_test

import (
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/query"
)

func ExampleParse() {
	q, err := query.Parse(`(withdraw* OR pullout OR "pull out") AND (troops OR forces) NOT "cash withdrawal"`)
	if err != nil {
		panic(err)
	}
	fmt.Println(q)
	fmt.Print(q.Explain())
	// Output:
	// (withdraw* OR pullout OR "pull out") (troops OR forces) -"cash withdrawal"
	// AND
	//   OR
	//     PREFIX withdraw* (words starting "withdraw")
	//     TEXT word "pullout" in title or body, terms pullout
	//     TEXT phrase "pull out" in title or body, terms pull out
	//   OR
	//     TEXT word "troops" in title or body, terms troop
	//     TEXT word "forces" in title or body, terms forc
	//   NOT
	//     TEXT phrase "cash withdrawal" in title or body, terms cash withdraw
}

func ExampleParse_filters() {
	q, _ := query.Parse(`person:Lavrov person:Biden place:(Libya OR Syria) -section:sport since:now-7d figure:money>1000000`)
	fmt.Print(q.Explain())
	// Output:
	// AND
	//   OR
	//     FILTER person = "Lavrov"
	//     FILTER person = "Biden"
	//   OR
	//     FILTER place = "Libya"
	//     FILTER place = "Syria"
	//   NOT
	//     FILTER section = "sport"
	//   DATE since now-7d
	//   FIGURE money > 1000000
}

func ExampleParse_error() {
	_, err := query.Parse(`(withdrawal OR pullout`)
	fmt.Println(err)
	_, err = query.Parse(`troops AND`)
	fmt.Println(err)
	_, err = query.Parse(`wi* troops`)
	fmt.Println(err)
	// Output:
	// bad query at column 1: unbalanced parenthesis: '(' is never closed
	// bad query at column 8: dangling operator: AND needs something after it, not end of query
	// bad query at column 1: prefix "wi*" is too short: at least 3 letters before '*'
}

func ExampleAnalyze() {
	for _, t := range query.Analyze("Withdrawing FIGHTERS from São Paulo") {
		fmt.Println(t.Word, t.Term)
	}
	// Output:
	// withdrawing withdraw
	// fighters fighter
	// from from
	// sao sao
	// paulo paulo
}

func ExampleNode_Bound() {
	q, _ := query.Parse("since:now-7d")
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	fmt.Println(q.Root.Bound(now))
	// Output: 2024-05-08 12:00:00 +0000 UTC
}

func ExampleSnippet() {
	q, _ := query.Parse("withdrawing")
	fmt.Println(query.Snippet(q, "Libya said the withdrawal of foreign fighters would begin next week."))
	// Output: Libya said the [withdrawal] of foreign fighters would begin next week.
}
