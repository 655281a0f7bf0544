package web_test

import (
	"bytes"
	"context"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/store"
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
		"desk.case.reopen_not_closed": "Fall {{.Number}} ist nicht geschlossen",
		"error.detail.unauthenticated": "Bitte zuerst anmelden.",
		"error.detail.tus_version": "Dieser Server spricht tus 1.0.0.",
		"error.tus.chunk_media": "Ein Stück wird als {{.Media}} gesendet",
		"error.form.too_large": "Das Formular ist größer als {{.MB}} MB"
	}`)}}
	cat, err := i18n.Load(i18n.Files, desk.Messages, de)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newBuilt(t, s, func(c *web.Config) { c.Catalogue = cat })
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
	})
}

// pseudo makes c ask for the pseudo-language.
func pseudo(c *client) *client {
	c.header = map[string][]string{"Accept-Language": {pseudoLanguage}}
	return c
}

// A field's problem is a catalogue message wherever a use case found it:
// a password checked by desk for a new member of staff or a registration,
// the registration's profile fields, a calendar's week and holidays read
// by hours, a contract's calendar and dates, an import's file and its
// rows' companies.
func TestFieldMessagesSpeakTheReadersLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newBuilt(t, s, func(c *web.Config) { c.Catalogue = pseudoCatalogue(t) })
		co := e.fx.Company("ABC Testing Co")
		contract := e.fx.Contract(co)
		e.fx.Approver(co, e.fx.Contact(co, desk.ReadWrite))
		adminEmail := e.staff(desk.RolePortalAdmin)
		admin := pseudo(e.apiClient(adminEmail))
		validContract := map[string]any{
			"number": "SC-X", "sold_to_id": co.ID, "end_user_id": co.ID, "level": "premium_care", "deployment": "cloud",
			"product_ids": contract.ProductIDs, "starts": "2026-01-01", "ends": "2026-12-31", "state": "active",
		}
		with := func(k string, v any) map[string]any {
			m := maps.Clone(validContract)
			m[k] = v
			return m
		}
		for _, tt := range []struct {
			name, field string
			res         *response
		}{
			{"a short staff password", "password", admin.apiCall("POST", "/api/v1/staff", map[string]any{
				"email": "new.agent@caseport.example", "first_name": "New", "last_name": "Agent", "roles": []string{"agent"}, "password": "short",
			})},
			{"a week without hours", "week", admin.apiCall("POST", "/api/v1/calendars", map[string]any{"name": "X", "zone": "UTC", "week": "mon"})},
			{"a holiday that is no date", "holidays", admin.apiCall("POST", "/api/v1/calendars", map[string]any{
				"name": "X", "zone": "UTC", "week": "mon-fri 08:00-18:00", "holidays": []string{"25/12"},
			})},
			{"a contract's unknown calendar", "calendar_id", admin.apiCall("POST", "/api/v1/contracts", with("calendar_id", 999_999))},
			{"a contract's start that is no date", "starts", admin.apiCall("POST", "/api/v1/contracts", with("starts", "soon"))},
			{"an import that is no CSV", "file", admin.sendRaw("POST", "/api/v1/imports?kind=companies", "text/csv", "org_id,name,country\n\"X,Y,Z\n")},
		} {
			p := wantProblem(t, tt.res, http.StatusUnprocessableEntity)
			found := false
			for _, f := range p.Errors {
				if f.Field == tt.field {
					found = true
					if !strings.HasPrefix(f.Message, "⟦") {
						t.Errorf("%s: %s is %q, not from the catalogue", tt.name, f.Field, f.Message)
					}
				}
			}
			if !found {
				t.Errorf("%s: no message for %s: %+v", tt.name, tt.field, p)
			}
		}

		res := admin.sendRaw("POST", "/api/v1/imports?kind=contracts", "text/csv",
			"number,sold_to_org_id,end_user_org_id,level,deployment,starts,ends\nSC-Y,NOBODY,"+co.OrgID+",premium_care,cloud,2026-01-01,2026-12-31\n")
		if rep := decode[struct{ Problems []struct{ Reason string } }](t, res); len(rep.Problems) != 1 ||
			!strings.HasPrefix(rep.Problems[0].Reason, "sold_to_org_id: ⟦") {
			t.Errorf("an import row naming an unknown company: %+v, want its sold_to_org_id from the catalogue", rep.Problems)
		}

		// A holiday file that is no iCalendar file, on the calendar's page.
		cal := decode[struct{ ID int64 }](t, admin.apiCall("POST", "/api/v1/calendars", map[string]any{"name": "Tokyo", "zone": "Asia/Tokyo", "week": "mon-fri 09:00-17:30"}))
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "jp.ics")
		fw.Write([]byte("not a calendar\r\n")) //nolint:errcheck // a buffer
		mw.Close()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.srv.URL+"/console/calendars/"+itoa(cal.ID)+"/holidays", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.srv.URL)
		if res := pseudo(e.signIn(adminEmail)).do(req); !strings.Contains(res.Body, `id="file-error">⟦`) {
			t.Errorf("a holiday file that is no calendar = %d, its message not from the catalogue:\n%s", res.StatusCode, res.Body)
		}

		c := pseudo(e.anonymous())
		token := startRegistration(t, e, c, "lee.new@abc-testing.example")
		res = c.post("/register/complete", url.Values{"token": {token}, "employer": {co.OrgID}, "password": {"short"}, "confirm_password": {"short"}})
		for _, field := range []string{"password", "first_name"} {
			if !strings.Contains(res.Body, `id="`+field+`-error">⟦`) {
				t.Errorf("registration: the message on %s is not from the catalogue:\n%s", field, res.Body)
			}
		}
	})
}
