package datalock

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDataLockModes: an exclusive lock excludes every other, a shared one
// only exclusive ones, and the error names the holder.
func TestDataLockModes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name        string
		first, then Mode
		ok          bool
	}{
		{"exclusive then exclusive", Exclusive, Exclusive, false},
		{"exclusive then shared", Exclusive, Shared, false},
		{"shared then exclusive", Shared, Exclusive, false},
		{"shared then shared (index processes on one host)", Shared, Shared, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release, err := Lock(dir, "first", tt.first)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			r2, err := Lock(dir, "second", tt.then)
			if tt.ok != (err == nil) {
				t.Fatalf("second lock: %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if !strings.Contains(err.Error(), fmt.Sprintf("wirewatch first (pid %d,", os.Getpid())) {
					t.Errorf("error does not name the holder: %v", err)
				}
				return
			}
			r2()
		})
	}
	// Released: the directory is free again.
	release, err := Lock(dir, "again", Exclusive)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	release()
}
