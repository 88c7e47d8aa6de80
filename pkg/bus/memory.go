package bus

import (
	"context"
	"sync"
)

// Memory is an in-process topic with a bounded queue. A full queue blocks
// Write, which is the backpressure that keeps a fast crawler from piling up
// articles in front of a slow extractor.
type Memory struct {
	ch        chan Message
	closeOnce sync.Once
	mu        sync.RWMutex // guards closed against Write racing Close
	closed    bool
}

// NewMemory returns an in-process topic holding at most capacity messages.
func NewMemory(capacity int) *Memory {
	if capacity < 1 {
		capacity = 1
	}
	return &Memory{ch: make(chan Message, capacity)}
}

// Write queues m, blocking while the queue is full. A message without an
// Ack gets NoAck, so that its reader can settle it like any other.
func (t *Memory) Write(ctx context.Context, m Message) error {
	m.Ack = m.AckOrNone()
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return ErrClosed
	}
	select {
	case t.ch <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Read returns the next message, blocking until one arrives, the topic is
// closed and drained (ErrClosed), or ctx ends.
func (t *Memory) Read(ctx context.Context) (Message, error) {
	select {
	case m, ok := <-t.ch:
		if !ok {
			return Message{}, ErrClosed
		}
		return m, nil
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

// Close stops further writes; readers drain what is queued, then get
// ErrClosed. Close waits for writers already blocked in Write to finish.
func (t *Memory) Close() {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.closed = true
		close(t.ch)
		t.mu.Unlock()
	})
}

// Len reports how many messages are queued.
func (t *Memory) Len() int { return len(t.ch) }
