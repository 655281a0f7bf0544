package support

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/caseport/caseport/internal/desk"
)

// similarWords is how many of a summary's words the search for similar
// cases uses at most: the longest (a long word is rarely a common one),
// then fewer of them while they find too few cases.
const similarWords = 3

// similar are the cases whose summary or description holds the words
// that say most in c's summary, of every status (a closed case is where
// the problem was solved), newest first, at most MaxOtherOpen, c left
// out; when no word finds any, the open cases on c's component. Every
// query is the case search (the text index, one page of at most
// MaxOtherOpen+1 cases): at most similarWords searches and one list.
func (s *Cases) similar(ctx context.Context, r Request, c *desk.CaseRow) (cases []desk.CaseRow, byWords bool, err error) {
	words := significantWords(c.Summary)
	for n := min(len(words), similarWords); n > 0 && len(cases) < MaxOtherOpen; n-- {
		page, err := s.store.Cases(ctx, desk.CaseFilter{
			List: desk.Queue, Scope: r.Actor.Scope(), Statuses: desk.Statuses,
			Keywords: strings.Join(words[:n], " "), Limit: MaxOtherOpen + 1,
		})
		if err != nil {
			return nil, false, err
		}
		for _, o := range page.Cases {
			if o.ID != c.ID && len(cases) < MaxOtherOpen && !slices.ContainsFunc(cases, func(x desk.CaseRow) bool { return x.ID == o.ID }) {
				cases = append(cases, o)
			}
		}
	}
	if len(cases) > 0 {
		return cases, true, nil
	}
	page, err := s.store.Cases(ctx, desk.CaseFilter{
		List: desk.Queue, Scope: r.Actor.Scope(), ProductID: c.ProductID,
		Statuses: []desk.Status{desk.StatusOpen, desk.StatusAwaitingInformation, desk.StatusSolutionProposed},
		Limit:    25,
	})
	if err != nil {
		return nil, false, err
	}
	for _, o := range page.Cases {
		if o.ID != c.ID && o.ComponentID == c.ComponentID && len(cases) < MaxOtherOpen {
			cases = append(cases, o)
		}
	}
	return cases, false, nil
}

// significantWords are the words of a summary that say what it is about,
// longest first (the earlier of two as long): no stop word, no number, no
// word of fewer than three letters, each once.
func significantWords(summary string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(summary), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		if len([]rune(w)) < 3 || stopWords[w] || strings.IndexFunc(w, unicode.IsLetter) < 0 || slices.Contains(out, w) {
			continue
		}
		out = append(out, w)
	}
	slices.SortStableFunc(out, func(a, b string) int { return len([]rune(b)) - len([]rune(a)) })
	return out
}

// stopWords are English words too common in summaries to tell cases
// apart (PostgreSQL's english dictionary drops most of them itself;
// SQLite's index keeps them), with the words every support case uses.
var stopWords = func() map[string]bool {
	out := map[string]bool{}
	for w := range strings.FieldsSeq(`about above after again against all also and any are because been before being below
		between both but can cannot could did does doing down during each few for from further had has have having her
		here hers him his how into its itself just more most not now off once only other our ours out over own same she
		should some such than that the their theirs them then there these they this those through too under until very
		was were what when where which while who whom why will with would you your yours get gets getting got
		issue issues problem problems error errors case cases help please need needs unable working work
		works fails failed failing since still using use used`) {
		out[w] = true
	}
	return out
}()
