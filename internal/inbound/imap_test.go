package inbound_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/caseport/caseport/internal/inbound"
)

// imapServer is a real IMAP server on loopback with one mailbox.
func imapServer(t *testing.T) string {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("support", "secret")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       nopLogger{},
	})
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// deliver appends a message to the mailbox, as a mail server would.
func deliver(t *testing.T, addr, msg string) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("support", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append("INBOX", int64(len(msg)), nil)
	if _, err := io.WriteString(cmd, msg); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestPollIMAP(t *testing.T) {
	t.Parallel()
	addr := imapServer(t)
	for i, s := range []string{"first", "second", "refused"} {
		deliver(t, addr, "From: dana@abc-testing.example\r\nSubject: "+s+"\r\nMessage-ID: <m"+string(rune('0'+i))+"@x>\r\n\r\nBody "+s+"\r\n")
	}
	var mu sync.Mutex
	var got []string
	refuse := true
	accept := func(_ context.Context, source, _ string, _ []string, raw []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(string(raw), "Subject: refused") && refuse {
			return errors.New("store unavailable")
		}
		if source != "imap" {
			t.Errorf("source %q", source)
		}
		got = append(got, string(raw))
		return nil
	}
	p, err := inbound.NewPoller("imap://support:secret@"+addr+"/INBOX?tls=none", time.Minute, slog.New(slog.NewTextHandler(io.Discard, nil)), accept)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, err := p.Poll(ctx)
	if err != nil || n != 2 || len(got) != 2 {
		t.Fatalf("first poll: %d kept, %v; got %d", n, err, len(got))
	}
	// The refused message stays for the next round; the kept ones are gone.
	refuse = false
	n, err = p.Poll(ctx)
	if err != nil || n != 1 || !strings.Contains(got[2], "Subject: refused") {
		t.Fatalf("second poll: %d kept, %v", n, err)
	}
	if n, err := p.Poll(ctx); err != nil || n != 0 {
		t.Errorf("third poll: %d, %v; want nothing left", n, err)
	}
	for _, bad := range []string{"http://x", "imap://host/INBOX", "imaps://:pw@/"} {
		if _, err := inbound.NewPoller(bad, 0, nil, accept); err == nil {
			t.Errorf("mailbox %q accepted", bad)
		}
	}
	if _, err := inbound.NewPoller("imaps://u:topsecret@mail.example/INBOX", 0, nil, accept); err != nil {
		t.Errorf("a good mailbox refused: %v", err)
	}
	if _, err := inbound.NewPoller("imapx://u:topsecret@mail.example", 0, nil, accept); err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error %v shows the password", err)
	}
}
