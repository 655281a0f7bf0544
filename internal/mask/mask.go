// Package mask replaces sensitive data in logs before they are sent to
// support: email addresses, IP addresses, phone numbers, payment card
// numbers, national identity numbers, credentials, tokens and private
// keys, and the customer's own patterns.
//
// A Masker works line by line. The built-in kinds are found in one pass
// over the line's bytes (scan.go): each word is looked at once, and only
// a cheap trigger — an @ (or %40) after it, a run of digits, a known key
// followed by = or :, a command's password option, a known token prefix,
// "://", "-----BEGIN" — leads to a closer
// look, which is Go code that checks the shape (Luhn for card numbers,
// octet ranges for IPv4, net/netip for IPv6, digit counts and groupings
// for phone numbers). Values are found left to right and one is never
// masked inside another. A private key block spans lines: the Masker
// remembers that it is inside one. The customer's own rules are regular
// expressions run first, over the whole line. The same code runs in
// `caseport mask` and, compiled to WebAssembly, on the Transfer Files page.
package mask

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The kinds of the built-in rules, in the order the summary lists them.
const (
	KindCredential = "credential"
	KindToken      = "token"
	KindPrivateKey = "private-key"
	KindEmail      = "email"
	KindIPv6       = "ipv6"
	KindIPv4       = "ipv4"
	KindCard       = "card"
	KindNationalID = "national-id"
	KindPhone      = "phone"
)

var builtinKinds = []string{KindCredential, KindToken, KindPrivateKey, KindEmail, KindIPv6, KindIPv4, KindCard, KindNationalID, KindPhone}

// A Rule is one of the customer's own: a regular expression whose matches
// (or the submatch named "value") are masked as Kind.
type Rule struct {
	Kind  string
	re    *regexp.Regexp
	group int // the submatch that is masked; 0 masks the whole match
}

// Options configure a Masker.
type Options struct {
	// Consistent numbers the placeholders so that the same value gets the
	// same placeholder within a run: <email-1>, <email-2>, …
	Consistent bool
	// Rules are the customer's own, tried before the built-in ones.
	Rules []Rule
}

// A Masker masks lines. It keeps state (the consistent placeholders, the
// counts, whether a private key block is open), so one Masker serves one
// stream at a time.
type Masker struct {
	rules      []Rule
	consistent bool
	numbers    map[string]map[string]int // kind → canonical value → placeholder number
	next       map[string]int            // kind → numbers given so far
	counts     map[string]int            // kind → values masked
	order      []string                  // kinds in rule order, for the summary

	canon  []byte // the canonical form of the value being numbered
	spans  []span
	custom int // spans[:custom] are the customer's rules'

	inKey     bool // the last line opened a private key block that has not ended
	keyNumber int  // the open block's placeholder number, with Consistent
}

type span struct {
	start, end int
	kind       string
	// part is set for the lines of a private key block, which was counted
	// once when it began.
	part bool
}

// New returns a Masker with the customer's rules followed by the built-in ones.
func New(opts Options) *Masker {
	m := &Masker{
		rules:      slices.Clone(opts.Rules),
		consistent: opts.Consistent,
		numbers:    map[string]map[string]int{},
		next:       map[string]int{},
		counts:     map[string]int{},
	}
	for _, r := range m.rules {
		if !slices.Contains(m.order, r.Kind) {
			m.order = append(m.order, r.Kind)
		}
	}
	for _, k := range builtinKinds {
		if !slices.Contains(m.order, k) {
			m.order = append(m.order, k)
		}
	}
	return m
}

