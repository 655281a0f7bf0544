// Package mask replaces sensitive data in logs before they are sent to
// support: email addresses, IP addresses, phone numbers, payment card
// numbers, national identity numbers, credentials and tokens, and the
// customer's own patterns.
//
// A Masker works line by line. Each rule is a regular expression with a
// cheap trigger (a byte or word the line must contain before the
// expression runs) and, where the expression alone would catch ordinary
// content, a check of the match (Luhn for card numbers, octet ranges for
// IPv4, net/netip for IPv6, digit counts for phone numbers). Rules are
// tried in order and a later rule never masks inside an earlier one's
// match. The same code runs in `caseport mask` and, compiled to
// WebAssembly, on the Transfer Files page.
package mask

import (
	"bytes"
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
	KindEmail      = "email"
	KindIPv6       = "ipv6"
	KindIPv4       = "ipv4"
	KindCard       = "card"
	KindNationalID = "national-id"
	KindPhone      = "phone"
)

// A Rule finds one kind of sensitive value in a line.
type Rule struct {
	Kind string
	re   *regexp.Regexp
	// group is the submatch that is masked; 0 masks the whole match and
	// -1 the first submatch that matched.
	group int
	// windows appends to dst the parts of the line where the expression
	// can match, found by a plain scan of the bytes; the expression runs on
	// each of them instead of the whole line, because Go's expressions pay
	// for every position they may start at and most lines have no
	// candidate at all. lower is the line in ASCII lower case. Nil runs
	// the expression on the whole line.
	windows func(dst []window, line, lower []byte) []window
	// valid checks a match, at line[start:end], that the expression alone
	// cannot tell from ordinary content.
	valid func(line []byte, start, end int) bool
	// canonical gives the form under which equal values share one
	// placeholder with Consistent (lower-case emails, canonical IPv6).
	canonical func(value []byte) string
}

type window struct{ start, end int }

// Options configure a Masker.
type Options struct {
	// Consistent numbers the placeholders so that the same value gets the
	// same placeholder within a run: <email-1>, <email-2>, …
	Consistent bool
	// Rules are the customer's own, tried before the built-in ones.
	Rules []Rule
}

// A Masker masks lines. It keeps state (the consistent placeholders and
// the counts), so one Masker serves one stream at a time.
type Masker struct {
	rules      []Rule
	consistent bool
	numbers    map[string]int // kind + "\x00" + value → placeholder number
	next       map[string]int // kind → numbers given so far
	counts     map[string]int // kind → values masked
	order      []string       // kinds in rule order, for the summary

	lower   []byte
	spans   []span
	windows []window
}

type span struct {
	start, end int
	rule       *Rule
}

// New returns a Masker with the customer's rules followed by the built-in ones.
func New(opts Options) *Masker {
	m := &Masker{
		rules:      append(slices.Clone(opts.Rules), builtin...),
		consistent: opts.Consistent,
		numbers:    map[string]int{},
		next:       map[string]int{},
		counts:     map[string]int{},
	}
	for _, r := range m.rules {
		if !slices.Contains(m.order, r.Kind) {
			m.order = append(m.order, r.Kind)
		}
	}
	return m
}

// AppendLine appends line, masked, to dst and returns the extended slice.
// The line should not hold more than one line of the log; a trailing line
// break is kept as it is.
func (m *Masker) AppendLine(dst, line []byte) []byte {
	m.lower = appendLower(m.lower[:0], line)
	m.spans = m.spans[:0]
	for i := range m.rules {
		r := &m.rules[i]
		if r.windows == nil {
			m.match(r, line, window{0, len(line)})
			continue
		}
		m.windows = r.windows(m.windows[:0], line, m.lower)
		for _, w := range m.windows {
			m.match(r, line, w)
		}
	}
	if len(m.spans) == 0 {
		return append(dst, line...)
	}
	slices.SortFunc(m.spans, func(a, b span) int { return a.start - b.start })
	at := 0
	for _, s := range m.spans {
		dst = append(dst, line[at:s.start]...)
		dst = m.appendPlaceholder(dst, s.rule, line[s.start:s.end])
		at = s.end
	}
	return append(dst, line[at:]...)
}

// match records r's matches in line[w.start:w.end] that do not overlap
// an earlier rule's.
func (m *Masker) match(r *Rule, line []byte, w window) {
	for _, loc := range r.re.FindAllSubmatchIndex(line[w.start:w.end], -1) {
		start, end := r.masked(loc)
		if start < 0 || start >= end {
			continue
		}
		start, end = start+w.start, end+w.start
		if m.overlaps(start, end) || r.valid != nil && !r.valid(line, start, end) {
			continue
		}
		m.spans = append(m.spans, span{start, end, r})
	}
}

