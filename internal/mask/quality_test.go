package mask_test

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/mask"
)

var (
	corpusOut   = flag.String("corpus", "", "write the quality corpus to this file, to mask it with another tool")
	maskedIn    = flag.String("masked", "", "judge this file, another tool's masking of the -corpus file, instead of the masker")
	qualityOnly = flag.Bool("quality", false, "print the quality table (docs/quality.md)")
)

// A record is one entry of the quality corpus: one line, or the lines of
// a private key block. Planted records have values that must not be left
// in the output; ordinary ones must come out exactly as they went in.
type record struct {
	kind    string // what was planted, or "ordinary/…" for what must stay
	lines   []string
	planted []string
}

// corpusGen writes logs of many formats with values of many shapes in
// many contexts. It is deterministic: the seed fixes the corpus.
type corpusGen struct{ r *rand.Rand }

func (g *corpusGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *corpusGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

func (g *corpusGen) chars(n int, set string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.IntN(len(set))]
	}
	return string(b)
}

const (
	lowerSet  = "abcdefghijklmnopqrstuvwxyz"
	upperSet  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digitSet  = "0123456789"
	alnumSet  = lowerSet + upperSet + digitSet
	hexSet    = "0123456789abcdef"
	base64Set = alnumSet + "+/"
)

// fill replaces N with a random digit, M with one from 2 to 9 (North
// American area codes and exchanges), X with a random hex digit, and the
// marks of tokenPatterns.
func (g *corpusGen) fill(pattern string) string {
	var b strings.Builder
	for _, c := range pattern {
		switch c {
		case 'N':
			b.WriteByte(byte('0' + g.r.IntN(10)))
		case 'M':
			b.WriteByte(byte('2' + g.r.IntN(8)))
		case 'X':
			b.WriteByte(hexSet[g.r.IntN(16)])
		case '^':
			b.WriteString(g.chars(1, upperSet+"234567"))
		case '#':
			b.WriteString(g.chars(1, alnumSet))
		case '*':
			b.WriteString(g.chars(1, alnumSet+"_-"))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// prefix is the start of a log line in one of the usual formats.
func (g *corpusGen) prefix() string {
	ts := fmt.Sprintf("2026-11-%02d", 1+g.r.IntN(28))
	hms := fmt.Sprintf("%02d:%02d:%02d", g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
	switch g.r.IntN(9) {
	case 0:
		return fmt.Sprintf("Nov %2d %s web-%02d app[%d]: ", 1+g.r.IntN(28), hms, g.r.IntN(40), g.r.IntN(99999))
	case 1:
		return fmt.Sprintf("%sT%s.%03dZ %s [%s] c.e.%s - ", ts, hms, g.r.IntN(1000), g.pick("INFO ", "WARN ", "ERROR", "DEBUG"), g.pick("main", "pool-2-thread-7", "http-nio-8080-exec-3"), g.pick("billing.PaymentService", "sync.Worker", "auth.LoginController"))
	case 2:
		return fmt.Sprintf("%s %s,%03d - %s - %s - ", ts, hms, g.r.IntN(1000), g.pick("app.views", "celery.worker", "urllib3.connectionpool"), g.pick("INFO", "WARNING", "ERROR"))
	case 3:
		return fmt.Sprintf("2026/11/%02d %s ", 1+g.r.IntN(28), hms)
	case 4:
		return fmt.Sprintf("I1123 %s.%06d %7d %s:%d] ", hms, g.r.IntN(1e6), 1+g.r.IntN(99), g.pick("controller.go", "reflector.go", "server.go"), g.r.IntN(900))
	case 5:
		return fmt.Sprintf("ts=%sT%sZ level=%s ", ts, hms, g.pick("info", "warn", "error"))
	case 6:
		return fmt.Sprintf("<%d>1 %sT%s.%03d+01:00 gw%02d %s - - - ", g.r.IntN(192), ts, hms, g.r.IntN(1000), g.r.IntN(10), g.pick("kernel", "sshd", "nginx"))
	case 7:
		return fmt.Sprintf("[%s %s.%03d] [%s] ", ts, hms, g.r.IntN(1000), g.pick("info", "error", "notice"))
	}
	return ""
}

// json wraps a key and value as a JSON log line.
func (g *corpusGen) json(fields string) string {
	return fmt.Sprintf(`{"ts":"2026-11-23T10:%02d:%02d.%06dZ","level":"%s",%s,"trace_id":"%s"}`,
		g.r.IntN(60), g.r.IntN(60), g.r.IntN(1e6), g.pick("info", "warn", "error"), fields, g.chars(32, hexSet))
}

func (g *corpusGen) word() string {
	return g.pick("alpha", "billing", "orders", "sync", "portal", "reports", "ledger", "queue", "relay", "north", "atlas", "zephyr")
}

func (g *corpusGen) name() string {
	return g.pick("jane", "bob", "marie", "jürgen", "li", "ana", "olu", "priya", "kenji", "sven", "giulia", "pedro")
}

// Values of each kind.

func (g *corpusGen) email() string {
	local := g.pick(g.name()+"."+g.pick("doe", "martin", "schmidt", "rossi", "garcia", "tanaka"),
		g.name()+"_"+g.digits(3), g.name()+"+"+g.word(), g.name()+g.digits(2), "support-"+g.word(), strings.ToUpper(g.name()))
	local = strings.ReplaceAll(local, "ü", "u")
	host := g.pick(g.word()+".example", g.word()+"-corp.example.com", "mail."+g.word()+".co.uk", g.word()+".de", g.word()+".io", "sub."+g.word()+".example.fr")
	return local + "@" + host
}

func (g *corpusGen) ipv4() string {
	return fmt.Sprintf("%d.%d.%d.%d", g.pick2(10, 172, 192, 203, 198, 100, 81, 8), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *corpusGen) pick2(n ...int) int { return n[g.r.IntN(len(n))] }

func (g *corpusGen) ipv6() string {
	switch g.r.IntN(5) {
	case 0:
		return g.fill("2001:0db8:XXXX:XXXX:XXXX:XXXX:XXXX:XXXX")
	case 1:
		return g.fill("2001:db8:XXX::XX:X")
	case 2:
		return g.fill("fe80::XXX:XXff:fe1X:XXXX%eth0")
	case 3:
		return g.fill("::ffff:10.N.N.NN")
	}
	return g.fill("2a02:XXXX:X::1")
}

// phone returns a number as people write it in one of many countries.
func (g *corpusGen) phone() string {
	formats := []string{
		"+1 (MNN) MNN-NNNN", "+1-MNN-MNN-NNNN", "+1 MNN MNN NNNN", "+1.MNN.MNN.NNNN", "(MNN) MNN-NNNN", "MNN-MNN-NNNN", "MNN.MNN.NNNN", "+1MNNMNNNNNN",
		"+44 20 NNNN NNNN", "+44 (0)20 NNNN NNNN", "+44 7NNN NNNNNN", "020 NNNN NNNN", "07NNN NNNNNN", "+447NNNNNNNNN",
		"+33 1 NN NN NN NN", "+33 6 NN NN NN NN", "+33 (0)1 NN NN NN NN", "0033 1 NN NN NN NN", "01 NN NN NN NN", "06.NN.NN.NN.NN", "+33.6.NN.NN.NN.NN", "+336NNNNNNNN",
		"+49 30 NNNNNNN", "+49 (0)30 NNNN NNN", "+49 151 NNNNNNNN", "030 NNNNNNN", "(030) NNNNNNN", "0151-NNNNNNNN", "+49-89-NNNNNNN",
		"+39 06 NNNN NNNN", "+39 3NN NNN NNNN", "06 NNNN NNNN", "+39.02.NNNN.NNNN",
		"+34 91N NNN NNN", "+34 6NN NN NN NN", "+34-91N-NNN-NNN",
		"+31 20 NNN NNNN", "+31 6 NNNNNNNN", "020-NNN NNNN", "06-NNNNNNNN",
		"+46 8 NNN NNN NN", "+46 70 NNN NN NN", "08-NNN NNN NN", "070-NNN NN NN",
		"+91 NNNNN NNNNN", "+91-NNNNN-NNNNN", "0MNNNN NNNNN",
		"+81 3-NNNN-NNNN", "+81 90-NNNN-NNNN", "03-NNNN-NNNN", "090-NNNN-NNNN",
		"+61 2 NNNN NNNN", "+61 4NN NNN NNN", "(02) NNNN NNNN", "04NN NNN NNN",
		"(+44) 20 NNNN NNNN", "(+33) 1 NN NN NN NN", "001 MNN MNN NNNN", "00 44 20 NNNN NNNN",
		"+55 11 9NNNN-NNNN", "+55 (11) 9NNNN-NNNN", "+41 44 NNN NN NN", "+48 NNN NNN NNN", "+353 1 NNN NNNN", "+86 10 NNNN NNNN",
	}
	return g.fill(formats[g.r.IntN(len(formats))])
}

// card returns a Luhn-valid number of a card scheme, grouped or not.
func (g *corpusGen) card() string {
	var d string
	switch g.r.IntN(7) {
	case 0, 1:
		d = "4" + g.digits(14)
	case 2:
		d = g.pick("51", "52", "53", "54", "55") + g.digits(13)
	case 3:
		d = fmt.Sprint(2221+g.r.IntN(500)) + g.digits(11)
	case 4:
		d = g.pick("34", "37") + g.digits(12)
	case 5:
		d = "6011" + g.digits(11)
	default:
		d = "35" + g.digits(13)
	}
	d += luhnDigit(d)
	sep := g.pick("", "", " ", "-")
	if sep == "" {
		return d
	}
	if len(d) == 15 {
		return d[:4] + sep + d[4:10] + sep + d[10:]
	}
	var parts []string
	for i := 0; i < len(d); i += 4 {
		parts = append(parts, d[i:min(i+4, len(d))])
	}
	return strings.Join(parts, sep)
}

func luhnDigit(d string) string {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return fmt.Sprint((10 - sum%10) % 10)
}

func (g *corpusGen) nationalID() string {
	if g.r.IntN(2) == 0 {
		return fmt.Sprintf("%03d-%02d-%04d", 1+g.r.IntN(665), 1+g.r.IntN(99), 1+g.r.IntN(9999))
	}
	nino := g.pick("AB", "CE", "JG", "PR", "TW", "ZX") + g.digits(6) + g.pick("A", "B", "C", "D")
	if g.r.IntN(2) == 0 {
		nino = nino[:2] + " " + nino[2:4] + " " + nino[4:6] + " " + nino[6:8] + " " + nino[8:]
	}
	return nino
}

// secret is a password or key as people choose them.
func (g *corpusGen) secret() string {
	switch g.r.IntN(6) {
	case 0:
		return g.pick("hunter", "swordfish", "letmein", "Summer", "Winter") + g.digits(2+g.r.IntN(3))
	case 1:
		return g.chars(12, alnumSet) + "!"
	case 2:
		return g.chars(20+g.r.IntN(20), base64Set)
	case 3:
		return "P@ss" + g.chars(6, alnumSet) + "#" + g.digits(2)
	case 4:
		return g.chars(32, hexSet)
	}
	return g.chars(8, lowerSet) + "-" + g.chars(8, lowerSet) + "-" + g.digits(4)
}

func (g *corpusGen) jwt() string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"`+g.pick("HS256", "RS256", "ES256")+`","typ":"JWT"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"sub":"%s","iat":%d}`, g.digits(8), 1700000000+g.r.IntN(1e8)))) + "." + g.chars(43, alnumSet+"_-")
}

// tokenPatterns are cloud and SaaS credentials as their vendors issue
// them, written for fill with ^ for an upper-case letter or 2-7, # for a
// letter or digit and * for a base64url character.
var tokenPatterns = []string{
	"AKIA" + strings.Repeat("^", 16), "ASIA" + strings.Repeat("^", 16),
	"ghp_" + strings.Repeat("#", 36), "gho_" + strings.Repeat("#", 36), "ghs_" + strings.Repeat("#", 36),
	"github_pat_" + strings.Repeat("#", 22) + "_" + strings.Repeat("#", 59),
	"xoxb-NNNNNNNNNNNN-NNNNNNNNNNNNN-" + strings.Repeat("#", 24), "xoxp-NNNNNNNNNNNN-NNNNNNNNNNNNN-" + strings.Repeat("#", 24),
	"sk_live_" + strings.Repeat("#", 24), "rk_live_" + strings.Repeat("#", 99), "pk_live_" + strings.Repeat("#", 34),
	"AIza" + strings.Repeat("*", 35), "glpat-" + strings.Repeat("*", 20), "npm_" + strings.Repeat("#", 36),
	"SG." + strings.Repeat("*", 22) + "." + strings.Repeat("*", 43), "sk-proj-" + strings.Repeat("*", 48),
	"ya29." + strings.Repeat("*", 60), "dop_v1_" + strings.Repeat("X", 64), "hvs." + strings.Repeat("#", 24),
	"shpat_" + strings.Repeat("X", 32),
}

// planted returns a record with values of kind in one of its contexts.
func (g *corpusGen) planted(kind string) record {
	p := g.prefix()
	one := func(v, line string) record { return record{kind: kind, lines: []string{line}, planted: []string{v}} }
	switch kind {
	case "email":
		v := g.email()
		return one(v, g.pick(
			p+"user "+v+" signed in from the portal",
			g.json(`"user":"`+v+`","action":"login"`),
			p+"postfix/smtp[311]: 4F2A1C: to=<"+v+">, relay=mx."+g.word()+".example:25, status=sent",
			p+"From: "+strings.ToUpper(g.name()[:1])+g.name()[1:]+" <"+v+">",
			p+"sending reset link to mailto:"+v,
			p+"email="+v+" plan=pro seats=12",
			"  <contact><email>"+v+"</email></contact>",
			"  email: "+v,
			p+`"GET /api/v1/users?email=`+v+`&page=1 HTTP/1.1" 200 512`,
		))
	case "ipv4":
		v := g.ipv4()
		return one(v, g.pick(
			p+"Accepted publickey for deploy from "+v+" port "+fmt.Sprint(1024+g.r.IntN(60000))+" ssh2",
			g.json(`"remote_addr":"`+v+`","status":200`),
			v+` - - [23/Nov/2026:10:15:22 +0100] "GET /static/app.js HTTP/1.1" 200 5123 "-" "curl/8.5.0"`,
			p+"connection to /"+v+":5432 refused after 30000 ms",
			p+"X-Forwarded-For: "+v,
			p+"upstream="+v+":8080 upstream_response_time=0.012",
			p+"client ["+v+"] closed keepalive connection",
			"  <host ip=\""+v+"\" port=\"443\"/>",
		))
	case "ipv6":
		v := g.ipv6()
		return one(v, g.pick(
			p+"IN=eth0 SRC="+v+" DST=ff02::fb LEN=60 TTL=64",
			g.json(`"client_ip":"`+v+`"`),
			p+"connect to ["+v+"]:443 timed out",
			p+"lease "+v+" to 00:1a:2b:3c:4d:5e at 12:30:45",
			p+"from "+v+": connection closed",
		))
	case "phone":
		v := g.phone()
		return one(v, g.pick(
			p+"callback to "+v+" failed, retrying in 30 s",
			g.json(`"phone":"`+v+`","country":"`+g.pick("FR", "DE", "GB", "US", "JP")+`"`),
			p+"SMS sent to "+v,
			p+"phone="+strings.ReplaceAll(v, " ", "")+" verified=true",
			"  <phone>"+v+"</phone>",
			"  mobile: \""+v+"\"",
			p+"Tel: "+g.fill(g.pick("NN NN NN NN", "NNN NN NNN", "NNNN NNNN"))+" (Denmark, Norway, Singapore)",
			p+"Customer called from "+v+" about case 01234567",
			p+"Tel.: "+v+", Fax: "+v,
		))
	case "card":
		v := g.card()
		return one(v, g.pick(
			p+"charge failed for "+v+": insufficient funds",
			g.json(`"event":"payment","card":"`+v+`","amount":1299`),
			p+"card="+strings.ReplaceAll(v, " ", "")+" exp=12/29",
			p+"card "+v+" cvv="+g.digits(3),
			"  <cardNumber>"+v+"</cardNumber>",
			p+"PAN: "+v,
			`{"event":"charge","card_number":`+strings.NewReplacer(" ", "", "-", "").Replace(v)+`}`,
		))
	case "national-id":
		v := g.nationalID()
		return one(v, g.pick(
			p+"SSN "+v+" on file for customer",
			g.json(`"ssn":"`+v+`"`),
			p+"ni_number="+strings.ReplaceAll(v, " ", "")+" checked",
			p+"NI number "+v+" verified",
			p+"ssn="+strings.ReplaceAll(strings.ReplaceAll(v, "-", ""), " ", "")+" matched",
		))
	case "credential":
		v := g.secret()
		host := g.word() + ".internal.example"
		user := strings.ReplaceAll(g.name(), "ü", "u")
		userinfo := url.UserPassword(user, v).String()
		basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + v))
		query := g.chars(40, alnumSet)
		aws := g.chars(40, base64Set)
		xmlTag := g.pick("password", "Password", "secret", "apiKey", "ClientSecret")
		cases := []struct{ value, line string }{
			{userinfo[len(user)+1:], p + "connecting to " + g.pick("postgres", "mysql", "redis", "amqp", "mongodb+srv", "https", "ftp", "smtp") + "://" + userinfo + "@" + host + ":5432/app"},
			{v, p + "Server=" + host + ";Database=app;User Id=" + user + ";Password=" + v + ";Encrypt=true"},
			{basic, p + "Authorization: Basic " + basic},
			{basic, p + "Proxy-Authorization: Basic " + basic},
			{v, p + "Cookie: SESSION=" + g.chars(32, hexSet) + "; remember=" + v},
			{v, p + "Set-Cookie: sid=" + v + "; Path=/; HttpOnly; Secure"},
			{v, p + "X-Api-Key: " + v},
			{v, p + g.pick("password", "db_password", "DB_PASSWORD", "secret", "api_key", "client_secret", "access_token", "refresh_token", "PGPASSWORD", "passphrase", "pwd", "auth_token", "session_id") + "=" + v + " user=" + user},
			{v, "  " + g.pick("password", "client_secret", "secret_key", "apiKey", "token") + ": " + g.pick(v, `"`+v+`"`)},
			{v, "  secret_key: '" + v + "'"},
			{v, g.json(`"user":"` + user + `","` + g.pick("password", "apiKey", "clientSecret", "access_token", "privateKey", "secret") + `":"` + v + `"`)},
			{v, g.json(`"msg":"config loaded","payload":"{\"password\":\"` + v + `\"}"`)},
			{v, "  <" + xmlTag + ">" + v + "</" + xmlTag + ">"},
			{v, `  <add key="` + g.pick("DbPassword", "ApiKey", "ClientSecret") + `" value="` + v + `"/>`},
			{v, `  <property name="` + g.pick("password", "jdbc.password", "secret") + `" value="` + v + `"/>`},
			{v, `  <user name="` + user + `" password="` + v + `" roles="admin"/>`},
			{query, p + `"GET /api/v2/export?` + g.pick("access_token", "api_key", "token", "sig", "X-Amz-Signature") + "=" + query + `&page=2 HTTP/1.1" 200 2326`},
			{v, p + "exec: backup --host " + host + " --user " + user + " --password=" + v},
			{v, p + "exec: pg_dump --password " + v + " --dbname app"},
			{aws, "export AWS_SECRET_ACCESS_KEY=" + aws},
			{aws, g.json(`"AccessKeyId":"` + g.pick("ASIA", "AKIA") + g.chars(16, upperSet+"234567") + `","SecretAccessKey":"` + aws + `"`)},
			{aws, "aws_secret_access_key = " + aws},
			{v, p + `config: {"name":"password","value":"` + v + `"}`},
			{v, p + "spring.datasource.password=" + v},
			{v, p + "pass=" + v + " host=" + host},
			{v, p + "Ocp-Apim-Subscription-Key: " + v},
			{basic, p + "request headers map[Authorization:[Basic " + basic + "] User-Agent:[Go-http-client/1.1]]"},
			{aws, p + "AWS Secret Access Key: " + aws},
			{v, "  <db:password>" + v + "</db:password>"},
			{v, `  <entry key="password">` + v + `</entry>`},
			{v, "  <Password><![CDATA[" + v + "]]></Password>"},
			{v, `  <password type="string">` + v + `</password>`},
			{query, p + `Authorization: Digest username="` + user + `", realm="api", nonce="` + g.chars(16, hexSet) + `", response="` + query + `"`},
		}
		c := cases[g.r.IntN(len(cases))]
		return one(c.value, c.line)
	case "token":
		switch g.r.IntN(6) {
		case 0:
			v := g.jwt()
			return one(v, g.pick(p+"Authorization: Bearer "+v, g.json(`"headers":{"Authorization":"Bearer `+v+`"}`), p+"id_token="+v, p+"verifying token "+v+" for "+g.word()))
		case 1:
			v := g.chars(40, alnumSet+"-._~")
			return one(v, g.pick(p+"Authorization: Bearer "+v, p+"curl -H 'Authorization: Bearer "+v+"' https://api."+g.word()+".example/v1"))
		case 2:
			v := "https://hooks.slack.com/services/T" + g.chars(8, upperSet+digitSet) + "/B" + g.chars(8, upperSet+digitSet) + "/" + g.chars(24, alnumSet)
			secret := v[len("https://hooks.slack.com/services/"):]
			return record{kind: kind, lines: []string{p + "posting alert to " + v + " failed: 404"}, planted: []string{secret}}
		}
		v := g.fill(g.pick(tokenPatterns...))
		return one(v, g.pick(
			p+"using credentials "+v+" for s3://"+g.word()+"-backups",
			p+"token "+v+" expired",
			g.json(`"key":"`+v+`"`),
			p+"curl -H 'Authorization: token "+v+"' https://api.github.com/user",
			"  key_id: "+v,
			p+"loaded "+v+" from environment",
			p+"GITHUB_TOKEN="+v,
		))
	case "private-key":
		label := g.pick("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
		var body []string
		for range 3 + g.r.IntN(8) {
			body = append(body, g.chars(64, base64Set))
		}
		body = append(body, g.chars(20, base64Set)+"==")
		if g.r.IntN(4) == 0 {
			v := strings.Join(body, `\n`)
			return record{kind: kind, lines: []string{g.json(`"private_key_pem":"-----BEGIN ` + label + `-----\n` + v + `\n-----END ` + label + `-----\n"`)}, planted: body}
		}
		lines := []string{g.pick(p+"loaded key: ", "") + "-----BEGIN " + label + "-----"}
		if g.r.IntN(4) == 0 {
			lines[0] = "-----BEGIN PGP PRIVATE KEY BLOCK-----"
			lines = append(lines, "Version: GnuPG v2", "")
			label = "PGP PRIVATE KEY BLOCK"
			body = append(body, "="+g.chars(4, base64Set))
		}
		lines = append(lines, body...)
		lines = append(lines, "-----END "+label+"-----")
		return record{kind: kind, lines: lines, planted: body}
	}
	panic(kind)
}

// ordinary returns a line that must come out as it went in.
func (g *corpusGen) ordinary(kind string) record {
	p := g.prefix()
	var line string
	switch kind {
	case "timestamps":
		line = g.pick(
			p+fmt.Sprintf("job finished at 2026-11-23T10:15:22.%09dZ", g.r.IntN(1e9)),
			p+"window 23/Nov/2026:10:15:22 +0100 to 23/Nov/2026:11:15:22 +0100",
			p+"Date: Mon, 23 Nov 2026 10:15:22 GMT",
			p+fmt.Sprintf("epoch=%d epoch_ms=%d", 1700000000+g.r.IntN(1e8), 1700000000000+g.r.Int64N(1e11)),
			p+"snapshot 20261123T101522Z written",
			p+"next run 2026-11-24 03:00:00.000+01:00 (in 16h44m38s)",
			p+fmt.Sprintf("Last-Modified: 2026-11-%02d 10:15:22 UTC, 01.02.2026 10:15, 05/12/2026", 1+g.r.IntN(28)),
			p+"tz offset +0100 +05:30 -0800 took +12.5%",
			p+fmt.Sprintf("started at 2026-11-23 10:15:22.%09d +0000 UTC m=+%d.%09d", g.r.IntN(1e9), g.r.IntN(9999), g.r.IntN(1e9)),
		)
	case "durations":
		line = g.pick(
			p+fmt.Sprintf("request served in %d.%03ds (db %dms, render %dµs)", g.r.IntN(9), g.r.IntN(1000), g.r.IntN(900), g.r.IntN(9000)),
			p+fmt.Sprintf("elapsed=%dms latency_ms=%d p99=%d.%dms", g.r.IntN(10000), g.r.IntN(5000), g.r.IntN(900), g.r.IntN(9)),
			p+fmt.Sprintf("retry in 1h2m%d.5s, backoff 00:00:%02d", g.r.IntN(60), g.r.IntN(60)),
		)
	case "nanosecond counters":
		n := func() string { return fmt.Sprint(1e12 + g.r.Int64N(9e18)) }
		line = g.pick(
			fmt.Sprintf(`{"ts":%d,"level":"debug","msg":"span","duration_ns":%s,"elapsed_ns":%s}`, 1732358122000000000+g.r.Int64N(1e15), n(), n()),
			fmt.Sprintf(`{"name":"GET /api","start_time_unix_nano":%s,"end_time_unix_nano":%s}`, n(), n()),
			p+fmt.Sprintf("gc pause %s ns, heap_bytes=%s", n(), n()),
			fmt.Sprintf(`{"t_us":%s,"seq":%s,"offset":%s,"size":%s}`, n(), n(), n(), n()),
			fmt.Sprintf(`{"metric":"http.server.duration","value":%s,"sum":%s,"count":%d,"startTimeUnixNano":"%s"}`, n(), n(), g.r.IntN(1e6), n()),
			fmt.Sprintf(`{"span":"db","dur":%s,"cpu":%s}`, n(), n()),
		)
	case "ids and hashes":
		uuid := g.fill("XXXXXXXX-XXXX-4XXX-8XXX-XXXXXXXXXXXX")
		line = g.pick(
			p+"request_id="+uuid+" trace_id="+g.chars(32, hexSet)+" span_id="+g.chars(16, hexSet),
			p+"deployed commit "+g.chars(40, hexSet)+" ("+g.chars(7, hexSet)+")",
			p+"sha256="+g.chars(64, hexSet)+" image@sha256:"+g.chars(64, hexSet),
			g.json(`"case":"`+uuid+`","object":"java.lang.Object@`+g.chars(8, hexSet)+`"`),
			p+"order "+g.digits(10)+" ticket 555-"+g.digits(4)+" txn 2026-11-23-"+g.digits(6)+" case 00"+g.digits(6),
		)
	case "versions":
		line = g.pick(
			p+fmt.Sprintf("upgraded agent v1.%d.%d.%d to 4.0.30319.42000 (Version=4.0.0.0)", g.r.IntN(9), g.r.IntN(9), g.r.IntN(9)),
			p+fmt.Sprintf("go1.22.%d linux/amd64, openssl 3.0.%d, kernel 5.15.0-%d-generic", g.r.IntN(9), g.r.IntN(15), g.r.IntN(120)),
			p+"build 20261123."+g.digits(4)+", ISBN 978-3-16-148410-0, chart 12.4.1-rc.2",
			"\tat com.example.billing.PaymentService.charge(PaymentService.java:142) ~[billing-3.2.1.jar:3.2.1]",
		)
	case "ports and sizes":
		line = g.pick(
			p+fmt.Sprintf("listening on :%d and [::]:%d", 1024+g.r.IntN(60000), 1024+g.r.IntN(60000)),
			p+fmt.Sprintf("wrote %d bytes (%d.%d MiB) to /var/lib/caseport/files/%s", g.r.IntN(1e9), g.r.IntN(900), g.r.IntN(9), g.chars(2, hexSet)),
			p+fmt.Sprintf("Range: bytes=0-%d, Content-Length: %d", g.r.IntN(1e6), g.r.IntN(1e9)),
			p+fmt.Sprintf("pool size=%d max=%d idle=%d, 1 234 567 rows", g.r.IntN(100), g.r.IntN(1000), g.r.IntN(50)),
		)
	case "http":
		line = g.pick(
			"HTTP/1.1 "+g.pick("200 OK", "404 Not Found", "503 Service Unavailable", "302 Found"),
			`lb-internal - - [23/Nov/2026:10:15:22 +0100] "GET /api/v2/orders/`+g.digits(6)+`?page=2&limit=25 HTTP/1.1" 200 `+g.digits(4)+` "-" "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.71"`,
			p+"POST /api/v1/cases/"+g.digits(5)+"/files 201 Created in 42ms",
			"Content-Type: application/json; charset=utf-8",
			"Cache-Control: max-age=3600, must-revalidate",
		)
	case "stack traces":
		line = g.pick(
			"\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:"+g.digits(3)+")",
			"Caused by: java.io.IOException: Broken pipe",
			"goroutine "+g.digits(3)+" [running]:",
			"\t/usr/local/go/src/runtime/panic.go:770 +0x132",
			"main.(*Server).handle(0xc000124000, {0x7f1c2a, 0x10})",
			`  File "/app/caseport/views.py", line `+g.digits(3)+`, in handler`,
			"Traceback (most recent call last):",
			"KeyError: 'user_id'",
			"    at Object.<anonymous> (/srv/app/index.js:12:15)",
		)
	case "sql":
		line = g.pick(
			p+"SELECT id, summary FROM cases WHERE sold_to = $1 AND status IN ('open','pending') ORDER BY id DESC LIMIT 25",
			p+"UPDATE cases SET updated_at = '2026-11-23 10:15:22.123456' WHERE id = "+g.digits(5),
			p+"INSERT INTO contacts (email, password_hash, pin) VALUES ($1, $2, $3)",
			p+"SELECT * FROM api_tokens WHERE token = ? AND revoked_at IS NULL",
			p+"duration: "+g.digits(2)+".123 ms  statement: SELECT count(*) FROM feed",
		)
	case "paths":
		line = g.pick(
			p+"reading /var/log/nginx/access.log.2.gz",
			p+`loading C:\Program Files\Caseport\caseport.exe`,
			p+"release /home/deploy/releases/20261123101522/config/app.yml",
			p+"open /proc/"+g.digits(4)+"/status: no such file",
		)
	case "app messages":
		line = g.pick(
			p+"Accepted password for admin from the console",
			p+"max_tokens=512 tokens_used=100 passwordless=true key_count=3 monkey=ok",
			p+"token_type=bearer expires_in=3600 scope=read",
			p+"password changed for user "+g.digits(4)+"; session expired; secret_name=db-creds",
			p+fmt.Sprintf("batch %d done in %d ms, %d records", g.r.IntN(1e6), g.r.IntN(5000), g.r.IntN(1e4)),
			fmt.Sprintf("[%d.%06d] eth0: link up, 1000 Mbps, full duplex", g.r.IntN(99999), g.r.IntN(1e6)),
			p+"std::vector<int> A::B, cpu=12.5% mem=1024MiB hex 0000: 48 65 6c 6c 6f",
			"00000010: 00 11 22 33 44 55 66 77 88 99 00 11 22 33 44 55  ..\"3DUfw..\"3DU",
			p+"load average: 0.52 0.58 0.59, 01.02.2026 10:15:22, 23.11.2026",
			p+`{"msg":"token refreshed","password_reset_required":false,"secret":null}`,
			p+"ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)",
		)
	case "certificates":
		lines := []string{p + "server certificate:", "-----BEGIN CERTIFICATE-----"}
		for range 3 + g.r.IntN(6) {
			lines = append(lines, g.chars(64, base64Set))
		}
		lines = append(lines, g.chars(12, base64Set)+"==", "-----END CERTIFICATE-----")
		return record{kind: "ordinary/" + kind, lines: lines}
	default:
		panic(kind)
	}
	return record{kind: "ordinary/" + kind, lines: []string{line}}
}

var (
	plantedKinds  = []string{"email", "ipv4", "ipv6", "phone", "card", "national-id", "credential", "token", "private-key"}
	ordinaryKinds = []string{"timestamps", "durations", "nanosecond counters", "ids and hashes", "versions", "ports and sizes", "http", "stack traces", "sql", "paths", "app messages", "certificates"}
)

// qualityCorpus returns n records, about one in three planted.
func qualityCorpus(seed uint64, n int) []record {
	g := &corpusGen{r: rand.New(rand.NewPCG(seed, 9))}
	out := make([]record, 0, n)
	for range n {
		if g.r.IntN(3) == 0 {
			out = append(out, g.planted(plantedKinds[g.r.IntN(len(plantedKinds))]))
		} else {
			out = append(out, g.ordinary(ordinaryKinds[g.r.IntN(len(ordinaryKinds))]))
		}
	}
	return out
}

type score struct{ total, ok int }

func (s score) rate() float64 { return 100 * float64(s.ok) / float64(max(s.total, 1)) }

// judge compares the masked lines with the records: a planted record (a
// value, or a private key block of many lines) counts as masked when no
// line of it holds any of its values any more.
func judge(records []record, masked []string) (map[string]*score, error) {
	scores := map[string]*score{}
	at := 0
	for _, rec := range records {
		if at+len(rec.lines) > len(masked) {
			return nil, fmt.Errorf("the masked log has %d lines, fewer than the corpus", len(masked))
		}
		out := strings.Join(masked[at:at+len(rec.lines)], "\n")
		at += len(rec.lines)
		s := scores[rec.kind]
		if s == nil {
			s = &score{}
			scores[rec.kind] = s
		}
		if rec.planted == nil {
			s.total++
			if out == strings.Join(rec.lines, "\n") {
				s.ok++
			}
			continue
		}
		s.total++
		if !slices.ContainsFunc(rec.planted, func(v string) bool { return strings.Contains(out, v) }) {
			s.ok++
		}
	}
	return scores, nil
}

func totals(scores map[string]*score) (recall, untouched score) {
	for k, s := range scores {
		if strings.HasPrefix(k, "ordinary/") {
			untouched.total += s.total
			untouched.ok += s.ok
		} else {
			recall.total += s.total
			recall.ok += s.ok
		}
	}
	return recall, untouched
}

// TestQuality masks a generated corpus that no other test uses: at least
// 99% of the planted values of every kind together are masked, and at
// least 98% of the ordinary lines come out untouched.
func TestQuality(t *testing.T) {
	t.Parallel()
	records := qualityCorpus(2026, 20000)
	var in bytes.Buffer
	for _, rec := range records {
		for _, l := range rec.lines {
			in.WriteString(l)
			in.WriteByte('\n')
		}
	}
	if *corpusOut != "" {
		if err := os.WriteFile(*corpusOut, in.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out []byte
	if *maskedIn != "" {
		var err error
		if out, err = os.ReadFile(*maskedIn); err != nil {
			t.Fatal(err)
		}
	} else {
		out = []byte(maskString(t, mask.New(mask.Options{}), in.String()))
	}
	scores, err := judge(records, strings.Split(string(out), "\n"))
	if err != nil {
		t.Fatal(err)
	}
	recall, untouched := totals(scores)
	if *qualityOnly || testing.Verbose() {
		kinds := slices.Sorted(func(yield func(string) bool) {
			for k := range scores {
				if !yield(k) {
					return
				}
			}
		})
		fmt.Printf("| kind | records | masked or untouched |\n|---|---:|---:|\n")
		for _, k := range kinds {
			fmt.Printf("| %s | %d | %.1f%% |\n", k, scores[k].total, scores[k].rate())
		}
		fmt.Printf("| **all planted** | %d | %.2f%% |\n| **all ordinary** | %d | %.2f%% |\n", recall.total, recall.rate(), untouched.total, untouched.rate())
	}
	if *maskedIn != "" {
		if *qualityOnly {
			showMisses(t, records, strings.Split(string(out), "\n"))
		}
		return // another tool's figures are reported, not held to ours
	}
	if recall.rate() < 99 {
		t.Errorf("masked %.2f%% of planted values, want 99%% at least", recall.rate())
	}
	if untouched.rate() < 98 {
		t.Errorf("%.2f%% of ordinary lines untouched, want 98%% at least", untouched.rate())
	}
	for k, s := range scores {
		if s.rate() < 95 {
			t.Errorf("%s: %.1f%% (of %d)", k, s.rate(), s.total)
		}
	}
	if t.Failed() || *qualityOnly {
		showMisses(t, records, strings.Split(string(out), "\n"))
	}
}

// showMisses logs a few records the masker got wrong, to see why.
func showMisses(t *testing.T, records []record, masked []string) {
	t.Helper()
	at, shown := 0, map[string]int{}
	for _, rec := range records {
		out := strings.Join(masked[at:at+len(rec.lines)], "\n")
		at += len(rec.lines)
		bad := rec.planted == nil && out != strings.Join(rec.lines, "\n")
		for _, v := range rec.planted {
			bad = bad || strings.Contains(out, v)
		}
		if bad && shown[rec.kind] < 4 {
			shown[rec.kind]++
			t.Logf("%s:\n in: %s\nout: %s", rec.kind, strings.Join(rec.lines, "\n"), out)
		}
	}
}
