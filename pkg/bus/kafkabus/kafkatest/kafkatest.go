// Package kafkatest gives tests the broker that `make test` starts
// (WIREWATCH_TEST_KAFKA) and names of their own on it: topics and consumer
// groups under a fresh prefix, removed when the test ends, so that test
// runs do not pile up partitions on the shared broker (a broker holding
// thousands of them slows every client down) and a reset broker starts
// every run from the same state.
package kafkatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// Broker returns the address of the test broker, or skips the test when
// none is configured (go test run outside `make test`).
func Broker(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("WIREWATCH_TEST_KAFKA")
	if addr == "" {
		t.Skip("WIREWATCH_TEST_KAFKA not set (make test starts a broker and sets it)")
	}
	return addr
}

// Prefix returns a fresh prefix such as "test-1a2b3c4d." for the topic and
// consumer-group names of one test on broker, and deletes, when the test
// ends, every topic and group whose name starts with it, including those
// that processes started by the test created themselves.
func Prefix(t testing.TB, broker string) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	p := "test-" + hex.EncodeToString(b[:]) + "."
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := Delete(ctx, broker, p); err != nil {
			t.Logf("kafkatest: cleaning up %s*: %v", p, err)
		}
	})
	return p
}

// Delete removes the topics and consumer groups on broker whose names
// start with prefix. Groups that still have members cannot be deleted and
// are left to expire.
func Delete(ctx context.Context, broker, prefix string) error {
	// A transport of its own: kafka-go's shared default caches the topic
	// list for seconds, which would miss topics created since.
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	cl := &kafka.Client{Addr: kafka.TCP(broker), Timeout: 30 * time.Second, Transport: tr}
	var errs []error
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		return err
	}
	var topics []string
	for _, tp := range meta.Topics {
		if strings.HasPrefix(tp.Name, prefix) {
			topics = append(topics, tp.Name)
		}
	}
	if len(topics) > 0 {
		resp, err := cl.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: topics})
		if err != nil {
			errs = append(errs, err)
		} else {
			for name, terr := range resp.Errors {
				if terr != nil && !errors.Is(terr, kafka.UnknownTopicOrPartition) {
					errs = append(errs, errors.New(name+": "+terr.Error()))
				}
			}
		}
	}
	lg, err := cl.ListGroups(ctx, &kafka.ListGroupsRequest{})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	var groups []string
	for _, g := range lg.Groups {
		if strings.HasPrefix(g.GroupID, prefix) {
			groups = append(groups, g.GroupID)
		}
	}
	if len(groups) > 0 {
		// Groups with live members answer NonEmptyGroup; their offsets
		// expire with the broker's offsets.retention.minutes.
		if _, err := cl.DeleteGroups(ctx, &kafka.DeleteGroupsRequest{GroupIDs: groups}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
