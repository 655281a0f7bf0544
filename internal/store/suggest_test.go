package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestComponentModels: the latest model saved is the one in use, with its
// bytes as saved (a few megabytes, as at 10,000 cases); only the last
// three are kept; none before the first is "not found".
func TestComponentModels(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.ComponentModel(ctx); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("before any model: %v, want ErrNotFound", err)
		}
		admin := fixture.New(t, s).Staff([]desk.Role{desk.RolePortalAdmin})
		at := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
		var saved []*desk.ComponentModel
		var last []byte
		for i := range 5 {
			m := &desk.ComponentModel{TrainedAt: at.Add(time.Duration(i) * time.Hour), Cases: 100 * (i + 1), Components: 7}
			if i%2 == 0 {
				m.TrainedBy = admin.ID
			}
			last = bytes.Repeat([]byte{byte(i), 0, 0, 0xff}, 2<<20)
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SaveComponentModel(ctx, m, last) }); err != nil {
				t.Fatal(err)
			}
			saved = append(saved, m)
		}
		got, err := s.ComponentModel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := saved[4]; *got != *want {
			t.Errorf("in use: %+v, want %+v", got, want)
		}
		data, err := s.ComponentModelBytes(ctx, got.ID)
		if err != nil || !bytes.Equal(data, last) {
			t.Errorf("the model's bytes: %d bytes, %v; want the %d saved", len(data), err, len(last))
		}
		for i, m := range saved {
			_, err := s.ComponentModelBytes(ctx, m.ID)
			if kept := i >= 2; kept != (err == nil) {
				t.Errorf("model %d of 5: kept %v (%v), want %v", i+1, err == nil, err, kept)
			}
		}
	})
}

// TestComponentExamples: the latest cases first, each with its text,
// product and component, at most the limit.
func TestComponentExamples(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fx := fixture.New(t, s)
		contact := fx.Contact(fx.Company("Acme"), desk.ReadWrite)
		other := fx.Product("Workforce", "Scheduling", "Forecasting")
		fx.Case(contact)
		second := fx.Case(contact, func(c *desk.Case) {
			c.ProductID, c.ComponentID = other.ID, other.Components[1]
			c.Summary, c.Description = "Forecast is empty", "No forecast since the upgrade."
		})
		got, err := s.ComponentExamples(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := []desk.ComponentExample{{Summary: second.Summary, Description: second.Description, ProductID: other.ID, ComponentID: other.Components[1]}}
		if len(got) != 1 || got[0] != want[0] {
			t.Errorf("ComponentExamples(1) = %+v, want %+v", got, want)
		}
		if got, err := s.ComponentExamples(ctx, 10); err != nil || len(got) != 2 {
			t.Errorf("ComponentExamples(10) = %d examples, %v; want 2", len(got), err)
		}
	})
}
