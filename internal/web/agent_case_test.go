package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
)

// hiddenInput finds the hidden fields of a page.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// agentForm is the agent's form as the page at path holds it: its hidden
// fields (the version and what the page showed), with more set.
func agentForm(t *testing.T, c *client, path string, more url.Values) url.Values {
	t.Helper()
	res := c.get(path)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="work-form"`) {
		t.Fatalf("GET %s: %d, want the agent's page", path, res.StatusCode)
	}
	form := url.Values{}
	start := strings.Index(res.Body, `id="work-form"`)
	for _, m := range hiddenInput.FindAllStringSubmatch(res.Body[start:], -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	for k, vs := range more {
		form[k] = vs
	}
	return form
}

// TestAgentCasePage: staff get the agent's page, customers theirs; one
// submit sends the reply and sets the status; a change made on a version
// read before another agent's is refused with 409 and the difference,
// what was typed kept; the page's version answers 304 while unchanged.
func TestAgentCasePage(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		caseID, path, dana := e.demoCase("abc-investigation", demo.Designated)
		if res := dana.get(path); res.StatusCode != http.StatusOK || strings.Contains(res.Body, `id="work-form"`) || !strings.Contains(res.Body, `id="comment-form"`) {
			t.Errorf("the customer's case page: %d, work form shown = %v", res.StatusCode, strings.Contains(res.Body, `id="work-form"`))
		}
		agent, psm := e.signIn(demo.Agent), e.signIn(demo.ProductManager)
		stale := agentForm(t, psm, path, url.Values{"body": {"Lowering it: the workaround holds."}, "priority": {"low"}, "send": {"1"}})

		res := agent.post(path+"/work", agentForm(t, agent, path, url.Values{
			"body":     {"See **this**: <script>alert(1)</script> [docs](https://docs.example) [bad](javascript:alert(1))"},
			"priority": {"high"}, "send_then": {"1"}, "tags": {"Routing, regression"},
		}))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the agent's submit: %d, want 303\n%s", res.StatusCode, res.Body)
		}
		c, err := e.store.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Priority != desk.PriorityHigh || c.Status != desk.StatusSolutionProposed || c.SubStatus != desk.SubReplied {
			t.Errorf("after Send and set: %s, %s - %s; want High, Solution Proposed - Replied", c.Priority, c.Status, c.SubStatus)
		}
		if tags, _ := e.store.CaseTags(ctx, caseID); strings.Join(tags, " ") != "regression routing" {
			t.Errorf("tags = %v", tags)
		}
		page := agent.get(path).Body
		// In Solution Proposed - Replied now, the case is not offered to be
		// set to it again (until a saved reply sets another status).
		if !strings.Contains(page, `id="send-then" data-now="solution_proposed/replied" hidden>`) {
			t.Error("Send and set Solution Proposed - Replied is offered on a case in that status")
		}
		// A closed case only reopens: nothing to send and set it to.
		if closed := agent.get("/cases/" + number(e.world.Cases["abc-resolved"])).Body; !strings.Contains(closed, `id="send-then" data-now="closed/resolved" hidden>`) {
			t.Error("Send and set is offered on a closed case")
		}
		for _, want := range []string{"<strong>this</strong>", `<a href="https://docs.example" rel="nofollow noopener">docs</a>`, "raw HTML omitted"} {
			if !strings.Contains(page, want) {
				t.Errorf("the feed's Markdown lacks %q", want)
			}
		}
		for _, bad := range []string{"<script>alert(1)", `href="javascript:`} {
			if strings.Contains(page, bad) {
				t.Errorf("the feed renders %q", bad)
			}
		}

		// The second agent's form was read before: refused, with the
		// difference and their reply kept.
		res = psm.post(path+"/work", stale)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("the stale submit: %d, want 409", res.StatusCode)
		}
		for _, want := range []string{
			`id="stale"`, "changed while you had it open", "Priority: you saw Medium; it is now High.",
			"Status: you saw Open - Investigation; it is now Solution Proposed - Replied.", "Tags: you saw none; it is now regression, routing.",
			"1 new entry in the Case Feed, by ", "Lowering it: the workaround holds.",
		} {
			if !strings.Contains(html.UnescapeString(res.Body), want) {
				t.Errorf("the stale page lacks %q", want)
			}
		}
		if c, _ := e.store.Case(ctx, caseID); c.Priority != desk.PriorityHigh {
			t.Errorf("after the stale submit the priority is %s, want High", c.Priority)
		}

		// The composer's preview is the feed's rendering.
		if res := agent.post("/markdown/preview", url.Values{"body": {"**bold** <b>raw</b>"}}); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "<strong>bold</strong>") || strings.Contains(res.Body, "<b>") {
			t.Errorf("preview: %d %q", res.StatusCode, res.Body)
		}
		// The order of the conversation is the agent's, remembered.
		if res := agent.get(path + "?feed=newest"); !strings.Contains(res.Body, `id="feed-order">Show newest last`) {
			t.Error("?feed=newest does not show the newest first")
		}
		if res := agent.get(path); !strings.Contains(res.Body, `id="feed-order">Show newest last`) {
			t.Error("the order chosen is not remembered")
		}
		agent.get(path + "?feed=oldest")

		// The version the page polls: 304 while it is the same.
		res = agent.get(path + "/version")
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == "" || !strings.Contains(res.Body, `"version":`) {
			t.Fatalf("version: %d %q %s", res.StatusCode, res.Header.Get("ETag"), res.Body)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+path+"/version", nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if again := agent.do(req); again.StatusCode != http.StatusNotModified {
			t.Errorf("version with its ETag: %d, want 304", again.StatusCode)
		}
		if other := e.signIn(demo.Partner).get(path + "/version"); other.StatusCode != http.StatusNotFound {
			t.Errorf("another company's contact asking the version: %d, want 404", other.StatusCode)
		}
	})
}

