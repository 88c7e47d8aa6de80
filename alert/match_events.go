package alert

import "github.com/wirewatch/wirewatch/pkg/query"

// events reports whether one event of the article satisfies every kid of
// the Events node n (see query.MatchEvent).
func (d *Doc) events(n *query.Node) bool {
	all := &query.Node{Op: query.And, Kids: n.Kids}
	for i := range d.a.Events {
		if query.MatchEvent(all, &d.a.Events[i]) {
			return true
		}
	}
	return false
}
