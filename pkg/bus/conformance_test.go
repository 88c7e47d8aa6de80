package bus_test

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/bus"
	"github.com/wirewatch/wirewatch/pkg/bus/bustest"
)

// memoryReader closes nothing: an in-process topic is read until it is
// closed by its writer's side.
type memoryReader struct{ *bus.Memory }

func (memoryReader) Close(context.Context) error { return nil }

func TestMemoryConformance(t *testing.T) {
	bustest.Run(t, func(t *testing.T) bustest.Topic {
		m := bus.NewMemory(64)
		return bustest.Topic{
			Writer:      m,
			CloseWriter: func(context.Context) error { m.Close(); return nil },
			Reader:      func(*testing.T) bustest.Reader { return memoryReader{m} },
			Capacity:    64,
		}
	})
}
