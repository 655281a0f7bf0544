package inbound_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/inbound"
	"github.com/caseport/caseport/internal/inbound/imaptest"
)

func TestPollIMAP(t *testing.T) {
	t.Parallel()
	addr := imaptest.Server(t)
	for i, s := range []string{"first", "second", "refused"} {
		imaptest.Deliver(t, addr, "From: dana@abc-testing.example\r\nSubject: "+s+"\r\nMessage-ID: <m"+string(rune('0'+i))+"@x>\r\n\r\nBody "+s+"\r\n")
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
	p, err := inbound.NewPoller(imaptest.URL(addr), time.Minute, slog.New(slog.NewTextHandler(io.Discard, nil)), accept)
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
