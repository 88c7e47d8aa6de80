//go:build !unix

package server_test

import "time"

// cpuTime is 0 where the processor time is not read.
func cpuTime() time.Duration { return 0 }
