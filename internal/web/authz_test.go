package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/support"
)

// eachDemoWithRows runs fn on every engine with a fresh server, and a
// function that reads every row of its database.
func eachDemoWithRows(t *testing.T, fn func(t *testing.T, e *env, rows func() map[string][]string)) {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			dbURL := eng.URL(t)
			s := storetest.Open(t, storetest.Engine{Name: eng.Name, URL: func(testing.TB) string { return dbURL }})
			// Sessions and tokens record the request itself (last use),
			// not what it asked for.
			fn(t, newDemo(t, s), func() map[string][]string { return storetest.Rows(t, dbURL, "sessions", "api_tokens") })
		})
	}
}

// TestContactCannotChangeOwnEmailThroughStaffEndpoint: PATCH
// /api/v1/contacts/{own id} is a portal admin's; a contact who calls it
// for themselves is refused before anything is written.
func TestContactCannotChangeOwnEmailThroughStaffEndpoint(t *testing.T) {
	t.Parallel()
	eachDemoWithRows(t, func(t *testing.T, e *env, rows func() map[string][]string) {
		for _, email := range []string{demo.ReadOnly, demo.Basic, demo.Designated, demo.Partner, demo.EndUserRO} {
			c := e.apiClient(email)
			before := rows()
			res := c.apiCall("PATCH", "/api/v1/contacts/"+itoa(e.world.Users[email]), map[string]any{
				"first_name": "Changed", "last_name": "Self", "email": "moved." + email, "company_id": e.world.ABC, "country": "Spain",
			})
			wantProblem(t, res, http.StatusForbidden)
			if diff := cmp.Diff(before, rows()); diff != "" {
				t.Errorf("%s patching themselves changed the store (-before +after):\n%s", email, diff)
			}
		}
		// The contact's own path keeps the work email.
		c := e.apiClient(demo.ReadOnly)
		res := c.apiCall("PATCH", "/api/v1/me", map[string]any{"first_name": "Riley", "last_name": "Renamed", "country": "Spain"})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH /me = %d %s", res.StatusCode, res.Body)
		}
		if u := e.actor(demo.ReadOnly).User; u.LastName != "Renamed" || u.Email != demo.ReadOnly {
			t.Errorf("after PATCH /me: %s %s, want Renamed %s", u.LastName, u.Email, demo.ReadOnly)
		}
	})
}

