package support_test

import (
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestSimilarCasesByWords: the agent's similar cases are those of any
// customer, open or closed, that hold the summary's telling words (stop
// words and the case itself left out), at most five; a summary whose
// words no other case holds falls back to the open cases on the same
// component.
func TestSimilarCasesByWords(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		acme, globex := f.customer("Acme Corp"), f.customer("Globex")
		summary := func(s string) func(*desk.Case) { return func(c *desk.Case) { c.Summary = s } }
		caseID := f.fx.Case(acme.dana, summary("The Kerberos login loops after the upgrade")).ID
		solved := f.fx.Case(globex.dana, summary("Kerberos tickets expire"), fixture.Closed(desk.SubResolved, 3)).ID
		both := f.fx.Case(acme.sam, summary("Login loops with Kerberos on the new upgrade")).ID
		unrelated := f.fx.Case(globex.sam, summary("The printer is offline after the update")).ID
		lonely := f.fx.Case(acme.sam, summary("Zeppelin quaternion")).ID
		agent := f.staff(t, desk.RoleAgent)
		similar := func(id int64) ([]int64, bool) {
			t.Helper()
			_, a := agentView(t, f, agent, id)
			var out []int64
			for _, r := range a.Similar {
				out = append(out, r.ID)
			}
			return out, a.SimilarByWords
		}
		got, byWords := similar(caseID)
		if !byWords || len(got) < 2 || got[0] != both || !slices.Contains(got, solved) || slices.Contains(got, caseID) || slices.Contains(got, unrelated) {
			t.Errorf("similar to the Kerberos case = %v (by words %v), want %d (all its words) first, %d (Kerberos, closed), not itself nor %d",
				got, byWords, both, solved, unrelated)
		}
		got, byWords = similar(lonely)
		if byWords || !slices.Contains(got, caseID) || slices.Contains(got, lonely) || slices.Contains(got, solved) {
			t.Errorf("similar to a case whose words no other holds = %v (by words %v), want the open cases on its component", got, byWords)
		}
		for range 8 {
			f.fx.Case(globex.dana, summary("Kerberos again"))
		}
		if got, _ := similar(caseID); len(got) != 5 {
			t.Errorf("similar cases = %d, want at most 5", len(got))
		}
	})
}
