package inbound

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const ref = "0123456789abcdef0123"

func msg(headers, body string) []byte {
	return []byte(strings.ReplaceAll(headers, "\n", "\r\n") + "\r\n" + body)
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  []byte
		want Message // From, Subject, Reference, Text, Auto and the attachment count
		atts int
	}{
		{
			name: "plain reply with the header",
			raw: msg("From: Dana Designated <Dana.Designated@abc-testing.example>\nTo: support@vendor.example\nSubject: Re: Case 0001000042: A reply from support\nX-Caseport-Reference: "+ref+"\nMessage-ID: <abc@mail.example>\n",
				"The patch worked, thanks.\n\nOn Mon, 2 Mar 2026 at 10:00, Caseport Support <support@vendor.example> wrote:\n> Please try the patch.\n> --\n> Reference ID: "+ref+"\n"),
			want: Message{From: "dana.designated@abc-testing.example", Subject: "Re: Case 0001000042: A reply from support", Reference: ref, Text: "The patch worked, thanks."},
		},
		{
			name: "reference from the thread root",
			raw: msg("From: dana@abc-testing.example\nSubject: Re: your case\nIn-Reply-To: <case-0001000042."+ref+"@vendor.example>\nReferences: <case-0001000042."+ref+"@vendor.example>\n",
				"Still broken.\n"),
			want: Message{From: "dana@abc-testing.example", Subject: "Re: your case", Reference: ref, Text: "Still broken."},
		},
		{
			name: "reference only in the quoted body, Outlook style",
			raw: msg("From: dana@abc-testing.example\nSubject: RE: Case\n",
				"Logs attached.\n\n________________________________\nFrom: Caseport Support <support@vendor.example>\nSent: Monday, 2 March 2026 10:00\nSubject: Case\n\nReference ID: "+ref+"\n"),
			want: Message{From: "dana@abc-testing.example", Subject: "RE: Case", Reference: ref, Text: "Logs attached."},
		},
		{
			name: "no reference",
			raw:  msg("From: someone@abc-testing.example\nSubject: New problem\n", "Please open a case for me.\n"),
			want: Message{From: "someone@abc-testing.example", Subject: "New problem", Text: "Please open a case for me."},
		},
		{
			name: "multipart with html, an attachment and an encoded subject",
			raw: msg("From: =?UTF-8?Q?J=C3=B6rg?= <jorg@abc-testing.example>\nSubject: =?UTF-8?B?UmU6IEzDtnN1bmc=?=\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n",
				"--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe, Reference ID: "+ref+"\r\n--b2\r\nContent-Type: text/html\r\n\r\n<p>ignored</p>\r\n--b2--\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"trace.log\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8g\r\nd29ybGQ=\r\n--b1--\r\n"),
			want: Message{From: "jorg@abc-testing.example", FromName: "Jörg", Subject: "Re: Lösung", Reference: ref, Text: "Grüße, Reference ID: " + ref},
			atts: 1,
		},
		{
			name: "html only",
			raw:  msg("From: a@abc-testing.example\nSubject: x\nContent-Type: text/html; charset=iso-8859-1\n", "<div>Caf\xe9 &amp; more<br>second line</div><blockquote>old</blockquote>"),
			want: Message{From: "a@abc-testing.example", Subject: "x", Text: "Café & more\nsecond line"},
		},
		{
			name: "out of office",
			raw:  msg("From: dana@abc-testing.example\nSubject: Out of office\nAuto-Submitted: auto-replied\nX-Caseport-Reference: "+ref+"\n", "I am away.\n"),
			want: Message{From: "dana@abc-testing.example", Subject: "Out of office", Text: "I am away.", Auto: AutoReply},
		},
		{
			name: "bounce",
			raw:  msg("From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n", "--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--r--\r\n"),
			want: Message{From: "mailer-daemon@mx.example", Subject: "Undelivered Mail", Text: "Delivery failed.", Auto: Bounce},
		},
		{
			name: "our own mail looping back",
			raw:  msg("From: support@vendor.example\nSubject: Case\nMessage-ID: <email-7.ab12cd34@vendor.example>\n", "Hello\n"),
			want: Message{From: "support@vendor.example", Subject: "Case", Text: "Hello", Auto: Loop},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.raw, "vendor.example")
			if err != nil {
				t.Fatal(err)
			}
			if got.From != tt.want.From || got.Subject != tt.want.Subject || got.Reference != tt.want.Reference ||
				got.Text != tt.want.Text || got.Auto != tt.want.Auto || (tt.want.FromName != "" && got.FromName != tt.want.FromName) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", *got, tt.want)
			}
			if len(got.Attachments) != tt.atts {
				t.Errorf("%d attachments, want %d", len(got.Attachments), tt.atts)
			}
			if tt.atts > 0 && (got.Attachments[0].Name != "trace.log" || string(got.Attachments[0].Data) != "hello world") {
				t.Errorf("attachment %+v", got.Attachments[0])
			}
		})
	}
}

