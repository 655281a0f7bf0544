package mask

import (
	"bytes"
	"net/netip"
	"slices"
	"strconv"
)

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
	upperChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	alnumChars = digitChars + "abcdefghijklmnopqrstuvwxyz" + upperChars
)

var (
	wordBytes   = bytesOf(alnumChars + "_")
	alnum       = bytesOf(alnumChars)
	upperDigit  = bytesOf(upperChars + digitChars)
	base64url   = bytesOf(alnumChars + "_-")
	slackChars  = bytesOf(alnumChars + "-")
	sendgrid    = bytesOf(alnumChars + "_-.")
	bearerChars = bytesOf(alnumChars + "._~+/-")
	base64Chars = bytesOf(alnumChars + "+/=")
	hookPath    = bytesOf(alnumChars + "_/-")
	hexColon    = bytesOf(digitChars + "abcdefABCDEF:.")
	emailLocal  = bytesOf(alnumChars + "._%+-")
	emailHost   = bytesOf(alnumChars + ".-")
	keyChars    = bytesOf(alnumChars + "_.-")
	phoneChars  = bytesOf(digitChars + " ().+-/")
	ninoFirst   = bytesOf("ABCEGHJKLMNOPRSTWXYZ")
	ninoSecond  = bytesOf("ABCEGHJKLMNPRSTWXYZ")
	// valueStop ends a value that is not quoted; in a query string, & too.
	valueStop = bytesOf(" \t\r\n,;\"'<>(){}[]")
	// authStop ends the credentials of an Authorization header.
	authStop = bytesOf(" \t\r\n\"',;<>]")
	// authorityStop ends the part of a URL before its path.
	authorityStop = bytesOf(" \t\r\n/?#\"'<>\\,;()[]{}")
)

// scan finds the built-in kinds in line[i:], one word at a time. A word
// (letters, digits, _) is looked at closely only when something cheap
// says it may start a value: see word.
func (m *Masker) scan(line []byte, i int) {
	n := len(line)
	nextAt := -2   // where the next @ is at or after the current word; -1 none, -2 not sought yet
	emailFrom := 0 // no address starts before this
	for i < n {
		c := line[i]
		if !wordBytes[c] {
			switch c {
			case '+':
				// No country code starts with 0: +0100 is a time zone, m=+0.0012 Go's monotonic clock.
				if i+1 < n && '1' <= line[i+1] && line[i+1] <= '9' && !isWordByte(before(line, i)) {
					if end := m.number(line, i); end > i {
						i = end
						continue
					}
					// +1200 is a time zone: its digits are no number of their own.
					for i++; i < n && isDigit(line[i]); i++ {
					}
					continue
				}
			case '(':
				if i+2 < n && (isDigit(line[i+1]) || line[i+1] == '+' && isDigit(line[i+2])) {
					if end := m.number(line, i); end > i {
						i = end
						continue
					}
				}
			case ':':
				if i+1 < n && line[i+1] == ':' {
					if end := m.ipv6(line, i); end > i {
						i = end
						continue
					}
				}
			case '%':
				if end := m.encodedEmail(line, i); end > i {
					i = end
					continue
				}
			case '-':
				if bytes.HasPrefix(line[i:], beginMarker) {
					if end := m.privateKey(line, i); end > i {
						i = end
						continue
					}
				}
			}
			i++
			continue
		}
		j, k := i, i+1
		for k < n && wordBytes[line[k]] {
			k++
		}
		if j > 0 && wordBytes[line[j-1]] { // the rest of a word a value ended in
			i = k
			continue
		}
		if j >= emailFrom && nextAt != -1 {
			if nextAt < j {
				nextAt = -1
				if x := bytes.IndexByte(line[j:], '@'); x >= 0 {
					nextAt = j + x
				}
			}
			if nextAt >= 0 {
				e := j
				for e < n && emailLocal[line[e]] {
					e++
				}
				if e == nextAt {
					if end := emailHostEnd(line, e+1); end > 0 {
						m.add(j, end, KindEmail)
						i = end
						continue
					}
				}
				emailFrom = e // words up to e end at the same place
			}
		}
		if end := m.word(line, j, k); end > j {
			i = end
		} else {
			i = k
		}
	}
}

// word looks at the word line[j:k] and returns where the value that it
// starts ends, or 0 when it starts none.
func (m *Masker) word(line []byte, j, k int) int {
	n := len(line)
	if k+2 < n && line[k] == ':' && line[k+1] == '/' && line[k+2] == '/' {
		return m.url(line, k+3)
	}
	mayBeIPv6 := k < n && line[k] == ':' && k-j <= 4 && isHex(line[j:k])
	if isDigit(line[j]) {
		if mayBeIPv6 {
			return m.ipv6(line, j)
		}
		if !numberStart(line, j) || !isDigits(line[j:k]) {
			return 0
		}
		if k < n && line[k] == '.' && k-j <= 3 {
			if end := m.ipv4(line, j); end > 0 {
				return end
			}
		}
		return m.number(line, j)
	}
	if end := m.shaped(line, j); end > 0 {
		return end
	}
	if mayBeIPv6 {
		if end := m.ipv6(line, j); end > 0 {
			return end
		}
	}
	if end := m.keyed(line, j, k); end > 0 {
		return end
	}
	if j >= 2 && line[j-1] == '-' && line[j-2] == ' ' && (k-j == 1 || line[j] == 'p') {
		if end := m.flag(line, j, k); end > 0 {
			return end
		}
	}
	if k-j == 6 && bytes.EqualFold(line[j:k], []byte("bearer")) {
		return m.bearer(line, k)
	}
	if isUpper(line[j]) {
		if end := ninoEnd(line, j); end > 0 && m.add(j, end, KindNationalID) {
			return end
		}
	}
	return 0
}

