package kb

import (
	"context"
	"fmt"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/words"
)

// Limits of a query's expansion into the index's words.
const (
	// MaxWildcardWords is how many index words one wildcard word stands
	// for at most; the shortest are kept and the reader is told.
	MaxWildcardWords = 50
	// MaxNearWildcardWords is the same beside NEAR, where each pair of
	// the two sides' words is a group of its own on SQLite.
	MaxNearWildcardWords = 12
)

// vocabulary is the index's word list, as the store keeps it.
type vocabulary interface {
	KBTermsOfStems(ctx context.Context, stems []string) (map[string][]string, error)
	KBTermsLike(ctx context.Context, pattern string, limit int) ([]string, error)
}

// expansion turns a parsed query into the index's words, noting where a
// wildcard stood for more words than it keeps.
type expansion struct {
	ctx   context.Context
	vocab vocabulary
	notes []desk.Message
	stems map[string][]string
}

// expand writes a parsed query as the store engines run it: a plain word
// as the index words of its stem, a wildcard word as the index words that
// fit it, a phrase (and a typed word that is several, such as e-mail or
// 8.5.1) as its words in order, not stemmed. The result is simplified: nil
// when nothing can match.
func expand(ctx context.Context, vocab vocabulary, n desk.KBNode) (desk.KBMatch, []desk.Message, error) {
	e := &expansion{ctx: ctx, vocab: vocab}
	if err := e.loadStems(n); err != nil {
		return nil, nil, err
	}
	m, err := e.node(n)
	if err != nil {
		return nil, nil, err
	}
	return desk.SimplifyKBMatch(m), e.notes, nil
}

// loadStems reads the words of every plain word's stem in one query.
func (e *expansion) loadStems(n desk.KBNode) error {
	var stems []string
	var walk func(desk.KBNode)
	walk = func(n desk.KBNode) {
		switch n := n.(type) {
		case desk.KBWord:
			if ws := words.Split(n.Text); len(ws) == 1 {
				stems = append(stems, words.Stem(ws[0]))
			}
		case desk.KBAnd:
			for _, p := range n.Parts {
				walk(p)
			}
		case desk.KBOr:
			for _, p := range n.Parts {
				walk(p)
			}
		case desk.KBNot:
			walk(n.Part)
		case desk.KBNear:
			walk(n.Left)
			walk(n.Right)
		}
	}
	walk(n)
	var err error
	e.stems, err = e.vocab.KBTermsOfStems(e.ctx, stems)
	return err
}

func (e *expansion) node(n desk.KBNode) (desk.KBMatch, error) {
	switch n := n.(type) {
	case desk.KBWord, desk.KBPattern, desk.KBPhrase:
		return e.seq(n, MaxWildcardWords)
	case desk.KBNear:
		l, err := e.seq(n.Left, MaxNearWildcardWords)
		if err != nil {
			return nil, err
		}
		r, err := e.seq(n.Right, MaxNearWildcardWords)
		if err != nil {
			return nil, err
		}
		return desk.KBMatchNear{Left: l, Right: r, Distance: n.Distance}, nil
	case desk.KBNot:
		part, err := e.node(n.Part)
		if err != nil {
			return nil, err
		}
		return desk.KBMatchNot{Part: part}, nil
	case desk.KBAnd:
		parts, err := e.nodes(n.Parts)
		return desk.KBMatchAnd{Parts: parts}, err
	case desk.KBOr:
		parts, err := e.nodes(n.Parts)
		return desk.KBMatchOr{Parts: parts}, err
	}
	return nil, fmt.Errorf("knowledge query: unknown node %T", n)
}

func (e *expansion) nodes(ns []desk.KBNode) ([]desk.KBMatch, error) {
	out := make([]desk.KBMatch, len(ns))
	for i, n := range ns {
		m, err := e.node(n)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// seq expands a word, a wildcard word or a phrase into the positions it
// matches.
func (e *expansion) seq(n desk.KBNode, limit int) (desk.KBMatchSeq, error) {
	switch n := n.(type) {
	case desk.KBWord:
		ws := words.Split(n.Text)
		if len(ws) == 1 {
			return desk.KBMatchSeq{Words: [][]string{e.stems[words.Stem(ws[0])]}}, nil
		}
		return exact(ws), nil
	case desk.KBPhrase:
		return exact(words.Split(n.Text)), nil
	case desk.KBPattern:
		pattern, ok := foldPattern(n.Pattern)
		if !ok {
			return desk.KBMatchSeq{}, desk.Invalid("q", "desk.kb.query.pattern_one_word", "Pos", n.Pos, "Text", n.Pattern)
		}
		found, err := e.vocab.KBTermsLike(e.ctx, pattern, limit+1)
		if err != nil {
			return desk.KBMatchSeq{}, err
		}
		if len(found) > limit {
			found = found[:limit]
			e.notes = append(e.notes, desk.Msg("desk.kb.search.wildcard_capped", "Text", n.Pattern, "Count", limit))
		}
		return desk.KBMatchSeq{Words: [][]string{found}}, nil
	}
	return desk.KBMatchSeq{}, fmt.Errorf("knowledge query: %T is not a term", n)
}

// exact is a phrase of words, each matched as it is.
func exact(ws []string) desk.KBMatchSeq {
	seq := desk.KBMatchSeq{Words: make([][]string, len(ws))}
	for i, w := range ws {
		seq.Words[i] = []string{w}
	}
	return seq
}

// foldPattern folds a wildcard word as words folds a word, keeping its *
// and ?; ok is false when it holds anything else that is not part of a
// word (a wildcard works within one word).
func foldPattern(p string) (string, bool) {
	var b strings.Builder
	for part := range strings.FieldsFuncSeq(strings.NewReplacer("*", " * ", "?", " ? ").Replace(p), func(r rune) bool { return r == ' ' }) {
		if part == "*" || part == "?" {
			b.WriteString(part)
			continue
		}
		ws := words.Split(part)
		if len(ws) != 1 || len([]rune(ws[0])) != len([]rune(words.Fold(part))) {
			return "", false
		}
		b.WriteString(ws[0])
	}
	return b.String(), true
}
