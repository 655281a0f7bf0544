package kb

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// corpusItem is one item of the fixed test corpus, by key.
type corpusItem struct {
	key, title, body string
	source           desk.KBSource
	typ              desk.KBArticleType
	line             string // "A", "B" or none
	products         []string
	state            desk.KBState
}

// searchCorpus is written so each feature of the language has items that
// it must find and items it must not: stems, wildcards, phrases in and out
// of order, nearness at and past its distance, a title and a body that a
// phrase must not join, folded accents, Markdown, staff-only items.
var searchCorpus = []corpusItem{
	{key: "c01", title: "Channel settings", body: "How to configure the orange channel for chat.", typ: desk.KBConfigurationGuide, line: "A", products: []string{"P1"}},
	{key: "c02", title: "Fruit basket", body: "We keep apples and oranges in the same basket.", line: "A"},
	{key: "c03", title: "Orchard notes", body: "Only apples grow here.", line: "B"},
	{key: "c04", title: "Fruit order", body: "First oranges and apples, then pears.", line: "B"},
	{key: "c05", title: "Grey theme", body: "The grey scheme for agents."},
	{key: "c06", title: "Gray theme", body: "The gray scheme for supervisors."},
	{key: "c07", title: "Calls drop after transfer", body: "When a call is transferred the line can drop.", typ: desk.KBProblemSolution, products: []string{"P1"}},
	{key: "c08", title: "Dropped calls report", body: "Agents reported dropped calls at peak hours.", typ: desk.KBProblemSolution, products: []string{"P1"}},
	{key: "c09", title: "Idle sessions", body: "The server is dropping idle sessions after thirty seconds.", typ: desk.KBProblemSolution, products: []string{"P2"}},
	{key: "c10", title: "Router configuration", body: "Configure the SIP router for failover.", source: desk.KBDocumentation, typ: desk.KBConfigurationGuide, products: []string{"P2"}},
	{key: "c11", title: "Outbound routes", body: "Routes for outbound calls are kept in one table.", typ: desk.KBConfigurationGuide, products: []string{"P2"}},
	{key: "c12", title: "Reroute traffic", body: "How to reroute traffic when a site is down.", typ: desk.KBProcess, products: []string{"P2"}},
	{key: "c13", title: "Timeout after upgrade", body: "A database timeout appears after the upgrade.", typ: desk.KBProblemSolution, products: []string{"P1"}},
	{key: "c14", title: "Slow reports", body: "The database answers slowly because one two three four five six seven eight nine ten eleven twelve words later a timeout happens."},
	{key: "c15", title: "Restart order", body: "A timeout before the database restart is expected."},
	{key: "c16", title: "E-mail routing", body: "Set up e-mail routing rules for each mailbox.", products: []string{"P3"}},
	{key: "c17", title: "Release 8.5.1", body: "Fixes in 8.5.1 and in 8.5.2.", source: desk.KBReleaseNotes, typ: desk.KBReleaseNotesType, line: "A", products: []string{"P1"}},
	{key: "c18", title: "Security Advisory: TLS certificate validation", body: "Upgrade to close the certificate validation flaw.", typ: desk.KBSecurityAdvisory, line: "B", products: []string{"P3"}},
	{key: "c19", title: "Router core internals", body: "Debugging the router core with traces.", typ: desk.KBInternalTech, products: []string{"P2"}},
	{key: "c20", title: "New router feature", body: "A router feature in the works.", state: desk.KBDraft},
	{key: "c21", title: "Old router guide", body: "How the legacy router was set up.", state: desk.KBRetired},
	{key: "c22", title: "Configuring the router", body: "A video walk-through of router setup.", source: desk.KBVideos, typ: desk.KBTechTutorial, products: []string{"P2"}},
	{key: "c23", title: "SIP Server Deployment Guide", body: "Install and deploy the SIP Server on premises.", source: desk.KBDocumentation, typ: desk.KBConfigurationGuide, line: "A", products: []string{"P1"}},
	{key: "c24", title: "Café locale", body: "Names such as Zoë and Renée keep their accents."},
	{key: "c25", title: "Failover", body: "Read this first.", typ: desk.KBProcess},
	{key: "c26", title: "Site checklist", body: "Test failover once a year.", typ: desk.KBProcess},
	{key: "c27", title: "Error 404 at login", body: "The portal answers 404 not found.", typ: desk.KBProblemSolution},
	{key: "c28", title: "Voice mail", body: "Voice mail left by callers after hours.", products: []string{"P3"}},
	{key: "c29", title: "Voice mail transcripts", body: "Transcripts of voice mail messages.", products: []string{"P3"}},
	{key: "c30", title: "Äpfel und Birnen", body: "Ein Vergleich von Äpfeln und Birnen."},
	{key: "c31", title: "Port table", body: "| Port | Service |\n|------|---------|\n| 5060 | sip |\n\nRun:\n\n```\nsipctl restart\n```\n\nSee [the manual](https://example.com/hiddenword).", typ: desk.KBConfigurationGuide},
	{key: "c32", title: "Alpha notes", body: "alpha one two three four five six seven eight nine ten beta"},
	{key: "c33", title: "Kafka", body: "Broker setup for the message bus."},
	{key: "c34", title: "Colour settings", body: "Choose a colour for each queue."},
	{key: "c35", title: "Connection pool", body: "Connections are pooled; each connection is reused.", products: []string{"P1"}},
	{key: "c36", title: "Connect agents", body: "Agents connect through the softphone."},
}

