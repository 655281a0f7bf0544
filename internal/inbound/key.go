package inbound

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/mail"
	"strings"
)

// Key names a message for keeping it once: a mail server resends a message
// whose 250 it never saw, and the resend must not become a second update.
// It is a SHA-256 of the sender (the From address, else the envelope
// sender) with the Message-ID, or, for a message without one, with its
// content: the headers a person wrote and the body, with line ends made
// alike so the same message fetched over IMAP or sent over SMTP matches.
// The sender is part of the key so that nobody can suppress another
// sender's mail by reusing its Message-ID.
func Key(raw []byte, envelopeFrom string) string {
	h := sha256.New()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		h.Write([]byte("raw\x00" + strings.ToLower(envelopeFrom) + "\x00"))
		h.Write(normalizeLines(raw))
		return hex.EncodeToString(h.Sum(nil))
	}
	from, _ := sender(m.Header)
	if from == "" {
		from = strings.ToLower(envelopeFrom)
	}
	if id := messageID(m.Header); id != "" {
		h.Write([]byte("message-id\x00" + from + "\x00" + id))
		return hex.EncodeToString(h.Sum(nil))
	}
	h.Write([]byte("content\x00" + from + "\x00"))
	for _, k := range []string{"Date", "From", "To", "Cc", "Subject", "In-Reply-To", "Content-Type"} {
		h.Write([]byte(k + ":" + strings.Join(strings.Fields(m.Header.Get(k)), " ") + "\x00"))
	}
	body, _ := io.ReadAll(io.LimitReader(m.Body, MaxBodyBytes)) // a bytes.Reader never fails
	h.Write(normalizeLines(body))
	return hex.EncodeToString(h.Sum(nil))
}

// normalizeLines makes CRLF and LF line ends alike and drops the trailing
// ones, which relays add or keep as they like.
func normalizeLines(b []byte) []byte {
	return bytes.TrimRight(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), "\n")
}
