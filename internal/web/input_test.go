package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// formRoutes lists the POST patterns of the page routes in routes.go, read
// from the route table's source so that a new form is tested without
// being added here.
func formRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		pattern, _ := strconv.Unquote(lit.Value)
		if path, ok := strings.CutPrefix(pattern, "POST "); ok {
			out = append(out, path)
		}
		return true
	})
	if len(out) < 40 {
		t.Fatalf("found %d POST routes in routes.go; the walk is broken", len(out))
	}
	return out
}

// records are the rows a route's path values name: a company, its
// contact, one of the contact's cases, a product and a contract.
type records struct {
	company, contact, caseID, product, contract int64
}

// buildRecords builds what the routes' path values name: ABC Testing Co,
// a direct customer with an active contract, and Dana, its Read-Write
// contact and Designated Approver, with a new case. It returns them and
// Dana's email, which she signs in with.
func buildRecords(e *env) (records, string) {
	e.t.Helper()
	abc := e.fx.Company("ABC Testing Co")
	contract := e.fx.Contract(abc)
	dana := e.fx.Contact(abc, desk.ReadWrite)
	e.fx.Approver(abc, dana)
	r := records{company: abc.ID, contact: dana.ID, caseID: e.fx.Case(dana).ID, product: e.fx.DefaultProduct().ID, contract: contract.ID}
	return r, e.login(dana)
}

// concrete fills a route's path values with r and the store's first
// calendar and access request.
func (e *env) concrete(t *testing.T, r records, pattern string) string {
	t.Helper()
	ctx := context.Background()
	cal, err := e.store.Calendars(ctx)
	if err != nil || len(cal) == 0 {
		t.Fatal(cal, err)
	}
	ids := map[string]int64{
		"companies": r.company, "contacts": r.contact, "calendars": cal[0].ID,
		"products": r.product, "contracts": r.contract,
	}
	if rs, err := e.store.AccessRequests(ctx, store.AccessRequestFilter{}); err == nil && len(rs) > 0 {
		ids["access-requests"] = rs[0].ID
	}
	out := regexp.MustCompile(`([a-z-]+)/\{id\}`).ReplaceAllStringFunc(pattern, func(m string) string {
		resource, _, _ := strings.Cut(m, "/")
		if id, ok := ids[resource]; ok {
			return resource + "/" + itoa(id)
		}
		return resource + "/1" // tokens, access requests, received mail: none built
	})
	return strings.NewReplacer(
		"{number}", number(r.caseID), "{step}", "note", "{contact}", itoa(r.contact),
		"{kind}", "case_created", "{upload}", "none",
	).Replace(out)
}

// upload are the forms that send a file, as multipart/form-data.
var upload = map[string]bool{"/console/import": true, "/console/calendars/{id}/holidays": true, "/console/knowledge/{id}/files": true}

// postFile sends a multipart form with fields and a file, as a browser does.
func (c *client) postFile(path string, fields map[string]string, file string) *response {
	c.e.t.Helper()
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	return c.postMultipart(path, form, "file", map[string]string{"upload.csv": file})
}

// sendRaw sends body with a content type, as a script does.
func (c *client) sendRaw(method, path, contentType, body string) *response {
	c.e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return c.do(req)
}