// searchWorld is the corpus in a store, with its product lines and
// products by name and each item's ID by key.
type searchWorld struct {
	kb       *Service
	lines    map[string]int64
	products map[string]int64
	keys     map[int64]string
}

var corpusStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func loadCorpus(t *testing.T, s *store.Store) *searchWorld {
	t.Helper()
	ctx := context.Background()
	w := &searchWorld{kb: New(Deps{Store: s}), lines: map[string]int64{}, products: map[string]int64{}, keys: map[int64]string{}}
	err := s.Write(ctx, func(tx *store.Tx) error {
		for _, l := range []string{"A", "B"} {
			lineID, err := tx.CreateProductLine(ctx, "Line "+l)
			if err != nil {
				return err
			}
			w.lines[l] = lineID
		}
		for _, p := range []string{"P1", "P2", "P3"} {
			productID, err := tx.CreateProduct(ctx, "Product "+p)
			if err != nil {
				return err
			}
			w.products[p] = productID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range searchCorpus {
		it := desk.KBItem{
			Source: c.source, Type: c.typ, State: c.state, Title: c.title, Body: c.body,
			ProductLineID: w.lines[c.line],
			// Each item is an hour newer than the one before it.
			CreatedAt: corpusStart.Add(time.Duration(i) * time.Hour),
			UpdatedAt: corpusStart.Add(time.Duration(i) * time.Hour),
		}
		if it.Source == "" {
			it.Source = desk.KBArticles
		}
		if it.Type == "" {
			it.Type = desk.KBQA
		}
		if it.State == "" {
			it.State = desk.KBPublished
		}
		for _, p := range c.products {
			it.ProductIDs = append(it.ProductIDs, w.products[p])
		}
		if err := w.kb.save(ctx, &it, "created"); err != nil {
			t.Fatalf("save %s: %v", c.key, err)
		}
		w.keys[it.ID] = c.key
	}
	return w
}

var (
	contact = &desk.Actor{User: &desk.User{ID: 1000, Kind: desk.KindContact}}
	staff   = &desk.Actor{User: &desk.User{ID: 1001, Kind: desk.KindStaff, Roles: []desk.Role{desk.RoleAgent}}}
)

// searchCase is one query of the table and the items it must find, in
// any order, as a contact (staff, when staffWant is set, finds those).
type searchCase struct {
	q         string
	want      string // keys, space-separated; "" finds nothing
	staffWant string
	filter    func(w *searchWorld, q *Query)
}

var searchTable = []searchCase{
	// Plain words, stemmed, folded.
	{q: "drop", want: "c07 c08 c09"},
	{q: "dropped", want: "c07 c08 c09"},
	{q: "DROPPING", want: "c07 c08 c09"},
	{q: "calls", want: "c07 c08 c11"},
	{q: "transfer", want: "c07"},
	{q: "connect", want: "c35 c36"},
	{q: "connections", want: "c35 c36"},
	{q: "agents", want: "c05 c08 c36"},
	{q: "route", want: "c11 c16"},
	{q: "rerouted", want: "c12"},
	{q: "grey", want: "c05"},
	{q: "gray", want: "c06"},
	{q: "colour", want: "c34"},
	{q: "color", want: ""},
	{q: "pear", want: "c04"},
	{q: "tables", want: "c11 c31"},
	{q: "server", want: "c09 c23"},
	{q: "message", want: "c29 c33"},
	{q: "videos", want: "c22"},
	{q: "cafe", want: "c24"},
	{q: "Café", want: "c24"},
	{q: "zoe renee", want: "c24"},
	{q: "Äpfel", want: "c30"},
	{q: "birnen", want: "c30"},
	{q: "404", want: "c27"},
	{q: "nonexistentword", want: ""},
	{q: "router", want: "c10 c22", staffWant: "c10 c19 c20 c21 c22"},
	{q: "router core", want: "", staffWant: "c19"},
	{q: "legacy", want: "", staffWant: "c21"},
	// Implicit AND; lower-case and/or/not are words.
	{q: "apples oranges", want: "c02 c04"},
	{q: "apples and oranges", want: "c02 c04"},
	{q: "apples or oranges", want: ""},
	{q: "fruit pears", want: "c04"},
	{q: "sip server", want: "c23"},
	{q: "thirty seconds", want: "c09"},
	// Operators and precedence.
	{q: "apples AND oranges", want: "c02 c04"},
	{q: "apples OR oranges", want: "c01 c02 c03 c04"},
	{q: "apples NOT oranges", want: "c03"},
	{q: "apples AND NOT oranges", want: "c03"},
	{q: "NOT oranges apples", want: "c03"},
	{q: "upgrade NOT database", want: "c18"},
	{q: "upgrade OR install", want: "c13 c18 c23"},
	{q: "(upgrade OR install) NOT flaw", want: "c13 c23"},
	{q: "fruit AND (pears OR basket)", want: "c02 c04"},
	{q: "(grey OR gray) NOT supervisors", want: "c05"},
	{q: "(voice OR video) mail", want: "c28 c29"},
	{q: "voice mail NOT transcripts", want: "c28"},
	{q: "site NOT failover", want: "c12"},
	{q: "idle AND (sessions OR connections)", want: "c09"},
	{q: "grey OR gray theme", want: "c05 c06"},
	{q: "theme OR pear NOT fruit", want: "c05 c06"},
	{q: "kafka OR bus NOT broker", want: "c33"},
	// Wildcards.
	{q: "orang*", want: "c01 c02 c04"},
	{q: "gr?y", want: "c05 c06"},
	{q: "gr*y", want: "c05 c06"},
	{q: "gr?y theme", want: "c05 c06"},
	{q: "*route*", want: "c10 c11 c12 c22", staffWant: "c10 c11 c12 c19 c20 c21 c22"},
	{q: "rout*", want: "c10 c11 c16 c22", staffWant: "c10 c11 c16 c19 c20 c21 c22"},
	{q: "agent*", want: "c05 c08 c36"},
	{q: "*ents", want: "c05 c08 c24 c36"},
	{q: "s?p", want: "c10 c23 c31"},
	{q: "deploy*", want: "c23"},
	{q: "transfer*", want: "c07"},
	{q: "call*", want: "c07 c08 c11 c28"}, // callers too
	{q: "drop* calls", want: "c07 c08"},
	{q: "p?ars", want: "c04"},
	{q: "pear*", want: "c04"},
	{q: "Caf*", want: "c24"},
	{q: "zzz*", want: ""},
	// Phrases: in order, adjacent, not stemmed.
	{q: `"apples and oranges"`, want: "c02"},
	{q: `“oranges and apples”`, want: "c04"},
	{q: `"apples oranges"`, want: ""},
	{q: `"connection"`, want: "c35"},
	{q: `"connections"`, want: "c35"},
	{q: `"connect"`, want: "c36"},
	{q: `"grey scheme"`, want: "c05"},
	{q: `"the grey scheme"`, want: "c05"},
	{q: `"sip server"`, want: "c23"},
	{q: `"voice mail" NOT transcripts`, want: "c28"},
	{q: `"kafka broker"`, want: ""},
	{q: "kafka broker", want: "c33"},
	{q: "e-mail", want: "c16"},
	{q: "email", want: ""},
	{q: "walk-through", want: "c22"},
	{q: "8.5.1", want: "c17"},
	{q: "8.5.2", want: "c17"},
	{q: "8.5.3", want: ""},
	// Nearness: at most n words between, either order, never from the
	// title into the body.
	{q: "database NEAR timeout", want: "c13 c15"},
	{q: "database NEAR:20 timeout", want: "c13 c14 c15"},
	{q: "database NEAR:18 timeout", want: "c13 c14 c15"},
	{q: "database NEAR:17 timeout", want: "c13 c15"},
	{q: "timeout NEAR:2 database", want: "c13 c15"},
	{q: "timeout NEAR:1 database", want: "c13"},
	{q: "alpha NEAR beta", want: "c32"},
	{q: "alpha NEAR:9 beta", want: ""},
	{q: "seconds NEAR:1 thirty", want: "c09"},
	{q: "scheme NEAR:1 agents", want: "c05"},
	{q: "kafka NEAR broker", want: ""},
	{q: "kafka NEAR:1 broker", want: ""},
	{q: `"grey scheme" NEAR:2 agents`, want: "c05"},
	{q: "gr?y NEAR:2 agents", want: "c05"},
	{q: "gr?y NEAR:1 agents", want: ""},
	{q: "dropp* NEAR:1 calls", want: "c08"},
	{q: "database NEAR timeout NEAR:2 upgrade", want: "c13"},
	// Markdown: table cells and code are words; link targets are not.
	{q: "5060", want: "c31"},
	{q: "sipctl restart", want: "c31"},
	{q: "manual", want: "c31"},
	{q: "hiddenword", want: ""},
	// Filters: values of one filter OR, filters AND.
	{q: "router", want: "c22", filter: func(_ *searchWorld, q *Query) { q.Sources = []desk.KBSource{desk.KBVideos} }},
	{q: "router", want: "c10", filter: func(_ *searchWorld, q *Query) { q.Sources = []desk.KBSource{desk.KBDocumentation} }},
	{q: "router", want: "c10 c22", staffWant: "c10 c22", filter: func(_ *searchWorld, q *Query) {
		q.Sources = []desk.KBSource{desk.KBDocumentation, desk.KBVideos}
	}},
	{q: "calls", want: "c07 c08", filter: func(_ *searchWorld, q *Query) { q.Types = []desk.KBArticleType{desk.KBProblemSolution} }},
	{q: "calls", want: "c11", filter: func(_ *searchWorld, q *Query) { q.Types = []desk.KBArticleType{desk.KBConfigurationGuide} }},
	{q: "apples OR oranges", want: "c01 c02", filter: func(w *searchWorld, q *Query) { q.ProductLines = []int64{w.lines["A"]} }},
	{q: "apples OR oranges", want: "c03 c04", filter: func(w *searchWorld, q *Query) { q.ProductLines = []int64{w.lines["B"]} }},
	{q: "apples OR oranges", want: "c01 c02 c03 c04", filter: func(w *searchWorld, q *Query) {
		q.ProductLines = []int64{w.lines["A"], w.lines["B"]}
	}},
	{q: "*route*", want: "c10 c11 c12 c22", staffWant: "c10 c11 c12 c19 c22", filter: func(w *searchWorld, q *Query) { q.Products = []int64{w.products["P2"]} }},
	{q: "*route*", want: "", filter: func(w *searchWorld, q *Query) { q.Products = []int64{w.products["P1"]} }},
	{q: "drop", want: "c07 c08", filter: func(w *searchWorld, q *Query) {
		q.Types = []desk.KBArticleType{desk.KBProblemSolution}
		q.Products = []int64{w.products["P1"]}
	}},
	{q: "", want: "c17", filter: func(_ *searchWorld, q *Query) { q.Sources = []desk.KBSource{desk.KBReleaseNotes} }},
	{q: "", want: "c18", filter: func(_ *searchWorld, q *Query) { q.Types = []desk.KBArticleType{desk.KBSecurityAdvisory} }},
	{q: "", want: "", staffWant: "c19", filter: func(_ *searchWorld, q *Query) { q.Types = []desk.KBArticleType{desk.KBInternalTech} }},
}

func (w *searchWorld) found(t *testing.T, actor *desk.Actor, q Query) []string {
	t.Helper()
	return w.foundBy(t, actor, q, false)
}

// foundBy is found, by the store's engine alone when engine is true.
func (w *searchWorld) foundBy(t *testing.T, actor *desk.Actor, q Query, engine bool) []string {
	t.Helper()
	q.Limit = MaxPage
	res, err := w.kb.search(context.Background(), actor, q, engine)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Q, err)
	}
	var keys []string
	for _, h := range res.Hits {
		keys = append(keys, w.keys[h.Item.ID])
	}
	if res.Total != len(keys) {
		t.Errorf("Search(%q): total %d, %d hits", q.Q, res.Total, len(keys))
	}
	return keys
}

// facets are the counts of a search, by the store's engine alone when
// engine is true.
func (w *searchWorld) facets(t *testing.T, actor *desk.Actor, q Query, engine bool) map[desk.KBFacet][]desk.KBFacetCount {
	t.Helper()
	res, err := w.kb.search(context.Background(), actor, q, engine)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Q, err)
	}
	return res.Facets
}

