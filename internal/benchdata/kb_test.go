package benchdata_test

import (
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestLoadKB loads a small knowledge data set on each engine: every item
// is stored as the shape made it, with one version, found by its words;
// the spread of sources and states is the one the shape describes; an
// item written afterwards is found at once (the search's memory follows).
func TestLoadKB(t *testing.T) {
	path, err := benchdata.FindKBArticles(os.Getenv(benchdata.EnvKBArticles))
	if errors.Is(err, benchdata.ErrNoKBArticles) {
		t.Skipf("the knowledge data set is made of kb-articles.jsonl: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	const n = 600
	sh, err := benchdata.NewKB(n, path)
	if err != nil {
		t.Fatal(err)
	}
	staff := &desk.Actor{User: &desk.User{Kind: desk.KindStaff, Roles: []desk.Role{desk.RoleKnowledgeEditor}}}
	contact := &desk.Actor{User: &desk.User{ID: 1000, Kind: desk.KindContact}}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		cat, took, err := benchdata.PrepareKB(ctx, s, sh)
		if err != nil || took == 0 {
			t.Fatalf("PrepareKB(empty store) = %v, %v; want a load", took, err)
		}
		if _, again, err := benchdata.PrepareKB(ctx, s, sh); err != nil || again != 0 {
			t.Fatalf("PrepareKB(loaded store) = %v, %v; want it left as it is", again, err)
		}
		staffOnly := 0
		sources := map[desk.KBSource]int{}
		for i := range n {
			var want desk.KBItem
			sh.Item(i, cat, &want)
			got, err := s.KBItem(ctx, int64(i+1))
			if err != nil {
				t.Fatal(err)
			}
			want.ProductIDs = slices.Compact(slices.Sorted(slices.Values(want.ProductIDs)))
			if got.Title != want.Title || got.Body != want.Body || got.Summary != want.Summary || got.State != want.State ||
				got.Type != want.Type || got.Source != want.Source || got.ProductLineID != want.ProductLineID ||
				!slices.Equal(got.ProductIDs, want.ProductIDs) || !got.UpdatedAt.Equal(want.UpdatedAt) || got.Version != 1 {
				t.Fatalf("item %d = %+v\nwant %+v", i+1, got, want)
			}
			if got.StaffOnly() {
				staffOnly++
			}
			sources[got.Source]++
			if i%97 == 0 {
				versions, err := s.KBVersions(ctx, got.ID)
				if err != nil || len(versions) != 1 {
					t.Fatalf("item %d versions = %d, %v; want one", got.ID, len(versions), err)
				}
			}
		}
		if staffOnly < n/100 || staffOnly > n/10 {
			t.Errorf("%d of %d items staff-only; want a few %%", staffOnly, n)
		}
		if sources[desk.KBArticles] < sources[desk.KBDocumentation] || sources[desk.KBVideos] == 0 || sources[desk.KBReleaseNotes] == 0 {
			t.Errorf("sources %v: want most articles, then documentation, some videos and release notes", sources)
		}

		svc := kb.New(kb.Deps{Store: s})
		all, err := svc.Search(ctx, staff, kb.Query{Q: `"environment variables"`, Limit: kb.MaxPage})
		if err != nil || all.Total == 0 {
			t.Fatalf("phrase search = %v, %v", all, err)
		}
		seen, err := svc.Search(ctx, contact, kb.Query{Q: `"environment variables"`, Limit: kb.MaxPage})
		if err != nil || seen.Total == 0 || seen.Total > all.Total {
			t.Fatalf("contact's phrase search = %v, %v", seen, err)
		}
		for _, h := range seen.Hits {
			if h.Item.StaffOnly() {
				t.Errorf("a contact found staff-only item %d", h.Item.ID)
			}
		}
		// A new item is found by the next search, its filters counted.
		it, err := svc.Create(ctx, desk.Request{Actor: staff}, desk.KBItemInput{
			Source: desk.KBVideos, Type: desk.KBTechTutorial, Title: "Zanzibar walkthrough", Body: "A zanzibar video.",
			ProductLineID: cat.Lines[0],
		}, true)
		if err != nil {
			t.Fatal(err)
		}
		found, err := svc.Search(ctx, contact, kb.Query{Q: "zanzibar", Sources: []desk.KBSource{desk.KBVideos}})
		if err != nil || found.Total != 1 || found.Hits[0].Item.ID != it.ID {
			t.Fatalf("search for the new item = %+v, %v", found, err)
		}
	})
}
