package web_test

import (
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
