package main

import (
	"flag"

	"github.com/wirewatch/wirewatch/crawler"
	"github.com/wirewatch/wirewatch/pipeline"
)

// crawlFlags is the crawler's flag group as run, demo and crawl register
// it (pipeline.CrawlerFlags), under the names flags_test.go has used since
// before the group moved next to the role configs.
type crawlFlags struct{ pipeline.CrawlerFlags }

func (f *crawlFlags) register(fs *flag.FlagSet) { f.RegisterFlags(fs) }

func (f *crawlFlags) options() (crawler.Options, error) { return f.Options() }