// flag masks the password given to a command on its command line, where
// line[j:k] is a one-letter option after " -": curl's and wget's
// -u user:password, the -p of sshpass and of docker login, redis-cli's -a,
// and mysql's -pPASSWORD. It returns the password's end, or 0.
func (m *Masker) flag(line []byte, j, k int) int {
	if j < 2 || line[j-1] != '-' || line[j-2] != ' ' || k >= len(line) {
		return 0
	}
	commandBefore := func(names ...string) bool {
		for _, name := range names {
			if bytes.Contains(line[:j], []byte(name)) {
				return true
			}
		}
		return false
	}
	c, p := line[j], k+1
	switch {
	case k-j > 1 && c == 'p' && commandBefore("mysql", "mariadb"):
		p = j + 1
	case line[k] != ' ' || k-j > 1:
		return 0
	case c == 'u' && commandBefore("curl", "wget"): // not docker's -u 1000:1000
		s, e := valueAt(line, p, false)
		if s < 0 {
			return 0
		}
		colon := bytes.IndexByte(line[s:e], ':')
		if colon < 0 || !m.add(s+colon+1, e, KindCredential) {
			return 0
		}
		return e
	case c == 'p' && commandBefore("sshpass", " login "), c == 'a' && commandBefore("redis-cli"):
	default:
		return 0
	}
	s, e := valueAt(line, p, false)
	if s < 0 || s >= e || isLiteral(line[s:e]) || !m.add(s, e, KindCredential) {
		return 0
	}
	return e
}

// A tokenShape is a credential known by its prefix: the prefix, then at
// least min bytes of body (after gitleaks' and the vendors' descriptions).
type tokenShape struct {
	prefix string
	body   *byteClass
	min    int
}