// TestRefusedWritesChangeNothing walks every write of the API (from the
// OpenAPI document) as a Read-Only contact and as an agent, and the
// portal's and console's form posts as the contact: whatever is refused
// leaves every row of the store as it was.
func TestRefusedWritesChangeNothing(t *testing.T) {
	t.Parallel()
	eachDemoWithRows(t, func(t *testing.T, e *env, rows func() map[string][]string) {
		w := e.world
		riley := w.Users[demo.ReadOnly]
		caseNumber := number(w.Cases["abc-investigation"])
		params := map[string]string{
			"number": caseNumber, "id": itoa(riley), "contact": itoa(riley), "step": "note",
			"kind": "case_reply", "upload": "none",
		}
		ints := map[string]int64{
			"sold_to_id": w.ABC, "end_user_id": w.ABC, "company_id": w.ABC, "contact_id": riley, "owner_id": w.Users[demo.Agent],
			"id": riley,
		}
		var doc struct {
			Paths map[string]map[string]struct {
				RequestBody *struct {
					Content map[string]struct{ Schema map[string]any }
				}
			}
			Components struct{ Schemas map[string]map[string]any }
		}
		if err := json.Unmarshal([]byte(e.anonymous().get("/api/v1/openapi.json").Body), &doc); err != nil {
			t.Fatal(err)
		}
		var sample func(s map[string]any, field string) any
		sample = func(s map[string]any, field string) any {
			if ref, ok := s["$ref"].(string); ok {
				return sample(doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], field)
			}
			switch s["type"] {
			case "object":
				out := map[string]any{}
				props, _ := s["properties"].(map[string]any)
				for name, p := range props {
					out[name] = sample(p.(map[string]any), name)
				}
				return out
			case "array":
				return []any{sample(s["items"].(map[string]any), field)}
			case "integer":
				return ints[field]
			case "boolean":
				return true
			}
			switch field {
			case "email":
				return "moved.riley@abc-testing.example"
			case "level":
				return "read_write"
			case "status":
				return "solution_proposed"
			case "priority":
				return "critical"
			case "country":
				return "Spain"
			case "phone", "mobile":
				return "+1 555 0100"
			case "first_name", "last_name", "name":
				return "Sample"
			}
			return "A write a Read-Only contact may not make, with enough words to pass every length check."
		}
		var calls []call
		for path, ops := range doc.Paths {
			for method := range ops {
				if method != "get" {
					calls = append(calls, call{strings.ToUpper(method), path})
				}
			}
		}
		sort.Slice(calls, func(i, j int) bool { return calls[i].path+calls[i].method < calls[j].path+calls[j].method })
		for _, who := range []struct {
			email      string
			minRefused int
		}{{demo.ReadOnly, 30}, {demo.Agent, 15}} {
			walkAPI(t, e.apiClient(who.email), calls, params, func(cl call) any {
				if rb := doc.Paths[cl.path][strings.ToLower(cl.method)].RequestBody; rb != nil {
					if media, ok := rb.Content["application/json"]; ok {
						return sample(media.Schema, "")
					}
				}
				return nil
			}, rows, who.minRefused)
		}
		page := e.signIn(demo.ReadOnly)
		form := url.Values{
			"body": {"A write a Read-Only contact may not make."}, "text": {"An escalation update from someone who may not post."},
			"reason": {"other"}, "details": {"Details of an escalation a Read-Only contact may not raise."},
			"status": {"solution_proposed"}, "priority": {"critical"}, "email": {"moved.riley@abc-testing.example"},
			"first_name": {"Riley"}, "last_name": {"Moved"}, "company": {itoa(w.ABC)}, "level": {"read_write"},
			"combination": {itoa(w.ABC) + "-" + itoa(w.ABC)}, "contact": {itoa(riley)}, "name": {"New"},
			"free_mail_domains": {""}, "role_aliases": {""}, "approve": {"on"},
		}
		for _, path := range []string{
			"/cases/" + caseNumber + "/comments", "/cases/" + caseNumber + "/close", "/cases/" + caseNumber + "/reopen",
			"/cases/" + caseNumber + "/update", "/cases/" + caseNumber + "/escalate", "/cases/" + caseNumber + "/sftp",
			"/cases/" + caseNumber + "/files/acknowledge", "/cases/" + caseNumber + "/escalation/note",
			"/console/contacts/" + itoa(riley), "/console/contacts/" + itoa(riley) + "/grants", "/console/contacts",
			"/console/companies", "/console/companies/" + itoa(w.ABC), "/console/companies/" + itoa(w.ABC) + "/approvers",
			"/console/settings/email", "/console/settings/templates", "/console/settings/files", "/console/staff",
			"/console/products", "/console/service-levels", "/console/contracts",
		} {
			before := rows()
			res := page.post(path, form)
			if res.StatusCode < 400 {
				t.Errorf("POST %s = %d, want a refusal for a Read-Only contact", path, res.StatusCode)
			}
			if diff := cmp.Diff(before, rows()); diff != "" {
				t.Errorf("POST %s was refused (%d) but changed the store (-before +after):\n%s", path, res.StatusCode, diff)
			}
		}
	})
}

// call is one operation of the OpenAPI document.
type call struct{ method, path string }

