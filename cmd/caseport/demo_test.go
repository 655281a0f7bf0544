package main

import (
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestServeDemoListsEveryLogin: what `serve --demo` prints names every
// demo login (internal/demo's TestDemoLoginsSignIn signs each in) and the
// password, on a new store and on one that already holds the world.
func TestServeDemoListsEveryLogin(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	for _, run := range []string{"a new store", "a store with the demo world"} {
		var out strings.Builder
		if err := loadDemo(t.Context(), s, &out); err != nil {
			t.Fatalf("loadDemo on %s: %v", run, err)
		}
		if !strings.Contains(out.String(), demo.Password) {
			t.Errorf("loadDemo on %s does not print the password:\n%s", run, out.String())
		}
		for _, l := range demo.Logins {
			if !strings.Contains(out.String(), l.Email) {
				t.Errorf("loadDemo on %s does not list %s:\n%s", run, l.Email, out.String())
			}
		}
	}
}
