package web_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMaskWASMIsCurrent builds the browser's masker as go generate does
// and compares it with the committed copy, so a change to internal/mask
// cannot ship with a stale masker on the Transfer Files page.
func TestMaskWASMIsCurrent(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "mask.wasm")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, "../../cmd/caseport-mask-wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the masker: %v\n%s", err, msg)
	}
	goroot, err := exec.CommandContext(t.Context(), "go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ committed, fresh string }{
		{"assets/static/mask.wasm", out},
		{"assets/static/wasm_exec.js", filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")},
	} {
		committed, err := os.ReadFile(f.committed)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := os.ReadFile(f.fresh)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, fresh) {
			t.Errorf("%s is stale (or was built by another Go): run go generate ./internal/web", f.committed)
		}
	}
}
