// Package mailtest starts an SMTP relay on loopback for tests: a real
// server (emersion/go-smtp) that the mailer reaches over TCP as it would
// a relay across a network.
package mailtest

import (
	"context"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Relay accepts every message, taking Delay over each once it is read,
// and counts them.
type Relay struct {
	Delay time.Duration
	// Receiving, when set, is told (without blocking) that a message has
	// been read and is about to be accepted.
	Receiving chan struct{}
	got       atomic.Int64
}

// Start serves the relay on loopback until the test ends and returns its
// --smtp-relay URL.
func (r *Relay) Start(tb testing.TB) string {
	tb.Helper()
	srv := smtp.NewServer(r)
	srv.Domain = "relay.test"
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ends when the test closes it
	tb.Cleanup(func() { srv.Close() })
	return "smtp://" + ln.Addr().String() + "?tls=none"
}

// Accepted is how many messages the relay has accepted.
func (r *Relay) Accepted() int64 { return r.got.Load() }

// NewSession implements smtp.Backend.
func (r *Relay) NewSession(*smtp.Conn) (smtp.Session, error) { return r, nil }

// Reset implements smtp.Session.
func (r *Relay) Reset() {}

// Logout implements smtp.Session.
func (r *Relay) Logout() error { return nil }

// Mail implements smtp.Session.
func (r *Relay) Mail(string, *smtp.MailOptions) error { return nil }

// Rcpt implements smtp.Session.
func (r *Relay) Rcpt(string, *smtp.RcptOptions) error { return nil }

// Data implements smtp.Session.
func (r *Relay) Data(rd io.Reader) error {
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return err
	}
	if r.Receiving != nil {
		select {
		case r.Receiving <- struct{}{}:
		default:
		}
	}
	time.Sleep(r.Delay)
	r.got.Add(1)
	return nil
}
