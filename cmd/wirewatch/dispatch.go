package main

import (
	"fmt"
	"strings"

	"github.com/peterbourgon/ff/v3/ffcli"
)

// errUnknownCommand is returned for a first argument that names no command,
// so that a typo in a script fails instead of printing the help and
// exiting 0.
type errUnknownCommand struct {
	name    string
	closest string // "" when no command is close enough to suggest
}

func (e errUnknownCommand) Error() string {
	msg := fmt.Sprintf("unknown command %q", e.name)
	if e.closest != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.closest)
	}
	return msg + " (wirewatch --help lists the commands)"
}

// unknownCommand names the command of root closest to name, by edit
// distance; a command is suggested only if at most a third of its letters
// (at least one) differ, or if one name is a prefix of the other.
func unknownCommand(root *ffcli.Command, name string) errUnknownCommand {
	best, bestDist := "", -1
	for _, c := range root.Subcommands {
		d := editDistance(strings.ToLower(name), c.Name)
		if strings.HasPrefix(c.Name, strings.ToLower(name)) || strings.HasPrefix(strings.ToLower(name), c.Name) {
			d = min(d, 1)
		}
		if d > max(1, len(c.Name)/3) {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c.Name, d
		}
	}
	return errUnknownCommand{name: name, closest: best}
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
