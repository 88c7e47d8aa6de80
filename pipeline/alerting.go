package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/alert"
	"github.com/wirewatch/wirewatch/metrics"
	"github.com/wirewatch/wirewatch/netpolicy"
	"github.com/wirewatch/wirewatch/store/sqlite"
	"github.com/wirewatch/wirewatch/story"
)

// startStoryState starts the background work of a process that keeps
// stories and alerts in st: the saved-search notifier, alerting as s says
// (see startAlerts), and the pruner of fingerprints older than s.Window.
// stop ends both.
func startStoryState(env Env, st *sqlite.Store, s StoryFlags, log *slog.Logger, reg *metrics.Registry) (alerts *alert.Notifier, stop func(), err error) {
	alerts, stopAlerts, err := startAlerts(env, s.AlertsOut, st, log, webhooks{allowPrivate: s.AllowPrivateWebhooks, reg: reg})
	if err != nil {
		return nil, nil, err
	}
	stopPruner := startStoryPruner(st, s.Window, log)
	return alerts, func() { stopPruner(); stopAlerts() }, nil
}

// startStoryPruner prunes st's story fingerprints older than window in
// the background; stop ends it.
func startStoryPruner(st *sqlite.Store, window time.Duration, log *slog.Logger) (stop func()) {
	p := story.NewPruner(story.NewSQLiteIndex(st), story.Options{Retention: window, Logger: log})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { p.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}

// startAlerts starts the notifier of the saved searches in st, writing
// alerts to out: a file (JSON lines, appended), "-" for env.Stdout, or ""
// for an info log line each (see --alerts-out). stop ends its background
// loop (re-reading saved searches, delivering the outbox) and closes the
// file.
func startAlerts(env Env, out string, st *sqlite.Store, log *slog.Logger, w webhooks) (n *alert.Notifier, stop func(), err error) {
	var sink alert.Sink
	var file *os.File
	switch out {
	case "":
	case "-":
		sink = alert.NewLines(env.Stdout)
	default:
		file, err = os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("--alerts-out: %w", err)
		}
		sink = alert.NewLines(file)
	}
	n, err = alert.New(context.Background(), alert.NewSQLiteStore(st), w.options(alert.Options{Sink: sink, Logger: log}))
	if err != nil {
		if file != nil {
			file.Close()
		}
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { n.Run(ctx) })
	return n, func() {
		cancel()
		wg.Wait()
		if file != nil {
			if err := file.Close(); err != nil {
				log.Error("closing --alerts-out", "err", err)
			}
		}
	}, nil
}

// webhooks is how a process that alerts delivers webhooks: only to public
// addresses unless allowPrivate, counted in reg.
type webhooks struct {
	allowPrivate bool
	reg          *metrics.Registry
}

// policy is the address policy of webhook URLs.
func (w webhooks) policy() netpolicy.URLs { return netpolicy.URLs{AllowPrivate: w.allowPrivate} }

// options adds the webhook client and the metrics hooks to o.
func (w webhooks) options(o alert.Options) alert.Options {
	o.Client = w.policy().Client(10 * time.Second)
	if w.reg != nil {
		o.Latency = w.reg.ObserveAlert
		o.OnWebhook = func(err error) {
			switch {
			case err == nil:
				w.reg.Webhook("delivered")
			case errors.Is(err, netpolicy.ErrRefused):
				w.reg.Webhook("refused")
			default:
				w.reg.Webhook("failed")
			}
		}
	}
	return o
}