// TestMalformedFormBody: every form of the route table answers a body with
// broken percent-encoding with 400 and a plain message on an HTML page,
// and every API call with a body answers it with a 400 problem; a form or
// JSON body over 1 MB, or a CSV import over 32 MB, is a 413.
func TestMalformedFormBody(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// The records of buildRecords (Dana of ABC Testing Co with a
		// case); a portal admin (also an agent).
		r, danaEmail := buildRecords(e)
		adminEmail := e.staff(desk.RolePortalAdmin, desk.RoleAgent)
		for _, who := range []string{adminEmail, danaEmail} {
			c := e.signIn(who)
			for _, pattern := range formRoutes(t) {
				path := e.concrete(t, r, pattern)
				res := c.postRaw(path, "a=%zz&b=1")
				if res.StatusCode != http.StatusBadRequest || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
					!strings.Contains(res.Body, "is not a valid percent-encoding") {
					t.Errorf("%s: POST %s with a=%%zz = %d %s, want 400 with a message", who, path, res.StatusCode, res.Header.Get("Content-Type"))
				}
			}
		}
		anonymous := e.anonymous()
		for _, path := range []string{"/signin", "/forgot-password", "/reset-password", "/register", "/register/complete"} {
			if res := anonymous.postRaw(path, "email=%zz"); res.StatusCode != http.StatusBadRequest {
				t.Errorf("anonymous POST %s with email=%%zz = %d, want 400", path, res.StatusCode)
			}
		}
		big := "body=" + strings.Repeat("x", 1<<20)
		if res := e.signIn(danaEmail).postRaw("/cases/"+number(r.caseID)+"/comments", big); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 1 MB comment form = %d, want 413", res.StatusCode)
		}

		api := e.apiClient(adminEmail)
		huge := "org_id,name,country\nORG-7001," + strings.Repeat("x", 33<<20) + ",Canada\n"
		wantProblem(t, api.sendRaw("POST", "/api/v1/imports?kind=companies", "text/csv", huge), http.StatusRequestEntityTooLarge)
		for _, op := range jsonOperations(t, e) {
			path := e.concrete(t, r, op.path)
			res := api.sendRaw(op.method, path, "application/x-www-form-urlencoded", "a=%zz")
			wantProblem(t, res, http.StatusBadRequest)
			big := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
			wantProblem(t, api.sendRaw(op.method, path, "application/json", big), http.StatusRequestEntityTooLarge)
		}
	})
}

// operation is one API call with a JSON body, from the OpenAPI document.
type operation struct {
	method, path string
	fields       map[string]any // every property of the body, filled in
	text         []string       // the names of its text fields
}

// jsonOperations reads the OpenAPI document for the calls that take a
// JSON body, with a body that has every field: each string (and each
// list's string) set to "x", numbers 1, booleans false.
func jsonOperations(t *testing.T, e *env) []operation {
	t.Helper()
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(e.anonymous().get("/api/v1/openapi.json").Body), &doc); err != nil {
		t.Fatal(err)
	}
	resolve := func(s map[string]any) map[string]any {
		if ref, ok := s["$ref"].(string); ok {
			return doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		}
		return s
	}
	var ops []operation
	for path, methods := range doc.Paths {
		for method, op := range methods {
			body, _ := op["requestBody"].(map[string]any)
			content, _ := body["content"].(map[string]any)
			media, ok := content["application/json"].(map[string]any)
			if !ok {
				continue
			}
			schema := resolve(media["schema"].(map[string]any))
			o := operation{method: strings.ToUpper(method), path: path, fields: map[string]any{}}
			props, _ := schema["properties"].(map[string]any)
			for name, p := range props {
				p := resolve(p.(map[string]any))
				switch p["type"] {
				case "string":
					o.fields[name] = "x"
					o.text = append(o.text, name)
				case "array":
					if items, _ := p["items"].(map[string]any); items["type"] == "string" {
						o.fields[name] = []string{"x"}
						o.text = append(o.text, name)
					} else {
						o.fields[name] = []int{1}
					}
				case "boolean":
					o.fields[name] = false
				case "integer", "number":
					o.fields[name] = 1
				}
			}
			sort.Strings(o.text)
			ops = append(ops, o)
		}
	}
	if len(ops) < 25 {
		t.Fatalf("found %d API calls with a JSON body; the walk is broken", len(ops))
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].method+ops[i].path < ops[j].method+ops[j].path })
	return ops
}

// queryParams lists the documented query parameters, as "METHOD path
// name", from the OpenAPI document.
func queryParams(t *testing.T, e *env) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(e.anonymous().get("/api/v1/openapi.json").Body), &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, methods := range doc.Paths {
		for method, op := range methods {
			for _, p := range op.Parameters {
				if p.In == "query" {
					out = append(out, strings.ToUpper(method)+" "+path+" "+p.Name)
				}
			}
		}
	}
	if len(out) < 12 {
		t.Fatalf("found %d query parameters; the walk is broken", len(out))
	}
	sort.Strings(out)
	return out
}

