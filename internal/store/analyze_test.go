package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestAnalyzeTellsThePlanner: after many rows arrive at once, Analyze
// gives PostgreSQL's planner their number at once (it would otherwise
// plan for the empty table it last saw until autovacuum came by).
func TestAnalyzeTellsThePlanner(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			s := storetest.Open(t, e)
			ctx := context.Background()
			now := time.Now().UTC()
			err := s.Write(ctx, func(tx *store.Tx) error {
				for i := range 500 {
					c := &desk.Company{Name: fmt.Sprintf("Company %d", i), OrgID: fmt.Sprintf("ORG-A%d", i), Country: "DE"}
					if _, err := tx.CreateCompany(ctx, c, now); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Analyze(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := s.PlannerRows(ctx, "companies"); err != nil || n < 500 {
				t.Errorf("after Analyze the planner counts %v companies (%v), want 500", n, err)
			}
		})
	}
}
