package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestEveryChangeMovesTheCaseVersion: a case's version moves with its
// row, a Case Feed entry, a file and a change of its tags (not with the
// same tags again), so a page read at the old version is known to be
// stale.
func TestEveryChangeMovesTheCaseVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		b := fixture.New(t, s)
		co := b.Company("Acme")
		b.Contract(co)
		contact := b.Contact(co, desk.ReadWrite)
		c := b.Case(contact)
		version := func() int64 {
			t.Helper()
			v, err := s.CaseVersion(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		last := version()
		steps := []struct {
			name  string
			moves bool
			write func(ctx context.Context, tx *store.Tx) error
		}{
			{"update", true, func(ctx context.Context, tx *store.Tx) error {
				got, err := tx.CaseForUpdate(ctx, c.ID)
				if err != nil {
					return err
				}
				got.Priority = desk.PriorityHigh
				before := got.Version
				if err := tx.UpdateCase(ctx, got); err != nil {
					return err
				}
				if got.Version != before+1 {
					t.Errorf("UpdateCase: Version = %d, want %d", got.Version, before+1)
				}
				return nil
			}},
			{"entry", true, func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.AddEntry(ctx, &desk.Entry{CaseID: c.ID, Kind: desk.EntryComment, AuthorID: contact.ID, Body: "More logs.", CreatedAt: b.Now()})
				return err
			}},
			{"file", true, func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.AddCaseFile(ctx, &desk.CaseFile{
					CaseID: c.ID, Name: "log.txt", Size: 3, SHA256: "x", Source: "upload",
					Direction: "to_support", StorageKey: "k1", CreatedAt: b.Now(),
				})
				return err
			}},
			{"tags", true, func(ctx context.Context, tx *store.Tx) error {
				return tx.SetCaseTags(ctx, c.ID, []string{"ivr", "billing"})
			}},
			{"same tags", false, func(ctx context.Context, tx *store.Tx) error {
				return tx.SetCaseTags(ctx, c.ID, []string{"billing", "ivr", "ivr"})
			}},
		}
		for _, st := range steps {
			if err := s.Write(ctx, func(tx *store.Tx) error { return st.write(ctx, tx) }); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			now := version()
			if moved := now != last; moved != st.moves {
				t.Errorf("%s: version %d → %d, moved = %v, want %v", st.name, last, now, moved, st.moves)
			}
			last = now
		}
		tags, err := s.CaseTags(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"billing", "ivr"}, tags); diff != "" {
			t.Errorf("CaseTags (-want +got):\n%s", diff)
		}
		row, err := s.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if row.Version != last {
			t.Errorf("Case().Version = %d, want %d", row.Version, last)
		}
	})
}

// TestMacros: saved replies are created, listed by name, changed and
// deleted; one that is gone is "not found".
func TestMacros(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		b := fixture.New(t, s)
		psm := b.Staff([]desk.Role{desk.RoleProductSupportManager})
		solved := &desk.Macro{
			Name: "Solved", Body: "Hello {{contact.first_name}}, fixed.", Status: desk.StatusSolutionProposed,
			SubStatus: desk.SubReplied, UpdatedBy: psm.ID, UpdatedAt: b.Now(),
		}
		logs := &desk.Macro{Name: "Ask for logs", Body: "Please send the logs.", UpdatedAt: b.Now()}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SaveMacro(ctx, solved); err != nil {
				return err
			}
			return tx.SaveMacro(ctx, logs)
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Macros(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]desk.Macro{*logs, *solved}, got); diff != "" {
			t.Errorf("Macros (-want +got):\n%s", diff)
		}
		solved.Body = "Fixed in 4.2."
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SaveMacro(ctx, solved) }); err != nil {
			t.Fatal(err)
		}
		m, err := s.Macro(ctx, solved.ID)
		if err != nil || m.Body != "Fixed in 4.2." {
			t.Errorf("Macro after the change = %+v, %v", m, err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteMacro(ctx, solved.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Macro(ctx, solved.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("Macro after delete: %v, want not found", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteMacro(ctx, solved.ID) }); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("DeleteMacro twice: %v, want not found", err)
		}
	})
}
