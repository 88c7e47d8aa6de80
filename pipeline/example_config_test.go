package pipeline_test

import (
	"flag"
	"fmt"

	"github.com/wirewatch/wirewatch/pipeline"
)

// A command builds a role from its configuration: it registers the
// role's flags, parses them, validates and runs (here RunIndex).
func ExampleIndexConfig() {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	var cfg pipeline.IndexConfig
	cfg.RegisterFlags(fs)
	if err := fs.Parse([]string{"--kafka-brokers", "127.0.0.1:9092", "--story-role", "--alerts-out", "alerts.jsonl"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("group:", cfg.Consumer.Group)
	fmt.Println(cfg.Validate())
	// Output:
	// group: wirewatch-index
	// --alerts-out with --story-role: the story role alerts
}
