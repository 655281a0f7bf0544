package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
)

// TestSignInNextStaysOnSite tries known open-redirect bypasses in next,
// both posted with the sign-in and carried in by a link to /signin.
func TestSignInNextStaysOnSite(t *testing.T) {
	e := newEnv(t, sqliteStore(t))
	bypasses := []string{
		"https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\t\\evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example",
		"/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%09/evil.example", "/%0a/evil.example",
		"//user@evil.example", "/\\user@evil.example", "https:evil.example", "javascript:alert(1)",
		"evil.example", "/\x00/evil.example", "/\u3002/evil.example", "/\uff0f/evil.example", "/<script>",
	}
	for _, next := range bypasses {
		if got := formNext(e, next); got != "/" {
			t.Errorf("GET /signin?next=%q puts %q in the form, want /", next, got)
		}
		res := e.anonymous().post("/signin", url.Values{"email": {demo.Designated}, "password": {demo.Password}, "next": {next}})
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != "/cases" {
			t.Errorf("sign in with next=%q: %d to %q, want 303 to /cases", next, res.StatusCode, got)
		}
	}
	for _, next := range []string{"/cases/0000000001", "/cases?status=open&cursor=MTIz%3D", "/profile"} {
		if got := formNext(e, next); got != next {
			t.Errorf("GET /signin?next=%q puts %q in the form", next, got)
		}
		res := e.anonymous().post("/signin", url.Values{"email": {demo.Designated}, "password": {demo.Password}, "next": {next}})
		if got := res.Header.Get("Location"); got != next {
			t.Errorf("sign in with next=%q goes to %q", next, got)
		}
	}
}

// formNext is the next the sign-in form carries when a link to it has one.
func formNext(e *env, next string) string {
	e.t.Helper()
	body := e.anonymous().get("/signin?next=" + url.QueryEscape(next)).Body
	_, after, ok := strings.Cut(body, `name="next" value="`)
	if !ok {
		e.t.Fatal("the sign-in form has no next field")
	}
	value, _, _ := strings.Cut(after, `"`)
	return html.UnescapeString(value)
}