// TestSearchTable runs every query of the table on both engines, as a
// contact and as staff: the same items, exactly, on SQLite and PostgreSQL.
func TestSearchTable(t *testing.T) {
	t.Parallel()
	if len(searchTable) < 80 {
		t.Fatalf("the table holds %d queries; the language needs at least 80 to be pinned down", len(searchTable))
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadCorpus(t, s)
		for _, c := range searchTable {
			for _, who := range []struct {
				name  string
				actor *desk.Actor
				want  string
			}{{"contact", contact, c.want}, {"staff", staff, cmpOr(c.staffWant, c.want)}} {
				q := Query{Q: c.q}
				if c.filter != nil {
					c.filter(w, &q)
				}
				got := w.found(t, who.actor, q)
				slices.Sort(got)
				want := strings.Fields(who.want)
				if !slices.Equal(got, want) {
					t.Errorf("%s %s: Search(%q) found %q, want %q", s.Dialect(), who.name, describe(q), got, want)
				}
				engine := w.foundBy(t, who.actor, q, true)
				if slices.Sort(engine); !slices.Equal(engine, want) {
					t.Errorf("%s %s: the engine alone for %q finds %q, want %q", s.Dialect(), who.name, describe(q), engine, want)
				}
				if a, b := w.facets(t, who.actor, q, false), w.facets(t, who.actor, q, true); !reflect.DeepEqual(a, b) {
					t.Errorf("%s %s: %q counts %v with the memory's index, %v with the engine alone", s.Dialect(), who.name, describe(q), a, b)
				}
				if inMemory := w.matchInMemory(t, who.actor, q); !slices.Equal(inMemory, want) {
					t.Errorf("%s %s: in memory (the alert runs) %q finds %q, want %q", s.Dialect(), who.name, describe(q), inMemory, want)
				}
			}
		}
	})
}

