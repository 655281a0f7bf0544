package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// TestPurgedFileIsGone: a file purged after its case closed answers 410
// Gone with the date, on the page and in the API (a problem document).
func TestPurgedFileIsGone(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.fx.Company("Acme Corp")
		e.fx.Contract(co)
		danaUser := e.fx.Contact(co, desk.ReadWrite)
		dana := e.login(danaUser)
		caseID := e.fx.Case(danaUser).ID
		var fileID int64
		err := e.store.Write(ctx, func(tx *store.Tx) error {
			var err error
			fileID, err = tx.AddCaseFile(ctx, &desk.CaseFile{
				CaseID: caseID, Name: "old.log", Size: 3, SHA256: strings.Repeat("0", 64), Source: "upload",
				Direction: "customer", StorageKey: "cases/gone", CreatedAt: time.Now().Add(-time.Hour),
			})
			if err != nil {
				return err
			}
			return tx.MarkPurged(ctx, fileID, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		path := "/cases/" + number(caseID) + "/files/" + itoa(fileID)
		if res := e.signIn(dana).get(path); res.StatusCode != http.StatusGone || !strings.Contains(res.Body, "deleted on") {
			t.Errorf("page download of a purged file = %d, want 410 with the date", res.StatusCode)
		}
		p := wantProblem(t, e.apiClient(dana).apiCall("GET", "/api/v1"+path+"/content", nil), http.StatusGone)
		if !strings.Contains(p.Detail, "deleted on") {
			t.Errorf("API download of a purged file: %+v", p)
		}
	})
}
