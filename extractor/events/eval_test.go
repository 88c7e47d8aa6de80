package events

import "testing"

func TestSameRole(t *testing.T) {
	tests := []struct {
		gold, pred string
		want       bool
	}{
		{"", "", true},
		{"Russia", "Russia", true},
		{"Russia", "Russia's defence ministry", true},
		{"Russia’s defence ministry", "the defence ministry", true},
		{"military units", "its military units", true},
		{"The We Company", "We Company", true},
		{"Russia", "Russian troops", false},
		{"Russia", "", false},
		{"", "Norway", false},
		{"Iran", "effectively", false},
		{"the Paris climate agreement", "the agreement again", false},
		{"Democratic Republic of Congo", "Democratic Republic of the Congo", false},
	}
	for _, tt := range tests {
		if got := SameRole(tt.gold, tt.pred); got != tt.want {
			t.Errorf("SameRole(%q, %q) = %v, want %v", tt.gold, tt.pred, got, tt.want)
		}
	}
}

// TestEvaluateRoles checks that roles are scored on items both labelled
// and detected as withdrawals, and only where the label names the role.
func TestEvaluateRoles(t *testing.T) {
	items := []Labelled{
		{Withdrawal: true, Actor: "Russia", From: "Syria"},
		{Withdrawal: true, Actor: "France", What: "troops"},
		{Withdrawal: true, Actor: "Mali"},  // missed: not scored
		{Withdrawal: false, Actor: "Chad"}, // not a withdrawal: not scored
	}
	preds := []Prediction{
		{Withdrawal: true, Actor: "Russia's army", From: "Latakia", What: "its advisers"},
		{Withdrawal: true, Actor: "", What: "its troops"},
		{},
		{Withdrawal: true, Actor: "Chad"},
	}
	s := Evaluate(items, preds)
	if s.RolesLabelled != [3]int{2, 1, 1} || s.RolesRight != [3]int{1, 1, 0} {
		t.Errorf("roles labelled %v right %v, want [2 1 1] and [1 1 0]", s.RolesLabelled, s.RolesRight)
	}
}
