package clocktest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/clocktest"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := clocktest.New(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("New(%s).Now() = %s", start, got)
	}
	if got, want := c.Add(time.Hour), start.Add(time.Hour); !got.Equal(want) || !c.Now().Equal(want) {
		t.Errorf("Add(1h) = %s, Now() = %s, want %s", got, c.Now(), want)
	}
	later := start.AddDate(0, 0, 3)
	c.Set(later)
	if got := c.Now(); !got.Equal(later) {
		t.Errorf("after Set(%s): Now() = %s", later, got)
	}
	// Readers on other goroutines while the test moves it (go test -race).
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				_ = c.Now()
			}
		})
	}
	for range 100 {
		c.Add(time.Second)
	}
	wg.Wait()
	if got, want := c.Now(), later.Add(100*time.Second); !got.Equal(want) {
		t.Errorf("after 100 × Add(1s): Now() = %s, want %s", got, want)
	}
}

func TestZeroClockIsRealUntilMoved(t *testing.T) {
	var c clocktest.Clock
	before := time.Now()
	if got := c.Now(); got.Before(before) || got.After(time.Now()) {
		t.Errorf("zero Clock.Now() = %s, want the real time (about %s)", got, before)
	}
	moved := c.Add(time.Hour)
	if got := c.Now(); !got.Equal(moved) || moved.Sub(before) < time.Hour {
		t.Errorf("after Add(1h): Now() = %s, Add returned %s; want an hour after %s, standing", got, moved, before)
	}
}
