// Package words splits text into the words that search indexes and
// matches: folded to lower case without diacritics, letters and digits
// only, in order. The knowledge area hands both store engines these words
// (not the text), so SQLite and PostgreSQL see the same words at the same
// positions and a query means the same on both.
package words

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"golang.org/x/text/unicode/norm"
)

// MaxLen is the longest word kept, in characters: a longer run (a hash, a
// pasted blob) is cut to it, the same when indexed and when searched.
const MaxLen = 64

// Fold lowers s and removes the diacritics of Latin, Greek and Cyrillic
// letters ("Café" becomes "cafe"); other scripts keep their marks, which
// belong to their letters (a Japanese voiced mark, a Devanagari vowel sign).
func Fold(s string) string {
	var b strings.Builder
	strip := false
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			if !strip {
				b.WriteRune(r)
			}
			continue
		}
		strip = unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
		b.WriteRune(r)
	}
	return strings.ToLower(norm.NFC.String(b.String()))
}

// isWordRune reports whether r starts or continues a word.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// isInWordRune reports whether r may stand inside a word: a letter, a
// digit or a mark of a letter.
func isInWordRune(r rune) bool { return isWordRune(r) || unicode.IsMark(r) }

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Split returns the words of s in order.
func Split(s string) []string {
	return Spans(s, nil)
}

// A Span is where one word of a text is: its byte offsets in the text as
// given (not folded), for snippets and highlights.
type Span struct {
	Word       string
	Start, End int
}

// Spans returns the words of s in order; when spans is not nil, each
// word's place in s is appended to it too.
func Spans(s string, spans *[]Span) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		if isASCII(w) {
			// Letters and digits alone: folding is lowering.
			w = strings.ToLower(w)
		} else {
			// Folding can itself leave symbols (a compatibility form):
			// keep only what belongs to words.
			w = strings.Map(func(r rune) rune {
				if isInWordRune(r) {
					return r
				}
				return -1
			}, Fold(w))
		}
		if w != "" {
			if r := []rune(w); len(r) > MaxLen {
				w = string(r[:MaxLen])
			}
			out = append(out, w)
			if spans != nil {
				*spans = append(*spans, Span{Word: w, Start: start, End: end})
			}
		}
		start = -1
	}
	for i, r := range s {
		// Combining marks stay inside the word they mark (they are folded
		// away); anything else that is not a letter or a digit ends it.
		if isWordRune(r) || (start >= 0 && unicode.IsMark(r)) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// stemmers hands out snowball environments, which are not safe to share.
var stemmers = sync.Pool{New: func() any { return snowballstem.NewEnv("") }}

// Stem returns the English stem of a folded word: "dropped", "drops" and
// "dropping" all become "drop". Words with digits are their own stem.
func Stem(word string) string {
	for _, r := range word {
		if unicode.IsNumber(r) {
			return word
		}
	}
	env := stemmers.Get().(*snowballstem.Env)
	defer stemmers.Put(env)
	env.SetCurrent(word)
	english.Stem(env)
	return env.Current()
}