// walkAPI sends every call as the client and checks that each refusal left
// the store as it was; at least minRefused must be refused.
func walkAPI(t *testing.T, api *client, calls []call, params map[string]string, body func(call) any,
	rows func() map[string][]string, minRefused int,
) {
	t.Helper()
	refused := 0
	for _, cl := range calls {
		path := cl.path
		for name, v := range params {
			path = strings.ReplaceAll(path, "{"+name+"}", v)
		}
		before := rows()
		res := api.apiCall(cl.method, path, body(cl))
		t.Logf("%s %s = %d %.200s", cl.method, path, res.StatusCode, res.Body)
		if res.StatusCode < 400 {
			continue // allowed (a contact's follow, own profile and tokens; staff work on cases)
		}
		refused++
		if diff := cmp.Diff(before, rows()); diff != "" {
			t.Errorf("%s %s was refused (%d) but changed the store (-before +after):\n%s", cl.method, path, res.StatusCode, diff)
		}
	}
	if refused < minRefused {
		t.Errorf("only %d API writes were refused, want at least %d: the walk did not reach them", refused, minRefused)
	}
}

// TestSecretsAreNotCachedOrEchoed: only GET /api/v1/me and the profile
// page show the PIN, and every page or answer with a PIN, a token or a
// temporary SFTP password is no-store.
func TestSecretsAreNotCachedOrEchoed(t *testing.T) {
	t.Parallel()
	eachDemoWith(t, func(d *support.Deps) { d.SFTPAddress = "127.0.0.1:2222" }, func(t *testing.T, e *env) {
		pin := e.actor(demo.Designated).User.PIN
		api := e.apiClient(demo.Designated)
		if res := api.apiCall("GET", "/api/v1/me", nil); !strings.Contains(res.Body, pin) || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET /me = %s, Cache-Control %q: want the PIN, not cached", res.Body, res.Header.Get("Cache-Control"))
		}
		res := api.apiCall("PATCH", "/api/v1/me", map[string]any{"first_name": "Dana", "last_name": "Designated", "country": "Spain"})
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, pin) || strings.Contains(res.Body, `"pin"`) {
			t.Errorf("PATCH /me = %d %s: want the profile without the PIN", res.StatusCode, res.Body)
		}
		page := e.signIn(demo.Designated)
		if res := page.get("/profile"); !strings.Contains(res.Body, pin) || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET /profile: Cache-Control %q, want no-store on the page with the PIN", res.Header.Get("Cache-Control"))
		}
		if res := page.post("/profile", url.Values{"first_name": {""}}); res.StatusCode != http.StatusUnprocessableEntity ||
			res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("POST /profile with an error = %d, Cache-Control %q, want 422 no-store", res.StatusCode, res.Header.Get("Cache-Control"))
		}
		n := number(e.world.Cases["abc-new"])
		agent := e.signIn(demo.Agent)
		if res := agent.get("/cases/" + n); res.Header.Get("Cache-Control") == "no-store" {
			t.Error("a case page without an SFTP account is no-store; want it only where a password shows")
		}
		if res := agent.post("/cases/"+n+"/sftp", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create SFTP account = %d", res.StatusCode)
		}
		if res := agent.get("/cases/" + n); !strings.Contains(res.Body, `id="sftp-password"`) || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("case page with the SFTP password: Cache-Control %q, want no-store", res.Header.Get("Cache-Control"))
		}
	})
}