// AppendLine appends line, masked, to dst and returns the extended slice.
// The line should not hold more than one line of the log; a trailing line
// break is kept as it is.
func (m *Masker) AppendLine(dst, line []byte) []byte {
	m.spans = m.spans[:0]
	for i := range m.rules {
		r := &m.rules[i]
		for _, loc := range r.re.FindAllSubmatchIndex(line, -1) {
			start, end := loc[2*r.group], loc[2*r.group+1]
			if start >= 0 && start < end && !m.overlaps(start, end, len(m.spans)) {
				m.spans = append(m.spans, span{start: start, end: end, kind: r.Kind})
			}
		}
	}
	m.custom = len(m.spans)
	from := 0
	if m.inKey {
		from = m.keyLine(line)
	}
	m.scan(line, from)
	if len(m.spans) == 0 {
		return append(dst, line...)
	}
	if m.custom > 0 {
		slices.SortFunc(m.spans, func(a, b span) int { return a.start - b.start })
	}
	at := 0
	for _, s := range m.spans {
		dst = append(dst, line[at:s.start]...)
		dst = m.appendPlaceholder(dst, s, line[s.start:s.end])
		at = s.end
	}
	return append(dst, line[at:]...)
}

// add records a built-in value at line[start:end] unless it is empty or
// overlaps one of the customer's; it reports whether it did.
func (m *Masker) add(start, end int, kind string) bool {
	if start >= end || m.overlaps(start, end, m.custom) {
		return false
	}
	m.spans = append(m.spans, span{start: start, end: end, kind: kind})
	return true
}

func (m *Masker) overlaps(start, end, n int) bool {
	for _, s := range m.spans[:n] {
		if start < s.end && s.start < end {
			return true
		}
	}
	return false
}

func (m *Masker) appendPlaceholder(dst []byte, s span, value []byte) []byte {
	dst = append(dst, '<')
	dst = append(dst, s.kind...)
	if s.part {
		if m.consistent {
			dst = append(dst, '-')
			dst = strconv.AppendInt(dst, int64(m.keyNumber), 10)
		}
		return append(dst, '>')
	}
	m.counts[s.kind]++
	if m.consistent {
		numbers := m.numbers[s.kind]
		if numbers == nil {
			numbers = map[string]int{}
			m.numbers[s.kind] = numbers
		}
		m.canon = appendCanonical(m.canon[:0], s.kind, value)
		n, ok := numbers[string(m.canon)]
		if !ok {
			m.next[s.kind]++
			n = m.next[s.kind]
			numbers[string(m.canon)] = n
		}
		dst = append(dst, '-')
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, '>')
}

// appendCanonical appends the form under which equal values share one
// placeholder with Consistent: lower-case emails, canonical IPv6
// addresses, the digits of card and phone numbers.
func appendCanonical(dst []byte, kind string, v []byte) []byte {
	switch kind {
	case KindEmail:
		return appendLower(dst, v)
	case KindIPv6:
		if addr, err := netip.ParseAddr(string(v)); err == nil {
			return addr.AppendTo(dst)
		}
	case KindCard, KindPhone:
		for _, c := range v {
			if isDigit(c) {
				dst = append(dst, c)
			}
		}
		return dst
	}
	return append(dst, v...)
}

func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if isUpper(c) {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// A Count is how many values of one kind were masked.
type Count struct {
	Kind   string `json:"kind"`
	Values int    `json:"values"`
	// Distinct is the number of different values, known with Consistent.
	Distinct int `json:"distinct,omitempty"`
}

// Summary lists what was masked so far, by kind, in rule order.
func (m *Masker) Summary() []Count {
	var out []Count
	for _, k := range m.order {
		if n := m.counts[k]; n > 0 {
			out = append(out, Count{Kind: k, Values: n, Distinct: m.next[k]})
		}
	}
	return out
}

// FormatSummary says in one line what was masked.
func FormatSummary(counts []Count) string {
	if len(counts) == 0 {
		return "masked nothing"
	}
	total := 0
	var parts []string
	for _, c := range counts {
		total += c.Values
		part := c.Kind + " " + strconv.Itoa(c.Values)
		if c.Distinct > 0 {
			part += " (" + strconv.Itoa(c.Distinct) + " different)"
		}
		parts = append(parts, part)
	}
	return "masked " + strconv.Itoa(total) + " values: " + strings.Join(parts, ", ")
}
