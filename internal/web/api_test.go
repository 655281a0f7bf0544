package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
)

// apiCall sends a JSON request as a script would: a bearer token, no
// cookies, no Origin.
func (c *client) apiCall(method, path string, body any) *response {
	c.e.t.Helper()
	var r *strings.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.e.t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	} else {
		r = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.e.srv.URL+path, r)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.do(req)
}

// apiClient returns a client with a fresh API token of a demo user or one
// given a password with login.
func (e *env) apiClient(email string) *client {
	e.t.Helper()
	c := e.signIn(email)
	if res := c.post("/profile/tokens", map[string][]string{"name": {"test"}}); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("no token for %s: %d", email, res.StatusCode)
	}
	res := c.get("/profile")
	m := regexp.MustCompile(`id="new-token-secret">([^<]+)<`).FindStringSubmatch(res.Body)
	if m == nil {
		e.t.Fatalf("no token for %s: %d", email, res.StatusCode)
	}
	return e.bearer(m[1])
}

func decode[T any](t *testing.T, res *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decode %s: %v\n%s", res.Request.URL.Path, err, res.Body)
	}
	return v
}

type problemDoc struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func wantProblem(t *testing.T, res *response, status int) problemDoc {
	t.Helper()
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s = %d %s, want %d problem+json: %s", res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Header.Get("Content-Type"), status, res.Body)
	}
	return decode[problemDoc](t, res)
}

