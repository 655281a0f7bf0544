package web

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// auditedAction finds the actions support writes to the audit log by name:
// given to audit() directly, or set in a variable (action, what) first.
var auditedAction = regexp.MustCompile(`audit\(ctx, tx, [\w.{}:&"]+, "([a-z_]+)"|\b(?:action|what)(?:, \w+)? :?= "([a-z_]+)"`)

// TestEveryAuditedActionHasAName: every action the use cases record is in
// auditActions, so the audit log names it in words and its filter offers
// it, never "sla_warning" as it is stored.
func TestEveryAuditedActionHasAName(t *testing.T) {
	files, err := filepath.Glob("../support/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("support's sources: %v", err)
	}
	areas, err := filepath.Glob("../kb/*.go")
	if err != nil || len(areas) == 0 {
		t.Fatalf("the knowledge area's sources: %v", err)
	}
	files = append(files, areas...)
	seen := 0
	for _, f := range files {
		if filepath.Ext(f) != ".go" || regexp.MustCompile(`_test\.go$`).MatchString(f) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range auditedAction.FindAllStringSubmatch(string(src), -1) {
			action := m[1] + m[2]
			if action == "" || action[len(action)-1] == '_' { // a prefix completed at run time
				continue
			}
			seen++
			if !slices.Contains(auditActions, action) {
				t.Errorf("%s audits %q, which auditActions does not name", filepath.Base(f), action)
			}
		}
	}
	if seen < 40 {
		t.Errorf("found %d audited actions in support; the pattern no longer finds them", seen)
	}
}