// matchInMemory finds what an alert run would of the whole corpus: each
// item's words matched against the query in memory (changeSet.matching).
func (w *searchWorld) matchInMemory(t *testing.T, actor *desk.Actor, q Query) []string {
	t.Helper()
	ctx := context.Background()
	set, err := w.kb.changesAfter(ctx, corpusStart.Add(-time.Hour))
	if err != nil || set == nil || len(set.items) != len(searchCorpus) {
		t.Fatalf("the corpus as changes: %v, %v", set, err)
	}
	found, err := set.matching(ctx, actor, q, corpusStart.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range found {
		keys = append(keys, w.keys[it.ID])
	}
	slices.Sort(keys)
	return keys
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func describe(q Query) string {
	out := q.Q
	if len(q.Sources)+len(q.Types)+len(q.ProductLines)+len(q.Products) > 0 {
		out += fmt.Sprintf(" [sources %v types %v lines %v products %v]", q.Sources, q.Types, q.ProductLines, q.Products)
	}
	return out
}

// TestSearchOrders: relevance puts a title match above a body match and
// items with both of an OR's words above those with one; Date orders by
// the last update, newest or oldest first.
func TestSearchOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadCorpus(t, s)
		if got := w.found(t, contact, Query{Q: "failover"}); len(got) != 3 || got[0] != "c25" {
			t.Errorf("failover by relevance = %q, want the title's c25 first", got)
		}
		got := w.found(t, contact, Query{Q: "apples OR oranges"})
		if top := slices.Sorted(slices.Values(got[:2])); !slices.Equal(top, []string{"c02", "c04"}) {
			t.Errorf("apples OR oranges by relevance = %q, want c02 and c04 (both words) first", got)
		}
		if got := w.found(t, contact, Query{Q: "failover", Sort: desk.KBNewest}); !slices.Equal(got, []string{"c26", "c25", "c10"}) {
			t.Errorf("failover newest first = %q", got)
		}
		if got := w.found(t, contact, Query{Q: "failover", Sort: desk.KBOldest}); !slices.Equal(got, []string{"c10", "c25", "c26"}) {
			t.Errorf("failover oldest first = %q", got)
		}
		// Pages follow one another without a gap or an overlap.
		all := w.found(t, contact, Query{Q: "the", Sort: desk.KBNewest})
		var paged []string
		for offset := 0; offset < len(all); offset += 3 {
			res, err := w.kb.Search(context.Background(), contact, Query{Q: "the", Sort: desk.KBNewest, Offset: offset, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				paged = append(paged, w.keys[h.Item.ID])
			}
		}
		if len(all) < 6 || !slices.Equal(paged, all) {
			t.Errorf("pages of 3 = %q, all at once %q", paged, all)
		}
	})
}