// TestAgentReplyAttachments: files sent with the reply (the form without
// script, multipart) become case files shared by support, in the same
// submit.
func TestAgentReplyAttachments(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		caseID, path, agent := e.demoCase("abc-investigation", demo.Agent)
		form := agentForm(t, agent, path, url.Values{"body": {"The patch is attached."}, "send": {"1"}})
		if res := agent.postFiles(path+"/work", form, map[string]string{"patch.diff": "--- a\n+++ b\n"}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply with a file: %d\n%s", res.StatusCode, res.Body)
		}
		files, err := e.store.CaseFiles(context.Background(), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 || files[0].Name != "patch.diff" || !files[0].SharedBySupport() {
			t.Errorf("case files = %+v, want patch.diff shared by support", files)
		}
	})
}

// TestMacrosPage: a support manager keeps macros on the console's page
// (an agent is refused), and an agent inserts one without script: the page
// comes back with its text filled in for the case and its status offered.
func TestMacrosPage(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		caseID, path, agent := e.demoCase("abc-investigation", demo.Agent)
		psm := e.signIn(demo.ProductManager)
		if res := agent.get("/console/macros"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent on the macros page: %d, want 403", res.StatusCode)
		}
		res := psm.post("/console/macros", url.Values{"name": {"Logs"}, "body": {"Hi {{contact.pin}}"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="body-error"`) {
			t.Errorf("a macro with an unknown placeholder: %d, want 422 with the body's message", res.StatusCode)
		}
		res = psm.post("/console/macros", url.Values{"name": {"Logs"}, "body": {"Hello {{contact.first_name}}, please send the logs of case {{case.number}}."}, "status": {"awaiting_information/information_required_from_customer"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save a macro: %d\n%s", res.StatusCode, res.Body)
		}
		list := psm.get("/console/macros").Body
		if !strings.Contains(list, ">Logs</a>") {
			t.Error("the macros page does not list the new macro")
		}
		id := regexp.MustCompile(`href="/console/macros/(\d+)">Logs</a>`).FindStringSubmatch(list)
		if id == nil {
			t.Fatal("no link to the macro")
		}
		res = agent.post(path+"/macro", url.Values{"macro": {id[1]}, "body": {"Thanks."}})
		body := html.UnescapeString(res.Body)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Thanks.\n\nHello Dana, please send the logs of case "+number(caseID)+".") {
			t.Errorf("insert a macro without script: %d; the composer does not hold its text", res.StatusCode)
		}
		if !strings.Contains(body, "Send and set Awaiting Information - Information Required From Customer") {
			t.Error("the macro's status is not offered on the second button")
		}
		if res := psm.post("/console/macros/"+id[1]+"/delete", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("delete the macro: %d", res.StatusCode)
		}
		log, err := e.store.AuditLog(context.Background(), desk.AuditFilter{Action: "macro_deleted"})
		if err != nil || len(log) != 1 {
			t.Errorf("audit of the deletion: %+v %v", log, err)
		}
	})
}

// TestAPICaseVersion: the API's case has its version and an ETag; a
// PATCH with If-Match (or version) of an older one is refused with 409 and
// changes nothing; one on the current version goes through and moves it.
func TestAPICaseVersion(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		caseID := e.world.Cases["abc-investigation"]
		path := "/api/v1/cases/" + number(caseID)
		api := e.apiClient(demo.Agent)
		res := api.apiCall("GET", path, nil)
		var got struct {
			Case struct {
				Version  int64  `json:"version"`
				Priority string `json:"priority"`
			} `json:"case"`
		}
		if err := json.Unmarshal([]byte(res.Body), &got); err != nil || got.Case.Version == 0 {
			t.Fatalf("GET %s: %v, version %d", path, err, got.Case.Version)
		}
		etag := res.Header.Get("ETag")
		if etag != `"`+strconv.FormatInt(got.Case.Version, 10)+`"` {
			t.Errorf("ETag = %q, want the version %d", etag, got.Case.Version)
		}
		if res := api.apiCall("PATCH", path, map[string]any{"priority": "high", "version": got.Case.Version}); res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH on the current version: %d %s", res.StatusCode, res.Body)
		}
		for name, send := range map[string]func() *response{
			"If-Match": func() *response {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, e.srv.URL+path, strings.NewReader(`{"priority":"low"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("If-Match", etag)
				return api.do(req)
			},
			"version": func() *response {
				return api.apiCall("PATCH", path, map[string]any{"priority": "low", "version": got.Case.Version})
			},
		} {
			res := send()
			if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "changed while you had it open") {
				t.Errorf("PATCH with an old %s: %d %s, want 409 saying it changed", name, res.StatusCode, res.Body)
			}
		}
		if c, _ := e.store.Case(ctx, caseID); c.Priority != desk.PriorityHigh || c.Version <= got.Case.Version {
			t.Errorf("after the refused PATCHes: %s at version %d (was %d), want High at a newer one", c.Priority, c.Version, got.Case.Version)
		}
	})
}

