// Package archtest holds the tests that keep the package map of
// ARCHITECTURE.md true: the stages (crawler, extractor, indexer, story,
// alert, export and their subpackages) depend on no store, and no store
// package imports or depends on a stage. It has no code of its own; its tests ask the go
// command for the real import graph.
package archtest
