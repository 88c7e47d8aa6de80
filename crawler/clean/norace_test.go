//go:build !race

package clean_test

// raceEnabled is false: the dev-set gate cleans every page.
const raceEnabled = false
