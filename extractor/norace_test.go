//go:build !race

package extractor

// raceEnabled skips timing assertions: the race detector slows code ~10x.
const raceEnabled = false
