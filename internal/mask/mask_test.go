package mask_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/mask"
)

func maskString(t *testing.T, m *mask.Masker, in string) string {
	t.Helper()
	var out bytes.Buffer
	w := mask.NewWriter(&out, m)
	if _, err := w.Write([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// Each case is one line of a log as a product writes it, and the line as
// it must come out: every planted value masked, everything else as it was.
func TestMaskLogFormats(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, want string }{
		// syslog
		{
			"syslog ssh login",
			"Nov 23 10:15:22 web-01.prod.example sshd[4242]: Accepted password for admin from 192.168.10.24 port 52113 ssh2",
			"Nov 23 10:15:22 web-01.prod.example sshd[4242]: Accepted password for admin from <ipv4> port 52113 ssh2",
		},
		{
			"syslog mail",
			"Nov 23 10:15:23 mx1 postfix/smtp[311]: 4F2A1C: to=<jane.doe@customer.example>, relay=mx.customer.example[203.0.113.7]:25, delay=0.52, status=sent (250 2.0.0 OK)",
			"Nov 23 10:15:23 mx1 postfix/smtp[311]: 4F2A1C: to=<<email>>, relay=mx.customer.example[<ipv4>]:25, delay=0.52, status=sent (250 2.0.0 OK)",
		},
		{
			"syslog ipv6",
			"<34>1 2026-11-23T10:15:24.003Z gw01 kernel - - - IN=eth0 SRC=2001:db8:85a3::8a2e:370:7334 DST=fe80::1%eth0 LEN=60 TTL=64",
			"<34>1 2026-11-23T10:15:24.003Z gw01 kernel - - - IN=eth0 SRC=<ipv6> DST=<ipv6> LEN=60 TTL=64",
		},
		{
			"syslog full ipv6 next to a MAC address and a time",
			"Nov 23 10:15:25 dhcpd: lease 2001:0db8:0000:0000:0000:ff00:0042:8329 to 00:1a:2b:3c:4d:5e at 12:30:45",
			"Nov 23 10:15:25 dhcpd: lease <ipv6> to 00:1a:2b:3c:4d:5e at 12:30:45",
		},

		// JSON lines
		{
			"json credentials",
			`{"ts":"2026-11-23T10:15:22.123+01:00","level":"info","user":"bob@example.org","password":"hunter2 with \"quotes\"","api_key":"AKIA1234567890","retries":3}`,
			`{"ts":"2026-11-23T10:15:22.123+01:00","level":"info","user":"<email>","password":"<credential>","api_key":"<credential>","retries":3}`,
		},
		{
			"json header and jwt",
			`{"headers":{"Authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U","X-Request-Id":"c0ffee-42"},"latency_ms":1700000000123}`,
			`{"headers":{"Authorization":"Bearer <token>","X-Request-Id":"c0ffee-42"},"latency_ms":1700000000123}`,
		},
		{
			"json card and phone",
			`{"event":"payment","card":"4111 1111 1111 1111","order":"1234567890123456","phone":"+44 20 7946 0958","version":"10.4.2.1"}`,
			`{"event":"payment","card":"<card>","order":"1234567890123456","phone":"<phone>","version":"10.4.2.1"}`,
		},

		// Apache access log
		{
			"apache access",
			`198.51.100.23 - frank [10/Oct/2026:13:55:36 -0700] "GET /api/orders?token=abc123def456&page=2 HTTP/1.1" 200 2326 "https://portal.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.71"`,
			`<ipv4> - frank [10/Oct/2026:13:55:36 -0700] "GET /api/orders?token=<credential>&page=2 HTTP/1.1" 200 2326 "https://portal.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.71"`,
		},
		{
			"apache url credentials",
			`10.0.0.5 - - [10/Oct/2026:13:55:37 +0100] "GET /sync HTTP/1.1" 302 0 "ftp://deploy:S3cr3t!@files.example.net/drop" "curl/8.5.0"`,
			`<ipv4> - - [10/Oct/2026:13:55:37 +0100] "GET /sync HTTP/1.1" 302 0 "ftp://<credential>@files.example.net/drop" "curl/8.5.0"`,
		},

		// Java stack traces
		{
			"java exception",
			`2026-11-23 10:15:22,123 ERROR [main] c.e.billing.PaymentService - Charge failed for 5500-0000-0000-0004 of customer 078-05-1120: connection to jdbc:postgresql://db01:5432/billing?user=app&password=pa55w0rd refused`,
			`2026-11-23 10:15:22,123 ERROR [main] c.e.billing.PaymentService - Charge failed for <card> of customer <national-id>: connection to jdbc:postgresql://db01:5432/billing?user=app&password=<credential> refused`,
		},
		{
			"java frame",
			"\tat com.example.billing.PaymentService.charge(PaymentService.java:142) ~[billing-3.2.1.jar:3.2.1]",
			"\tat com.example.billing.PaymentService.charge(PaymentService.java:142) ~[billing-3.2.1.jar:3.2.1]",
		},
		{
			"java caused by",
			"Caused by: java.net.ConnectException: Connection refused (Connection refused) to /172.16.254.1:8443 after 30000 ms",
			"Caused by: java.net.ConnectException: Connection refused (Connection refused) to /<ipv4>:8443 after 30000 ms",
		},

		// Ordinary content that looks a little like sensitive data.
		{
			"versions and hashes",
			"Upgraded agent v1.2.3.4 to 4.0.30319.42000 (Version=4.0.0.0) sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			"Upgraded agent v1.2.3.4 to 4.0.30319.42000 (Version=4.0.0.0) sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		},
		{
			"numbers that are not card numbers",
			"processed 4111111111111112 bytes in 1700000000123 ns; txn 2026-11-23-000123; build 20261123.1015; std::vector<int> A::B",
			"processed 4111111111111112 bytes in 1700000000123 ns; txn 2026-11-23-000123; build 20261123.1015; std::vector<int> A::B",
		},
		{
			"time zones and dates are not phone numbers",
			"2026-11-23T10:15:22+0100 took +12.5% on 2026-11-23 (ticket 555-0100) at 2026-12-01 10:00:00.123456789 +0000 UTC m=+0.001234567 m=+557.680167300",
			"2026-11-23T10:15:22+0100 took +12.5% on 2026-11-23 (ticket 555-0100) at 2026-12-01 10:00:00.123456789 +0000 UTC m=+0.001234567 m=+557.680167300",
		},
		{
			"words near credentials",
			"max_tokens=512 tokens_used=100 passwordless=true key_count=3 monkey=ok",
			"max_tokens=512 tokens_used=100 passwordless=true key_count=3 monkey=ok",
		},

		// Each remaining kind.
		{
			"phones",
			"Call +1 (555) 123-4567 or (555) 987-6543 or 555.321.0000 or +49 30 901820",
			"Call <phone> or <phone> or <phone> or <phone>",
		},
		{
			"national insurance number",
			"NI number AB 12 34 56 C and AB123456D on file",
			"NI number <national-id> and <national-id> on file",
		},
		{
			"headers",
			"Authorization: Basic dXNlcjpwYXNzd29yZA==",
			"Authorization: Basic <credential>",
		},
		{
			"cookie",
			"Cookie: SESSION=8f14e45fceea167a5a36dedd4bea2543; theme=dark",
			"Cookie: <credential>",
		},
		{
			"key value forms",
			"DB_PASSWORD=swordfish client_secret: 'x9y8z7' X-Api-Key: 0123456789abcdef pwd=letmein;",
			"DB_PASSWORD=<credential> client_secret: '<credential>' X-Api-Key: <credential> pwd=<credential>;",
		},
		{
			"phones of other countries",
			"rappel au +33 1 23 45 67 89, au 06.12.34.56.78 ou au 01 23 45 67 89; Berlin +49 (0)30 1234 567, 030 901820; Tokyo 03-1234-5678; +91 98765 43210",
			"rappel au <phone>, au <phone> ou au <phone>; Berlin <phone>, <phone>; Tokyo <phone>; <phone>",
		},
		{
			"cloud and SaaS credentials by their shape",
			"keys AKIAIOSFODNN7EXAMPLE ghp_abcdefghijklmnopqrstuvwxyz0123456789 xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx sk_live_4eC39HqLyjWDarjtT1zdp7dc AIzaSyD-abcdefghijklmnopqrstuvwxyz0123 ok",
			"keys <token> <token> <token> <token> <token> ok",
		},
		{
			"aws secret key in context",
			`aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY {"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`,
			`aws_secret_access_key = <credential> {"SecretAccessKey":"<credential>"}`,
		},
		{
			"slack webhook",
			"POST https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX failed",
			"POST https://hooks.slack.com/services/<token> failed",
		},
		{
			"credentials in XML",
			`<db><password>s3cr3t!</password><user name="app" password="hunter2"/><add key="ApiKey" value="k-123456"/></db>`,
			`<db><password><credential></password><user name="app" password="<credential>"/><add key="ApiKey" value="<credential>"/></db>`,
		},
		{
			"more XML and labels",
			`<db:password>a1</db:password> <entry key="password">b2</entry> <Password><![CDATA[c3]]></Password> <password type="string">d4</password> AWS Secret Access Key: e5 Tel: 12 34 56 78`,
			`<db:password><credential></db:password> <entry key="password"><credential></entry> <Password><![CDATA[<credential>]]></Password> <password type="string"><credential></password> AWS Secret Access Key: <credential> Tel: <phone>`,
		},
		{
			"numbers in their contexts",
			`(+44) 20 7946 0958 or 00 44 20 7946 0958; {"card_number":4111111111111111} ssn=078051120 map[Authorization:[Basic dXNlcjpwYXNz] Accept:[*/*]]`,
			`<phone> or <phone>; {"card_number":<card>} ssn=<national-id> map[Authorization:[Basic <credential>] Accept:[*/*]]`,
		},
		{
			"a dump of bytes and dates",
			"00000010: 00 11 22 33 44 55 66 77 88 99 00 11 22 33 44 55 load 0.52 0.58 on 01.02.2026 10:15:22",
			"00000010: 00 11 22 33 44 55 66 77 88 99 00 11 22 33 44 55 load 0.52 0.58 on 01.02.2026 10:15:22",
		},
		{
			"nanosecond counters in JSON",
			`{"ts":1732358122123456789,"duration_ns":4111111111111111,"start_time_unix_nano":4532015112830366}`,
			`{"ts":1732358122123456789,"duration_ns":4111111111111111,"start_time_unix_nano":4532015112830366}`,
		},
		{
			"SQL parameters are not secrets",
			"SELECT * FROM api_tokens WHERE token = ? OR token = $1",
			"SELECT * FROM api_tokens WHERE token = ? OR token = $1",
		},
		{
			"amex and mastercard 2-series",
			"cards 3782 822463 10005 and 2221000000000009",
			"cards <card> and <card>",
		},
		{
			"an & inside a password ends it only in a query string",
			"auth user=ops pwd=Summer&p33s result=fail GET /login?password=x1y2z3&next=/cases body token=abc123&expires=3600",
			"auth user=ops pwd=<credential> result=fail GET /login?password=<credential>&next=/cases body token=<credential>&expires=3600",
		},
		{
			"an address in a query string, URL-encoded",
			`"GET /unsubscribe?email=ravi%2Bsupport%40uni-example.edu&list=news HTTP/1.1" 200`,
			`"GET /unsubscribe?email=<email>&list=news HTTP/1.1" 200`,
		},
		{
			"test results, versions with leading zeros and the any-address are no secrets or addresses",
			"--- PASS: TestCaseFeed (0.22s) tagged portal/api:8.5.112.03 Uvicorn running on http://0.0.0.0:8000",
			"--- PASS: TestCaseFeed (0.22s) tagged portal/api:8.5.112.03 Uvicorn running on http://0.0.0.0:8000",
		},
		{
			"Brazilian numbers with the area code in parentheses",
			"Contact: (11) 96528-7218 (office), fixo (21) 3456-7890",
			"Contact: <phone> (office), fixo <phone>",
		},
		{
			"a 13-digit counter is no card number",
			"tuples: 79933 removed, 4627787288394 remain",
			"tuples: 79933 removed, 4627787288394 remain",
		},
		{
			"what programs write in place of a secret is left",
			`password=xxxxxx token=*** {"password":"[FILTERED]"} Authorization: [REDACTED]`,
			`password=xxxxxx token=*** {"password":"[FILTERED]"} Authorization: [REDACTED]`,
		},
		{
			"PAM's service, kubectl's sizes of secrets",
			"pam_unix(passwd:chauthtok): password changed for bob; password:  16 bytes",
			"pam_unix(passwd:chauthtok): password changed for bob; password:  16 bytes",
		},
		{
			"passwords on command lines and in .netrc",
			"docker run -u 1000:1000 app; curl -u admin:s3cr3t! https://x; mysql -u root -pW1nter! db; redis-cli -a R3dis ping; machine h login bob password n3trc",
			"docker run -u 1000:1000 app; curl -u admin:<credential> https://x; mysql -u root -p<credential> db; redis-cli -a <credential> ping; machine h login bob password <credential>",
		},
		{
			"an SSN with spaces after its key; German, North American numbers",
			"SSN 125 37 3244 call 030/5900777 or 1-800-774-4734",
			"SSN <national-id> call <phone> or <phone>",
		},
		{
			"a long secret after a snake-case key and a space",
			"aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY; missing aws_secret_access_key in config",
			"aws configure set aws_secret_access_key <credential>; missing aws_secret_access_key in config",
		},
		{
			"a secret named by an XML key element; Spain's numbers without a trunk 0",
			"<entry><key>db.password</key><value>hunter22</value></entry> llamar al 612 34 56 78",
			"<entry><key>db.password</key><value><credential></value></entry> llamar al <phone>",
		},
		{
			"xxd's words are no card numbers",
			"00002860: 3137 3536 3936 3636 3836 3033 3037 3239",
			"00002860: 3137 3536 3936 3636 3836 3033 3037 3239",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := maskString(t, mask.New(mask.Options{}), c.in+"\n")
			if got != c.want+"\n" {
				t.Errorf("masked\n %s\ngot\n %s\nwant\n %s", c.in, strings.TrimSuffix(got, "\n"), c.want)
			}
		})
	}
}

func TestConsistentPlaceholders(t *testing.T) {
	t.Parallel()
	m := mask.New(mask.Options{Consistent: true})
	in := "login ann@example.com from 10.1.2.3\n" +
		"login bob@example.com from 10.1.2.4\n" +
		"logout ANN@example.com from 10.1.2.3 and 2001:db8::1 = 2001:DB8:0::1\n" +
		"card 4111-1111-1111-1111 then 4111 1111 1111 1111\n"
	want := "login <email-1> from <ipv4-1>\n" +
		"login <email-2> from <ipv4-2>\n" +
		"logout <email-1> from <ipv4-1> and <ipv6-1> = <ipv6-1>\n" +
		"card <card-1> then <card-1>\n"
	if got := maskString(t, m, in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	sum := mask.FormatSummary(m.Summary())
	if want := "masked 10 values: email 3 (2 different), ipv6 2 (1 different), ipv4 3 (2 different), card 2 (1 different)"; sum != want {
		t.Errorf("summary %q, want %q", sum, want)
	}
}

func TestCustomRules(t *testing.T) {
	t.Parallel()
	rules, err := mask.ParseRules(strings.NewReader(`
# our own identifiers
customer-id   \bCUST-\d{6}\b
db-user	user=(?P<value>\w+)
`))
	if err != nil {
		t.Fatal(err)
	}
	m := mask.New(mask.Options{Rules: rules})
	got := maskString(t, m, "CUST-004217 connected as user=reporting from 10.0.0.9; CUST-12 is not one\n")
	want := "<customer-id> connected as user=<db-user> from <ipv4>; CUST-12 is not one\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	for _, bad := range []struct{ rules, err string }{
		{"customer-id", "rules line 1: want a kind and a pattern"},
		{"\n\nCustomer \\d+", `rules line 3: the kind "Customer"`},
		{"x (unclosed", "rules line 1: error parsing regexp"},
		{"empty a*", "rules line 1: the pattern matches an empty string"},
	} {
		if _, err := mask.ParseRules(strings.NewReader(bad.rules)); err == nil || !strings.Contains(err.Error(), bad.err) {
			t.Errorf("rules %q: error %v, want %q", bad.rules, err, bad.err)
		}
	}
}

// A private key block is masked across its lines, and counted once.
func TestPrivateKeyBlock(t *testing.T) {
	t.Parallel()
	m := mask.New(mask.Options{Consistent: true})
	in := "loaded key: -----BEGIN RSA PRIVATE KEY-----\n" +
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" +
		"  VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n" +
		"-----END RSA PRIVATE KEY----- from 10.0.0.1\n" +
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" +
		`{"pem":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n"}` + "\n"
	want := "loaded key: -----BEGIN RSA PRIVATE KEY-----\n" +
		"<private-key-1>\n" +
		"  <private-key-1>\n" +
		"-----END RSA PRIVATE KEY----- from <ipv4-1>\n" +
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" +
		`{"pem":"-----BEGIN PRIVATE KEY-----<private-key-2>-----END PRIVATE KEY-----\n"}` + "\n"
	if got := maskString(t, m, in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if sum, want := mask.FormatSummary(m.Summary()), "masked 3 values: private-key 2 (2 different), ipv4 1 (1 different)"; sum != want {
		t.Errorf("summary %q, want %q", sum, want)
	}
}

// The writer sees a log in pieces of any size: the result must not depend
// on where the pieces end, and a last line without a line break is masked.
func TestWriterPieces(t *testing.T) {
	t.Parallel()
	in := "a 10.0.0.1 b\nc jane@example.com d\n\nlast 4111111111111111"
	want := maskString(t, mask.New(mask.Options{}), in)
	if want != "a <ipv4> b\nc <email> d\n\nlast <card>" {
		t.Fatalf("whole: %q", want)
	}
	for size := 1; size < len(in); size++ {
		var out bytes.Buffer
		w := mask.NewWriter(&out, mask.New(mask.Options{}))
		for i := 0; i < len(in); i += size {
			if _, err := w.Write([]byte(in[i:min(i+size, len(in))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("pieces of %d: %q", size, out.String())
		}
	}
}

// A line longer than MaxLine is masked in pieces and nothing is lost.
func TestWriterLongLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 3*mask.MaxLine+17)
	in := "ip 10.0.0.1\n" + long + "\nip 10.0.0.2\n"
	got := maskString(t, mask.New(mask.Options{}), in)
	if want := "ip <ipv4>\n" + long + "\nip <ipv4>\n"; got != want {
		t.Errorf("long line: got %d bytes, want %d", len(got), len(want))
	}
}

var placeholder = regexp.MustCompile(`<[a-z0-9-]+>`)

func FuzzMask(f *testing.F) {
	f.Add("user=bob password=x 10.0.0.1 ::1 +1 555 123 4567 4111111111111111 a@b.co")
	f.Add(`{"token":"\"","authorization":"Bearer abcdefghijklmnopqrstuvwxyz"}`)
	f.Add("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\nProc-Type: 4,ENCRYPTED\n-----END EC PRIVATE KEY----- +33 1 23 45 67 89 (030) 1234567 0033 1 23 45 67 89")
	f.Add(`<password>x</password> <add key="Secret" value="y"/> --password z AKIAIOSFODNN7EXAMPLE xoxb-1234567890-abc ::ffff:10.0.0.1 fe80::1%eth0`)
	f.Add(`Authorization: Digest username="a", response="b" Cookie: a=b {\"pwd\":\"c\"} https://u:p@h/ https://hooks.slack.com/services/T1/B2/abcdefghijklmnopqrstuvwx`)
	f.Fuzz(func(t *testing.T, in string) {
		m := mask.New(mask.Options{Consistent: true})
		out := maskString(t, m, in)
		if strings.Count(out, "\n") != strings.Count(in, "\n") {
			t.Fatalf("line count changed: %q → %q", in, out)
		}
		// Placeholders are never broken up: a second pass may mask one
		// again as a whole (the value of a password= stays a credential)
		// or mask more, never fewer.
		again := maskString(t, mask.New(mask.Options{}), out)
		if n, m := len(placeholder.FindAllString(out, -1)), len(placeholder.FindAllString(again, -1)); m < n {
			t.Fatalf("masking %q again left %d of %d placeholders: %q", out, m, n, again)
		}
	})
}

// FuzzParseRules: a rules file either fails with a message that names its
// line, or gives rules that mask any line without breaking it.
func FuzzParseRules(f *testing.F) {
	f.Add("customer-id \\bCUST-\\d{6}\\b\ndb-user\tuser=(?P<value>\\w+)", "CUST-004217 user=app")
	f.Add("# c\n\nx (", "")
	f.Add("k (?P<value>a*)b", "aab b")
	f.Fuzz(func(t *testing.T, rules, line string) {
		parsed, err := mask.ParseRules(strings.NewReader(rules))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "rules") {
				t.Fatalf("error %q does not say where", err)
			}
			return
		}
		in := strings.ReplaceAll(line, "\n", " ") + "\n"
		out := maskString(t, mask.New(mask.Options{Rules: parsed}), in)
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Fatalf("masking %q gave %q", in, out)
		}
	})
}
