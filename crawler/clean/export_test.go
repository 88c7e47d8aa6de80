package clean

// NewWithout returns a Cleaner with the named rules turned off, for the
// cross-validation in the dev-set tests: a rule is kept only if turning
// it off makes the held-out folds worse.
func NewWithout(opts Options, rules ...string) *Cleaner {
	c := New(opts)
	c.off = make(map[string]bool, len(rules))
	for _, r := range rules {
		c.off[r] = true
	}
	return c
}
