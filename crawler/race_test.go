//go:build race

package crawler

// raceEnabled reports a build with the race detector, under which the
// dev-set verdict gate checks a sample of the pages.
const raceEnabled = true