func TestAPICaseLifecycle(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Dana, Read-Write at ABC Testing Co (a direct customer), has four
		// cases of ABC's before she opens one; Riley is Read-Only there.
		// Pat, Read-Write at Northwind Partners (a direct customer too),
		// has a case of Northwind's, which is not in ABC's list; an agent
		// works on Dana's case.
		abc, northwind := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners")
		e.fx.Contract(abc)
		e.fx.Contract(northwind)
		danaUser, patUser := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(northwind, desk.ReadWrite)
		group := map[string]bool{}
		for range 4 {
			group[number(e.fx.Case(danaUser).ID)] = true
		}
		e.fx.Case(patUser)
		product := e.fx.DefaultProduct()

		wantProblem(t, e.anonymous().apiCall("GET", "/api/v1/cases", nil), http.StatusUnauthorized)
		wantProblem(t, e.bearer("cp_nonsense").apiCall("GET", "/api/v1/cases", nil), http.StatusUnauthorized)

		dana := e.apiClient(e.login(danaUser))
		combos := decode[[]map[string]any](t, dana.apiCall("GET", "/api/v1/combinations", nil))
		if len(combos) == 0 {
			t.Fatal("no combinations for a Designated Contact")
		}
		newCase := map[string]any{
			"sold_to_id": abc.ID, "end_user_id": abc.ID, "type": "support", "sub_type": "Problem",
			"product_id": product.ID, "component_id": product.Components[0],
			"summary": "API: trunk 7 drops calls", "description": "Since the upgrade trunk 7 drops every call after thirty seconds on both nodes.",
			"priority": "critical", "stage": "production",
		}
		p := wantProblem(t, dana.apiCall("POST", "/api/v1/cases", newCase), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != "priority" {
			t.Errorf("Critical from a customer: errors %+v, want priority", p.Errors)
		}
		newCase["priority"] = "high"
		newCase["surprise"] = 1
		wantProblem(t, dana.apiCall("POST", "/api/v1/cases", newCase), http.StatusBadRequest)
		delete(newCase, "surprise")
		res := dana.apiCall("POST", "/api/v1/cases", newCase)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("open case = %d: %s", res.StatusCode, res.Body)
		}
		type detail struct {
			Case struct {
				Number, Status, SubStatus string
			} `json:"case"`
			Feed []struct{ Kind, Body string } `json:"feed"`
		}
		d := decode[detail](t, res)
		number := d.Case.Number
		if len(number) != 10 || res.Header.Get("Location") != "/api/v1/cases/"+number {
			t.Fatalf("new case %q at %q", number, res.Header.Get("Location"))
		}

		// Paging with the cursor walks every case once.
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("the cursor does not advance")
			}
			l := decode[struct {
				Cases []struct {
					Number string `json:"number"`
				} `json:"cases"`
				NextCursor string `json:"next_cursor"`
			}](t, dana.apiCall("GET", "/api/v1/cases?list=group&limit=2&cursor="+cursor, nil))
			for _, c := range l.Cases {
				if seen[c.Number] {
					t.Errorf("case %s on two pages", c.Number)
				}
				seen[c.Number] = true
			}
			if l.NextCursor == "" {
				break
			}
			cursor = l.NextCursor
		}
		group[number] = true
		if diff := cmp.Diff(group, seen); diff != "" {
			t.Errorf("group cases paged by 2 are not ABC's five, the new one among them (-want +got):\n%s", diff)
		}
		// The queue is staff's (desk.ViewQueue): a contact asking for it is
		// refused with the policy's reason, never shown another list.
		if p := wantProblem(t, dana.apiCall("GET", "/api/v1/cases?list=queue", nil), http.StatusForbidden); !strings.Contains(p.Detail, "queue is for staff") {
			t.Errorf("a contact asking for the queue: %q, want the policy's reason", p.Detail)
		}

		// Staff: an internal note the customer never sees, then Solution Proposed.
		agent := e.apiClient(e.staff(desk.RoleAgent))
		if res := agent.apiCall("POST", "/api/v1/cases/"+number+"/comments", map[string]any{"body": "Checking the trunk logs internally.", "internal": true}); res.StatusCode != http.StatusOK {
			t.Fatalf("internal note = %d: %s", res.StatusCode, res.Body)
		}
		if res := agent.apiCall("POST", "/api/v1/cases/"+number+"/comments", map[string]any{"body": "Please apply patch 8.5.2."}); res.StatusCode != http.StatusOK {
			t.Fatalf("reply = %d", res.StatusCode)
		}
		res = agent.apiCall("PATCH", "/api/v1/cases/"+number, map[string]any{"status": "solution_proposed", "substatus": "replied"})
		if d := decode[detail](t, res); res.StatusCode != http.StatusOK || d.Case.Status != "solution_proposed" {
			t.Fatalf("staff PATCH = %d, status %q", res.StatusCode, d.Case.Status)
		}
		wantProblem(t, agent.apiCall("PATCH", "/api/v1/cases/"+number, map[string]any{"status": "closed", "substatus": "replied"}), http.StatusUnprocessableEntity)

		d = decode[detail](t, dana.apiCall("GET", "/api/v1/cases/"+number, nil))
		for _, f := range d.Feed {
			if f.Kind == "note" || strings.Contains(f.Body, "internally") {
				t.Error("the customer's API answer has the internal note")
			}
		}
		// An internal note is the policy's WriteInternalNote: a contact is
		// refused with its reason.
		if p := wantProblem(t, dana.apiCall("POST", "/api/v1/cases/"+number+"/comments", map[string]any{"body": "x", "internal": true}), http.StatusForbidden); !strings.Contains(p.Detail, "Only support staff write internal notes") {
			t.Errorf("a contact's internal note: %q, want the policy's reason", p.Detail)
		}
		wantProblem(t, dana.apiCall("PATCH", "/api/v1/cases/"+number, map[string]any{"priority": "low"}), http.StatusForbidden)
		res = dana.apiCall("POST", "/api/v1/cases/"+number+"/comments", map[string]any{"body": "The patch did not help."})
		if d := decode[detail](t, res); d.Case.Status != "open" {
			t.Errorf("after the customer's update the status is %q, want open", d.Case.Status)
		}
		res = dana.apiCall("POST", "/api/v1/cases/"+number+"/close", map[string]any{"reason": "resolved", "comment": "Fixed by a restart."})
		if d := decode[detail](t, res); res.StatusCode != http.StatusOK || d.Case.Status != "closed" {
			t.Fatalf("close = %d %q", res.StatusCode, d.Case.Status)
		}
		wantProblem(t, dana.apiCall("POST", "/api/v1/cases/"+number+"/close", map[string]any{"reason": "resolved", "comment": "again"}), http.StatusConflict)
		res = dana.apiCall("POST", "/api/v1/cases/"+number+"/reopen", map[string]any{"reason": "It is back."})
		if d := decode[detail](t, res); res.StatusCode != http.StatusOK || d.Case.Status != "open" {
			t.Fatalf("reopen = %d %q", res.StatusCode, d.Case.Status)
		}

		// A Read-Only colleague reads but cannot write; another company
		// cannot even see it.
		riley := e.apiClient(e.login(e.fx.Contact(abc, desk.ReadOnly)))
		if res := riley.apiCall("GET", "/api/v1/cases/"+number, nil); res.StatusCode != http.StatusOK {
			t.Errorf("Read-Only GET = %d", res.StatusCode)
		}
		wantProblem(t, riley.apiCall("POST", "/api/v1/cases/"+number+"/comments", map[string]any{"body": "me too"}), http.StatusForbidden)
		wantProblem(t, riley.apiCall("POST", "/api/v1/cases", newCase), http.StatusForbidden)
		partner := e.apiClient(e.login(patUser))
		for _, call := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/cases/" + number, nil},
			{"POST", "/api/v1/cases/" + number + "/comments", map[string]any{"body": "hi"}},
			{"POST", "/api/v1/cases/" + number + "/close", map[string]any{"reason": "resolved", "comment": "x"}},
			{"POST", "/api/v1/cases/" + number + "/reopen", map[string]any{"reason": "x"}},
			{"PATCH", "/api/v1/cases/" + number, map[string]any{"priority": "low"}},
		} {
			p := wantProblem(t, partner.apiCall(call.method, call.path, call.body), http.StatusNotFound)
			if strings.Contains(p.Detail, abc.Name) || strings.Contains(p.Detail, abc.OrgID) {
				t.Errorf("404 for another company's case names it: %q", p.Detail)
			}
		}
		if l := partner.apiCall("GET", "/api/v1/cases?list=group&q="+number, nil); strings.Contains(l.Body, number) {
			t.Error("another company's search finds the case")
		}
	})
}