var tokenShapes = slices.Concat(
	// AWS access key ids: a kind prefix and 16 upper-case letters and digits.
	shapes(upperDigit, 16, "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"),
	shapes(upperDigit, 17, "A3T"),
	shapes(base64url, 30, "AIza", "ya29."), // Google API keys, OAuth access tokens
	shapes(base64url, 20, "GOCSPX-", "glpat-"),
	shapes(alnum, 30, "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
	shapes(wordBytes, 30, "github_pat_"),
	shapes(slackChars, 10, "xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-", "xoxe.xoxp-", "xapp-"),
	shapes(alnum, 16, "sk_live_", "rk_live_", "pk_live_", "sk_test_", "rk_test_", "pk_test_"),
	shapes(alnum, 24, "whsec_"),
	shapes(base64url, 32, "sk-"), // OpenAI, Anthropic
	shapes(sendgrid, 60, "SG."),
	shapes(alnum, 36, "npm_"),
	shapes(base64url, 50, "pypi-"),
	shapes(base64url, 24, "hvs."),
	shapes(alnum, 64, "dop_v1_"),
	shapes(alnum, 32, "shpat_", "shpss_", "key-"),
	shapes(alnum, 20, "LTAI"),
	shapes(upperDigit, 50, "AGE-SECRET-KEY-1"),
)

func shapes(body *byteClass, minBody int, prefixes ...string) []tokenShape {
	out := make([]tokenShape, len(prefixes))
	for i, p := range prefixes {
		out[i] = tokenShape{prefix: p, body: body, min: minBody}
	}
	return out
}

// shapesByFirst indexes tokenShapes by their first byte, and
// shapeStarts says which first two bytes start one at all, so that most
// words are passed over with one look-up.
var (
	shapesByFirst = func() (idx [256][]tokenShape) {
		for _, s := range tokenShapes {
			idx[s.prefix[0]] = append(idx[s.prefix[0]], s)
		}
		return idx
	}()
	shapeStarts = func() (starts [256 * 256]bool) {
		for _, s := range append(tokenShapes, tokenShape{prefix: "eyJ"}) {
			starts[int(s.prefix[0])<<8|int(s.prefix[1])] = true
		}
		return starts
	}()
)

// shaped masks a token known by its shape at line[j:] (a JWT, or one of
// tokenShapes) and returns its end, or 0.
func (m *Masker) shaped(line []byte, j int) int {
	if j+1 >= len(line) || !shapeStarts[int(line[j])<<8|int(line[j+1])] {
		return 0
	}
	if bytes.HasPrefix(line[j:], []byte("eyJ")) {
		return m.jwt(line, j)
	}
	for _, s := range shapesByFirst[line[j]] {
		if !bytes.HasPrefix(line[j:], []byte(s.prefix)) {
			continue
		}
		from := j + len(s.prefix)
		e := from
		for e < len(line) && s.body[line[e]] {
			e++
		}
		if e-from >= s.min && !isWordByte(after(line, e)) && m.add(j, e, KindToken) {
			return e
		}
	}
	return 0
}

// jwt masks a JSON Web Token: three base64url parts, the first a JSON header.
func (m *Masker) jwt(line []byte, j int) int {
	e := j
	for part := range 3 {
		from := e
		for e < len(line) && base64url[line[e]] {
			e++
		}
		if part < 2 {
			if e == from || e >= len(line) || line[e] != '.' {
				return 0
			}
			e++
		}
	}
	if m.add(j, e, KindToken) {
		return e
	}
	return 0
}

// bearer masks the token after the word Bearer (line[k:] follows it).
func (m *Masker) bearer(line []byte, k int) int {
	s := k
	for s < len(line) && (line[s] == ' ' || line[s] == '\t') {
		s++
	}
	if s == k {
		return 0
	}
	e := s
	for e < len(line) && bearerChars[line[e]] {
		e++
	}
	for e < len(line) && line[e] == '=' {
		e++
	}
	if e-s >= 16 && m.add(s, e, KindToken) {
		return e
	}
	return 0
}

// url masks the user and password of scheme://user:password@host (p is
// after the //), and the secret path of chat webhooks. It returns where
// scanning goes on: the host is scanned like the rest of the line.
func (m *Masker) url(line []byte, p int) int {
	e, at := p, -1
	for e < len(line) && !authorityStop[line[e]] {
		if line[e] == '@' {
			at = e
		}
		e++
	}
	if at > p && bytes.IndexByte(line[p:at], ':') >= 0 {
		m.add(p, at, KindCredential)
		return at + 1
	}
	host := line[p:e]
	for _, hook := range webhooks {
		if bytes.EqualFold(host, []byte(hook.host)) && bytes.HasPrefix(line[e:], []byte(hook.path)) {
			s := e + len(hook.path)
			t := s
			for t < len(line) && hookPath[line[t]] {
				t++
			}
			if t-s >= 16 && m.add(s, t, KindToken) {
				return t
			}
		}
	}
	return p
}

var webhooks = []struct{ host, path string }{
	{"hooks.slack.com", "/services/"},
	{"discord.com", "/api/webhooks/"},
	{"discordapp.com", "/api/webhooks/"},
}

// What a key names, found by the last word of its name.
const (
	keySecret = iota + 1
	keyAuthorization
	keyCookie
	keyPhone
	keyNationalID
	keyCounter
	keyCard
)

type keyWord struct {
	word string // in lower case, without _ - .
	mode int
}

func keys(mode int, words ...string) []keyWord {
	out := make([]keyWord, len(words))
	for i, w := range words {
		out[i] = keyWord{word: w, mode: mode}
	}
	return out
}

// A keyIndex holds key words by their last letter, the first one looked at.
type keyIndex [256][]keyWord

func indexKeys(lists ...[]keyWord) *keyIndex {
	var idx keyIndex
	for _, w := range slices.Concat(lists...) {
		last := w.word[len(w.word)-1]
		idx[last] = append(idx[last], w)
	}
	return &idx
}

// secretKeys are the names of secrets (and of phone and national ID
// numbers) in key=value, key: value, JSON, YAML and XML, after the keyword
// lists of gitleaks and detect-secrets: a name counts when it ends with one
// (db_password, clientSecret, X-Api-Key, PGPASSWORD; not passwordless).
var secretKeys = indexKeys(
	keys(keySecret, "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey",
		"accesskeyid", "secretkey", "privatekey", "credential", "credentials", "sessionid", "sessid", "signature",
		"sig", "accountkey", "encryptionkey", "signingkey", "masterkey", "clientkey", "authkey", "sharedkey", "sastoken",
		"pass", "subscriptionkey", "cvv", "cvc", "cvv2", "cvc2"),
	keys(keyNationalID, "ssn", "socialsecuritynumber", "nino", "ninumber", "nationalinsurancenumber", "nationalid"),
	keys(keyAuthorization, "authorization"),
	keys(keyCookie, "cookie"),
	keys(keyPhone, "phone", "phonenumber", "tel", "telephone", "mobile", "cell", "fax", "msisdn"),
)

// cardKeys name card numbers, even where they are JSON numbers.
var cardKeys = indexKeys(keys(keyCard, "card", "cardnumber", "cardno", "pan", "cc", "ccnumber", "creditcard"))

// counterKeys name numbers that are not card numbers however they look:
// nanosecond counters, times, sizes, identifiers.
var counterKeys = indexKeys(keys(keyCounter, "ns", "nano", "nanos", "nanoseconds", "us", "micros", "ms",
	"millis", "time", "ts", "timestamp", "epoch", "duration", "elapsed", "latency", "uptime", "id", "seq",
	"offset", "bytes", "size", "count", "total", "nonce", "value", "sum", "max", "min", "counter"))

// keyMode returns the mode of the first of words that the name key ends
// with, or 0. A word shorter than five letters counts only at a word
// boundary (status does not end with the counter us, PGPASSWORD ends with
// password).
func keyMode(key []byte, words *keyIndex) int {
	const maxKey = 48
	for len(key) > 0 && (key[len(key)-1] == '_' || key[len(key)-1] == '-' || key[len(key)-1] == '.') {
		key = key[:len(key)-1]
	}
	if len(key) == 0 || len(words[key[len(key)-1]|0x20]) == 0 {
		return 0
	}
	if len(key) > maxKey {
		key = key[len(key)-maxKey:]
	}
	var norm [maxKey]byte
	var boundary [maxKey]bool
	n, sep := 0, true
	for i, c := range key {
		if c == '_' || c == '-' || c == '.' || c == ' ' {
			sep = true
			continue
		}
		boundary[n] = sep || isUpper(c) && i > 0 && 'a' <= key[i-1] && key[i-1] <= 'z'
		if isUpper(c) {
			c += 'a' - 'A'
		}
		norm[n] = c
		n++
		sep = false
	}
	for _, w := range words[norm[n-1]] {
		if l := len(w.word); n >= l && (l >= 5 || boundary[n-l]) && string(norm[n-l:n]) == w.word {
			return w.mode
		}
	}
	return 0
}

// keyed masks the value after a key that names a secret (or a phone
// number), when the word line[j:k] ends such a key and a separator
// follows: key=value, key: value, "key": "value", key => value,
// <key>value</key>, --key value, key="name" value="…". It returns the
// value's end, or 0.
func (m *Masker) keyed(line []byte, j, k int) int {
	if len(secretKeys[line[k-1]|0x20]) == 0 { // no key word ends so
		return 0
	}
	n := len(line)
	p, quote := k, byte(0)
	switch {
	case p < n && (line[p] == '"' || line[p] == '\''):
		quote = line[p]
		p++
	case p+1 < n && line[p] == '\\' && line[p+1] == '"':
		quote = '\\'
		p += 2
	case p+1 < n && line[p] == '.' && line[p+1] == ':': // Tel.: …
		p++
	}
	for p < n && (line[p] == ' ' || line[p] == '\t') {
		p++
	}
	if p >= n {
		return 0
	}
	sep := line[p]
	spaced := quote == 0 && p == k+1 && line[k] == ' ' // --password secret, <password type="…">
	if sep != ':' && sep != '=' && sep != '>' && sep != ',' && sep != 'v' && sep != 'V' && !spaced {
		return 0
	}
	start := k
	for start > 0 && keyChars[line[start-1]] {
		start--
	}
	tag := start > 0 && line[start-1] == '<' // also <ns:password>
	if !tag && start > 1 && line[start-1] == ':' {
		t := start - 1
		for t > 0 && keyChars[line[t-1]] {
			t--
		}
		tag = t > 0 && t < start-1 && line[t-1] == '<'
	}
	xml := false
	switch {
	case sep == ':' || sep == '=':
		p++
		if p < n && (line[p] == '=' || line[p] == '>') { // := and =>
			p++
		}
	case sep == '>' && p == k && tag, sep == '>' && quote == '"' && start > 0 && line[start-1] == '"':
		// <password>…</password> and <entry key="password">…</entry>
		xml = true
		p++
	case spaced && tag:
		gt := bytes.IndexByte(line[k:], '>')
		if gt < 0 || line[k+gt-1] == '/' {
			return 0
		}
		xml = true
		p = k + gt + 1
	case spaced && start+2 <= j && line[start] == '-' && line[start+1] == '-':
		sep = ' '
	case spaced && (k-start == len("password") || isDigit(line[k+1]) || k-start > 8) && spacedKey(line, start, k):
		sep = ' '
	case sep == ',' || sep == 'v' || sep == 'V':
		// key="password" value="…" and "name":"password","value":"…": the
		// key "value" is masked when the name before it is a secret's.
		if quote == 0 || start == 0 || line[start-1] != quote {
			return 0
		}
		for p < n && (line[p] == ',' || line[p] == ' ' || line[p] == '"') {
			p++
		}
		if !hasPrefixFold(line[p:], "value") {
			return 0
		}
		return m.keyed(line, p, p+len("value"))
	default:
		return 0
	}
	if sep == ':' && quote == 0 && string(line[start:k]) == "PASS" {
		return 0 // a test runner's result: --- PASS: TestCaseFeed, PASS: t/basic.t
	}
	if sep == ':' && start > 4 && line[start-1] == '(' && bytes.LastIndex(line[:start], []byte("pam_")) >= max(0, start-16) {
		return 0 // PAM's service and facility: pam_unix(passwd:chauthtok)
	}
	mode := keyMode(line[start:k], secretKeys)
	if mode == 0 && sep == ':' && quote == 0 {
		// Words of a label: Secret Access Key: …, API Key: …
		for words, s := 0, start; words < 2 && s > 1 && line[s-1] == ' ' && keyChars[line[s-2]]; words++ {
			for s--; s > 0 && keyChars[line[s-1]]; s-- {
			}
			if mode = keyMode(line[s:k], secretKeys); mode != 0 {
				break
			}
		}
	}
	if mode == 0 {
		if !bytes.EqualFold(line[j:k], []byte("value")) || !m.namedSecret(line, start) {
			return 0
		}
		mode = keySecret
	}
	for p < n && (line[p] == ' ' || line[p] == '\t') {
		p++
	}
	switch mode {
	case keyAuthorization:
		return m.authorization(line, p)
	case keyCookie:
		if sep == ':' { // a header: every cookie in it
			e := len(line)
			if q := bytes.IndexByte(line[p:], '"'); q >= 0 {
				e = p + q
			}
			for e > p && (line[e-1] == '\n' || line[e-1] == '\r' || line[e-1] == ' ') {
				e--
			}
			if m.add(p, e, KindCredential) {
				return e
			}
			return 0
		}
	case keyPhone:
		s, e := valueAt(line, p, xml)
		if s == p { // not quoted: the number may be written with spaces
			for e = p; e < n && phoneChars[line[e]]; e++ {
			}
			for e > s && !isDigit(line[e-1]) && line[e-1] != ')' {
				e--
			}
		}
		if s < 0 || !phoneLike(line[s:e]) || !m.add(s, e, KindPhone) {
			return 0
		}
		return e
	}
	s, e := valueAt(line, p, xml)
	if s == p && isDigits(line[s:e]) && bytes.HasPrefix(line[e:], []byte(" bytes")) {
		return 0 // the size of a secret, as kubectl describe shows it
	}
	if s == p {
		e = queryValueEnd(line, start, s, e)
	}
	if s < 0 || s >= e || isLiteral(line[s:e]) {
		return 0
	}
	kind := KindCredential
	if mode == keyNationalID && s == p && isDigit(line[p]) { // 123 45 6789
		for e = p; e < n && (isDigit(line[e]) || (line[e] == ' ' || line[e] == '-') && e+1 < n && isDigit(line[e+1])); e++ {
		}
	}
	if mode == keyNationalID {
		if e-s > 20 || !bytes.ContainsAny(line[s:e], digitChars) {
			return 0
		}
		kind = KindNationalID
	}
	if !m.add(s, e, kind) {
		return 0
	}
	return e
}

// queryValueEnd returns where the value line[s:e] of the key that starts
// at line[start] ends: at an & when the key is a query parameter or the &
// starts another one (token=abc&expires=3600); a password may hold an &.
func queryValueEnd(line []byte, start, s, e int) int {
	query := start > 0 && (line[start-1] == '?' || line[start-1] == '&')
	for amp := s; amp < e; amp++ {
		if line[amp] != '&' {
			continue
		}
		if query {
			return amp
		}
		q := amp + 1
		for q < e && keyChars[line[q]] {
			q++
		}
		if q > amp+1 && q < e && line[q] == '=' {
			return amp
		}
	}
	return e
}

// spacedKey reports whether the key line[start:k], followed by a space,
// names the value after the space: SSN 123 45 6789, the password of a
// .netrc line (machine api.example.com login bob password s3cret), and a
// long secret after a key in snake case (aws configure set
// aws_secret_access_key wJalrXUtnFEMI/K7MDENG…).
func spacedKey(line []byte, start, k int) bool {
	key := line[start:k]
	if k+1 < len(line) && isDigit(line[k+1]) && allIn(key, upperDigit) {
		return keyMode(key, secretKeys) == keyNationalID
	}
	if bytes.IndexByte(key, '_') > 0 {
		s, e := valueAt(line, k+1, false)
		return s == k+1 && e-s >= 16 && bytes.ContainsAny(line[s:e], digitChars) && keyMode(key, secretKeys) == keySecret
	}
	if !bytes.Equal(key, []byte("password")) {
		return false
	}
	login := bytes.LastIndex(line[:start], []byte("login "))
	return login >= 0 && bytes.Count(line[login:start], []byte(" ")) == 2
}

// namedSecret reports whether the key that ends at line[:start] (a
// "value" in key="password" value="…") follows a quoted name of a secret.
func (m *Masker) namedSecret(line []byte, start int) bool {
	p := start
	if p > 0 && line[p-1] == '<' { // <key>db.password</key><value>…</value>
		for _, closing := range []string{"</key>", "</name>"} {
			if bytes.HasSuffix(line[:p-1], []byte(closing)) {
				p -= 1 + len(closing)
				break
			}
		}
	}
	for p > 0 && (line[p-1] == ' ' || line[p-1] == ',' || line[p-1] == '"' || line[p-1] == '\'') {
		p--
	}
	e := p
	for p > 0 && keyChars[line[p-1]] {
		p--
	}
	return p < e && keyMode(line[p:e], secretKeys) == keySecret
}

// authorization masks the credentials of an Authorization header after
// its scheme; a bearer token is a token.
func (m *Masker) authorization(line []byte, p int) int {
	n := len(line)
	if p < n && (line[p] == '"' || line[p] == '\'' || line[p] == '[') { // [ in Go's map[Authorization:[…]]
		p++
	}
	kind, params := KindCredential, false
	w := p
	for w < n && (alnum[line[w]] || line[w] == '-') {
		w++
	}
	if w < n && w > p && line[w] == ' ' && w-p <= 20 {
		for _, scheme := range []string{"basic", "bearer", "digest", "negotiate", "ntlm", "token", "apikey", "aws4-hmac-sha256", "hoba", "mutual"} {
			if bytes.EqualFold(line[p:w], []byte(scheme)) {
				if scheme == "bearer" {
					kind = KindToken
				}
				params = scheme == "digest" || scheme == "aws4-hmac-sha256" || scheme == "hoba" || scheme == "mutual"
				p = w + 1
				break
			}
		}
	}
	e := p
	if params { // username="…", response="…": every parameter, to the line's end
		e = trimLineEnd(line, n)
		if p > 0 && (line[p-1] == '"' || line[p-1] == '\'') && bytes.IndexByte(line[p:e], line[p-1]) >= 0 {
			e = p + bytes.LastIndexByte(line[p:e], line[p-1])
		}
	}
	for e < n && !authStop[line[e]] {
		e++
	}
	if p > 0 && line[p-1] == '[' && e < n && line[e] == ']' && redacted(line[p-1:e+1]) {
		return 0
	}
	if m.add(p, e, kind) {
		return e
	}
	return 0
}

// valueAt returns the bounds of the value that starts at line[p]: inside
// quotes ("…" with escapes, '…', \"…\" in a JSON string), up to the next
// < in XML, or up to a space or punctuation. start is -1 when there is none.
func valueAt(line []byte, p int, xml bool) (start, end int) {
	n := len(line)
	if p >= n {
		return -1, -1
	}
	switch {
	case line[p] == '"':
		for e := p + 1; e < n; e++ {
			switch line[e] {
			case '\\':
				e++
			case '"':
				return p + 1, e
			}
		}
		return p + 1, trimLineEnd(line, n)
	case line[p] == '\'':
		if e := bytes.IndexByte(line[p+1:], '\''); e >= 0 {
			return p + 1, p + 1 + e
		}
		return p + 1, trimLineEnd(line, n)
	case line[p] == '\\' && p+1 < n && line[p+1] == '"':
		if e := bytes.Index(line[p+2:], []byte(`\"`)); e >= 0 {
			return p + 2, p + 2 + e
		}
		return -1, -1
	case xml && bytes.HasPrefix(line[p:], []byte("<![CDATA[")):
		if e := bytes.Index(line[p:], []byte("]]>")); e >= 0 {
			return p + len("<![CDATA["), p + e
		}
		return -1, -1
	case xml:
		if e := bytes.IndexByte(line[p:], '<'); e >= 0 {
			return p, p + e
		}
		return p, trimLineEnd(line, n)
	}
	e := p
	for e < n && !valueStop[line[e]] {
		e++
	}
	return p, e
}

func trimLineEnd(line []byte, e int) int {
	for e > 0 && (line[e-1] == '\n' || line[e-1] == '\r') {
		e--
	}
	return e
}

// isLiteral reports whether a value is a literal that says there is no
// secret or whether there is one (null, true, YES in MySQL's "using
// password: YES"), or a parameter of an SQL statement or a format.
func isLiteral(v []byte) bool {
	if len(v) <= 5 {
		for _, lit := range []string{"null", "nil", "none", "true", "false", "yes", "no", "?", "%s"} {
			if bytes.EqualFold(v, []byte(lit)) {
				return true
			}
		}
	}
	return v[0] == '$' && len(v) > 1 && isDigits(v[1:]) || // SQL parameters: token = $1
		redacted(v)
}

// redacted reports whether a value is what a program writes in place of a
// secret: ********, xxxxxx, [FILTERED] (Rails), [REDACTED], <hidden>.
func redacted(v []byte) bool {
	if len(v) >= 3 && (allSame(v, '*') || allSame(v, 'x') || allSame(v, 'X')) {
		return true
	}
	if len(v) < 3 {
		return false
	}
	if ends := [2]byte{v[0], v[len(v)-1]}; ends != [2]byte{'[', ']'} && ends != [2]byte{'<', '>'} && ends != [2]byte{'(', ')'} {
		return false
	}
	w := v[1 : len(v)-1]
	for _, word := range []string{"filtered", "redacted", "hidden", "masked", "removed", "sensitive", "sensitive value", "secret"} {
		if bytes.EqualFold(w, []byte(word)) {
			return true
		}
	}
	return false
}

func allSame(v []byte, c byte) bool {
	for _, b := range v {
		if b != c {
			return false
		}
	}
	return true
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// phoneLike reports whether a value given as a phone number is one: 7 to
// 15 digits written with the usual separators.
func phoneLike(v []byte) bool {
	d := 0
	for _, c := range v {
		switch {
		case isDigit(c):
			d++
		case c == ' ' || c == '(' || c == ')' || c == '+' || c == '.' || c == '-' || c == '/':
		default:
			return false
		}
	}
	return 7 <= d && d <= 15
}

var (
	beginMarker = []byte("-----BEGIN ")
	endMarker   = []byte("-----END ")
)

// privateKey masks a PEM private key block that begins at line[i:]:
// the rest of the block on this line, and, when the block does not end
// here, the lines that follow until its END line (keyLine).
func (m *Masker) privateKey(line []byte, i int) int {
	rest := line[i+len(beginMarker):]
	closing := bytes.Index(rest, []byte("-----"))
	if closing < 0 {
		return 0
	}
	label := rest[:closing]
	if !bytes.HasSuffix(label, []byte("PRIVATE KEY")) && !bytes.HasSuffix(label, []byte("PRIVATE KEY BLOCK")) {
		return 0
	}
	m.counts[KindPrivateKey]++
	if m.consistent {
		m.next[KindPrivateKey]++
		m.keyNumber = m.next[KindPrivateKey]
	}
	s := i + len(beginMarker) + closing + len("-----")
	if x := bytes.Index(line[s:], endMarker); x >= 0 { // a whole block in one line, as in JSON
		m.addKeyPart(s, s+x)
		return s + x + len(endMarker)
	}
	m.inKey = true
	e := trimLineEnd(line, len(line))
	for s < e && (line[s] == ' ' || line[s] == '\t') {
		s++
	}
	m.addKeyPart(s, e)
	return len(line)
}

// keyLine masks a line inside a private key block and returns where the
// scan of the line goes on: after the block's end, or at 0 when the line
// is no part of a key (the block was cut short).
func (m *Masker) keyLine(line []byte) int {
	s, e := 0, trimLineEnd(line, len(line))
	for s < e && (line[s] == ' ' || line[s] == '\t') {
		s++
	}
	for e > s && (line[e-1] == ' ' || line[e-1] == '\t') {
		e--
	}
	if x := bytes.Index(line, endMarker); x >= 0 {
		m.inKey = false
		m.addKeyPart(s, x)
		return x + len(endMarker)
	}
	switch {
	case s == e:
		return len(line)
	case allIn(line[s:e], base64Chars), hasPrefixFold(line[s:e], "Proc-Type:"), hasPrefixFold(line[s:e], "DEK-Info:"), hasPrefixFold(line[s:e], "Comment:"), hasPrefixFold(line[s:e], "Version:"):
		m.addKeyPart(s, e)
		return len(line)
	}
	m.inKey = false
	return 0
}

func (m *Masker) addKeyPart(start, end int) {
	if start < end && !m.overlaps(start, end, m.custom) {
		m.spans = append(m.spans, span{start: start, end: end, kind: KindPrivateKey, part: true})
	}
}

func allIn(b []byte, class *byteClass) bool {
	for _, c := range b {
		if !class[c] {
			return false
		}
	}
	return true
}

// emailHostEnd returns the end of the domain of an address that starts at
// line[s], or 0: labels of letters, digits and dashes, the last of two
// letters or more.
func emailHostEnd(line []byte, s int) int {
	e := s
	for e < len(line) && emailHost[line[e]] {
		e++
	}
	for e > s && (line[e-1] == '.' || line[e-1] == '-') {
		e--
	}
	if e == s || !alnum[line[s]] || isWordByte(after(line, e)) {
		return 0
	}
	dot := bytes.LastIndexByte(line[s:e], '.')
	if dot < 1 || e-(s+dot+1) < 2 {
		return 0
	}
	for _, c := range line[s+dot+1 : e] {
		if isDigit(c) || c == '-' {
			return 0
		}
	}
	return e
}

// encodedEmail masks an address whose @ is written %40, as in a query
// string (?email=anna%2Bbilling%40example.com), when line[i:] starts
// with that %40, and returns its end, or 0.
func (m *Masker) encodedEmail(line []byte, i int) int {
	if i+3 >= len(line) || line[i+1] != '4' || line[i+2] != '0' {
		return 0
	}
	from := 0
	if len(m.spans) > m.custom {
		from = m.spans[len(m.spans)-1].end
	}
	j := i
	for j > from && emailLocal[line[j-1]] {
		j--
	}
	for j < i && !alnum[line[j]] {
		j++
	}
	end := emailHostEnd(line, i+3)
	if j == i || end == 0 || !m.add(j, end, KindEmail) {
		return 0
	}
	return end
}

// ipv6 masks an IPv6 address that starts at line[j], or returns 0.
func (m *Masker) ipv6(line []byte, j int) int {
	if b := before(line, j); isWordByte(b) || b == ':' || b == '.' {
		return 0
	}
	e := j
	for e < len(line) && hexColon[line[e]] {
		e++
	}
	for e > j && line[e-1] == '.' {
		e--
	}
	if e-j >= 2 && line[e-1] == ':' && line[e-2] != ':' {
		e-- // "from fe80::1: closed"
	}
	v := line[j:e]
	colons := bytes.Count(v, []byte(":"))
	if colons < 2 || colons < 7 && !bytes.Contains(v, []byte("::")) {
		return 0 // 12:30:45 and MAC addresses
	}
	if e+1 < len(line) && line[e] == '%' && alnum[line[e+1]] { // fe80::1%eth0
		e += 2
		for e < len(line) && alnum[line[e]] {
			e++
		}
	}
	if a := after(line, e); isWordByte(a) || a == ':' && e+1 < len(line) && hexColon[line[e+1]] {
		return 0
	}
	addr, err := netip.ParseAddr(string(line[j:e]))
	// "A::B" in code is not an address; a real one has a digit or all groups.
	if err != nil || !addr.Is6() || colons != 7 && !bytes.ContainsAny(v, digitChars) {
		return 0
	}
	if m.add(j, e, KindIPv6) {
		return e
	}
	return 0
}

// ipv4 masks an IPv4 address that starts at line[j], or returns 0: four
// numbers up to 255 without leading zeros, not a version (v1.2.3.4,
// Version=4.0.0.0, 1.2.3.4.5, 8.5.112.03), nor 0.0.0.0, which names every
// address of a host and no one's.
func (m *Masker) ipv4(line []byte, j int) int {
	p, zeros := j, 0
	for part := range 4 {
		if part > 0 {
			if p >= len(line) || line[p] != '.' {
				return 0
			}
			p++
		}
		q, v := p, 0
		for q < len(line) && isDigit(line[q]) && q-p < 4 {
			v = 10*v + int(line[q]-'0')
			q++
		}
		if q == p || q-p > 3 || v > 255 || q-p > 1 && line[p] == '0' && !mapped(line, j) {
			return 0
		}
		if v == 0 {
			zeros++
		}
		p = q
	}
	if zeros == 4 || isWordByte(after(line, p)) || p+1 < len(line) && (line[p] == '.' || line[p] == '-') && isDigit(line[p+1]) { // :port is fine
		return 0
	}
	if from := max(0, j-12); bytes.Contains(bytes.ToLower(line[from:j]), []byte("version")) {
		return 0
	}
	if m.add(j, p, KindIPv4) {
		return p
	}
	return 0
}

// mapped reports whether the IPv4 address at line[j:] is written as an
// IPv4-mapped IPv6 one (::ffff:10.0.2.5), where it is an address whatever
// its digits look like.
func mapped(line []byte, j int) bool {
	return j >= 7 && bytes.EqualFold(line[j-7:j], []byte("::ffff:"))
}

// ninoEnd returns the end of a UK National Insurance number at line[j:]
// (AB 12 34 56 C, AB123456C), or 0.
func ninoEnd(line []byte, j int) int {
	if j+9 > len(line) || !isDigit(line[j+2]) && (line[j+2] != ' ' || !isDigit(line[j+3])) ||
		!ninoFirst[line[j]] || !ninoSecond[line[j+1]] {
		return 0
	}
	p := j + 2
	for range 3 {
		if p < len(line) && line[p] == ' ' {
			p++
		}
		if p+2 > len(line) || !isDigit(line[p]) || !isDigit(line[p+1]) {
			return 0
		}
		p += 2
	}
	if p < len(line) && line[p] == ' ' {
		p++
	}
	if p >= len(line) || line[p] < 'A' || line[p] > 'D' || isWordByte(after(line, p+1)) {
		return 0
	}
	return p + 1
}

// A group is a run of digits in a written number, (in parentheses) or
// not, with the separator written before it.
type group struct {
	start, end int
	sep        byte
	paren      bool
}

func (g group) len() int { return g.end - g.start }

// number masks the card, national ID or phone number that starts at
// line[j] (a digit, a + or a parenthesis) and returns its end, or 0. It
// reads up to eight groups of digits and tries, longest first, the
// groupings each kind is written in.
func (m *Masker) number(line []byte, j int) int {
	n := len(line)
	var gs [8]group
	ng, total := 0, 0
	p := j
	plus := line[p] == '+'
	var sep byte
	switch {
	case plus:
		p++
	case line[p] == '(' && p+1 < n && line[p+1] == '+': // (+44) 20 7946 0958
		q := p + 2
		for q < n && isDigit(line[q]) {
			q++
		}
		if q == p+2 || q-p-2 > 3 || q+2 >= n || line[q] != ')' || line[q+1] != ' ' || !isDigit(line[q+2]) {
			return 0
		}
		plus, gs[0], ng, total = true, group{start: p + 2, end: q}, 1, q-p-2
		p, sep = q+2, ' '
	}
	for ng < len(gs) {
		g := group{sep: sep}
		if p < n && line[p] == '(' {
			q := p + 1
			for q < n && isDigit(line[q]) {
				q++
			}
			if q == p+1 || q-p-1 > 4 || q >= n || line[q] != ')' {
				break
			}
			g.start, g.end, g.paren = p+1, q, true
			p = q + 1
		} else {
			q := p
			for q < n && isDigit(line[q]) {
				q++
			}
			if q == p {
				break
			}
			g.start, g.end = p, q
			p = q
		}
		gs[ng] = g
		ng++
		if total += g.len(); total > 19 {
			break
		}
		// 030/1234567: a slash after a trunk 0's area code, in Germany.
		slash := p < n && line[p] == '/' && ng == 1 && !g.paren && line[g.start] == '0' && g.len() <= 5
		if p+1 < n && (line[p] == ' ' || line[p] == '-' || line[p] == '.' || slash) && (isDigit(line[p+1]) || line[p+1] == '(') {
			sep = line[p]
			p++
			continue
		}
		if g.paren && p < n && isDigit(line[p]) {
			sep = ')'
			continue
		}
		break
	}
	if ng == 0 {
		return 0
	}
	try := func(g int, kind string) int {
		end := gs[g-1].end
		if gs[g-1].paren {
			end++
		}
		if !endsNumber(line, end) || !m.add(j, end, kind) {
			return 0
		}
		return end
	}
	if ng >= 3 && !plus && isSSN(line, gs[:3]) {
		if end := try(3, KindNationalID); end > 0 {
			return end
		}
	}
	if !plus && ng > 5 && allPairs(gs[:ng]) {
		return 0 // 00 11 22 33 44 55 66 77: a dump of bytes
	}
	if !plus && ng == 5 && allOfLen(gs[:ng], 4) && gs[4].sep == ' ' {
		// 3836 3236 3938 3439 3733 3337: xxd's words, none of them a card's.
		e := gs[4].end
		for e+5 <= n && line[e] == ' ' && isDigits(line[e+1:e+5]) && !isWordByte(after(line, e+5)) {
			e += 5
		}
		if e > gs[4].end {
			return e
		}
	}
	if plus || ng > 1 && gs[0].len() >= 2 && line[gs[0].start] == '0' && line[gs[0].start+1] == '0' && !gs[0].paren {
		for g := ng; g >= 1; g-- {
			if internationalPhone(line, gs[:g], plus) {
				if end := try(g, KindPhone); end > 0 {
					return end
				}
			}
		}
		return 0
	}
	for g := ng; g >= 1; g-- {
		if isCard(line, gs[:g]) {
			if end := try(g, KindCard); end > 0 {
				return end
			}
		}
	}
	for g := ng; g >= 2; g-- {
		if nationalPhone(line, gs[:g]) {
			if end := try(g, KindPhone); end > 0 {
				return end
			}
		}
	}
	return 0
}

// numberStart reports whether a number may start at line[j]: not inside
// a word, nor after a digit and one of . - : / (the later parts of dates,
// times, versions and addresses).
func numberStart(line []byte, j int) bool {
	b := before(line, j)
	if isWordByte(b) {
		return false
	}
	return j < 2 || !isDigit(line[j-2]) || b != '.' && b != '-' && b != ':' && b != '/'
}

// endsNumber reports whether a number may end at line[end]: not inside a
// word, nor before one of . - : / + and a digit.
func endsNumber(line []byte, end int) bool {
	a := after(line, end)
	if isWordByte(a) {
		return false
	}
	return end+1 >= len(line) || !isDigit(line[end+1]) || a != '.' && a != '-' && a != ':' && a != '/' && a != '+'
}

func digitCount(gs []group) int {
	d := 0
	for _, g := range gs {
		d += g.len()
	}
	return d
}

// internationalPhone: +, a country code of one to three digits and the
// groups of the national number (+33 1 23 45 67 89, +44 (0)20 7946 0958,
// +1-555-123-4567), or + and 8 to 15 digits together (E.164); the same
// after 00 instead of +.
func internationalPhone(line []byte, gs []group, plus bool) bool {
	d := digitCount(gs)
	if !plus {
		d -= 2
	}
	if d < 8 || d > 15 {
		return false
	}
	if len(gs) == 1 {
		return true
	}
	if len(gs) == 2 && gs[1].sep == '.' {
		return false // +557.680167300 is a decimal (Go's monotonic clock), +1.555.123.4567 a phone
	}
	cc := gs[0].len()
	switch {
	case !plus && cc == 2: // 00 44 20 7946 0958
		cc = gs[1].len()
	case !plus:
		cc -= 2
	}
	return !gs[0].paren && 1 <= cc && cc <= 3
}

func allPairs(gs []group) bool { return allOfLen(gs, 2) }

func allOfLen(gs []group, n int) bool {
	for _, g := range gs {
		if g.len() != n || g.paren {
			return false
		}
	}
	return true
}

// isSSN: a US Social Security number, 123-45-6789, that can be issued
// (not area 000, 666 or 900 and up, group 00 or serial 0000).
func isSSN(line []byte, gs []group) bool {
	if gs[0].paren || gs[0].len() != 3 || gs[1].len() != 2 || gs[2].len() != 4 || gs[1].sep != '-' || gs[2].sep != '-' {
		return false
	}
	area, grp, serial := string(line[gs[0].start:gs[0].end]), string(line[gs[1].start:gs[1].end]), string(line[gs[2].start:gs[2].end])
	return area != "000" && area != "666" && area[0] != '9' && grp != "00" && serial != "0000"
}

// isCard: 13 to 19 digits, together or in groups (the first of four) with
// one kind of separator, that start like a card scheme's numbers and pass
// the Luhn check. A number together that a key or unit calls a time, a
// size or an identifier is none ("elapsed_ns":4111111111111111).
func isCard(line []byte, gs []group) bool {
	d := digitCount(gs)
	if d < 13 || d > 19 {
		return false
	}
	for i, g := range gs {
		if g.paren || i > 0 && (g.sep != gs[1].sep || g.sep == '.' || g.len() < 3) {
			return false
		}
	}
	if len(gs) > 1 && gs[0].len() != 4 {
		return false
	}
	digits := make([]byte, 0, 19)
	for _, g := range gs {
		digits = append(digits, line[g.start:g.end]...)
	}
	if !cardPrefix(digits) || !luhn(digits) {
		return false
	}
	return len(gs) > 1 || !counter(line, gs[0].start, gs[0].end)
}

// counter reports whether the number at line[start:end] is a JSON number
// ("duration_ns":4111111111111111) or named a counter by its key
// (elapsed=…) or unit (… ns, … bytes).
func counter(line []byte, start, end int) bool {
	p := start
	for p > 0 && (line[p-1] == ' ' || line[p-1] == '"' || line[p-1] == '\'') {
		p--
	}
	if p > 0 && (line[p-1] == ':' || line[p-1] == '=') {
		jsonNumber := p > 1 && line[p-1] == ':' && line[p-2] == '"' && after(line, end) != '"'
		p--
		for p > 0 && (line[p-1] == ' ' || line[p-1] == '"' || line[p-1] == '\'') {
			p--
		}
		e := p
		for p > 0 && keyChars[line[p-1]] {
			p--
		}
		if keyMode(line[p:e], cardKeys) != 0 {
			return false
		}
		if jsonNumber || keyMode(line[p:e], counterKeys) != 0 {
			return true
		}
	}
	if end < len(line) && line[end] == ' ' {
		e := end + 1
		for e < len(line) && alnum[line[e]] {
			e++
		}
		switch string(line[end+1 : e]) {
		case "ns", "us", "ms", "s", "bytes", "B", "KB", "MB", "GB":
			return true
		}
	}
	return false
}

// nationalPhone: a number as written inside its country — North American
// (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567; or one that
// starts with the trunk prefix 0, in two groups or more of two digits or
// more, 9 to 12 digits (01 23 45 67 89, 020 7946 0958, (030) 1234567,
// 06.12.34.56.78, 08-123 456 78, 03-1234-5678).
func nationalPhone(line []byte, gs []group) bool {
	first := line[gs[0].start]
	if first != '0' && gs[0].paren && gs[0].len() == 2 && (len(gs) == 2 || len(gs) == 3 && gs[2].sep == '-') {
		// Brazil's (11) 91234-5678 and (11) 3456-7890: an area code in
		// parentheses, then the subscriber's 8 or 9 digits.
		sub := digitCount(gs[1:])
		return (sub == 8 || sub == 9) && (gs[1].sep == ' ' || gs[1].sep == ')') && gs[len(gs)-1].len() == 4
	}
	if first == '1' && len(gs) == 4 && gs[0].len() == 1 && gs[1].sep != '.' && gs[1].sep == gs[2].sep && gs[2].sep == gs[3].sep {
		gs = gs[1:] // 1-800-555-0132: North American, with its country code 1 but no +
		first = line[gs[0].start]
	}
	if first >= '6' && len(gs) == 4 && gs[0].len() == 3 && allOfLen(gs[1:], 2) && gs[1].sep == ' ' && gs[2].sep == ' ' && gs[3].sep == ' ' {
		return true // Spain's 612 34 56 78, which has no trunk 0
	}
	if first != '0' {
		if len(gs) != 3 || gs[0].len() != 3 || gs[1].len() != 3 || gs[2].len() != 4 || first < '2' {
			return false
		}
		if gs[0].paren {
			return gs[1].sep == ' ' || gs[1].sep == ')'
		}
		return gs[1].sep == gs[2].sep
	}
	d := digitCount(gs)
	if d < 9 || d > 12 || len(gs) > 2 && gs[1].sep == '/' {
		return false
	}
	dots := 0
	for i, g := range gs {
		if g.len() < 2 || i > 0 && g.paren {
			return false
		}
		if g.sep == '.' {
			dots++
		}
	}
	return dots == 0 || dots == len(gs)-1
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !hexColon[c] || c == ':' || c == '.' {
			return false
		}
	}
	return true
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isWordByte(c byte) bool { return wordBytes[c] }

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

// cardPrefix reports whether d starts like a number of a major card
// scheme (Visa, Mastercard, American Express, Discover, JCB, Diners Club,
// UnionPay, Maestro).
func cardPrefix(d []byte) bool {
	p2, _ := strconv.Atoi(string(d[:2]))
	p4, _ := strconv.Atoi(string(d[:4]))
	switch {
	case d[0] == '4': // 16 or 19 digits: 13-digit numbers are no longer issued
		return len(d) == 16 || len(d) == 19
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