// TestPropertiesKeepTheTypedReply: without script, "Assign to me" and
// "Save properties" submit the composer's form; with a reply typed, they
// save the properties, send nothing and show the page again with the
// reply (its text and visibility) still in the composer.
func TestPropertiesKeepTheTypedReply(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		caseID, path, agent := e.demoCase("abc-investigation", demo.Agent)
		me := e.actor(demo.Agent).User
		draft := "Half-written: the <patch> is on its way"
		for _, tt := range []struct {
			button string
			more   url.Values
		}{
			{"assign_me", url.Values{}},
			{"properties_only", url.Values{"priority": {"high"}}},
		} {
			form := agentForm(t, agent, path, tt.more)
			form.Set(tt.button, "1")
			form.Set("body", draft)
			form.Set("visibility", "internal")
			res := agent.post(path+"/work", form)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s with a reply typed: %d, want the page again (200)", tt.button, res.StatusCode)
			}
			for _, want := range []string{html.EscapeString(draft) + "</textarea>", `value="internal" id="visibility-internal" checked`, "Your reply is not sent yet"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("%s: the page lacks %q", tt.button, want)
				}
			}
			feed, _ := e.store.Entries(ctx, caseID, true)
			for _, en := range feed {
				if en.Body == draft {
					t.Errorf("%s sent the typed reply", tt.button)
				}
			}
		}
		c, err := e.store.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.OwnerID != me.ID || c.Priority != desk.PriorityHigh {
			t.Errorf("owner %d, priority %s; want %d (assigned to me) and high", c.OwnerID, c.Priority, me.ID)
		}
		// Without a reply typed, the properties still redirect as before.
		form := agentForm(t, agent, path, url.Values{"priority": {"low"}, "properties_only": {"1"}})
		if res := agent.post(path+"/work", form); res.StatusCode != http.StatusSeeOther {
			t.Errorf("Save properties with nothing typed: %d, want 303", res.StatusCode)
		}
	})
}
