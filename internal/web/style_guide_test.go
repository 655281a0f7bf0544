package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
)

// TestStyleGuide: the console's style guide shows every component from
// the real partials (status badges, the error summary linking to its
// fields), to staff only.
func TestStyleGuide(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		res := e.signIn(demo.Agent).get("/console/style-guide")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /console/style-guide as an agent = %d", res.StatusCode)
		}
		for _, part := range []string{
			`id="sg-buttons"`, `id="sg-badges"`, `id="sg-tables"`, `id="sg-forms"`, `id="sg-notices"`, `id="sg-panels"`, `id="sg-details"`,
			`class="badge status-open"`, `class="badge priority-critical"`, `class="table-wrap"`, `data-label="Owner"`,
			`<div class="error-summary" role="alert" tabindex="-1">`, `<a href="#sg_summary">Enter a summary of the problem.</a>`,
			`id="sg_email-error"`, `class="flash flash-warning"`, `class="card notice-card"`, `<nav class="tabs"`, `<dl class="kv">`,
			`title="`, `>3 hours ago</time>`,
		} {
			if !strings.Contains(res.Body, part) {
				t.Errorf("the style guide lacks %s", part)
			}
		}
		if res := e.signIn(demo.Designated).get("/console/style-guide"); res.StatusCode < 400 {
			t.Errorf("GET /console/style-guide as a contact = %d, want refused", res.StatusCode)
		}
	})
}