// TestTextCheckedOnEveryField: on every API call with a JSON body, a NUL,
// a control character or an over-long value in any text field is a 422
// naming each field, and a body that is not UTF-8 is a 400; so is a NUL
// in any query parameter; on the forms, the page comes back with the
// field's message. Nothing is stored.
func TestTextCheckedOnEveryField(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// The records of buildRecords (Dana of ABC Testing Co with a
		// case); Northwind, which sells to Contoso, where Dana asks for
		// access; a portal admin (also an agent) and an agent.
		r, danaEmail := buildRecords(e)
		northwind, contoso := e.fx.Company("Northwind Partners"), e.fx.Company("Contoso")
		e.fx.Contract(contoso, fixture.PartnerOf(northwind))
		adminEmail, agentEmail := e.staff(desk.RolePortalAdmin, desk.RoleAgent), e.staff(desk.RoleAgent)
		before, err := e.store.AuditLog(ctx, desk.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		api := e.apiClient(adminEmail)
		bad := map[string]string{"NUL": "a\x00b", "escape": "a\x1bb", "over-long": strings.Repeat("é", 40_000)}
		for _, op := range jsonOperations(t, e) {
			if len(op.text) == 0 {
				continue
			}
			path := e.concrete(t, r, op.path)
			for what, v := range bad {
				body := map[string]any{}
				for name, f := range op.fields {
					body[name] = f
					if _, ok := f.([]string); ok {
						body[name] = []string{v}
					} else if _, ok := f.(string); ok {
						body[name] = v
					}
				}
				p := wantProblem(t, api.apiCall(op.method, path, body), http.StatusUnprocessableEntity)
				var got []string
				for _, f := range p.Errors {
					got = append(got, f.Field)
				}
				if strings.Join(got, ",") != strings.Join(op.text, ",") {
					t.Errorf("%s %s with %s text: fields %v, want %v", op.method, op.path, what, got, op.text)
				}
			}
			raw, _ := json.Marshal(op.fields)
			notUTF8 := strings.Replace(string(raw), `"x"`, "\"\xff\xfe\"", 1)
			if p := wantProblem(t, api.sendRaw(op.method, path, "application/json", notUTF8), http.StatusBadRequest); !strings.Contains(p.Detail, "UTF-8") {
				t.Errorf("%s %s with bytes that are not UTF-8: %q", op.method, op.path, p.Detail)
			}
		}

		// Every form refuses such text before it does anything (signing
		// out reads no field). Completing a registration needs a live link.
		if res := e.anonymous().post("/register", url.Values{"email": {"new.person@abc.example"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("register = %d", res.StatusCode)
		}
		ms, err := e.store.Notifications(ctx, "new.person@abc.example", 1)
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		registration := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(ms[0].Body)[1]
		// An access request to decide.
		if res := e.apiClient(danaEmail).apiCall("POST", "/api/v1/access-requests", map[string]any{
			"sold_to_org_id": northwind.OrgID, "end_user_org_id": contoso.OrgID, "level": "read_only", "reason": "Covering for Nico.",
		}); res.StatusCode != http.StatusCreated {
			t.Fatalf("access request = %d: %s", res.StatusCode, res.Body)
		}
		admin := e.signIn(adminEmail)
		for _, pattern := range formRoutes(t) {
			if pattern == "/signout" {
				continue
			}
			path := e.concrete(t, r, pattern)
			var res *response
			if upload[pattern] {
				res = admin.postFile(path, map[string]string{"name": "a\x00b", "kind": "companies"}, "org_id,name\n")
			} else {
				res = admin.post(path, url.Values{"name": {"a\x00b"}, "token": {registration}})
			}
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Remove the control characters") {
				t.Errorf("POST %s with a NUL = %d, want 422 with the message", path, res.StatusCode)
			}
		}

		// Every documented query parameter, and a page's.
		for _, q := range queryParams(t, e) {
			parts := strings.Fields(q)
			path := e.concrete(t, r, parts[1]) + "?" + parts[2] + "=%00"
			if p := wantProblem(t, api.apiCall(parts[0], path, nil), http.StatusUnprocessableEntity); len(p.Errors) != 1 || p.Errors[0].Field != parts[2] {
				t.Errorf("%s with a NUL: %+v, want a message for %s", q, p.Errors, parts[2])
			}
		}
		if res := e.signIn(agentEmail).get("/console?status=%00"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "control characters") {
			t.Errorf("the queue filtered by a NUL = %d, want 422 with the message", res.StatusCode)
		}

		// A tus upload's type (its name is cleaned instead: TestCleanFileName).
		b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/api/v1/uploads", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Tus-Resumable", "1.0.0")
		req.Header.Set("Upload-Length", "3")
		req.Header.Set("Upload-Metadata", "case "+b64(number(r.caseID))+",filename "+b64("a.txt")+",filetype "+b64("text/\x00plain"))
		if p := wantProblem(t, api.do(req), http.StatusUnprocessableEntity); len(p.Errors) != 1 || p.Errors[0].Field != "filetype" {
			t.Errorf("tus upload with a NUL in its type: %+v, want a message for filetype", p.Errors)
		}

		// The forms: each field's message on the page that comes back.
		dana := e.signIn(danaEmail)
		abc := number(r.caseID)
		forms := []struct {
			path string
			form url.Values
			want string // on the page that comes back
		}{
			{"/cases/" + abc + "/comments", url.Values{"body": {"a\x00b"}}, `id="body-error"`},
			// The second step shows the summary above the form, not in a field.
			{"/cases", url.Values{"summary": {strings.Repeat("s", 2000)}, "description": {"ok\r\nok"}}, "Use at most 1000 characters (you used 2000)."},
			{"/profile", url.Values{"first_name": {"Dana\xff"}, "last_name": {"Designated"}, "country": {"US"}}, `id="first_name-error"`},
			{"/profile/tokens", url.Values{"name": {"a\nb"}}, `id="name-error"`},
		}
		for _, f := range forms {
			res := dana.post(f.path, f.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, f.want) {
				t.Errorf("POST %s = %d, want the form again with %s", f.path, res.StatusCode, f.want)
			}
		}
		res := admin.post("/console/companies", url.Values{"org_id": {strings.Repeat("9", 65)}, "name": {"N\x00"}, "country": {"US"}})
		for _, field := range []string{"org_id", "name"} {
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+field+`-error"`) {
				t.Errorf("POST /console/companies = %d, want a message for %s", res.StatusCode, field)
			}
		}
		if res := e.anonymous().post("/signin", url.Values{"email": {"a\x00@b.example"}, "password": {"x"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "control characters") {
			t.Errorf("sign in with a NUL = %d, want 422 with the message", res.StatusCode)
		}

		after, err := e.store.AuditLog(ctx, desk.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range after[:len(after)-len(before)] {
			if !regexp.MustCompile(`^(sign_in|api_token_created|registration_started|access_requested)`).MatchString(a.Action) {
				t.Errorf("a refused input was stored: %s %s", a.Action, a.Subject)
			}
		}
	})
}

// A body the JSON decoder refuses is answered with what is wrong in the
// catalogue's words (in the reader's language), not encoding/json's.
func TestBadJSONSaysWhy(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		admin := e.apiClient(e.staff(desk.RolePortalAdmin))
		for body, want := range map[string]string{
			`{"name": 5}`:       "name must be a string",
			`{"holidays": "x"}`: "holidays must be a list",
			`{"nope": 1}`:       `this call has no field "nope"`,
			`{"name": "x"`:      "it ends too early",
			`{name}`:            "it is not JSON at byte 2",
		} {
			p := wantProblem(t, admin.sendRaw("POST", "/api/v1/calendars", "application/json", body), http.StatusBadRequest)
			if want = "The body is not valid JSON for this call: " + want; p.Detail != want {
				t.Errorf("%s: detail %q, want %q", body, p.Detail, want)
			}
		}
	})
}