// TestAPIPINOnlyInMe: the PIN is in /me and in no other answer.
func TestAPIPINOnlyInMe(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Dana, Read-Write at ABC Testing Co (a direct customer), has a
		// case; a portal admin verifies her as a caller.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		caseNumber := number(e.fx.Case(danaUser).ID)
		dana, err := e.store.UserByEmail(ctx, e.login(danaUser))
		if err != nil {
			t.Fatal(err)
		}
		c := e.apiClient(dana.Email)
		me := decode[map[string]any](t, c.apiCall("GET", "/api/v1/me", nil))
		if me["pin"] != dana.PIN {
			t.Fatalf("/me pin = %v, want %s", me["pin"], dana.PIN)
		}
		admin := e.apiClient(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		for _, call := range []struct {
			c    *client
			path string
		}{
			{c, "/api/v1/cases?list=group"},
			{c, "/api/v1/cases/" + caseNumber},
			{c, "/api/v1/combinations"},
			{c, "/api/v1/access-requests"},
			{c, "/api/v1/tokens"},
			{admin, "/api/v1/contacts?company=" + itoa(abc.ID)},
			{admin, "/api/v1/contacts/" + itoa(dana.ID)},
			{admin, "/api/v1/companies/" + itoa(abc.ID)},
		} {
			res := call.c.apiCall("GET", call.path, nil)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d", call.path, res.StatusCode)
			}
			if strings.Contains(res.Body, dana.PIN) || strings.Contains(res.Body, `"pin"`) {
				t.Errorf("GET %s has a PIN", call.path)
			}
		}
		res := admin.apiCall("POST", "/api/v1/caller-verification", map[string]any{"pin": dana.PIN})
		caller := decode[map[string]any](t, res)
		if res.StatusCode != http.StatusOK || caller["designated"] != true || strings.Contains(res.Body, dana.PIN) {
			t.Errorf("caller verification = %d %s", res.StatusCode, res.Body)
		}
		wantProblem(t, c.apiCall("POST", "/api/v1/caller-verification", map[string]any{"pin": dana.PIN}), http.StatusForbidden)
	})
}

