package kafkabus

import (
	"context"
	"fmt"
	"time"
)

// adminRetryFor bounds how long a one-off request (offsets, metadata,
// group descriptions) keeps retrying errors the cluster heals by itself.
// A topic created a moment ago has no leader on every broker yet, a
// coordinator that just moved answers "not coordinator", a broker under
// load answers "not available": all of them pass within seconds, so a
// command such as `dlq list` waits for them instead of failing, and still
// ends with the cause when the cluster does not recover.
const adminRetryFor = 20 * time.Second

// Retry calls fn until it returns nil or an error no retry can heal, for
// at most 20 seconds and never past ctx: the errors a cluster heals by
// itself (no leader yet for a new topic, a coordinator that moved, a broker
// not available) pass within seconds. The error names what and is fn's
// last error.
func Retry(ctx context.Context, what string, fn func(context.Context) error) error {
	return retryTransient(ctx, what, fn)
}

// retryTransient calls fn until it returns nil or an error no retry can
// heal (see permanent), for at most adminRetryFor and never past ctx. The error it
// returns names what was attempted and is fn's last error.
func retryTransient(ctx context.Context, what string, fn func(context.Context) error) error {
	deadline := time.Now().Add(adminRetryFor)
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), err)
		}
		if permanent(err) || time.Now().After(deadline) {
			if attempt > 0 {
				return fmt.Errorf("%s (after %d attempts): %w", what, attempt+1, err)
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		t := time.NewTimer(min(50*time.Millisecond<<min(attempt, 4), time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), err)
		case <-t.C:
		}
	}
}