func TestStripQuoted(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"New text\n\nOn Tue, 3 Mar 2026, Support wrote:\n> old":                                           "New text",
		"New text\nOn Tue, 3 Mar 2026 at 09:00, Caseport Support\n<support@vendor.example> wrote:\n> old": "New text",
		"Neu\n\nAm 3. März 2026 schrieb Support <s@v.example>:\n> alt":                                    "Neu",
		"New\n-----Original Message-----\nFrom: x":                                                        "New",
		"Inline answer\n> quoted question\nmore answer":                                                   "Inline answer\nmore answer",
		"Thanks\n-- \nDana Designated\nABC Testing Co":                                                    "Thanks",
		"From: the logs I see that it works\nSecond line":                                                 "From: the logs I see that it works\nSecond line",
		"\n\n  \nonly text\n\n":                                                                           "only text",
	}
	for in, want := range tests {
		if got := StripQuoted(in); got != want {
			t.Errorf("StripQuoted(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRefusesNonMail(t *testing.T) {
	t.Parallel()
	if _, err := Parse([]byte("this is not\x00 an email"), ""); err == nil {
		t.Error("garbage parsed")
	}
}

// FuzzParse: any input parses or is refused, never a panic or a hang, and
// what comes out is valid UTF-8 text.
func FuzzParse(f *testing.F) {
	f.Add(msg("From: a@b.example\nSubject: x\nX-Caseport-Reference: "+ref+"\n", "hello\n> old\n"))
	f.Add(msg("From: a@b.example\nContent-Type: multipart/mixed; boundary=z\n", "--z\r\nContent-Type: text/plain\r\n\r\nhi\r\n--z\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n\r\nnested\r\n--y--\r\n--z--\r\n"))
	f.Add(msg("From: =?utf-8?q?=C3=A9?= <x@y>\nSubject: =?bogus?b?AAAA?=\nContent-Transfer-Encoding: base64\n", "!!!not base64"))
	f.Add([]byte("Subject: no from\r\n\r\n"))
	f.Add(msg("From: bad \xff\xfe@x\nSubject: \xe9\x81\n", "hi"))
	f.Add(msg("From: =?KOI8-R?B?6dfBzg==?= <a@b.example>\nSubject: =?x-unknown?q?abc?= \xe9t\xe9\nContent-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: quoted-printable\n", "=F0=D2=C9=D7=C5=D4 =\r\n=ZZ\r\n"))
	f.Add(msg("From: a@b.example\nContent-Type: text/html; charset=iso-2022-jp\n", "<p>\x1b$B$3$s\x1b(B<ol start=x><li><a href=\"http://[::1\">x</a><table><td>"+strings.Repeat("<div>", 600)+"&#0;&bogus;</p>"))
	f.Add(msg("From: a@b.example\nContent-Type: text/html\n", "<meta charset=\"shift_jis\"><pre>\x82\xa0\r\n  x</pre><script>x</script><br><br><br>y"))
	if files, err := filepath.Glob(filepath.Join("testdata", "charsets", "*.eml")); err == nil {
		for _, name := range files {
			if raw, err := os.ReadFile(name); err == nil {
				f.Add(raw)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, "vendor.example")
		if err != nil {
			return
		}
		for _, s := range []string{m.Text, m.From, m.FromName, m.Subject} {
			if !utf8Valid(s) {
				t.Fatalf("invalid UTF-8 out: %q", s)
			}
		}
		if m.Reference != "" && !isRef(m.Reference) {
			t.Fatalf("reference %q is not 20 hex digits", m.Reference)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestKey(t *testing.T) {
	t.Parallel()
	withID := "From: Dana <dana@abc-testing.example>\nSubject: x\nMessage-ID: <m1@abc-testing.example>\n\nHello\n"
	noID := "From: dana@abc-testing.example\nSubject: x\nDate: Tue, 1 Dec 2026 10:00:00 +0000\n\nHello\n"
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	same := map[string][2]string{
		"resent":                      {withID, withID},
		"CRLF or LF":                  {noID, crlf(noID)},
		"another relay's trace":       {withID, "Received: from mx2.example\n" + withID},
		"another body, same ID":       {withID, strings.Replace(withID, "Hello", "Hello again", 1)},
		"the sender's name or case":   {withID, strings.Replace(withID, "Dana <dana@", "D. <DANA@", 1)},
		"not mail, from the envelope": {"\x00garbage", "\x00garbage"},
	}
	for name, p := range same {
		if Key([]byte(p[0]), "bounce@abc-testing.example") != Key([]byte(p[1]), "bounce@abc-testing.example") {
			t.Errorf("%s: the keys differ, want the same message", name)
		}
	}
	other := map[string][2]string{
		"another sender, same ID":  {withID, strings.Replace(withID, "dana@", "eve@", 1)},
		"another body, no ID":      {noID, strings.Replace(noID, "Hello", "Hello again", 1)},
		"another date, no ID":      {noID, strings.Replace(noID, "10:00:00", "10:05:00", 1)},
		"an ID and none":           {withID, strings.Replace(withID, "Message-ID: <m1@abc-testing.example>\n", "", 1)},
		"not mail, other envelope": {"\x00garbage", "\x00garbage"},
	}
	for name, p := range other {
		envelope := "bounce@abc-testing.example"
		if name == "not mail, other envelope" {
			envelope = "other@abc-testing.example"
		}
		if Key([]byte(p[0]), "bounce@abc-testing.example") == Key([]byte(p[1]), envelope) {
			t.Errorf("%s: the keys are the same, want two messages", name)
		}
	}
}

// TestParseCharsets reads real messages in the charsets mail comes in,
// in each transfer encoding, with encoded-word subjects and sender names.
func TestParseCharsets(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, fromName, subject, text string }{
		{"koi8-r", "Иван Петров", "Ошибка в IVR", "Здравствуйте! Звонки обрываются через 30 секунд."},
		{"iso-8859-1", "Renée Müller", "Grüße – „Anruf“", "Die Anrufe brechen ab – „immer“ nach 30 s, Kosten 5 €."}, // Windows-1252, labelled Latin-1
		{"ibm850", "Jörg Bähr", "Störung", "Grüße aus Zürich: Anrufe brechen ab."},                                  // a name only IANA knows
		{"iso-8859-15", "Amélie Œuvray", "Facture à 50 €", "Bonjour, la facture de 50 € pour l'œuvre est arrivée."},
		{"windows-1252", "Seán O’Brien", "“Calls drop” – again", "The “fix” didn’t help – calls still drop… €0 budget."},
		{"shift_jis", "山田太郎", "通話が切れます", "こんにちは。通話が三十秒で切れます。"},
		{"gb2312", "王小明", "电话断开", "您好，电话在三十秒后断开。"},
		{"iso-2022-jp", "鈴木花子", "ログを送ります", "お世話になっております。ログを添付します。"},
		{"ks_c_5601-1987", "김민수", "통화 끊김", "안녕하세요. 통화가 끊깁니다."},
		{"big5", "陳大文", "通話中斷", "您好，通話在三十秒後中斷。"},
		{"iso-8859-2", "Paweł Żółć", "Zażółć gęślą jaźń", "Dzień dobry, połączenia są zrywane."},
		{"iso-8859-7", "Νίκος Παπαδόπουλος", "Πρόβλημα κλήσεων", "Καλημέρα, οι κλήσεις διακόπτονται."},
		{
			"windows-1251-html", "Ольга Смирнова", "Журнал вызовов",
			"Добрый день!\n\nЖурнал вызовов «IVR» & трассировка:\nузел 2\n\n- первый\n- второй\n\nСм. статус (https://status.abc-testing.example/ivr).",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join("testdata", "charsets", tt.file+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, "vendor.example")
			if err != nil {
				t.Fatal(err)
			}
			got := Message{FromName: m.FromName, Subject: m.Subject, Text: m.Text}
			want := Message{FromName: tt.fromName, Subject: tt.subject, Text: tt.text}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%s) (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestParseHTML: which part is the text, and HTML made readable.
func TestParseHTML(t *testing.T) {
	t.Parallel()
	alternative := func(parts ...string) []byte {
		body := ""
		for _, p := range parts {
			body += "--alt\r\n" + p + "\r\n"
		}
		return msg("From: a@abc-testing.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=alt\n", body+"--alt--\r\n")
	}
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{
			name: "alternative prefers text/plain, whatever the order",
			raw: alternative("Content-Type: text/html; charset=utf-8\r\n\r\n<p>The <b>HTML</b> copy</p>",
				"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nThe plain copy, gr=C3=BC=C3=9Fe"),
			want: "The plain copy, grüße",
		},
		{
			name: "alternative with an empty text/plain takes the HTML",
			raw:  alternative("Content-Type: text/plain\r\n\r\n", "Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+SGVsbG8gPGk+dGhlcmU8L2k+PC9wPg=="),
			want: "Hello there",
		},
		{
			name: "HTML that names its charset in a meta tag only",
			raw:  msg("From: a@abc-testing.example\nSubject: x\nContent-Type: text/html\n", "<html><head><meta charset=\"windows-1251\"></head><body>\xc4\xee\xe1\xf0\xfb\xe9 \xe4\xe5\xed\xfc</body></html>"),
			want: "Добрый день",
		},
		{
			name: "8-bit plain text with no charset",
			raw:  msg("From: a@abc-testing.example\nSubject: x\n", "Caf\xe9 \x93ok\x94\r\n"),
			want: "Café “ok”",
		},
		{
			name: "nested deeper than the HTML parser goes: the words",
			raw:  msg("From: a@abc-testing.example\nSubject: x\nContent-Type: text/html\n", strings.Repeat("<div>", 600)+"deep <style>p {}</style><b>text</b>"),
			want: "deep text",
		},
		{
			name: "entities, breaks, paragraphs, lists, links; scripts, styles and quoted history dropped",
			raw: msg("From: a@abc-testing.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n",
				"<!DOCTYPE html><html><head><title>Mail</title><style>body { font: 12px }</style></head><body>"+
					"<div dir=\"ltr\">Hi&nbsp;team,<div><br></div><div>the   trunk&nbsp;&amp; the <b>IVR</b> fail:</div>"+
					"<ol start=\"0\"><li>call&nbsp;in</li><li>press <code>1</code></li></ol>"+
					"<ul><li>node 1</li><li>node 2<ul><li>port 5060</li></ul></li></ul>"+
					"<p>Logs: <a href=\"https://files.example/log?id=7&amp;x=1\">the log</a>, "+
					"<a href=\"https://status.example/\">https://status.example/</a>, <a href=\"mailto:noc@abc.example\">NOC</a>, "+
					"<a href=\"javascript:alert(1)\">click</a></p>"+
					"<script>document.write('tracking')</script><noscript>no script</noscript>"+
					"<table><tr><td>Node</td><td>State</td></tr><tr><td>2</td><td>down</td></tr></table>"+
					"<pre>  line 1\n    line 2</pre>"+
					"5 &lt; 6 &#8212; &eacute;t&eacute;</div>"+
					"<div class=\"gmail_quote\">On Mon, Support wrote:<blockquote>old text</blockquote></div></body></html>"),
			want: "Hi team,\n\nthe trunk & the IVR fail:\n\n0. call in\n1. press 1\n\n- node 1\n- node 2\n  - port 5060\n\n" +
				"Logs: the log (https://files.example/log?id=7&x=1), https://status.example/, NOC, click\n\nno script\n\n" +
				"Node State\n2 down\n\n  line 1\n    line 2\n\n5 < 6 — été",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(tt.raw, "vendor.example")
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != tt.want {
				t.Errorf("Parse text =\n%q\nwant\n%q", m.Text, tt.want)
			}
		})
	}
}
