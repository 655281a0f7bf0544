package web

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestTimeZonesLoad: every zone the profile offers loads as the profile
// loads it (desk.LoadZone, time.LoadLocation), and is offered once, in
// order, so that a choice is never refused.
func TestTimeZonesLoad(t *testing.T) {
	t.Parallel()
	if len(timeZones) < 400 || !slices.Contains(timeZones, "UTC") || !slices.Contains(timeZones, "Europe/Berlin") {
		t.Fatalf("%d zones, want the database's (some 490, UTC and Europe/Berlin among them)", len(timeZones))
	}
	if !slices.IsSorted(timeZones) || len(slices.Compact(slices.Clone(timeZones))) != len(timeZones) {
		t.Error("the zones are not sorted, each once")
	}
	for _, name := range timeZones {
		if _, err := desk.LoadZone(name); err != nil {
			t.Errorf("the offered zone %s does not load: %v", name, err)
		}
	}
}

// TestTimeZonesAreCurrent: zones.go is what zones_gen.go makes of this
// Go's time zone database.
func TestTimeZonesAreCurrent(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "zones.go")
	if msg, err := exec.CommandContext(t.Context(), "go", "run", "zones_gen.go", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("zones_gen.go: %v\n%s", err, msg)
	}
	committed, err := os.ReadFile("zones.go")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != string(fresh) {
		t.Error("zones.go is stale (Go's time zone database changed): run go generate ./internal/web")
	}
}
