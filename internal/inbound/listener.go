package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-smtp"
)

// Receiver keeps a received message; it returns once the message is safe.
type Receiver func(ctx context.Context, source, from string, rcpts []string, raw []byte) error

// Listener accepts mail for the support address over SMTP, or LMTP from a
// mail server in front of Caseport. It keeps every message it accepts and
// answers only once it is stored; what to do with it is decided later.
type Listener struct {
	srv    *smtp.Server
	lmtp   bool
	log    *slog.Logger
	accept Receiver
}

// MaxMessageBytes bounds one message.
const MaxMessageBytes = 50 << 20

// NewListener returns a listener that hands messages to accept. domain is
// the name it greets with.
func NewListener(domain string, lmtp bool, log *slog.Logger, accept Receiver) *Listener {
	l := &Listener{lmtp: lmtp, log: log, accept: accept}
	srv := smtp.NewServer(l)
	srv.Domain = domain
	srv.LMTP = lmtp
	srv.MaxMessageBytes = MaxMessageBytes
	srv.MaxRecipients = 50
	srv.ReadTimeout = 5 * time.Minute
	srv.WriteTimeout = time.Minute
	l.srv = srv
	return l
}

// Serve accepts connections on ln until Close.
func (l *Listener) Serve(ln net.Listener) error {
	err := l.srv.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the listener.
func (l *Listener) Close() error { return l.srv.Close() }

// Shutdown stops taking connections and waits until the sessions in
// progress end, or ctx does, so a message being received is kept and
// answered.
func (l *Listener) Shutdown(ctx context.Context) error {
	err := l.srv.Shutdown(ctx)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// NewSession implements smtp.Backend.
func (l *Listener) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{l: l, remote: c.Conn().RemoteAddr().String()}, nil
}

type session struct {
	l      *Listener
	remote string
	from   string
	rcpts  []string
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	source := "smtp"
	if s.l.lmtp {
		source = "lmtp"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.l.accept(ctx, source, s.from, s.rcpts, raw); err != nil {
		s.l.log.Error("keep received mail", "from", s.from, "remote", s.remote, "err", err)
		// A temporary failure: the sending server tries again.
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: fmt.Sprintf("cannot keep the message now: %v", err)}
	}
	return nil
}
