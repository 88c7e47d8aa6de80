package kafkabus

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/segmentio/kafka-go"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Header keys of an article message. Consumers check the schema version
// before they parse the body, so a producer of a newer schema cannot be
// misread.
const (
	HeaderSchemaVersion = "wirewatch-schema-version"
	HeaderContentType   = "content-type"
	HeaderTraceID       = "wirewatch-trace-id"
	ContentTypeJSON     = "application/json"
)

// ErrTooLarge marks an article whose message does not fit the broker's
// limit even compressed.
var ErrTooLarge = errors.New("message too large")

// ErrPoison marks a message that can never be processed: undecodable, or
// of an unknown schema or content type.
var ErrPoison = errors.New("poison message")

// NewTraceID returns a random trace id for an article entering the bus.
func NewTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Encode returns the Kafka message of a, keyed by its id so that every
// version of an article lands in one partition, in order.
func Encode(a *article.Article, traceID string) (kafka.Message, error) {
	doc, err := article.Marshal(a)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	return kafka.Message{
		Key:   []byte(a.ID),
		Value: doc,
		Headers: []kafka.Header{
			{Key: HeaderSchemaVersion, Value: []byte(strconv.Itoa(article.SchemaVersion))},
			{Key: HeaderContentType, Value: []byte(ContentTypeJSON)},
			{Key: HeaderTraceID, Value: []byte(traceID)},
		},
	}, nil
}

// Decode parses an article message. Errors wrap ErrPoison: retrying them
// cannot help.
func Decode(m kafka.Message) (a *article.Article, traceID string, err error) {
	if v, ok := header(m, HeaderSchemaVersion); ok && v != strconv.Itoa(article.SchemaVersion) {
		return nil, "", fmt.Errorf("%w: schema version %q (this build reads %d)", ErrPoison, v, article.SchemaVersion)
	}
	if v, ok := header(m, HeaderContentType); ok && v != ContentTypeJSON {
		return nil, "", fmt.Errorf("%w: content type %q", ErrPoison, v)
	}
	a, err = article.Unmarshal(m.Value)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrPoison, err)
	}
	traceID, _ = header(m, HeaderTraceID)
	return a, traceID, nil
}

func header(m kafka.Message, key string) (string, bool) {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

// ParseCompression maps a flag value to a codec. Compression is what lets
// long articles fit the broker's message size limit.
func ParseCompression(s string) (kafka.Compression, error) {
	switch s {
	case "none", "":
		return 0, nil
	case "gzip":
		return kafka.Gzip, nil
	case "snappy":
		return kafka.Snappy, nil
	case "lz4":
		return kafka.Lz4, nil
	case "zstd":
		return kafka.Zstd, nil
	}
	return 0, fmt.Errorf("compression %q: want none, gzip, snappy, lz4 or zstd", s)
}

// recordOverhead is a generous bound on the bytes a record batch of one
// message adds to key, value and headers.
const recordOverhead = 512

// compressedSize returns how many bytes m takes on the wire under codec.
func compressedSize(m kafka.Message, codec kafka.Compression) (int, error) {
	raw := len(m.Key) + len(m.Value) + recordOverhead
	for _, h := range m.Headers {
		raw += len(h.Key) + len(h.Value)
	}
	if codec == 0 {
		return raw, nil
	}
	var buf bytes.Buffer
	w := codec.Codec().NewWriter(&buf)
	if _, err := w.Write(m.Value); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return raw - len(m.Value) + buf.Len(), nil
}
