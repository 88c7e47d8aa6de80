// Package bus carries articles between pipeline stages.
//
// A stage reads a Message, does its one job, and hands the message on to a
// Writer or settles it with Ack. Ownership of a message moves with it: whoever
// holds a message must eventually call Ack exactly once, directly or by
// passing it on. Acknowledgement therefore travels back from the last stage
// to the first, which is what makes at-least-once delivery visible in the
// types: a source (the crawler's frontier, a Kafka offset) is only marked done
// when every stage after it has finished with the article.
package bus

import (
	"context"
	"errors"
	"sync"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Topic names shared by every bus implementation.
const (
	TopicClean  = "articles.clean"
	TopicTagged = "articles.tagged"
	// TopicClustered carries tagged articles with their story_id, from the
	// story role to index roles that leave clustering to it.
	TopicClustered = "articles.clustered"
)

// AckFunc settles a message. A nil err means the message was fully handled
// and its source may forget it; a non-nil err means it failed for good and the
// source should record the failure (a Kafka bus dead-letters it).
type AckFunc func(ctx context.Context, err error) error

// Message is one article in flight together with the function that settles
// it. A message returned by a Reader always has an Ack; one handed to a
// Writer may have none, which means its source needs no acknowledgement.
type Message struct {
	Article *article.Article
	Ack     AckFunc
}

// AckOrNone returns m.Ack, or NoAck for a message without one. A Writer
// takes a message's ack through it, so that a message written without an
// Ack is settled like any other and the fallback is in one place.
func (m Message) AckOrNone() AckFunc {
	if m.Ack == nil {
		return NoAck
	}
	return m.Ack
}

// Reader hands out messages of one topic. Read returns ErrClosed once the
// topic is closed and drained. Every message it returns has a non-nil Ack
// that the caller must call exactly once (directly or through a Writer).
// The suite in package bustest states the whole contract as tests.
type Reader interface {
	Read(ctx context.Context) (Message, error)
}

// Writer takes ownership of a message: a durable writer settles it as soon
// as the message is stored; an in-process writer passes it, Ack included, to
// the next stage.
type Writer interface {
	Write(ctx context.Context, m Message) error
}

// ErrClosed is returned by Read on a closed and drained topic and by Write on
// a closed topic.
var ErrClosed = errors.New("bus: topic closed")

// NoAck is an AckFunc for messages whose source needs no acknowledgement.
func NoAck(context.Context, error) error { return nil }

// Once wraps ack so that only its first call has an effect; later calls
// return nil. Stages use it where an error path and a success path might
// both try to settle the same message.
func Once(ack AckFunc) AckFunc {
	var once sync.Once
	return func(ctx context.Context, err error) error {
		var res error
		once.Do(func() { res = ack(ctx, err) })
		return res
	}
}

// ErrRedeliver, given to an AckFunc alone or wrapped, hands a message back
// unprocessed: its holder could not finish it (its context ended, or the
// next topic did not take it) and it has not failed. The source records it
// neither as done nor as failed, and delivers it again.
var ErrRedeliver = errors.New("bus: message handed back unprocessed")
