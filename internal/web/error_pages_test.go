package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
)

// TestNotFoundPage: a path no route serves answers 404 with the site's
// page (the layout's header, and the navigation for the signed in), the
// API's paths a problem document, and a route asked with a method it
// does not take still 405.
func TestNotFoundPage(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		for _, tt := range []struct {
			who  string
			nav  bool
			name string
		}{{"", false, "signed out"}, {demo.Designated, true, "contact"}, {demo.Agent, true, "agent"}} {
			c := e.anonymous()
			if tt.who != "" {
				c = e.signIn(tt.who)
			}
			res := c.get("/no/such/page")
			if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: GET /no/such/page = %d %s, want a 404 page", tt.name, res.StatusCode, res.Header.Get("Content-Type"))
			}
			for _, part := range []string{`<header class="site-header">`, `<footer class="site-footer">`, "<h1>Not found</h1>", `href="/static/`} {
				if !strings.Contains(res.Body, part) {
					t.Errorf("%s: the 404 page lacks %s", tt.name, part)
				}
			}
			if got := strings.Contains(res.Body, `class="nav-wide"`); got != tt.nav {
				t.Errorf("%s: the 404 page shows the navigation: %v, want %v", tt.name, got, tt.nav)
			}
		}
		res := e.signIn(demo.Agent).get("/api/v1/no-such-thing")
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(res.Body, `"status":404`) {
			t.Errorf("GET /api/v1/no-such-thing = %d %s %s, want a problem document", res.StatusCode, res.Header.Get("Content-Type"), res.Body)
		}
		req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, e.srv.URL+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res := e.anonymous().do(req); res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("DELETE /healthz = %d, want 405", res.StatusCode)
		}
	})
}