func TestAPIAccountsAndAccess(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A portal admin and an agent; the product IVR. At ABC Testing Co
		// (a direct customer) Dana is Read-Write and Designated Approver,
		// Riley Read-Only; Pat approves for Northwind Partners, another
		// direct customer.
		ivr := e.fx.Product("IVR")
		abc, northwind := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners")
		e.fx.Contract(abc)
		e.fx.Contract(northwind)
		danaUser, patUser := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(northwind, desk.ReadWrite)
		e.fx.Approver(abc, danaUser)
		e.fx.Approver(northwind, patUser)
		admin := e.apiClient(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		agent := e.apiClient(e.staff(desk.RoleAgent))
		company := map[string]any{"org_id": "ORG-5001", "name": "Wide World Importers", "country": "Australia"}
		wantProblem(t, agent.apiCall("POST", "/api/v1/companies", company), http.StatusForbidden)
		res := admin.apiCall("POST", "/api/v1/companies", company)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create company = %d: %s", res.StatusCode, res.Body)
		}
		id := decode[struct {
			Company struct {
				ID int64 `json:"id"`
			} `json:"company"`
		}](t, res).Company.ID
		p := wantProblem(t, admin.apiCall("POST", "/api/v1/companies", company), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != "org_id" {
			t.Errorf("duplicate Org ID: %+v", p.Errors)
		}
		contract := map[string]any{
			"number": "SC-5001", "sold_to_id": id, "end_user_id": id, "level": "business_care", "deployment": "cloud",
			"product_ids": []int64{ivr.ID}, "starts": "2026-01-01", "ends": "2026-13-01", "state": "active",
		}
		wantProblem(t, admin.apiCall("POST", "/api/v1/contracts", contract), http.StatusUnprocessableEntity)
		contract["ends"] = "2027-12-31"
		if res := admin.apiCall("POST", "/api/v1/contracts", contract); res.StatusCode != http.StatusCreated {
			t.Fatalf("create contract = %d: %s", res.StatusCode, res.Body)
		}
		contact := map[string]any{"email": "kim@wideworld.example", "first_name": "Kim", "last_name": "Ward", "company_id": id, "country": "Australia"}
		res = admin.apiCall("POST", "/api/v1/contacts", contact)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create contact = %d: %s", res.StatusCode, res.Body)
		}
		kim := int64(decode[map[string]any](t, res)["id"].(float64))
		res = admin.apiCall("PUT", "/api/v1/contacts/"+itoa(kim)+"/grants", map[string]any{"sold_to_id": id, "end_user_id": id, "level": "read_write"})
		g := decode[map[string]any](t, res)
		grants, _ := g["grants"].([]any)
		if res.StatusCode != http.StatusOK || len(grants) != 1 || grants[0].(map[string]any)["effective_level"] != "read_only" {
			t.Errorf("grant = %d %s; want read_write counting read_only until the terms", res.StatusCode, res.Body)
		}
		if res := admin.apiCall("PUT", "/api/v1/companies/"+itoa(id)+"/approvers/"+itoa(kim), nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("make approver = %d: %s", res.StatusCode, res.Body)
		}
		detail := decode[map[string]any](t, admin.apiCall("GET", "/api/v1/companies/"+itoa(id), nil))
		if ws, _ := detail["warnings"].([]any); len(ws) != 1 {
			t.Errorf("warnings = %v, want the one about Designated Contacts", detail["warnings"])
		}
		if res := admin.apiCall("POST", "/api/v1/products", map[string]any{"name": "Analytics", "components": []string{"Dashboards"}}); res.StatusCode != http.StatusCreated {
			t.Errorf("create product = %d", res.StatusCode)
		}

		// Access requests: Riley asks, Dana (approver) decides, once.
		riley := e.apiClient(e.login(e.fx.Contact(abc, desk.ReadOnly)))
		wantProblem(t, riley.apiCall("POST", "/api/v1/access-requests", map[string]any{"sold_to_org_id": abc.OrgID, "end_user_org_id": abc.OrgID, "level": "admin"}), http.StatusUnprocessableEntity)
		res = riley.apiCall("POST", "/api/v1/access-requests", map[string]any{"sold_to_org_id": abc.OrgID, "end_user_org_id": abc.OrgID, "level": "read_write", "reason": "cover"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("request access = %d: %s", res.StatusCode, res.Body)
		}
		reqID := itoa(int64(decode[map[string]any](t, res)["id"].(float64)))
		wantProblem(t, e.apiClient(e.login(patUser)).apiCall("POST", "/api/v1/access-requests/"+reqID+"/decision", map[string]any{"approve": true}), http.StatusNotFound)
		dana := e.apiClient(e.login(danaUser))
		res = dana.apiCall("POST", "/api/v1/access-requests/"+reqID+"/decision", map[string]any{"approve": true, "note": "ok"})
		if st := decode[map[string]any](t, res)["state"]; res.StatusCode != http.StatusOK || st != "approved" {
			t.Fatalf("decide = %d %v", res.StatusCode, st)
		}
		wantProblem(t, dana.apiCall("POST", "/api/v1/access-requests/"+reqID+"/decision", map[string]any{"approve": false}), http.StatusConflict)

		// Tokens: create shows the secret once; revoke stops it.
		res = riley.apiCall("POST", "/api/v1/tokens", map[string]any{"name": "ci"})
		secret, _ := decode[map[string]any](t, res)["token"].(string)
		if res.StatusCode != http.StatusCreated || secret == "" {
			t.Fatalf("create token = %d", res.StatusCode)
		}
		list := riley.apiCall("GET", "/api/v1/tokens", nil)
		if strings.Contains(list.Body, secret) {
			t.Error("the token list has a secret")
		}
		toks := decode[[]struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}](t, list)
		for _, tk := range toks {
			if tk.Name == "ci" {
				if res := riley.apiCall("DELETE", "/api/v1/tokens/"+itoa(tk.ID), nil); res.StatusCode != http.StatusNoContent {
					t.Errorf("revoke = %d", res.StatusCode)
				}
			}
		}
		wantProblem(t, e.bearer(secret).apiCall("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	})
}

// TestOpenAPIMatchesRoutes: every documented operation is served (an
// unauthenticated call reaches the handler and gets 401, not the mux's
// 404 or 405), and every API route the server answers is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := newBuilt(t, sqliteStore(t))
	res := e.anonymous().get("/api/v1/openapi.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json = %d", res.StatusCode)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(res.Body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json is not an OpenAPI 3 document: %v", err)
	}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			if op["summary"] == "" || op["responses"] == nil {
				t.Errorf("%s %s has no summary or responses", method, path)
			}
			concrete := param.ReplaceAllStringFunc(path, func(p string) string {
				if p == "{number}" {
					return "0001000001"
				}
				return "1"
			})
			res := e.anonymous().apiCall(strings.ToUpper(method), concrete, nil)
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s (documented) = %d, want 401 from its handler", strings.ToUpper(method), path, res.StatusCode)
			}
		}
	}
	// The other way: probe the methods on each documented path and a few
	// undocumented neighbours; whatever the server routes must be there.
	probe := []string{"/api/v1/cases/0001000001/attachments", "/api/v1/users", "/api/v1/admin", "/api/v1/settings", "/api/v1/cases/0001000001/uploads"}
	for path := range doc.Paths {
		probe = append(probe, path)
	}
	for _, path := range probe {
		concrete := param.ReplaceAllString(path, "1")
		for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			res := e.anonymous().apiCall(method, concrete, nil)
			routed := res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed
			if routed && !documented[method+" "+path] {
				t.Errorf("%s %s is served (%d) but not documented", method, path, res.StatusCode)
			}
		}
	}
	if len(documented) < 30 {
		t.Errorf("only %d operations documented", len(documented))
	}
}