// TestSearchFacets: each filter's values are counted under the query and
// the other filters, never its own; staff-only items count for staff only.
func TestSearchFacets(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadCorpus(t, s)
		ctx := context.Background()
		counts := func(actor *desk.Actor, q Query, f desk.KBFacet) string {
			res, err := w.kb.Search(ctx, actor, q)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, c := range res.Facets[f] {
				parts = append(parts, fmt.Sprintf("%s=%d", c.Value, c.Count))
			}
			slices.Sort(parts)
			return strings.Join(parts, " ")
		}
		// routes finds e-mail routing (c16) too.
		q := Query{Q: "router OR routes"}
		if got := counts(contact, q, desk.KBFacetSource); got != "articles=2 documentation=1 videos=1" {
			t.Errorf("contact's sources = %s", got)
		}
		if got := counts(staff, q, desk.KBFacetSource); got != "articles=5 documentation=1 videos=1" {
			t.Errorf("staff's sources = %s", got)
		}
		if got := counts(contact, q, desk.KBFacetType); got != "configuration_guide=2 qa=1 tech_tutorial=1" {
			t.Errorf("contact's types = %s", got)
		}
		if got := counts(staff, q, desk.KBFacetType); !strings.Contains(got, "internal_tech_article=1") {
			t.Errorf("staff's types = %s, want the Internal Tech Article counted", got)
		}
		q.Sources = []desk.KBSource{desk.KBVideos}
		if got := counts(contact, q, desk.KBFacetSource); got != "articles=2 documentation=1 videos=1" {
			t.Errorf("sources with videos chosen = %s, want every source still counted", got)
		}
		if got := counts(contact, q, desk.KBFacetType); got != "tech_tutorial=1" {
			t.Errorf("types with videos chosen = %s", got)
		}
		p2 := fmt.Sprint(w.products["P2"])
		if got := counts(contact, q, desk.KBFacetProduct); got != p2+"=1" {
			t.Errorf("products with videos chosen = %s", got)
		}
	})
}

