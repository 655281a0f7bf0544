package desk

import (
	"strconv"
	"strings"
	"unicode"
)

// The knowledge search language (seed 003 "Search Tips"). ParseKBQuery
// turns what a reader typed into a tree; the knowledge area expands its
// words through the index's vocabulary (stems, wildcards) and each store
// engine runs the expanded tree, so a query means the same on SQLite and
// PostgreSQL.
//
//	words        drop call        every word (implicit AND), stemmed: dropped finds drop
//	wildcards    orang* gr?y      * is zero or more characters, ? exactly one
//	operators    a AND b, a OR b, a NOT b, NOT a (beside something to find), ( )
//	             upper case only; precedence NOT > AND > OR; OR is inclusive
//	nearness     a NEAR b (within 10 terms, either order), a NEAR:n b
//	phrases      "exact words" or “exact words”: in that order, adjacent, not stemmed
//
// A query that cannot be read is refused with a validation error on the
// field "q" that says what is wrong and where (a 1-based character
// position), never run half-understood.

// KBNode is a node of a parsed knowledge query.
type KBNode interface{ kbNode() }

// KBWord is a plain word: it finds the words of the same stem.
type KBWord struct {
	Text string
	Pos  int // 1-based character position in the query
}

// KBPattern is a word with wildcards (* and ?): it finds the index's
// words that fit it.
type KBPattern struct {
	Pattern string
	Pos     int
}

// KBPhrase is an exact phrase: its words in order, adjacent, not stemmed.
type KBPhrase struct {
	Text string // as typed, between the quotes
	Pos  int
}

// KBAnd finds what every part finds; parts that are KBNot leave out what
// they find.
type KBAnd struct{ Parts []KBNode }

// KBOr finds what any part finds.
type KBOr struct{ Parts []KBNode }

// KBNot leaves out what its part finds. It stands only in a KBAnd that
// has a part to find.
type KBNot struct{ Part KBNode }

// KBNear finds Left and Right with at most Distance other terms between
// them, in either order. Left and Right are a KBWord, KBPattern or
// KBPhrase.
type KBNear struct {
	Left, Right KBNode
	Distance    int
}

func (KBWord) kbNode()    {}
func (KBPattern) kbNode() {}
func (KBPhrase) kbNode()  {}
func (KBAnd) kbNode()     {}
func (KBOr) kbNode()      {}
func (KBNot) kbNode()     {}
func (KBNear) kbNode()    {}

// Limits of the search language.
const (
	KBNearDefault  = 10 // NEAR without a number
	KBNearMax      = 50 // the largest n of NEAR:n
	KBMaxTerms     = 32 // words, wildcards and phrases in one query
	KBMaxNesting   = 10 // parentheses inside parentheses
	kbQueryField   = "q"
	kbOperatorNear = "NEAR"
)

// ParseKBQuery parses a knowledge search (at most MaxSummary characters
// on one line, as every search field). An empty query (only spaces or
// punctuation) is nil with no error: the reader browses everything.
func ParseKBQuery(q string) (KBNode, error) {
	problems := Problems{}
	problems.CheckText(kbQueryField, q)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	lexemes, err := lexKBQuery(q)
	if err != nil {
		return nil, err
	}
	if len(lexemes) == 0 {
		return nil, nil
	}
	p := &kbParser{lex: lexemes}
	node, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.lex) {
		// Only a closing parenthesis stops the top level early.
		return nil, Invalid(kbQueryField, "desk.kb.query.unopened_paren", "Pos", p.lex[p.i].pos)
	}
	if p.terms > KBMaxTerms {
		return nil, Invalid(kbQueryField, "desk.kb.query.too_many_terms", "Max", KBMaxTerms)
	}
	node = kbFlatten(node)
	if !kbFinds(node) {
		return nil, Invalid(kbQueryField, "desk.kb.query.only_not")
	}
	return node, nil
}

// kbFlatten writes an AND inside an AND (and an OR inside an OR) as one:
// "(a b) c" is "a b c", so a tree has one form for one meaning.
func kbFlatten(n KBNode) KBNode {
	switch n := n.(type) {
	case KBAnd:
		var parts []KBNode
		for _, p := range n.Parts {
			p = kbFlatten(p)
			if inner, ok := p.(KBAnd); ok {
				parts = append(parts, inner.Parts...)
				continue
			}
			parts = append(parts, p)
		}
		return KBAnd{Parts: parts}
	case KBOr:
		var parts []KBNode
		for _, p := range n.Parts {
			p = kbFlatten(p)
			if inner, ok := p.(KBOr); ok {
				parts = append(parts, inner.Parts...)
				continue
			}
			parts = append(parts, p)
		}
		return KBOr{Parts: parts}
	case KBNot:
		return KBNot{Part: kbFlatten(n.Part)}
	}
	return n
}