// apiRaw sends a body of another media type.
func (c *client) apiRaw(method, path, media, body string) *response {
	c.e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", media)
	return c.do(req)
}

func TestAPIProfileAndAdmin(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Sam, Read-Write at ABC Testing Co (a direct customer), edits his
		// profile; staff are a portal admin, an agent, an escalation owner
		// and a product support manager.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		samEmail := e.login(e.fx.Contact(abc, desk.ReadWrite))
		sam := e.apiClient(samEmail)
		wantProblem(t, sam.apiCall("PATCH", "/api/v1/me", map[string]any{"first_name": "", "last_name": "Second", "country": "US"}), http.StatusUnprocessableEntity)
		res := sam.apiCall("PATCH", "/api/v1/me", map[string]any{"first_name": "Samuel", "last_name": "Second", "country": "US", "email": "x@y.example"})
		wantProblem(t, res, http.StatusBadRequest) // the email is not the contact's to change
		res = sam.apiCall("PATCH", "/api/v1/me", map[string]any{"first_name": "Samuel", "last_name": "Second", "country": "US"})
		if me := decode[map[string]any](t, res); res.StatusCode != http.StatusOK || me["first_name"] != "Samuel" {
			t.Errorf("PATCH /me = %d %v", res.StatusCode, me)
		}
		if res := sam.apiCall("POST", "/api/v1/me/terms", nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("accept terms = %d: %s", res.StatusCode, res.Body)
		}
		wantProblem(t, sam.apiCall("PUT", "/api/v1/me/password", map[string]any{"current": "wrong one!", "new": "a new long password"}), http.StatusUnprocessableEntity)
		if res := sam.apiCall("PUT", "/api/v1/me/password", map[string]any{"current": e.passwords[samEmail], "new": "a new long password"}); res.StatusCode != http.StatusNoContent {
			t.Errorf("change password = %d: %s", res.StatusCode, res.Body)
		}

		adminEmail, agentEmail := e.staff(desk.RolePortalAdmin, desk.RoleAgent), e.staff(desk.RoleAgent)
		staffEmails := []string{adminEmail, agentEmail, e.fx.Staff([]desk.Role{desk.RoleEscalationOwner, desk.RoleAgent}).Email, e.fx.Staff([]desk.Role{desk.RoleProductSupportManager}).Email}
		admin, agent := e.apiClient(adminEmail), e.apiClient(agentEmail)
		for _, path := range []string{"/api/v1/audit", "/api/v1/outbox", "/api/v1/settings/email-rules"} {
			wantProblem(t, agent.apiCall("GET", path, nil), http.StatusForbidden)
			wantProblem(t, sam.apiCall("GET", path, nil), http.StatusForbidden)
			if res := admin.apiCall("GET", path, nil); res.StatusCode != http.StatusOK {
				t.Errorf("admin GET %s = %d", path, res.StatusCode)
			}
		}
		audit := admin.apiCall("GET", "/api/v1/audit?action=terms_accepted", nil)
		if !strings.Contains(audit.Body, samEmail) {
			t.Error("the audit log has no terms acceptance by Sam")
		}
		var listed []string
		for _, u := range decode[[]struct {
			Email string `json:"email"`
		}](t, agent.apiCall("GET", "/api/v1/staff", nil)) {
			listed = append(listed, u.Email)
		}
		slices.Sort(listed)
		slices.Sort(staffEmails)
		if diff := cmp.Diff(staffEmails, listed); diff != "" {
			t.Errorf("the staff list is not the four staff (-want +got):\n%s", diff)
		}
		newStaff := map[string]any{"email": "ops@caseport.example", "first_name": "Ops", "last_name": "Person", "roles": []string{"agent"}, "password": "a long staff password"}
		wantProblem(t, agent.apiCall("POST", "/api/v1/staff", newStaff), http.StatusForbidden)
		if res := admin.apiCall("POST", "/api/v1/staff", newStaff); res.StatusCode != http.StatusCreated {
			t.Errorf("create staff = %d: %s", res.StatusCode, res.Body)
		}
		res = admin.apiCall("PUT", "/api/v1/settings/email-rules", map[string]any{"free_mail_domains": []string{"gmail.com"}, "role_aliases": []string{"support", "desk"}})
		if rules := decode[map[string][]string](t, res); res.StatusCode != http.StatusOK || len(rules["role_aliases"]) != 2 {
			t.Errorf("set email rules = %d %v", res.StatusCode, rules)
		}

		bad := "org_id,name,country\nORG-7001,Good Co,US\nORG-7002,,US\n"
		res = admin.apiRaw("POST", "/api/v1/imports?kind=companies", "text/csv", bad)
		rep := decode[struct {
			DryRun   bool `json:"dry_run"`
			Problems []struct {
				Line int `json:"line"`
			} `json:"problems"`
		}](t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !rep.DryRun || len(rep.Problems) != 1 || rep.Problems[0].Line != 3 {
			t.Errorf("dry run with a bad row = %d %+v", res.StatusCode, rep)
		}
		res = admin.apiRaw("POST", "/api/v1/imports?kind=companies&dry_run=false", "text/csv", "org_id,name,country\nORG-7001,Good Co,US\n")
		if applied := decode[map[string]any](t, res)["applied"]; res.StatusCode != http.StatusOK || applied != true {
			t.Errorf("real import = %d %s", res.StatusCode, res.Body)
		}
		wantProblem(t, agent.apiRaw("POST", "/api/v1/imports?kind=companies&dry_run=false", "text/csv", "org_id,name,country\nORG-7003,Agent Co,US\n"), http.StatusForbidden)
	})
}
