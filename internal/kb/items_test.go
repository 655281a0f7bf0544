package kb

import (
	"context"
	"errors"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

var editor = &desk.Actor{User: &desk.User{ID: 0, Kind: desk.KindStaff, Roles: []desk.Role{desk.RoleKnowledgeEditor}}}

func article(title, body string) desk.KBItemInput {
	return desk.KBItemInput{Source: desk.KBArticles, Type: desk.KBQA, Title: title, Body: body}
}

// TestItemLifecycle: an editor drafts, publishes, edits and retires an
// item; contacts see it only while it is published; the index follows
// every version; each version is kept.
func TestItemLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		k := New(Deps{Store: s})
		r := desk.Request{Actor: editor}
		it, err := k.Create(ctx, r, article("Queue overflow", "Calls overflow to the backup queue."), false)
		if err != nil {
			t.Fatal(err)
		}
		visible := func(actor *desk.Actor, q string) bool {
			res, err := k.Search(ctx, actor, Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			return res.Total == 1
		}
		if visible(contact, "overflow") || !visible(staff, "overflow") {
			t.Fatal("a draft: staff find it, contacts do not")
		}
		if _, err := k.Item(ctx, contact, it.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("a contact reads a draft: %v", err)
		}
		if it, err = k.SetState(ctx, r, it.ID, it.Version, desk.KBPublished); err != nil {
			t.Fatal(err)
		}
		if !visible(contact, "overflow") || it.PublishedAt.IsZero() {
			t.Fatal("published: contacts find it")
		}
		seen := it.Version
		if it, err = k.Update(ctx, r, it.ID, it.Version, article("Queue spill", "Calls spill to the backup queue."), "reworded"); err != nil {
			t.Fatal(err)
		}
		if visible(contact, "overflow") || !visible(contact, "spill") {
			t.Fatal("the index holds the old words after an edit")
		}
		if _, err := k.Update(ctx, r, it.ID, seen, article("Stale", "x"), "late"); !errors.Is(err, desk.ErrStale) {
			t.Fatalf("an edit on an old version: %v", err)
		}
		if _, err := k.SetState(ctx, r, it.ID, it.Version, desk.KBDraft); desk.AsValidation(err)["state"] == "" {
			t.Fatalf("published back to draft: %v", err)
		}
		if it, err = k.SetState(ctx, r, it.ID, it.Version, desk.KBRetired); err != nil {
			t.Fatal(err)
		}
		if visible(contact, "spill") || !visible(staff, "spill") {
			t.Fatal("retired: staff only")
		}
		versions, err := k.Versions(ctx, staff, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) != 4 || versions[0].State != desk.KBRetired || versions[2].Title != "Queue overflow" || versions[1].Note != "reworded" {
			t.Fatalf("versions = %+v", versions)
		}
		if _, err := k.Versions(ctx, contact, it.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("a contact reads a retired item's versions: %v", err)
		}
	})
}

// TestItemInputChecked: bad input is refused field by field and writes
// nothing; only editors and admins write.
func TestItemInputChecked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		k := New(Deps{Store: s})
		_, err := k.Create(ctx, desk.Request{Actor: editor}, desk.KBItemInput{Source: "blog", Type: "essay", Title: " ", ProductLineID: 99, ProductIDs: []int64{42}}, true)
		got := desk.AsValidation(err)
		for _, field := range []string{"title", "source", "type", "product_line", "products"} {
			if got[field] == "" {
				t.Errorf("no message on %s: %v", field, got)
			}
		}
		if _, err := k.Create(ctx, desk.Request{Actor: staff}, article("t", "b"), true); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an agent writes an item: %v", err)
		}
		if _, err := k.Create(ctx, desk.Request{Actor: contact}, article("t", "b"), true); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("a contact writes an item: %v", err)
		}
		res, err := k.Search(ctx, staff, Query{})
		if err != nil || res.Total != 0 {
			t.Errorf("refused writes left %d items (%v)", res.Total, err)
		}
	})
}

// TestSearchSeesOtherInstances: two instances on one database (a cluster,
// or an import run beside the server) each find at once what the other
// wrote, the memory of each kept to the items item by item: a new word,
// an edit's words instead of the old ones, a retired item gone.
func TestSearchSeesOtherInstances(t *testing.T) {
	t.Parallel()
	storetest.EachAt(t, func(t *testing.T, _, url string) {
		ctx := context.Background()
		one, two := New(Deps{Store: storetest.OpenAt(t, url)}), New(Deps{Store: storetest.OpenAt(t, url)})
		finds := func(k *Service, q string) int {
			t.Helper()
			res, err := k.Search(ctx, contact, Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			return res.Total
		}
		r := desk.Request{Actor: editor}
		if _, err := one.Create(ctx, r, article("Trunk failover", "Calls fail over to the second trunk."), true); err != nil {
			t.Fatal(err)
		}
		if finds(one, "failover") != 1 || finds(two, "failover") != 1 {
			t.Fatal("the item written by one instance: both find it")
		}
		it, err := two.Create(ctx, r, article("Codec mismatch", "Calls without audio after a codec renegotiation."), true)
		if err != nil {
			t.Fatal(err)
		}
		if finds(one, "renegotiat*") != 1 || finds(one, "codec") != 1 {
			t.Fatal("a word new to the first instance's memory: found there at once")
		}
		if it, err = one.Update(ctx, r, it.ID, it.Version, article("Payload type mismatch", "Calls without audio."), "renamed"); err != nil {
			t.Fatal(err)
		}
		if finds(two, "codec") != 0 || finds(two, `"payload type"`) != 1 {
			t.Fatal("an edit on one instance: the other finds the new words, not the old")
		}
		if _, err := two.SetState(ctx, r, it.ID, it.Version, desk.KBRetired); err != nil {
			t.Fatal(err)
		}
		if finds(one, "audio") != 0 || finds(one, "calls") != 1 {
			t.Fatal("retired on one instance: the other's contacts no longer find it")
		}
	})
}