// kbFinds reports whether a node finds something of its own: a KBNot
// alone only leaves out, and so does an AND of nothing but NOTs or an OR
// with such a branch.
func kbFinds(n KBNode) bool {
	switch n := n.(type) {
	case KBNot:
		return false
	case KBAnd:
		found := false
		for _, p := range n.Parts {
			if _, not := p.(KBNot); not {
				if !kbFinds(p.(KBNot).Part) {
					return false
				}
				continue
			}
			if !kbFinds(p) {
				return false
			}
			found = true
		}
		return found
	case KBOr:
		for _, p := range n.Parts {
			if !kbFinds(p) {
				return false
			}
		}
		return true
	}
	return true
}

// A kbLexeme is one piece of a query: a word, a wildcard word, a phrase,
// an operator or a parenthesis.
type kbLexeme struct {
	kind kbLexKind
	text string
	pos  int // 1-based character position
	near int // NEAR's distance
}

type kbLexKind int

const (
	lexWord kbLexKind = iota
	lexPattern
	lexPhrase
	lexAnd
	lexOr
	lexNot
	lexNear
	lexOpen
	lexClose
)

// isKBQuote reports whether r opens or closes a phrase: the straight
// double quote and the typographic ones.
func isKBQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '‟', '″', '«', '»':
		return true
	}
	return false
}

// kbHasWordRune reports whether s holds a letter or a digit: punctuation
// alone is not a word.
func kbHasWordRune(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

func lexKBQuery(q string) ([]kbLexeme, error) {
	runes := []rune(q)
	var out []kbLexeme
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			out = append(out, kbLexeme{kind: lexOpen, pos: i + 1})
			i++
		case r == ')':
			out = append(out, kbLexeme{kind: lexClose, pos: i + 1})
			i++
		case isKBQuote(r):
			start := i
			j := i + 1
			for j < len(runes) && !isKBQuote(runes[j]) {
				j++
			}
			if j == len(runes) {
				return nil, Invalid(kbQueryField, "desk.kb.query.unclosed_quote", "Pos", start+1)
			}
			text := strings.TrimSpace(string(runes[start+1 : j]))
			if !kbHasWordRune(text) {
				return nil, Invalid(kbQueryField, "desk.kb.query.empty_phrase", "Pos", start+1)
			}
			out = append(out, kbLexeme{kind: lexPhrase, text: text, pos: start + 1})
			i = j + 1
		default:
			start := i
			for i < len(runes) && !unicode.IsSpace(runes[i]) && runes[i] != '(' && runes[i] != ')' && !isKBQuote(runes[i]) {
				i++
			}
			lx, keep, err := kbWordLexeme(string(runes[start:i]), start+1)
			if err != nil {
				return nil, err
			}
			if keep {
				out = append(out, lx)
			}
		}
	}
	return out, nil
}

// kbWordLexeme reads one run of characters between spaces, parentheses
// and quotes: an operator, a wildcard word or a word. Punctuation alone is
// dropped (keep is false).
func kbWordLexeme(text string, pos int) (kbLexeme, bool, error) {
	switch text {
	case "AND":
		return kbLexeme{kind: lexAnd, pos: pos}, true, nil
	case "OR":
		return kbLexeme{kind: lexOr, pos: pos}, true, nil
	case "NOT":
		return kbLexeme{kind: lexNot, pos: pos}, true, nil
	case kbOperatorNear:
		return kbLexeme{kind: lexNear, pos: pos, near: KBNearDefault}, true, nil
	}
	if n, ok := strings.CutPrefix(text, kbOperatorNear+":"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 1 || d > KBNearMax {
			return kbLexeme{}, false, Invalid(kbQueryField, "desk.kb.query.bad_near", "Pos", pos, "Text", text, "Max", KBNearMax)
		}
		return kbLexeme{kind: lexNear, pos: pos, near: d}, true, nil
	}
	if strings.ContainsAny(text, "*?") {
		if !kbHasWordRune(text) {
			return kbLexeme{}, false, Invalid(kbQueryField, "desk.kb.query.matches_everything", "Pos", pos, "Text", text)
		}
		return kbLexeme{kind: lexPattern, text: text, pos: pos}, true, nil
	}
	if !kbHasWordRune(text) {
		return kbLexeme{}, false, nil
	}
	return kbLexeme{kind: lexWord, text: text, pos: pos}, true, nil
}

