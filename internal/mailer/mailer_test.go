package mailer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/caseport/caseport/internal/clocktest"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/mailer"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/worker"
)

// sink is a real SMTP server on loopback that keeps what it receives and
// refuses the first refuse deliveries, with code (451 when zero). With
// lose set it keeps the next lose messages but answers as if it had not,
// like a relay whose 250 is lost on the way back.
type sink struct {
	mu     sync.Mutex
	got    [][]byte
	refuse int
	lose   int
	code   int
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *sink }

func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse > 0 {
		ss.s.refuse--
		if ss.s.code >= 500 {
			return &smtp.SMTPError{Code: ss.s.code, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
		}
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	return nil
}
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.got = append(ss.s.got, b)
	if ss.s.lose > 0 {
		ss.s.lose--
		return &smtp.SMTPError{Code: 451, Message: "answer lost"}
	}
	return nil
}

func (s *sink) messages() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got...)
}

func startSink(t *testing.T, refuse int) (*sink, string) {
	t.Helper()
	s := &sink{refuse: refuse}
	srv := smtp.NewServer(s)
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ends when the listener closes
	t.Cleanup(func() { srv.Close() })
	return s, "smtp://" + ln.Addr().String() + "?tls=none"
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// mailWorker returns a worker that sends mail through the relay at url,
// with what cfg sets besides (its clock, its poll).
func mailWorker(t *testing.T, s *store.Store, url string, cfg worker.Config) *worker.Worker {
	t.Helper()
	m, err := mailer.New(s, quiet, mailer.Config{Relay: url, From: "Caseport Support <support@vendor.example>"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Log = s, quiet
	wk := worker.New(cfg)
	wk.Handle(desk.JobMail, m.Send)
	return wk
}

// world is what the mail tests need: a contact who may see a case of
// their company's.
type world struct {
	contact *desk.User
	kase    *desk.Case
}

// setup makes a contact with a case and queues one case email to them.
func setup(t *testing.T, s *store.Store) (world, *desk.Notification) {
	t.Helper()
	ctx := context.Background()
	fx := fixture.New(t, s)
	co := fx.Company("ABC Testing Co")
	fx.Contract(co)
	w := world{contact: fx.Contact(co, desk.ReadWrite)}
	w.kase = fx.Case(w.contact)
	err := s.Write(ctx, func(tx *store.Tx) error {
		return storetest.QueueMail(ctx, tx, desk.Notification{
			Kind: "case_reply", UserID: w.contact.ID, To: w.contact.Email, CaseID: w.kase.ID, CreatedAt: time.Now().UTC(),
			Subject: "A reply from support", Body: "Hello Dana,\n\nPlease try the patch.\n",
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := s.Notifications(ctx, w.contact.Email, 1)
	if err != nil || len(ns) != 1 {
		t.Fatalf("queued: %v %v", ns, err)
	}
	return w, &ns[0]
}

func TestSendThroughARelay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, n := setup(t, s)
		relay, url := startSink(t, 1)
		clock := &clocktest.Clock{} // the real time until the test moves it
		wk := mailWorker(t, s, url, worker.Config{Clock: clock.Now})
		// The relay refuses the first attempt: the email waits and says why.
		if _, err := wk.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Notification(ctx, n.ID)
		if !got.SentAt.IsZero() || got.Attempts != 1 || !strings.Contains(got.LastError, "try again later") {
			t.Fatalf("after a refusal: %+v", got)
		}
		clock.Set(time.Now().Add(time.Minute))
		if _, err := wk.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Notification(ctx, n.ID)
		if got.SentAt.IsZero() || got.MessageID == "" {
			t.Fatalf("after the retry: %+v", got)
		}
		msgs := relay.messages()
		if len(msgs) != 1 {
			t.Fatalf("the relay got %d messages", len(msgs))
		}
		parsed, err := mail.ReadMessage(bytes.NewReader(msgs[0]))
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Case(ctx, w.kase.ID)
		if err != nil {
			t.Fatal(err)
		}
		h := parsed.Header
		root := "<" + mailer.ThreadRoot(c.Number(), c.ReferenceID, "vendor.example") + ">"
		for name, want := range map[string]string{
			mailer.HeaderReference: c.ReferenceID, "In-Reply-To": root, "References": root,
			"Message-Id": "<" + got.MessageID + ">", "To": "<" + w.contact.Email + ">",
			"Subject": "Case " + c.Number() + ": A reply from support", "Auto-Submitted": "auto-generated",
		} {
			if h.Get(name) != want {
				t.Errorf("%s = %q, want %q", name, h.Get(name), want)
			}
		}
		body, _ := io.ReadAll(parsed.Body)
		if !strings.Contains(string(body), "Reference ID: "+c.ReferenceID) {
			t.Errorf("the body has no Reference ID:\n%s", body)
		}
		// A second run sends nothing more.
		if _, err := wk.RunDue(ctx); err != nil || len(relay.messages()) != 1 {
			t.Errorf("sent again: %d messages, %v", len(relay.messages()), err)
		}
	})
}

// TestAnEmailCostsOneWriteAfterItsClaim: the Message-ID is recorded and
// the job finished in one transaction, so SQLite's one writer keeps up
// with the cases that queue emails.
func TestAnEmailCostsOneWriteAfterItsClaim(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, n := setup(t, s)
		// Only the email of this test is pending.
		err := s.Write(ctx, func(tx *store.Tx) error {
			jobs, err := s.Jobs(ctx, store.JobFilter{Pending: true, Kind: desk.JobMail, Limit: 500})
			for _, j := range jobs {
				if j.Payload == itoa(n.ID) {
					continue
				}
				if _, err := tx.FinishJob(ctx, j.ID, time.Now()); err != nil {
					return err
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		relay, url := startSink(t, 0)
		wk := mailWorker(t, s, url, worker.Config{Poll: time.Hour})
		before := s.Writes()
		stopped := make(chan struct{})
		go func() { defer close(stopped); wk.Run(ctx) }()
		deadline := time.Now().Add(20 * time.Second)
		for pending, _ := s.PendingJobs(ctx, desk.JobMail); pending > 0; pending, _ = s.PendingJobs(ctx, desk.JobMail) {
			if time.Now().After(deadline) {
				t.Fatal("the email was not sent")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		<-stopped
		got, err := s.Notification(context.Background(), n.ID)
		if err != nil || got.SentAt.IsZero() || len(relay.messages()) != 1 {
			t.Fatalf("sent %d: %+v, %v", len(relay.messages()), got, err)
		}
		if w := s.Writes() - before; w != 2 {
			t.Errorf("one email took %d write transactions, want 2 (the claim, then sent and finished)", w)
		}
	})
}

// TestResentMailKeepsItsMessageID: outgoing mail is sent at least once.
// When the relay kept a message but its answer was lost, the job sends it
// again, and both copies carry the one Message-ID that is recorded.
func TestResentMailKeepsItsMessageID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, n := setup(t, s)
		relay, url := startSink(t, 0)
		relay.lose = 1
		clock := &clocktest.Clock{} // the real time until the test moves it
		wk := mailWorker(t, s, url, worker.Config{Clock: clock.Now})
		if _, err := wk.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Now().Add(time.Minute))
		if _, err := wk.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := s.Notification(ctx, n.ID)
		if err != nil || got.SentAt.IsZero() {
			t.Fatalf("after the retry: %+v, %v", got, err)
		}
		msgs := relay.messages()
		if len(msgs) != 2 {
			t.Fatalf("the relay kept %d copies, want 2 (the first answer was lost)", len(msgs))
		}
		for i, raw := range msgs {
			parsed, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if id := parsed.Header.Get("Message-Id"); id != "<"+got.MessageID+">" {
				t.Errorf("copy %d: Message-Id %s, want the recorded <%s>", i+1, id, got.MessageID)
			}
		}
	})
}

// TestPermanentRefusalIsNotRetried: a relay's 5xx is final, so the mail
// job is dead after one attempt, with the refusal as its last error.
func TestPermanentRefusalIsNotRetried(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, n := setup(t, s)
		relay, url := startSink(t, 10)
		relay.code = 550
		m, err := mailer.New(s, quiet, mailer.Config{Relay: url, From: "Caseport Support <support@vendor.example>"})
		if err != nil {
			t.Fatal(err)
		}
		clock := &clocktest.Clock{}
		wk := worker.New(worker.Config{Store: s, Log: quiet, Clock: clock.Now})
		wk.Handle(desk.JobMail, m.Send)
		for i := range 3 {
			clock.Set(time.Now().Add(time.Duration(i) * time.Hour))
			if _, err := wk.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.Notification(ctx, n.ID)
		if !got.SentAt.IsZero() || got.Attempts != 1 || !strings.Contains(got.LastError, "550") {
			t.Errorf("after a 5xx: %+v; want one attempt and the refusal", got)
		}
		dead, err := s.Jobs(ctx, store.JobFilter{Dead: true, Kind: desk.JobMail})
		if err != nil || len(dead) != 1 || dead[0].Attempts != 1 || !strings.Contains(dead[0].LastError, "550") {
			t.Errorf("dead mail jobs: %+v %v; want the refused one", dead, err)
		}
	})
}

func TestNoRelayKeepsMailInTheOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, n := setup(t, s)
		m, err := mailer.New(s, quiet, mailer.Config{})
		if err != nil {
			t.Fatal(err)
		}
		wk := worker.New(worker.Config{Store: s, Log: quiet})
		wk.Handle(desk.JobMail, m.Send)
		if _, err := wk.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Notification(ctx, n.ID)
		if !got.SentAt.IsZero() || got.Body != n.Body {
			t.Errorf("without a relay: %+v", got)
		}
		if pending, _ := s.Jobs(ctx, store.JobFilter{Pending: true, Kind: desk.JobMail}); len(pending) != 0 {
			t.Errorf("mail jobs still pending without a relay: %d", len(pending))
		}
	})
}

