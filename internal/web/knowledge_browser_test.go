package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
)

// TestBrowserKnowledgeSearch: on a phone and on a desktop, a Basic contact
// searches the knowledge base from the box every portal page has, narrows
// by article type, orders by date twice, reads an item; an editor drafts,
// publishes and retires one. Every page fits its screen.
func TestBrowserKnowledgeSearch(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	for _, size := range []browsertest.Size{browsertest.Phone, browsertest.Desktop} {
		t.Run(size.Name, func(t *testing.T) {
			e := newDemo(t, sqliteStore(t))
			dropped := e.kbItem("Dropped calls after transfer", "Calls **drop** when the agent transfers them.\n\n| Setting | Value |\n|---|---|\n| transfer.timeout | 30 |", desk.KBProblemSolution, true)
			e.kbItem("Transfer settings", "How to configure call transfer; dropped calls are rare.\n\n```\nsipctl set transfer.timeout 30\n```", desk.KBConfigurationGuide, true)
			e.kbItem("Transfer internals", "Calls drop in the transfer core.", desk.KBInternalTech, true)
			basic := b.Page(t, e.srv.URL, size)
			signInPage(basic, demo.Basic)
			basic.Go("/profile")
			basic.Fill("#kb-q", "dropped calls transfer")
			basic.Submit(".header-search-button")
			basic.CheckFits()
			basic.Screenshot("knowledge-results")
			if got := basic.Text(".kb-summary"); !strings.HasPrefix(got, "Results 1-") || !strings.Contains(got, "for dropped calls transfer in") {
				t.Errorf("summary = %q", got)
			}
			if strings.Contains(basic.Text("main"), "Transfer internals") {
				t.Error("a Basic contact sees an Internal Tech Article")
			}
			if size == browsertest.Phone {
				// On a phone the filters fold away under the search box.
				if browsertest.Eval[bool](basic, `document.querySelector('.kb-value').checkVisibility()`) {
					t.Error("on a phone the filters are open before anything is chosen")
				}
				basic.Click(".kb-filters-summary")
			}
			basic.Submit(`.kb-value[href*="type=problem_solution"]`)
			if all, ps := basic.Count(".kb-result"), basic.Count(`.kb-result .kb-meta span:first-child`); all == 0 || all != ps ||
				!browsertest.Eval[bool](basic, `[...document.querySelectorAll('.kb-result .kb-meta span:first-child')].every(s => s.textContent == 'Problem/Solution')`) {
				t.Errorf("after choosing Problem/Solution: %d results, not all of that type", all)
			}
			basic.Submit(`.kb-filter:has(#kb-filter-type) .kb-clear`)
			basic.Submit(`.kb-sort a[href*="sort=date"]`)
			first := basic.Text(".kb-result-title")
			basic.Submit(`.kb-sort a[href*="sort=date_asc"]`)
			if again := basic.Text(".kb-result-title"); again == first {
				t.Errorf("Date chosen twice keeps %q first", first)
			}
			basic.Screenshot("knowledge-results-oldest-first")

			// Follow the query and an item, then have the query's alerts weekly.
			basic.Submit("#follow-query")
			basic.Submit(`.kb-follow[action="/knowledge/` + itoa(dropped.ID) + `/follow"] button`)
			if got := basic.Text(`.kb-follow[action="/knowledge/` + itoa(dropped.ID) + `/unfollow"] button`); !strings.HasPrefix(got, "Stop Following") {
				t.Errorf("after Follow the result offers %q", got)
			}
			basic.Submit("#manage-alerts")
			// The demo's own follows of Bailey Basic come first.
			row := browsertest.Eval[string](basic, `[...document.querySelectorAll('#alerts tbody tr')].find(r => r.querySelector('input[value="dropped calls transfer"]'))?.id ?? ''`)
			item := browsertest.Eval[bool](basic, `[...document.querySelectorAll('#alerts tbody tr a')].some(a => a.getAttribute('href') == '/knowledge/`+itoa(dropped.ID)+`')`)
			if row == "" || !item {
				t.Fatalf("Manage Alerts lacks the followed query (%q) or the followed item (%v)", row, item)
			}
			basic.Choose("#"+row+` select`, "weekly")
			basic.Submit("#" + row + ` button[form^="alert-"]`)
			basic.CheckFits()
			basic.Screenshot("knowledge-alerts")
			if got := browsertest.Eval[string](basic, `document.querySelector('#`+row+` select').value`); got != "weekly" {
				t.Errorf("after saving, the query's delivery is %q, want weekly", got)
			}
			e.clock.Add(time.Hour)
			ed := &desk.Actor{User: e.fx.Staff([]desk.Role{desk.RoleKnowledgeEditor})}
			if _, err := e.kb.Update(context.Background(), desk.Request{Actor: ed}, dropped.ID, dropped.Version,
				desk.KBItemInput{Source: dropped.Source, Type: dropped.Type, Title: dropped.Title, Body: "Calls drop on a blind transfer."}, "blind transfers"); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(time.Hour)
			mails := e.runAlerts(desk.KBWeekly, demo.Basic)
			if len(mails) != 1 || !strings.Contains(mails[0].Body, "Dropped calls after transfer") ||
				!strings.Contains(mails[0].Body, e.srv.URL+"/knowledge/"+itoa(dropped.ID)) || !strings.Contains(mails[0].Body, e.srv.URL+"/knowledge/alerts") ||
				strings.Contains(mails[0].Body, "Transfer internals") {
				t.Errorf("the weekly alert emails after the update: %+v", mails)
			}
			basic.Go("/knowledge?q=dropped+calls+transfer&sort=date_asc")
			basic.Submit(".kb-result-title a")
			basic.CheckFits()
			basic.Screenshot("knowledge-item")
			basic.Go("/knowledge?q=%22dropped+calls")
			if got := basic.Text("#q-error"); !strings.Contains(got, "is not closed") {
				t.Errorf("an unclosed quote says %q", got)
			}
			basic.Screenshot("knowledge-bad-query")
			basic.Go("/knowledge/search-tips")
			basic.CheckFits()
			basic.Screenshot("knowledge-search-tips")

			editor := b.Page(t, e.srv.URL, size)
			signInPage(editor, demo.Editor)
			editor.Go("/console/knowledge/new")
			editor.CheckFits()
			editor.Fill("#title", "Queue overflow")
			editor.Fill("#body", "Calls overflow to the backup queue.")
			editor.Submit(`.kb-editor button[type=submit]:not([name])`)
			editor.Screenshot("knowledge-draft")
			if !strings.Contains(editor.Text(".kb-article, main"), "Calls overflow") {
				t.Error("the draft's page does not show its body")
			}
			editor.Submit(".btn-primary[href^='/console/knowledge/']")
			editor.Submit(".kb-state-card button")
			editor.Submit(".btn-primary[href^='/console/knowledge/']")
			editor.Screenshot("knowledge-editor")
			editor.Submit(".kb-state-card button")
			editor.Submit("a[href$='/versions']")
			editor.CheckFits()
			editor.Screenshot("knowledge-history")
			if got := editor.Count(".kb-versions tbody tr"); got != 3 {
				t.Errorf("history has %d versions, want 3 (draft, published, retired)", got)
			}
		})
	}
}
