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
// (so AND, NEAR or a column name are plain words), all of them required.
//
// Terms match whole words, after stemming (so "routes" finds "routing"),
// not prefixes: a prefix query defeats PostgreSQL's estimate of how many
// cases match, and it then walks a million cases for a rare word.
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
	return b.String()
}

// tsQuery writes terms as a PostgreSQL to_tsquery input: quoted lexemes
// joined with &, whole words as in ftsQuery. to_tsquery drops stop words
// itself.
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
	return b.String()
}
