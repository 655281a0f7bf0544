package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
)

// kbItem writes a published (or not) item as a knowledge editor.
func (e *env) kbItem(title, body string, typ desk.KBArticleType, publish bool) *desk.KBItem {
	e.t.Helper()
	ed := e.fx.Staff([]desk.Role{desk.RoleKnowledgeEditor})
	it, err := e.kb.Create(context.Background(), desk.Request{Actor: &desk.Actor{User: ed}},
		desk.KBItemInput{Source: desk.KBArticles, Type: typ, Title: title, Body: body}, publish)
	if err != nil {
		e.t.Fatal(err)
	}
	return it
}

// TestKnowledgeSearchPage: a Basic contact searches, narrows by type and
// orders by date (twice: newest, then oldest first); the URL keeps it all;
// a query that cannot be read says why beside the box; an Internal Tech
// Article is never shown or counted.
func TestKnowledgeSearchPage(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		older := e.kbItem("Dropped calls after transfer", "Calls **drop** when the agent transfers them.", desk.KBProblemSolution, true)
		e.clock.Set(time.Now().Add(time.Hour))
		newer := e.kbItem("Transfer settings", "How to configure call transfer; calls dropping is rare.", desk.KBConfigurationGuide, true)
		e.kbItem("Transfer internals", "Calls drop in the transfer core.", desk.KBInternalTech, true)
		e.kbItem("Transfer draft", "Calls drop in a draft.", desk.KBQA, false)
		co := e.fx.Company("Basic Co")
		c := e.signIn(e.login(e.fx.Contact(co, desk.Basic)))

		res := c.get("/knowledge?q=" + url.QueryEscape("dropped calls"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("search: %d", res.StatusCode)
		}
		for _, want := range []string{"Results 1-2 of 2 for dropped calls", older.Title, newer.Title, "<mark>drop</mark>", `Problem/Solution</span> <span class="kb-count">(1)`, `Configuration Guide</span> <span class="kb-count">(1)`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("results lack %q", want)
			}
		}
		for _, never := range []string{"Transfer internals", "Internal Tech Article", "Transfer draft"} {
			if strings.Contains(res.Body, never) {
				t.Errorf("a Basic contact sees %q", never)
			}
		}
		res = c.get("/knowledge?q=calls&type=problem_solution")
		if !strings.Contains(res.Body, older.Title) || strings.Contains(res.Body, newer.Title) {
			t.Errorf("the type filter did not narrow the results")
		}
		res = c.get("/knowledge?q=calls&sort=date")
		if i, j := strings.Index(res.Body, newer.Title), strings.Index(res.Body, older.Title); i < 0 || j < 0 || i > j {
			t.Errorf("date order: the newer item is not first")
		}
		if !strings.Contains(res.Body, `href="/knowledge?q=calls&amp;sort=date_asc"`) {
			t.Errorf("Date chosen again does not turn the order round")
		}
		res = c.get("/knowledge?q=calls&sort=date_asc")
		if i, j := strings.Index(res.Body, newer.Title), strings.Index(res.Body, older.Title); i < 0 || j < 0 || i < j {
			t.Errorf("oldest first: the older item is not first")
		}
		res = c.get("/knowledge?q=" + url.QueryEscape(`"dropped calls`))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "The quote at character 1 is not closed") {
			t.Errorf("an unclosed quote: %d, no message", res.StatusCode)
		}
		if res := c.get("/knowledge/" + strconv.FormatInt(older.ID, 10)); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "<strong>drop</strong>") {
			t.Errorf("the item's page: %d", res.StatusCode)
		}
		if res := c.get("/knowledge/search-tips"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "gr?y") {
			t.Errorf("search tips: %d", res.StatusCode)
		}
		if !strings.Contains(c.get("/profile").Body, `action="/knowledge"`) {
			t.Errorf("the portal's pages have no knowledge search box")
		}
	})
}

