package kb

import (
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/words"
)

// SnippetPart is a piece of a result's snippet: Hit marks a matched word.
type SnippetPart struct {
	Text string
	Hit  bool
}

// snippetWords is how many words a snippet shows.
const snippetWords = 30

// Snippet is the part of a text around its first matched word, about
// thirty words, with the matched words marked; with no match it is the
// text's beginning. Runs of white space are one space.
func Snippet(text string, matched map[string]bool) []SnippetPart {
	text = strings.Join(strings.Fields(text), " ")
	var spans []words.Span
	words.Spans(text, &spans)
	if len(spans) == 0 {
		return nil
	}
	first := 0
	for i, sp := range spans {
		if matched[sp.Word] {
			first = i
			break
		}
	}
	from := max(0, first-snippetWords/3)
	to := min(len(spans), from+snippetWords)
	from = max(0, to-snippetWords)
	end := spans[to-1].End
	if to == len(spans) {
		end = len(text) // the closing punctuation
	}
	var out []SnippetPart
	if from == 0 {
		spans[0].Start = 0 // an opening quote or parenthesis
	}
	if from > 0 {
		out = append(out, SnippetPart{Text: "… "})
	}
	at := spans[from].Start
	for _, sp := range spans[from:to] {
		if !matched[sp.Word] {
			continue
		}
		if sp.Start > at {
			out = append(out, SnippetPart{Text: text[at:sp.Start]})
		}
		out = append(out, SnippetPart{Text: text[sp.Start:sp.End], Hit: true})
		at = sp.End
	}
	if end > at {
		out = append(out, SnippetPart{Text: text[at:end]})
	}
	if to < len(spans) {
		out = append(out, SnippetPart{Text: " …"})
	}
	return out
}

// matchedWords is every index word a match finds with, for highlights:
// the words of what it looks for, not of what it leaves out.
func matchedWords(m desk.KBMatch) map[string]bool {
	out := map[string]bool{}
	var walk func(desk.KBMatch)
	seq := func(s desk.KBMatchSeq) {
		for _, alts := range s.Words {
			for _, w := range alts {
				out[w] = true
			}
		}
	}
	walk = func(m desk.KBMatch) {
		switch m := m.(type) {
		case desk.KBMatchSeq:
			seq(m)
		case desk.KBMatchNear:
			seq(m.Left)
			seq(m.Right)
		case desk.KBMatchAnd:
			for _, p := range m.Parts {
				walk(p)
			}
		case desk.KBMatchOr:
			for _, p := range m.Parts {
				walk(p)
			}
		}
	}
	walk(m)
	return out
}
