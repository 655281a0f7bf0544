package store

import (
	"testing"

	"github.com/caseport/caseport/internal/desk"

	"github.com/google/go-cmp/cmp"
)

func TestSearchQueries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		terms []string
		fts   string
		ts    string
	}{
		{"printer", []string{"printer"}, `{summary description}: ("printer")`, `'printer':AB`},
		{"  Printer   offline ", []string{"Printer", "offline"}, `{summary description}: ("Printer" "offline")`, `'Printer':AB & 'offline':AB`},
		{`"quoted phrase"`, []string{"quoted", "phrase"}, `{summary description}: ("quoted" "phrase")`, `'quoted':AB & 'phrase':AB`},
		{`a'b -c (d) e* NEAR/2`, []string{"a", "b", "c", "d", "e", "NEAR", "2"}, `{summary description}: ("a" "b" "c" "d" "e" "NEAR" "2")`, `'a':AB & 'b':AB & 'c':AB & 'd':AB & 'e':AB & 'NEAR':AB & '2':AB`},
		{"v4.2.1", []string{"v4", "2", "1"}, `{summary description}: ("v4" "2" "1")`, `'v4':AB & '2':AB & '1':AB`},
		{"Straße café naïve 日本", []string{"Straße", "café", "naïve", "日本"}, `{summary description}: ("Straße" "café" "naïve" "日本")`, `'Straße':AB & 'café':AB & 'naïve':AB & '日本':AB`},
		{`" * ( - : ' \`, []string{}, "", ""},
		{
			"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
			[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"},
			`{summary description}: ("1" "2" "3" "4" "5" "6" "7" "8" "9" "10" "11" "12" "13" "14" "15" "16")`,
			`'1':AB & '2':AB & '3':AB & '4':AB & '5':AB & '6':AB & '7':AB & '8':AB & '9':AB & '10':AB & '11':AB & '12':AB & '13':AB & '14':AB & '15':AB & '16':AB`,
		},
	}
	for _, tt := range tests {
		terms := searchTerms(tt.in)
		if diff := cmp.Diff(tt.terms, terms); diff != "" {
			t.Errorf("searchTerms(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		if len(terms) == 0 {
			continue
		}
		if got := ftsQuery(terms, searchScope{}); got != tt.fts {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.fts)
		}
		if got := tsQuery(terms); got != tt.ts {
			t.Errorf("tsQuery(%q) = %s, want %s", tt.in, got, tt.ts)
		}
	}
}

// The scope's words: every group required, one word of each.
func TestSearchScopeQueries(t *testing.T) {
	t.Parallel()
	sc := searchScope{
		combinations: []desk.Combination{{SoldToID: 1, EndUserID: 2}, {SoldToID: 3, EndUserID: 3}},
		contactID:    7,
	}
	if got, want := ftsQuery([]string{"printer"}, sc), `{summary description}: ("printer") AND scope: (cb1x2 OR cb3x3) AND scope: (ct7)`; got != want {
		t.Errorf("ftsQuery = %s, want %s", got, want)
	}
	if got, want := tsScope(sc), `(cb1x2:D | cb3x3:D) & (ct7:D)`; got != want {
		t.Errorf("tsScope = %s, want %s", got, want)
	}
	if got := tsScope(searchScope{}); got != "" {
		t.Errorf("tsScope of every case = %q, want none", got)
	}
}
