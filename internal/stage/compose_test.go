package stage

import (
	"context"
	"errors"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/article"
	"github.com/wirewatch/wirewatch/pkg/bus"
)

func TestChainStopsAtFirstError(t *testing.T) {
	var steps []string
	step := func(name string, err error) Processor {
		return ProcessorFunc(func(context.Context, *article.Article) error {
			steps = append(steps, name)
			return err
		})
	}
	boom := errors.New("boom")
	err := Chain(step("a", nil), step("b", boom), step("c", nil)).Process(context.Background(), &article.Article{})
	if !errors.Is(err, boom) || len(steps) != 2 {
		t.Errorf("Chain = %v after %v; want boom after [a b]", err, steps)
	}
}

func TestThroughSettlesFailuresAndPassesTheRest(t *testing.T) {
	ctx := context.Background()
	in := bus.NewMemory(4)
	failed := map[string]error{}
	for _, id := range []string{"ok1", "bad", "ok2"} {
		in.Write(ctx, bus.Message{Article: &article.Article{ID: id}, Ack: func(_ context.Context, err error) error {
			failed[id] = err
			return nil
		}})
	}
	in.Close()
	r := Through(in, ProcessorFunc(func(_ context.Context, a *article.Article) error {
		if a.ID == "bad" {
			return errors.New("rejected")
		}
		a.StoryID = "s-" + a.ID
		return nil
	}))
	var got []string
	for {
		m, err := r.Read(ctx)
		if errors.Is(err, bus.ErrClosed) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Article.StoryID)
	}
	if len(got) != 2 || got[0] != "s-ok1" || got[1] != "s-ok2" {
		t.Errorf("read %v, want the two good articles, processed", got)
	}
	if failed["bad"] == nil || len(failed) != 1 {
		t.Errorf("settled %v; want only the bad one, with its error", failed)
	}
}