// TestEmailRulesCannotBeEmptied: changing the work email rules takes both
// lists, each with at least one entry, in the API and the console; a
// refused change leaves the rules as they were, so free mail stays out.
func TestEmailRulesCannotBeEmptied(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		admin := e.apiClient(demo.Admin)
		before := admin.apiCall("GET", "/api/v1/settings/email-rules", nil).Body
		fields := func(p problemDoc) map[string]string {
			out := map[string]string{}
			for _, f := range p.Errors {
				out[f.Field] = f.Message
			}
			return out
		}
		for _, tc := range []struct {
			name string
			body any
			want []string
		}{
			{"empty body", map[string]any{}, []string{"free_mail_domains", "role_aliases"}},
			{"null lists", map[string]any{"free_mail_domains": nil, "role_aliases": nil}, []string{"free_mail_domains", "role_aliases"}},
			{"no aliases", map[string]any{"free_mail_domains": []string{"gmail.com"}}, []string{"role_aliases"}},
			{"empty free mail", map[string]any{"free_mail_domains": []string{}, "role_aliases": []string{"support"}}, []string{"free_mail_domains"}},
			{"blank entries", map[string]any{"free_mail_domains": []string{" "}, "role_aliases": []string{""}}, []string{"free_mail_domains", "role_aliases"}},
		} {
			got := fields(wantProblem(t, admin.apiCall("PUT", "/api/v1/settings/email-rules", tc.body), http.StatusUnprocessableEntity))
			for _, f := range tc.want {
				if got[f] == "" {
					t.Errorf("%s: no message for %s in %v", tc.name, f, got)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("%s: messages %v, want only %v", tc.name, got, tc.want)
			}
		}
		page := e.signIn(demo.Admin)
		res := page.post("/console/settings/email", url.Values{"free_mail": {"\n \n"}, "aliases": {"support"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Keep at least one free-mail domain") {
			t.Errorf("console save without free-mail domains = %d, want 422 with the field's message", res.StatusCode)
		}
		if after := admin.apiCall("GET", "/api/v1/settings/email-rules", nil).Body; after != before {
			t.Errorf("refused changes changed the rules:\n%s\n→ %s", before, after)
		}
		res = admin.apiCall("POST", "/api/v1/contacts", map[string]any{
			"first_name": "Free", "last_name": "Mail", "email": "free.mail@gmail.com", "company_id": e.world.ABC, "country": "Spain",
		})
		wantProblem(t, res, http.StatusUnprocessableEntity)
	})
}

// TestEscalationFeedIsForOwnersAndContacts: the Escalation Feed, which the
// customer reads and is emailed, takes posts from escalation owners and
// the case's Designated Contacts only; other staff get no form and a
// refusal that changes nothing.
func TestEscalationFeedIsForOwnersAndContacts(t *testing.T) {
	t.Parallel()
	eachDemoWithRows(t, func(t *testing.T, e *env, rows func() map[string][]string) {
		ctx := context.Background()
		c := openABCCase(t, e, desk.PriorityMedium)
		if _, err := e.svc.Cases().Escalate(ctx, support.Request{Actor: e.actor(demo.Designated)}, c.ID, desk.ReasonBusinessImpact, "All agents affected."); err != nil {
			t.Fatal(err)
		}
		n := c.Number()
		note := map[string]any{"text": "We are looking at it with the developers."}
		for _, who := range []struct {
			email string
			may   bool
		}{
			{demo.Agent, false},
			{demo.ProductManager, false},
			{demo.ReadOnly, false},
			{demo.EscalationOwner, true},
			{demo.Admin, true},
			{demo.Designated, true},
			{demo.Designated2, true},
		} {
			page := e.signIn(who.email).get("/cases/" + n).Body
			if got := strings.Contains(page, `id="escalation-note-form"`); got != who.may {
				t.Errorf("%s: the case page offers the escalation note form: %v, want %v", who.email, got, who.may)
			}
			api := e.apiClient(who.email)
			before := rows()
			res := api.apiCall("POST", "/api/v1/cases/"+n+"/escalation/note", note)
			if !who.may {
				wantProblem(t, res, http.StatusForbidden)
				if diff := cmp.Diff(before, rows()); diff != "" {
					t.Errorf("%s's refused note changed the store (-before +after):\n%s", who.email, diff)
				}
				continue
			}
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: note = %d %s, want 200", who.email, res.StatusCode, res.Body)
			}
		}
		if res := e.signIn(demo.Agent).post("/cases/"+n+"/escalation/note", url.Values{"text": {"An agent's update."}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent's note from the page = %d, want 403", res.StatusCode)
		}
	})
}
