// Package inbound reads the emails customers send to the support
// address: who sent it, which case it answers (its Reference ID), the new
// text without the quoted history, its attachments, and whether it is an
// automatic message (an out-of-office reply, a bounce, a loop) that must
// not reach a case.
//
// It is the one parser behind every way mail comes in (the SMTP/LMTP
// listener, IMAP polling); it never fails on a malformed message beyond
// saying so, so one bad message never blocks the others.
package inbound

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
)

// Auto names an automatic message.
type Auto string

const (
	NotAuto   Auto = ""
	AutoReply Auto = "auto-reply" // out of office, vacation, "we received your message"
	Bounce    Auto = "bounce"     // a delivery failure report
	Loop      Auto = "loop"       // Caseport's own mail coming back
)

// Attachment is a file that came with a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is what Caseport needs of an email.
type Message struct {
	From      string // the sender's address, lower case
	FromName  string
	Subject   string
	MessageID string
	// Reference is the Reference ID found in the headers, the subject or
	// the body; empty when there is none.
	Reference string
	// Text is the new text of the message, without quoted history and
	// signatures' separators Caseport added.
	Text        string
	Attachments []Attachment
	Auto        Auto
}

// MaxParts bounds the MIME parts read from one message.
const MaxParts = 100

// MaxBodyBytes bounds the body read from one message, and from each part.
const MaxBodyBytes = 64 << 20

// referencePattern finds a Reference ID: 20 hex digits, as Caseport writes
// them after "Reference ID:", in its header, or in its thread root.
var (
	referenceLabel  = regexp.MustCompile(`(?i)reference\s*id:?\s*\[?([0-9a-f]{20})\b`)
	referenceInRoot = regexp.MustCompile(`case-\d{10}\.([0-9a-f]{20})@`)
)

// ErrNotMail is a message that cannot be read as an email at all.
var ErrNotMail = errors.New("not an email message")

// Parse reads a raw message. ownDomain is the domain of Caseport's own
// Message-IDs, to recognise loops.
func Parse(raw []byte, ownDomain string) (*Message, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotMail, err) //nolint:errorlint // the cause is for people
	}
	h := m.Header
	out := &Message{Subject: decodeHeader(h.Get("Subject")), MessageID: messageID(h)}
	out.From, out.FromName = sender(h)
	out.Auto = automatic(h, out.From, out.MessageID, ownDomain)

	body, err := io.ReadAll(io.LimitReader(m.Body, MaxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: body: %v", ErrNotMail, err) //nolint:errorlint // as above
	}
	var text, html string
	parts := 0
	walk(textproto(h), body, &text, &html, &out.Attachments, &parts, 0)
	if text == "" && html != "" {
		text = htmlToText(html)
	}
	out.Text = StripQuoted(text)

	// The Reference ID: our header, then the thread root, the subject and
	// the full body (a reply may quote it below the new text).
	switch {
	case isRef(strings.TrimSpace(h.Get("X-Caseport-Reference"))) && out.Auto == NotAuto:
		out.Reference = strings.ToLower(strings.TrimSpace(h.Get("X-Caseport-Reference")))
	default:
		for _, s := range []string{h.Get("In-Reply-To") + " " + h.Get("References")} {
			if m := referenceInRoot.FindStringSubmatch(s); m != nil {
				out.Reference = m[1]
			}
		}
		if out.Reference == "" {
			for _, s := range []string{out.Subject, text} {
				if m := referenceLabel.FindStringSubmatch(s); m != nil {
					out.Reference = strings.ToLower(m[1])
					break
				}
			}
		}
	}
	return out, nil
}

// sender reads the From address, lower case, and its display name.
func sender(h mail.Header) (addr, name string) {
	parser := mail.AddressParser{WordDecoder: wordDecoder}
	if from, err := parser.Parse(h.Get("From")); err == nil {
		return strings.ToLower(from.Address), headerText(from.Name)
	}
	if from, err := mail.ParseAddress(decodeHeader(h.Get("From"))); err == nil {
		return strings.ToLower(from.Address), from.Name
	}
	if addrs := strings.Fields(headerText(h.Get("From"))); len(addrs) > 0 {
		return strings.ToLower(strings.Trim(addrs[len(addrs)-1], "<>")), ""
	}
	return "", ""
}

func messageID(h mail.Header) string {
	return strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
}

func isRef(s string) bool {
	if len(s) != 20 {
		return false
	}
	for _, r := range strings.ToLower(s) {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// decodeHeader decodes RFC 2047 encoded words; undecodable words stay as
// they are.
func decodeHeader(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		s = d
	}
	return headerText(s)
}

// automatic recognises messages no person wrote for the case.
func automatic(h mail.Header, from, msgID, ownDomain string) Auto {
	local, _, _ := strings.Cut(from, "@")
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case ownDomain != "" && strings.HasSuffix(strings.ToLower(msgID), "@"+strings.ToLower(ownDomain)):
		return Loop
	case ct == "multipart/report", local == "mailer-daemon", local == "postmaster", h.Get("X-Failed-Recipients") != "":
		return Bounce
	}
	if as := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); as != "" && as != "no" {
		return AutoReply
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return AutoReply
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"} {
		if h.Get(k) != "" && k != "X-Auto-Response-Suppress" {
			return AutoReply
		}
	}
	if strings.HasPrefix(strings.ToLower(h.Get("X-Auto-Response-Suppress")), "all") && h.Get("Auto-Submitted") != "" {
		return AutoReply
	}
	return NotAuto
}

// header is the part of a MIME header walk needs.
type header interface{ Get(string) string }

type textproto mail.Header

func (t textproto) Get(k string) string { return mail.Header(t).Get(k) }

// walk collects the text, HTML and attachments of a part and its
// children, to a bounded depth and number of parts.
func walk(h header, body []byte, text, html *string, atts *[]Attachment, parts *int, depth int) {
	*parts++
	if *parts > MaxParts || depth > 10 {
		return
	}
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || ct == "" {
		ct, params = "text/plain", map[string]string{}
	}
	data := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = decodeHeader(name)
	if strings.HasPrefix(ct, "multipart/") {
		mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			b, err := io.ReadAll(io.LimitReader(p, MaxBodyBytes))
			if err != nil {
				return
			}
			walk(p.Header, b, text, html, atts, parts, depth+1)
			if *parts > MaxParts {
				return
			}
		}
	}
	if disp == "attachment" || (name != "" && !strings.HasPrefix(ct, "text/")) {
		if name == "" {
			name = "attachment"
		}
		*atts = append(*atts, Attachment{Name: name, ContentType: ct, Data: data})
		return
	}
	switch ct {
	case "text/plain":
		if *text == "" {
			*text = toUTF8(data, params["charset"], ct)
		}
	case "text/html":
		if *html == "" {
			*html = toUTF8(data, params["charset"], ct)
		}
	case "message/rfc822", "message/delivery-status":
		// A forwarded or reported message: not new text.
	}
}

func decodeTransfer(enc string, data []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(data)))
		if err == nil {
			return b
		}
	case "base64":
		b, err := io.ReadAll(newBase64Reader(data))
		if err == nil {
			return b
		}
	}
	return data
}

// newBase64Reader decodes base64 that is split into lines.
func newBase64Reader(data []byte) io.Reader {
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, data)
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(clean))
}
