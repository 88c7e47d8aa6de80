// Command wirewatch crawls news sites, strips boilerplate, tags people,
// places, organisations and figures, and makes the articles searchable.
//
// Run `wirewatch --help` for the commands. Every flag can also be set with an
// environment variable WIREWATCH_<FLAG> (dashes become underscores) or in a
// YAML file given with --config; the command line wins over the environment,
// which wins over the file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"
	"github.com/peterbourgon/ff/v3/ffyaml"

	"github.com/wirewatch/wirewatch/pipeline"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a command needs from the process: its streams. Commands never
// touch os.Stdout or os.Stderr directly, so tests can run them in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// roleEnv is what a role run by command needs of the process.
func (e env) roleEnv(command string) pipeline.Env {
	return pipeline.Env{Stdout: e.stdout, Stderr: e.stderr, Terminal: isTerminal(e.stderr), Version: version, Command: command}
}

// common holds the flags every command has: pipeline.Base, and --config,
// which ff reads.
type common struct{ pipeline.Base }

func (c *common) register(fs *flag.FlagSet) {
	c.RegisterFlags(fs)
	registerConfig(fs)
}

func (c *common) logger(w io.Writer) (*slog.Logger, error) { return c.Logger(w) }

// registerConfig adds --config, the YAML file of flag values (see
// parseOptions).
func registerConfig(fs *flag.FlagSet) { fs.String("config", "", "YAML file of flag values") }

// parseOptions makes every flag settable by environment and config file.
func parseOptions() []ff.Option {
	return []ff.Option{
		ff.WithEnvVarPrefix("WIREWATCH"),
		ff.WithConfigFileFlag("config"),
		ff.WithConfigFileParser(ffyaml.Parser),
	}
}

// errUsage marks an error already explained by usage output.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &ffcli.Command{
		Name:       "wirewatch",
		ShortUsage: "wirewatch <command> [flags] [args]",
		ShortHelp:  "news ingestion: crawl, clean, tag, index, search",
		LongHelp: "wirewatch crawls news sites, strips boilerplate, tags people, places, organisations\n" +
			"and figures, and stores articles for search and export.\n\n" +
			"Every flag can also be set as WIREWATCH_<FLAG> in the environment or in a YAML --config file.",
		Subcommands: []*ffcli.Command{
			runCmd(e), demoCmd(e), searchCmd(e), exportCmd(e), reindexCmd(e), inspectCmd(e), nerCmd(e), eventsCmd(e), versionCmd(e),
			crawlCmd(e), extractCmd(e), storyCmd(e), indexCmd(e), dlqCmd(e), alertsCmd(e), serveCmd(e),
		},
	}
	root.Exec = func(_ context.Context, args []string) error {
		if len(args) > 0 {
			return unknownCommand(root, args[0])
		}
		return flag.ErrHelp
	}
	root.FlagSet = flag.NewFlagSet("wirewatch", flag.ContinueOnError)
	root.FlagSet.SetOutput(stderr)
	for _, c := range root.Subcommands {
		c.FlagSet.SetOutput(stderr)
	}
	err := root.ParseAndRun(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		if len(args) == 0 {
			fmt.Fprintln(stderr, ffcli.DefaultUsageFunc(root))
			return 2
		}
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, new(errUnknownCommand)):
		fmt.Fprintln(stderr, "wirewatch: "+err.Error())
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "wirewatch: interrupted")
		return 130
	default:
		fmt.Fprintln(stderr, "wirewatch: "+strings.TrimSpace(err.Error()))
		return 1
	}
}

func versionCmd(e env) *ffcli.Command {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	return &ffcli.Command{
		Name: "version", ShortUsage: "wirewatch version", ShortHelp: "print the version",
		FlagSet: fs,
		Exec: func(context.Context, []string) error {
			fmt.Fprintln(e.stdout, "wirewatch", version)
			return nil
		},
	}
}