// kbParser reads lexemes by precedence: OR, then AND (written or
// implied), then NOT, then NEAR, then a term or a parenthesised group.
type kbParser struct {
	lex   []kbLexeme
	i     int
	terms int
}

func (p *kbParser) peek() (kbLexeme, bool) {
	if p.i < len(p.lex) {
		return p.lex[p.i], true
	}
	return kbLexeme{}, false
}

// operatorName is how a message names an operator lexeme.
func (l kbLexeme) operatorName() string {
	switch l.kind {
	case lexAnd:
		return "AND"
	case lexOr:
		return "OR"
	case lexNot:
		return "NOT"
	case lexNear:
		if l.near != KBNearDefault {
			return kbOperatorNear + ":" + strconv.Itoa(l.near)
		}
		return kbOperatorNear
	}
	return ""
}

func (p *kbParser) or(depth int) (KBNode, error) {
	var parts []KBNode
	for {
		if l, ok := p.peek(); ok && l.kind == lexOr {
			return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_left", "Pos", l.pos, "Operator", "OR")
		}
		part, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
		l, ok := p.peek()
		if !ok || l.kind != lexOr {
			break
		}
		p.i++
		if next, ok := p.peek(); !ok || next.kind == lexClose {
			return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_right", "Pos", l.pos, "Operator", "OR")
		}
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return KBOr{Parts: parts}, nil
}

func (p *kbParser) and(depth int) (KBNode, error) {
	var parts []KBNode
	for {
		l, ok := p.peek()
		if !ok || l.kind == lexOr || l.kind == lexClose {
			break
		}
		if l.kind == lexAnd {
			if len(parts) == 0 {
				return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_left", "Pos", l.pos, "Operator", "AND")
			}
			p.i++
			next, ok := p.peek()
			if !ok || next.kind == lexOr || next.kind == lexClose || next.kind == lexAnd {
				return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_right", "Pos", l.pos, "Operator", "AND")
			}
			continue
		}
		part, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		// "a NOT b" leaves its NOT beside a: one flat AND.
		if and, ok := part.(KBAnd); ok {
			parts = append(parts, and.Parts...)
		} else {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		l, ok := p.peek()
		if !ok {
			// Only reached after an operator: the callers catch it first.
			return nil, Invalid(kbQueryField, "desk.kb.query.only_not")
		}
		if l.kind == lexClose {
			return nil, Invalid(kbQueryField, "desk.kb.query.empty_parens", "Pos", l.pos)
		}
		return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_left", "Pos", l.pos, "Operator", l.operatorName())
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return KBAnd{Parts: parts}, nil
}

// not reads "x NOT y NOT z" (x without y and z) and a leading "NOT y",
// which leaves out y from what the rest of its AND finds.
func (p *kbParser) not(depth int) (KBNode, error) {
	var left KBNode
	if l, ok := p.peek(); ok && l.kind == lexNot {
		p.i++
		part, err := p.notOperand(depth, l)
		if err != nil {
			return nil, err
		}
		left = KBNot{Part: part}
	} else {
		part, err := p.near(depth)
		if err != nil {
			return nil, err
		}
		left = part
	}
	parts := []KBNode{left}
	for {
		l, ok := p.peek()
		if !ok || l.kind != lexNot {
			break
		}
		p.i++
		part, err := p.notOperand(depth, l)
		if err != nil {
			return nil, err
		}
		parts = append(parts, KBNot{Part: part})
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return KBAnd{Parts: parts}, nil
}

func (p *kbParser) notOperand(depth int, op kbLexeme) (KBNode, error) {
	next, ok := p.peek()
	if !ok || next.kind == lexOr || next.kind == lexAnd || next.kind == lexClose || next.kind == lexNot {
		return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_right", "Pos", op.pos, "Operator", "NOT")
	}
	return p.near(depth)
}

// near reads "a NEAR b NEAR:3 c": each pair of neighbours near each other.
func (p *kbParser) near(depth int) (KBNode, error) {
	first, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	var pairs []KBNode
	left := first
	for {
		l, ok := p.peek()
		if !ok || l.kind != lexNear {
			break
		}
		p.i++
		if !kbNearSide(left) {
			return nil, Invalid(kbQueryField, "desk.kb.query.near_side", "Pos", l.pos, "Operator", l.operatorName())
		}
		next, ok := p.peek()
		if !ok || (next.kind != lexWord && next.kind != lexPattern && next.kind != lexPhrase && next.kind != lexOpen) {
			return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_right", "Pos", l.pos, "Operator", l.operatorName())
		}
		right, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		if !kbNearSide(right) {
			return nil, Invalid(kbQueryField, "desk.kb.query.near_side", "Pos", l.pos, "Operator", l.operatorName())
		}
		pairs = append(pairs, KBNear{Left: left, Right: right, Distance: l.near})
		left = right
	}
	switch len(pairs) {
	case 0:
		return first, nil
	case 1:
		return pairs[0], nil
	}
	return KBAnd{Parts: pairs}, nil
}

// kbNearSide reports whether n may stand beside NEAR: a word, a wildcard
// word or a phrase.
func kbNearSide(n KBNode) bool {
	switch n.(type) {
	case KBWord, KBPattern, KBPhrase:
		return true
	}
	return false
}

func (p *kbParser) primary(depth int) (KBNode, error) {
	l, ok := p.peek()
	if !ok {
		return nil, Invalid(kbQueryField, "desk.kb.query.only_not")
	}
	switch l.kind {
	case lexWord:
		p.i++
		p.terms++
		return KBWord{Text: l.text, Pos: l.pos}, nil
	case lexPattern:
		p.i++
		p.terms++
		return KBPattern{Pattern: l.text, Pos: l.pos}, nil
	case lexPhrase:
		p.i++
		p.terms++
		return KBPhrase{Text: l.text, Pos: l.pos}, nil
	case lexOpen:
		if depth >= KBMaxNesting {
			return nil, Invalid(kbQueryField, "desk.kb.query.too_deep", "Pos", l.pos, "Max", KBMaxNesting)
		}
		p.i++
		if next, ok := p.peek(); ok && next.kind == lexClose {
			return nil, Invalid(kbQueryField, "desk.kb.query.empty_parens", "Pos", l.pos)
		}
		if _, ok := p.peek(); !ok {
			return nil, Invalid(kbQueryField, "desk.kb.query.unclosed_paren", "Pos", l.pos)
		}
		inner, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		closing, ok := p.peek()
		if !ok || closing.kind != lexClose {
			return nil, Invalid(kbQueryField, "desk.kb.query.unclosed_paren", "Pos", l.pos)
		}
		p.i++
		return inner, nil
	case lexClose:
		return nil, Invalid(kbQueryField, "desk.kb.query.unopened_paren", "Pos", l.pos)
	}
	return nil, Invalid(kbQueryField, "desk.kb.query.operator_needs_left", "Pos", l.pos, "Operator", l.operatorName())
}

// FormatKBQuery writes a parsed query back as the language, fully
// parenthesised: the API echoes it so a client sees how its query was
// read, and the fuzz test reads it back to the same tree.
func FormatKBQuery(n KBNode) string {
	var b strings.Builder
	formatKB(&b, n)
	return b.String()
}

func formatKB(b *strings.Builder, n KBNode) {
	switch n := n.(type) {
	case KBWord:
		b.WriteString(n.Text)
	case KBPattern:
		b.WriteString(n.Pattern)
	case KBPhrase:
		b.WriteString(`"` + n.Text + `"`)
	case KBNot:
		b.WriteString("NOT ")
		formatKB(b, n.Part)
	case KBNear:
		formatKB(b, n.Left)
		b.WriteString(" NEAR:" + strconv.Itoa(n.Distance) + " ")
		formatKB(b, n.Right)
	case KBAnd:
		formatKBGroup(b, n.Parts, " AND ")
	case KBOr:
		formatKBGroup(b, n.Parts, " OR ")
	}
}

func formatKBGroup(b *strings.Builder, parts []KBNode, op string) {
	b.WriteString("(")
	for i, p := range parts {
		if i > 0 {
			b.WriteString(op)
		}
		formatKB(b, p)
	}
	b.WriteString(")")
}
