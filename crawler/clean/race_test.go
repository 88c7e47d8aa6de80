//go:build race

package clean_test

// raceEnabled makes the dev-set gate clean a sample of the pages: the race
// detector slows the cleaner about tenfold, and the whole sets would take
// minutes of the suite.
const raceEnabled = true