// masked returns the part of a match that a rule masks.
func (r *Rule) masked(loc []int) (start, end int) {
	switch {
	case r.group >= 0:
		return loc[2*r.group], loc[2*r.group+1]
	default:
		for g := 1; 2*g < len(loc); g++ {
			if loc[2*g] >= 0 {
				return loc[2*g], loc[2*g+1]
			}
		}
		return loc[0], loc[1]
	}
}

func (m *Masker) overlaps(start, end int) bool {
	for _, s := range m.spans {
		if start < s.end && s.start < end {
			return true
		}
	}
	return false
}

func (m *Masker) appendPlaceholder(dst []byte, r *Rule, value []byte) []byte {
	m.counts[r.Kind]++
	dst = append(dst, '<')
	dst = append(dst, r.Kind...)
	if m.consistent {
		canon := string(value)
		if r.canonical != nil {
			canon = r.canonical(value)
		}
		key := r.Kind + "\x00" + canon
		n, ok := m.numbers[key]
		if !ok {
			m.next[r.Kind]++
			n = m.next[r.Kind]
			m.numbers[key] = n
		}
		dst = append(dst, '-')
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, '>')
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

// appendLower appends s in ASCII lower case: the triggers look for ASCII
// words, and a byte-wise copy keeps offsets equal to the line's.
func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// The built-in rules, most specific first: a credential in a URL is
// masked whole before the email rule could see "password@host". Rules
// whose windows start at a keyword are anchored there with ^.
var builtin = []Rule{
	{
		// scheme://user:password@host
		Kind:    KindCredential,
		re:      regexp.MustCompile(`^://([^/\s:@]+:[^/\s@]*)@`),
		group:   1,
		windows: atWords(false, "://"),
	},
	{
		// JSON Web Tokens: three base64url parts, the first a JSON header.
		Kind:    KindToken,
		re:      regexp.MustCompile(`^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
		windows: atWords(true, "eyJ"),
	},
	{
		// Bearer tokens of 16 characters or more.
		Kind:    KindToken,
		re:      regexp.MustCompile(`^(?i:bearer)\s+([A-Za-z0-9._~+/-]{16,}=*)`),
		group:   1,
		windows: atWords(true, "bearer"),
	},
	{
		// Authorization headers in any scheme, and cookies.
		Kind: KindCredential,
		re: regexp.MustCompile(`^(?i:(?:authorization["']?\s*:\s*["']?(?:(?:basic|bearer|digest|negotiate|ntlm|token)\s+)?([^\s"',;]+))` +
			`|(?:cookie\s*:\s*([^\r\n"]+)))`),
		group:   -1,
		windows: atWords(true, "authorization", "cookie"),
	},
	{
		// key=value, key: value, "key": "value" where the key names a secret,
		// alone or at the end of a longer name (db_password, X-Api-Key).
		Kind: KindCredential,
		re: regexp.MustCompile(`^(?i:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|session[_-]?id)["']?\s*[:=]\s*` +
			`(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s&,;"'<>(){}\[\]]+))`),
		group:   -1,
		windows: atWords(true, "passw", "pwd", "passphrase", "secret", "token", "api", "access", "private", "credential", "session"),
	},
	{
		Kind:      KindEmail,
		re:        regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b`),
		windows:   aroundAt,
		canonical: func(v []byte) string { return string(bytes.ToLower(v)) },
	},
	{
		// Candidates only; validIPv6 decides.
		Kind:      KindIPv6,
		re:        regexp.MustCompile(`(?i)(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?:%[0-9a-z]+)?`),
		windows:   runsOf(ipv6Chars, maybeIPv6),
		valid:     validIPv6,
		canonical: canonicalIP,
	},
	{
		Kind:    KindIPv4,
		re:      regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`),
		windows: runsOf(ipv4Chars, maybeIPv4),
		valid:   validIPv4,
	},
	{
		Kind:      KindCard,
		re:        regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`),
		windows:   runsOf(cardChars, digits(13)),
		valid:     validCard,
		canonical: func(v []byte) string { return string(digitsOf(v)) },
	},
	{
		// US Social Security numbers.
		Kind:    KindNationalID,
		re:      regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`),
		windows: runsOf(ssnChars, digits(9)),
		valid:   validSSN,
	},
	{
		// UK National Insurance numbers.
		Kind:    KindNationalID,
		re:      regexp.MustCompile(`^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`),
		windows: capitalPairs,
	},
	{
		// International numbers (+…) and North American ones written as
		// (555) 123-4567 or 555-123-4567.
		Kind: KindPhone,
		re: regexp.MustCompile(`\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{2,4})){1,6}\b` +
			`|\(\d{3}\) ?\d{3}[-. ]\d{4}\b` +
			`|\b\d{3}[-.]\d{3}[-.]\d{4}\b`),
		windows:   runsOf(phoneChars, digits(7)),
		valid:     validPhone,
		canonical: func(v []byte) string { return string(digitsOf(v)) },
	},
}

// A byteClass is a set of bytes.
type byteClass [256]bool

func bytesOf(s string) *byteClass {
	var c byteClass
	for i := range len(s) {
		c[s[i]] = true
	}
	return &c
}

const (
	digitChars = "0123456789"
	alnumChars = digitChars + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

var (
	ipv4Chars  = bytesOf(digitChars + ".")
	ipv6Chars  = bytesOf(alnumChars + ":.%")
	cardChars  = bytesOf(digitChars + " -")
	ssnChars   = bytesOf(digitChars + "-")
	phoneChars = bytesOf(digitChars + " ().+-")
	alnum      = bytesOf(alnumChars)
	emailLocal = bytesOf(alnumChars + "._%+-")
	emailHost  = bytesOf(alnumChars + ".-")
)

// runsOf returns windows over the longest runs of bytes in class for
// which keep says yes.
func runsOf(class *byteClass, keep func(run []byte) bool) func(dst []window, line, lower []byte) []window {
	return func(dst []window, line, _ []byte) []window {
		for i := 0; i < len(line); {
			if !class[line[i]] {
				i++
				continue
			}
			j := i + 1
			for j < len(line) && class[line[j]] {
				j++
			}
			if keep(line[i:j]) {
				dst = append(dst, window{i, j})
			}
			i = j
		}
		return dst
	}
}

// atWords returns windows from each place a word starts to the end of
// the line; with lower the words are sought in lower case. A word that
// starts with a letter does not count inside a longer one ("mypassword");
// after "_", "-" or "." it does ("db_password").
func atWords(lower bool, words ...string) func(dst []window, line, lower []byte) []window {
	ws := make([][]byte, len(words))
	for i, w := range words {
		ws[i] = []byte(w)
	}
	return func(dst []window, line, low []byte) []window {
		in := line
		if lower {
			in = low
		}
		for _, w := range ws {
			for at := 0; ; {
				i := bytes.Index(in[at:], w)
				if i < 0 {
					break
				}
				i += at
				if i == 0 || !alnum[in[i-1]] || !alnum[w[0]] {
					dst = append(dst, window{i, len(line)})
				}
				at = i + len(w)
			}
		}
		return dst
	}
}

// aroundAt returns a window around each @ over the bytes an address can
// have.
func aroundAt(dst []window, line, _ []byte) []window {
	for at := 0; ; {
		i := bytes.IndexByte(line[at:], '@')
		if i < 0 {
			return dst
		}
		i += at
		start, end := i, i+1
		for start > 0 && emailLocal[line[start-1]] {
			start--
		}
		for end < len(line) && emailHost[line[end]] {
			end++
		}
		if start < i && end > i+1 {
			dst = append(dst, window{start, end})
		}
		at = i + 1
	}
}

// capitalPairs returns a window at two capital letters that start a word
// and are followed by a digit, with or without a space.
func capitalPairs(dst []window, line, _ []byte) []window {
	for i := 0; i+3 < len(line); i++ {
		if !isUpper(line[i]) || !isUpper(line[i+1]) || i > 0 && alnum[line[i-1]] {
			continue
		}
		if isDigit(line[i+2]) || line[i+2] == ' ' && isDigit(line[i+3]) {
			dst = append(dst, window{i, min(len(line), i+13)})
		}
	}
	return dst
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func digits(n int) func(run []byte) bool {
	return func(run []byte) bool {
		seen := 0
		for _, c := range run {
			if isDigit(c) {
				seen++
				if seen == n {
					return true
				}
			}
		}
		return false
	}
}

func maybeIPv4(run []byte) bool {
	return len(run) >= 7 && bytes.Count(run, []byte(".")) >= 3
}

func maybeIPv6(run []byte) bool {
	return bytes.Contains(run, []byte("::")) || bytes.Count(run, []byte(":")) >= 7
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// before and after return the byte next to a match, or 0 at the line's ends.
func before(line []byte, start int) byte {
	if start == 0 {
		return 0
	}
	return line[start-1]
}

func after(line []byte, end int) byte {
	if end >= len(line) {
		return 0
	}
	return line[end]
}

// standsAlone reports whether the number at line[start:end] is one of its
// own: not part of a word, not joined by one of the bytes in joins to
// what comes before, nor to a number after ("1.2.3.4.5" is a version,
// not an address followed by ".5").
func standsAlone(line []byte, start, end int, joins string) bool {
	if b := before(line, start); isWordByte(b) || b != 0 && strings.IndexByte(joins, b) >= 0 {
		return false
	}
	if isWordByte(after(line, end)) {
		return false
	}
	return end+1 >= len(line) || strings.IndexByte(joins, line[end]) < 0 || !isDigit(line[end+1])
}

func validIPv6(line []byte, start, end int) bool {
	v := line[start:end]
	if b := before(line, start); isWordByte(b) || b == ':' || b == '.' {
		return false
	}
	if a := after(line, end); isWordByte(a) || a == ':' {
		return false
	}
	colons := bytes.Count(v, []byte(":"))
	if !bytes.Contains(v, []byte("::")) && colons < 7 {
		return false // 12:30:45 and MAC addresses
	}
	addr, err := netip.ParseAddr(string(v))
	if err != nil || !addr.Is6() {
		return false
	}
	// "A::B" in code is not an address; a real one has a digit or all groups.
	return colons == 7 || bytes.ContainsAny(v, "0123456789")
}

func canonicalIP(v []byte) string {
	if addr, err := netip.ParseAddr(string(v)); err == nil {
		return addr.String()
	}
	return string(v)
}

// containsFold reports whether word, in lower case, is in b in any case,
// without copying b.
func containsFold(b []byte, word string) bool {
	for i := 0; i+len(word) <= len(b); i++ {
		if bytes.EqualFold(b[i:i+len(word)], []byte(word)) {
			return true
		}
	}
	return false
}

func validIPv4(line []byte, start, end int) bool {
	if !standsAlone(line, start, end, ".") { // v1.2.3.4, 1.2.3.4.5
		return false
	}
	if from := max(0, start-12); containsFold(line[from:start], "version") {
		return false // Version=4.0.0.0
	}
	for part := range bytes.SplitSeq(line[start:end], []byte(".")) {
		n, err := strconv.Atoi(string(part))
		if err != nil || n > 255 {
			return false
		}
	}
	return true
}

func digitsOf(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for _, c := range v {
		if isDigit(c) {
			out = append(out, c)
		}
	}
	return out
}

// validCard accepts 13 to 19 digits, written together or in groups with
// one kind of separator, that start like a card scheme's numbers and pass
// the Luhn check. Other long numbers (epoch milliseconds, order numbers)
// fail at least one of these.
func validCard(line []byte, start, end int) bool {
	v := line[start:end]
	if !standsAlone(line, start, end, ".-+") {
		return false
	}
	if bytes.ContainsRune(v, ' ') && bytes.ContainsRune(v, '-') {
		return false
	}
	d := digitsOf(v)
	if len(d) < 13 || len(d) > 19 || !cardPrefix(d) {
		return false
	}
	return luhn(d)
}

// cardPrefix reports whether d starts like a number of a major card
// scheme (Visa, Mastercard, American Express, Discover, JCB, Diners Club,
// UnionPay, Maestro).
func cardPrefix(d []byte) bool {
	p2, _ := strconv.Atoi(string(d[:2]))
	p4, _ := strconv.Atoi(string(d[:4]))
	switch {
	case d[0] == '4':
		return true
	case 51 <= p2 && p2 <= 55, 2221 <= p4 && p4 <= 2720:
		return len(d) == 16
	case p2 == 34 || p2 == 37:
		return len(d) == 15
	case p4 == 6011, p2 == 65, 644 <= p4/10 && p4/10 <= 649, p2 == 62:
		return len(d) >= 16
	case p2 == 35, p2 == 36, p2 == 38, 300 <= p4/10 && p4/10 <= 305:
		return len(d) >= 14
	case p2 == 50, 56 <= p2 && p2 <= 58, p2 == 63, p2 == 67:
		return len(d) >= 12
	}
	return false
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// validSSN refuses numbers that are not issued: area 000, 666 or 900 and
// up, group 00, serial 0000.
func validSSN(line []byte, start, end int) bool {
	v := line[start:end]
	if !standsAlone(line, start, end, "-./") {
		return false
	}
	area, group, serial := string(v[0:3]), string(v[4:6]), string(v[7:11])
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// validPhone accepts 8 to 15 digits after a +; the expressions do the rest.
func validPhone(line []byte, start, end int) bool {
	v := line[start:end]
	if !standsAlone(line, start, end, "+.-") {
		return false
	}
	if v[0] != '+' {
		return true
	}
	d := digitsOf(v)
	return 8 <= len(d) && len(d) <= 15 // +0100 is a time zone
}
