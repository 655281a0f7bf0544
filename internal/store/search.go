package store

import (
	"strings"
	"unicode"
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

// ftsQuery writes terms as an SQLite FTS5 query: each term a quoted string
// (so AND, NEAR or a column name are plain words), all of them required,
// the last one also matching as a prefix for search-as-you-type.
func ftsQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(t) // terms hold no quotes: searchTerms split on them
		b.WriteByte('"')
	}
	b.WriteByte('*')
	return b.String()
}

// tsQuery writes terms as a PostgreSQL to_tsquery input: quoted lexemes
// joined with &, the last one a prefix. to_tsquery drops stop words itself.
func tsQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('\'')
		b.WriteString(t)
		b.WriteByte('\'')
	}
	b.WriteString(":*")
	return b.String()
}
