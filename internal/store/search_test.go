package store

import (
	"testing"

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
		{"printer", []string{"printer"}, `"printer"`, `'printer'`},
		{"  Printer   offline ", []string{"Printer", "offline"}, `"Printer" "offline"`, `'Printer' & 'offline'`},
		{`"quoted phrase"`, []string{"quoted", "phrase"}, `"quoted" "phrase"`, `'quoted' & 'phrase'`},
		{`a'b -c (d) e* NEAR/2`, []string{"a", "b", "c", "d", "e", "NEAR", "2"}, `"a" "b" "c" "d" "e" "NEAR" "2"`, `'a' & 'b' & 'c' & 'd' & 'e' & 'NEAR' & '2'`},
		{"v4.2.1", []string{"v4", "2", "1"}, `"v4" "2" "1"`, `'v4' & '2' & '1'`},
		{"Straße café naïve 日本", []string{"Straße", "café", "naïve", "日本"}, `"Straße" "café" "naïve" "日本"`, `'Straße' & 'café' & 'naïve' & '日本'`},
		{`" * ( - : ' \`, []string{}, "", ""},
		{
			"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
			[]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"},
			`"1" "2" "3" "4" "5" "6" "7" "8" "9" "10" "11" "12" "13" "14" "15" "16"`,
			`'1' & '2' & '3' & '4' & '5' & '6' & '7' & '8' & '9' & '10' & '11' & '12' & '13' & '14' & '15' & '16'`,
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
		if got := ftsQuery(terms); got != tt.fts {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.fts)
		}
		if got := tsQuery(terms); got != tt.ts {
			t.Errorf("tsQuery(%q) = %s, want %s", tt.in, got, tt.ts)
		}
	}
}