// TestKnowledgeEditorPages: an editor drafts an item, publishes it, edits
// it (a stale edit is refused with a message), retires it and reads its
// history; an agent may read but not write.
func TestKnowledgeEditorPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ed := e.signIn(e.staff(desk.RoleKnowledgeEditor))
		res := ed.post("/console/knowledge", url.Values{"title": {""}, "source": {"articles"}, "type": {"qa"}, "body": {"x"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Give the item a title.") {
			t.Fatalf("no title: %d", res.StatusCode)
		}
		res = ed.post("/console/knowledge", url.Values{"title": {"Queue overflow"}, "source": {"articles"}, "type": {"qa"}, "body": {"Calls overflow."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save a draft: %d %s", res.StatusCode, res.Body)
		}
		item := res.Header.Get("Location")
		id := strings.TrimPrefix(item, "/knowledge/")
		if !strings.Contains(ed.get(item).Body, "Draft") {
			t.Errorf("the draft's page does not say Draft")
		}
		if res := ed.post("/console/knowledge/"+id+"/state", url.Values{"version": {"1"}, "state": {"published"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		edit := url.Values{"version": {"2"}, "title": {"Queue spill"}, "source": {"articles"}, "type": {"qa"}, "body": {"Calls spill."}, "note": {"reworded"}}
		if res := ed.post("/console/knowledge/"+id, edit); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.StatusCode, res.Body)
		}
		if res := ed.post("/console/knowledge/"+id, edit); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Someone changed this item") {
			t.Errorf("a stale edit: %d", res.StatusCode)
		}
		res = ed.get("/console/knowledge/" + id + "/versions")
		for _, want := range []string{"reworded", "Queue overflow", "Queue spill", "kb-diff-add"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("history lacks %q", want)
			}
		}
		if res := ed.post("/console/knowledge/"+id+"/state", url.Values{"version": {"3"}, "state": {"retired"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("retire: %d", res.StatusCode)
		}
		agent := e.signIn(e.staff(desk.RoleAgent))
		if res := agent.get("/knowledge/" + id); res.StatusCode != http.StatusOK {
			t.Errorf("an agent reads a retired item: %d", res.StatusCode)
		}
		if res := agent.get("/console/knowledge/new"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent opens the editor: %d", res.StatusCode)
		}
	})
}

// TestKnowledgeAPI: search with filters, facets, the parsed query and a
// cursor; an editor's create, stale PATCH (409), publish; the import's dry
// run lists every bad item and writes nothing, its real run writes all;
// a contact never gets an Internal Tech Article.
func TestKnowledgeAPI(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		ed := e.apiClient(demo.Editor)
		res := ed.apiCall("POST", "/api/v1/kb/items", map[string]any{"source": "articles", "type": "qa", "title": "Zyxquux failover", "body": "Zyxquux failover steps.", "publish": true})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		it := decode[struct {
			ID      int64 `json:"id"`
			Version int   `json:"version"`
		}](t, res)
		path := "/api/v1/kb/items/" + strconv.FormatInt(it.ID, 10)
		if res := ed.apiCall("PATCH", path, map[string]any{"version": it.Version, "source": "articles", "type": "qa", "title": "Zyxquux failover", "body": "New steps."}); res.StatusCode != http.StatusOK {
			t.Fatalf("patch: %d %s", res.StatusCode, res.Body)
		}
		if res := ed.apiCall("PATCH", path, map[string]any{"version": it.Version, "source": "articles", "type": "qa", "title": "Late", "body": "x"}); res.StatusCode != http.StatusConflict {
			t.Errorf("a stale patch: %d", res.StatusCode)
		}
		basic := e.apiClient(demo.Basic)
		res = basic.apiCall("GET", "/api/v1/kb/search?q=zyxquux+OR+zyxquuy&limit=1", nil)
		type searchAnswer struct {
			Query   string `json:"query"`
			Total   int    `json:"total"`
			Results []struct {
				Title      string   `json:"title"`
				Snippet    string   `json:"snippet"`
				Highlights [][2]int `json:"highlights"`
			} `json:"results"`
			Facets map[string][]struct {
				Value string `json:"value"`
				Label string `json:"label"`
				Count int    `json:"count"`
			} `json:"facets"`
			Next string `json:"next_cursor"`
		}
		found := decode[searchAnswer](t, res)
		if found.Query != "(zyxquux OR zyxquuy)" || found.Total != 1 || len(found.Results) != 1 || found.Results[0].Title != "Zyxquux failover" {
			t.Errorf("search = %+v", found)
		}
		if types := found.Facets["type"]; len(types) != 1 || types[0].Label != "Q&A" || types[0].Count != 1 {
			t.Errorf("type facet = %+v", types)
		}
		if res := basic.apiCall("GET", "/api/v1/kb/search?q=%22open", nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "not closed") {
			t.Errorf("a bad query: %d %s", res.StatusCode, res.Body)
		}
		res = basic.apiCall("GET", "/api/v1/kb/search?type=internal_tech_article", nil)
		found = decode[searchAnswer](t, res)
		if found.Total != 0 {
			t.Errorf("a Basic contact finds %d Internal Tech Articles", found.Total)
		}
		page := basic.apiCall("GET", "/api/v1/kb/search?limit=5", nil)
		found = decode[searchAnswer](t, page)
		if found.Next == "" || found.Total <= 5 {
			t.Fatalf("no next page of %d items", found.Total)
		}
		if res := basic.apiCall("GET", "/api/v1/kb/search?limit=5&cursor="+found.Next, nil); res.StatusCode != http.StatusOK {
			t.Errorf("the next page: %d", res.StatusCode)
		}

		bad := `{"title": "Good one", "source": "articles", "type": "qa", "body": "fine"}
{"title": "", "source": "blog", "type": "qa"}
{"title": "Zzimported", "source": "articles", "type": "qa", "body": "fine"}
`
		res = ed.apiRaw("POST", "/api/v1/kb/import", "application/x-ndjson", bad)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"line":2`) || !strings.Contains(res.Body, `"dry_run":true`) {
			t.Errorf("a dry run with a bad line: %d %s", res.StatusCode, res.Body)
		}
		res = ed.apiRaw("POST", "/api/v1/kb/import?dry_run=false", "application/x-ndjson", bad)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"imported":0`) {
			t.Errorf("a real run with a bad line: %d %s", res.StatusCode, res.Body)
		}
		// Lines name their parents by name: one that names none is refused
		// with its line, and nothing is written.
		missing := `{"title": "Orphan", "source": "articles", "type": "qa", "body": "x", "product_line": "No Such Line", "products": ["No Such Product"]}
`
		res = ed.apiRaw("POST", "/api/v1/kb/import?dry_run=false", "application/x-ndjson", missing)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field":"product_line"`) || !strings.Contains(res.Body, `"field":"products"`) || !strings.Contains(res.Body, `"imported":0`) {
			t.Errorf("a line naming missing parents: %d %s", res.StatusCode, res.Body)
		}
		good := strings.Replace(bad, `{"title": "", "source": "blog", "type": "qa"}`, `{"title": "Fixed", "source": "articles", "type": "qa", "body": "x"}`, 1)
		res = ed.apiRaw("POST", "/api/v1/kb/import?dry_run=false", "application/x-ndjson", good)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"imported":3`) {
			t.Errorf("a good import: %d %s", res.StatusCode, res.Body)
		}
		res = basic.apiCall("GET", "/api/v1/kb/search?q=zzimported", nil)
		found = decode[searchAnswer](t, res)
		if found.Total != 1 {
			t.Errorf("the imported item is found %d times", found.Total)
		}
		if res := e.apiClient(demo.Agent).apiRaw("POST", "/api/v1/kb/import", "application/x-ndjson", good); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent imports: %d", res.StatusCode)
		}
	})
}
