package store

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/caseport/caseport/internal/desk"
)

// maxSearchTerms caps the words of one keyword search; a longer query is
// a paste, and its first words select enough.
const maxSearchTerms = 16

// searchTerms splits what a user typed into search words: runs of letters,
// digits and combining marks, the characters SQLite's unicode61 tokenizer
// keeps. Everything else separates words, so no operator or quote of either
// engine's query language survives: user input can never be a syntax error.
func searchTerms(s string) []string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
	if len(words) > maxSearchTerms {
		words = words[:maxSearchTerms]
	}
	return words
}

// searchScope is what of a list's conditions the text index decides
// itself, from the words of each case's scope (migration 00018): the
// reader's combinations (none: every case), a company and a contact. The
// engine then intersects
// them with the typed words in the index, whatever the words' frequency
// inside and outside the reader's cases. The list's SQL conditions stay
// as they are; the index only narrows what they test.
type searchScope struct {
	combinations []desk.Combination
	companyID    int64
	contactID    int64
}

// words are the scope's words, each alternative of a group in one
// slice: a case must hold one word of every group.
func (sc searchScope) words() [][]string {
	var groups [][]string
	if len(sc.combinations) > 0 {
		g := make([]string, len(sc.combinations))
		for i, cb := range sc.combinations {
			g[i] = "cb" + strconv.FormatInt(cb.SoldToID, 10) + "x" + strconv.FormatInt(cb.EndUserID, 10)
		}
		groups = append(groups, g)
	}
	if sc.companyID != 0 {
		groups = append(groups, []string{"co" + strconv.FormatInt(sc.companyID, 10)})
	}
	if sc.contactID != 0 {
		groups = append(groups, []string{"ct" + strconv.FormatInt(sc.contactID, 10)})
	}
	return groups
}

// ftsQuery writes terms as an SQLite FTS5 query: each term a quoted string
// (so AND, NEAR or a column name are plain words), all of them required,
// in the summary or the description, and the scope's words in the scope
// column.
//
// Terms match whole words, after stemming (so "routes" finds "routing"),
// not prefixes: a prefix query defeats PostgreSQL's estimate of how many
// cases match, and it then walks a million cases for a rare word.
func ftsQuery(terms []string, sc searchScope) string {
	var b strings.Builder
	b.WriteString("{summary description}: (")
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(t) // terms hold no quotes: searchTerms split on them
		b.WriteByte('"')
	}
	b.WriteByte(')')
	for _, g := range sc.words() {
		b.WriteString(" AND scope: (")
		for i, w := range g {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(w) // letters and digits: a bare word
		}
		b.WriteByte(')')
	}
	return b.String()
}

// tsQuery writes terms as a PostgreSQL to_tsquery input: quoted lexemes
// joined with &, whole words as in ftsQuery, matching only the case's own
// words (weights A and B: summary and description). to_tsquery drops stop
// words itself.
func tsQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('\'')
		b.WriteString(t)
		b.WriteString("':AB")
	}
	return b.String()
}

// tsScope writes the scope's words as a to_tsquery('simple', …) input,
// matching only the scope's own words (weight D); "" when the scope is
// every case.
func tsScope(sc searchScope) string {
	var b strings.Builder
	for i, g := range sc.words() {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('(')
		for j, w := range g {
			if j > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(w)
			b.WriteString(":D")
		}
		b.WriteByte(')')
	}
	return b.String()
}
