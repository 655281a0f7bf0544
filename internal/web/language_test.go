package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/web"
)

// A second language is a message file: pages follow Accept-Language, and
// a message the language lacks is English.
func TestSecondLanguageIsAFile(t *testing.T) {
	de := fstest.MapFS{"messages/de.json": {Data: []byte(`{
		"page.signin.sign_in_to_caseport": "Bei Caseport anmelden",
		"title.sign_in": "Anmelden"
	}`)}}
	cat, err := i18n.Load(i18n.Files, desk.Messages, de)
	if err != nil {
		t.Fatal(err)
	}
	eng := storetest.Engines(t)[0]
	e := newBuilt(t, storetest.Open(t, eng), func(c *web.Config) { c.Catalogue = cat })
	for _, tt := range []struct{ accept, want, alsoWant string }{
		{"de-DE,de;q=0.9,en;q=0.5", "Bei Caseport anmelden", `<html lang="de">`},
		{"de", "<title>Anmelden · Caseport</title>", "Work email"}, // Work email: English stands in
		{"fr", "Sign in to Caseport", `<html lang="en">`},
		{"", "Sign in to Caseport", "<title>Sign in · Caseport</title>"},
	} {
		c := e.anonymous()
		c.header = map[string][]string{"Accept-Language": {tt.accept}}
		res := c.get("/signin")
		if !strings.Contains(res.Body, tt.want) || !strings.Contains(res.Body, tt.alsoWant) {
			t.Errorf("GET /signin with Accept-Language %q: want %q and %q in\n%s", tt.accept, tt.want, tt.alsoWant, res.Body)
		}
	}
}

// What people read of an error is in their language too: a refusal made
// in desk's state tables, one the web layer makes, and an error that
// carries no message of its own (shown by the words of its kind, never by
// its English text, which is for the log).
func TestErrorsSpeakTheReadersLanguage(t *testing.T) {
	de := fstest.MapFS{"messages/de.json": {Data: []byte(`{
		"desk.reopen.not_closed": "Fall {{.Number}} ist nicht geschlossen",
		"error.detail.unauthenticated": "Bitte zuerst anmelden.",
		"error.detail.tus_version": "Dieser Server spricht tus 1.0.0.",
		"error.tus.chunk_media": "Ein Stück wird als {{.Media}} gesendet",
		"error.form.too_large": "Das Formular ist größer als {{.MB}} MB"
	}`)}}
	cat, err := i18n.Load(i18n.Files, desk.Messages, de)
	if err != nil {
		t.Fatal(err)
	}
	eng := storetest.Engines(t)[0]
	e := newBuilt(t, storetest.Open(t, eng), func(c *web.Config) { c.Catalogue = cat })
	german := func(c *client) *client {
		c.header = map[string][]string{"Accept-Language": {"de"}}
		return c
	}
	co := e.fx.Company("ABC Testing Co")
	e.fx.Contract(co)
	dana := e.fx.Contact(co, desk.ReadWrite)
	n := number(e.open(dana, desk.PriorityMedium).ID)

	page := german(e.signIn(e.login(dana)))
	if res := page.post("/cases/"+n+"/reopen", url.Values{"reason": {"still broken"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reopen an open case = %d, want 303 back to the case", res.StatusCode)
	}
	if res := page.get("/cases/" + n); !strings.Contains(res.Body, "Fall "+n+" ist nicht geschlossen") || strings.Contains(res.Body, "is not closed") {
		t.Errorf("reopen an open case: the notice is not the German refusal:\n%s", res.Body)
	}
	if res := page.post("/profile", url.Values{"first_name": {strings.Repeat("a", 1<<20)}}); !strings.Contains(res.Body, "Das Formular ist größer als 1 MB.") {
		t.Errorf("a form over 1 MB = %d, not the German refusal:\n%s", res.StatusCode, res.Body)
	}

	for _, tt := range []struct {
		name   string
		res    *response
		status int
		want   string
	}{
		{"no sign-in", german(e.anonymous()).apiCall("GET", "/api/v1/cases", nil), http.StatusUnauthorized, "Bitte zuerst anmelden."},
		{
			"no tus version", german(e.apiClient(dana.Email)).tusCall("POST", "/api/v1/uploads", map[string]string{"Tus-Resumable": ""}, ""),
			http.StatusPreconditionFailed, "Dieser Server spricht tus 1.0.0.",
		},
		{
			"a chunk as text", german(e.apiClient(dana.Email)).tusCall("PATCH", "/api/v1/uploads/x", map[string]string{"Content-Type": "text/plain"}, "x"),
			http.StatusUnsupportedMediaType, "Ein Stück wird als application/offset+octet-stream gesendet",
		},
	} {
		if p := wantProblem(t, tt.res, tt.status); p.Detail != tt.want {
			t.Errorf("%s: detail %q, want %q", tt.name, p.Detail, tt.want)
		}
	}
}
