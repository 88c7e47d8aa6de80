package alert

import "github.com/wirewatch/wirewatch/pkg/query"

// events reports whether one event of the article satisfies the Events
// node n, every kid at once (see query.MatchEvent).
func (d *Doc) events(n *query.Node) bool {
	for i := range d.a.Events {
		if query.MatchEvent(n, &d.a.Events[i]) {
			return true
		}
	}
	return false
}