func TestNeverSendsAPIN(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fx := fixture.New(t, s)
		dana, err := s.User(ctx, fx.Contact(fx.Company("ABC Testing Co"), desk.ReadWrite).ID)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			return storetest.QueueMail(ctx, tx, desk.Notification{
				Kind: "oops", UserID: dana.ID, To: dana.Email, CreatedAt: time.Now().UTC(),
				Subject: "Your details", Body: "Your PIN is " + dana.PIN,
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		relay, url := startSink(t, 0)
		m, _ := mailer.New(s, quiet, mailer.Config{Relay: url})
		ns, _ := s.Notifications(ctx, dana.Email, 1)
		err = m.Send(ctx, &desk.Job{ID: 1, Payload: itoa(ns[0].ID)})
		if err == nil || len(relay.messages()) != 0 {
			t.Fatalf("an email with the PIN was sent (%v)", err)
		}
		if got, _ := s.Notification(ctx, ns[0].ID); !strings.Contains(got.LastError, "PIN") {
			t.Errorf("the outbox does not say why: %q", got.LastError)
		}
	})
}

func TestBadRelay(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"http://mail.example.com", "smtp://", "::"} {
		if _, err := mailer.New(nil, quiet, mailer.Config{Relay: bad}); err == nil {
			t.Errorf("relay %q accepted", bad)
		}
	}
	if _, err := mailer.New(nil, quiet, mailer.Config{From: "not an address"}); err == nil {
		t.Error("a bad sender accepted")
	}
	if _, err := mailer.New(nil, quiet, mailer.Config{Relay: "smtp://u:secret@host:25"}); err != nil {
		t.Errorf("a good relay refused: %v", err)
	}
	if _, err := mailer.New(nil, quiet, mailer.Config{Relay: "http://u:secret@host"}); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("a bad relay's error %v shows its password", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestWithholdsMailFromWhoLostAccess: an email about a case queued while
// its recipient could see the case is not sent once they cannot (here the
// grant was removed between queueing and sending); the job ends and the
// outbox says why.
func TestWithholdsMailFromWhoLostAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, n := setup(t, s)
		err := s.Write(ctx, func(tx *store.Tx) error {
			return tx.SetGrant(ctx, desk.Grant{ContactID: w.contact.ID, Combination: w.kase.Combination(), Level: desk.NoAccess}, 0)
		})
		if err != nil {
			t.Fatal(err)
		}
		relay, url := startSink(t, 0)
		if _, err := mailWorker(t, s, url, worker.Config{}).RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := relay.messages(); len(got) != 0 {
			t.Fatalf("the relay got %d messages for a recipient without access", len(got))
		}
		got, _ := s.Notification(ctx, n.ID)
		if !got.SentAt.IsZero() || !strings.Contains(got.LastError, "may no longer see case") {
			t.Errorf("the outbox says %+v, want unsent with the reason", got)
		}
		if pending, _ := s.Jobs(ctx, store.JobFilter{Pending: true, Kind: desk.JobMail}); len(pending) != 0 {
			t.Errorf("the withheld email's job is still pending: %d", len(pending))
		}
	})
}
