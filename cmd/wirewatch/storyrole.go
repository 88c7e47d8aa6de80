package main

import (
	"context"
	"flag"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/wirewatch/wirewatch/pipeline"
)

func storyCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("story", flag.ContinueOnError)
	var cfg pipeline.StoryConfig
	cfg.RegisterFlags(fs)
	registerConfig(fs)
	return &ffcli.Command{
		Name:       "story",
		ShortUsage: "wirewatch story --kafka-brokers B [--data DIR] [--alerts-out FILE] [--story-window D]",
		ShortHelp:  "distributed role, one process: cluster tagged articles into stories and alert, for index --story-role",
		LongHelp: "story consumes the tagged topic, gives each article its story (story_id) from the\n" +
			"fingerprints in the embedded store under --data, fires the saved searches kept there\n" +
			"once per story, and produces the article to the clustered topic, which index processes\n" +
			"started with --story-role store. Run exactly one story process for the whole deployment\n" +
			"(it refuses to start while its consumer group has a live member), so that copies of a\n" +
			"story indexed on different hosts share one story_id and alert once; index processes\n" +
			"scale out behind it.",
		FlagSet: fs, Options: parseOptions(),
		Exec: func(ctx context.Context, _ []string) error {
			if err := cfg.Validate(); err != nil {
				return err
			}
			return pipeline.RunStory(ctx, cfg, e.roleEnv("story"))
		},
	}
}