// TestSearchNotes: a wildcard that fits more words than it may stand for
// keeps the shortest and says so.
func TestSearchNotes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadCorpus(t, s)
		ctx := context.Background()
		many := desk.KBItem{Source: desk.KBArticles, Type: desk.KBQA, State: desk.KBPublished, Title: "Many words", UpdatedAt: corpusStart, CreatedAt: corpusStart}
		var body []string
		for i := range MaxWildcardWords + 5 {
			body = append(body, fmt.Sprintf("qx%03d", i))
		}
		many.Body = strings.Join(body, " ")
		if err := w.kb.save(ctx, &many, "created"); err != nil {
			t.Fatal(err)
		}
		res, err := w.kb.Search(ctx, contact, Query{Q: "qx*"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0].String(), "qx*") {
			t.Errorf("qx* found %d with notes %v", res.Total, res.Notes)
		}
		if _, err := w.kb.Search(ctx, contact, Query{Q: "sip-serv*"}); desk.AsValidation(err)["q"] == "" {
			t.Errorf("a wildcard across two words: %v, want a message on q", err)
		}
	})
}

// TestSearchUpdatedAfter: a search kept to the items updated after a time
// (what the alerts ask) finds, for every query of the table, exactly the
// items of the whole search updated after it, and counts those alone.
func TestSearchUpdatedAfter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadCorpus(t, s)
		at := map[string]int{}
		for i, c := range searchCorpus {
			at[c.key] = i
		}
		since := corpusStart.Add(20*time.Hour + time.Minute) // items 21 and on
		for _, c := range searchTable {
			for _, actor := range []*desk.Actor{contact, staff} {
				q := Query{Q: c.q}
				if c.filter != nil {
					c.filter(w, &q)
				}
				var want []string
				for _, k := range w.found(t, actor, q) {
					if at[k] > 20 {
						want = append(want, k)
					}
				}
				q.UpdatedAfter = since
				got := w.found(t, actor, q)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: Search(%q) updated after %v found %q, want %q", s.Dialect(), describe(q), since, got, want)
				}
			}
		}
		res, err := w.kb.Search(context.Background(), staff, Query{UpdatedAfter: since})
		if err != nil {
			t.Fatal(err)
		}
		counted := 0
		for _, f := range res.Facets[desk.KBFacetSource] {
			counted += f.Count
		}
		if want := len(searchCorpus) - 21; res.Total != want || counted != want {
			t.Errorf("%s: every item updated after %v: total %d, sources count %d, want %d", s.Dialect(), since, res.Total, counted, want)
		}
		res, err = w.kb.Search(context.Background(), staff, Query{UpdatedAfter: corpusStart.AddDate(1, 0, 0)})
		if err != nil || res.Total != 0 || len(res.Facets[desk.KBFacetSource]) != 0 {
			t.Errorf("%s: nothing updated after a year: %+v, %v", s.Dialect(), res, err)
		}
	})
}
