package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/mailer/mailtest"
	"github.com/caseport/caseport/internal/store"
)

// TestSIGTERMDrainsRequests: on SIGTERM caseport serve takes no new
// connections, answers the request it is reading, and exits cleanly
// well within its grace.
func TestSIGTERMDrainsRequests(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	admin := seed(t, data).admin
	srv := startServe(t, data)
	u, err := url.Parse(srv.url)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := url.Values{"email": {admin.Email}, "password": {password}}.Encode()
	half := len(body) / 2
	// A request in flight: its body arrives in two parts, around the stop.
	fmt.Fprintf(conn, "POST /signin HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		u.Host, len(body), body[:half])
	time.Sleep(200 * time.Millisecond)
	stopped := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if c, err := d.DialContext(t.Context(), "tcp", u.Host); err == nil {
		c.Close()
		t.Error("a new connection was accepted after SIGTERM")
	}
	fmt.Fprint(conn, body[half:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("the request in flight = %d, want the sign-in's 303", res.StatusCode)
	}
	srv.exitsCleanly(t)
	if took := time.Since(stopped); took > 10*time.Second {
		t.Errorf("serve took %s to stop", took)
	}
}

// TestSIGTERMFinishesRunningJobs: an email being handed to a slow relay
// when SIGTERM comes is sent and marked sent before serve exits, not cut
// off to be tried again later.
func TestSIGTERMFinishesRunningJobs(t *testing.T) {
	t.Parallel()
	relay := &mailtest.Relay{Receiving: make(chan struct{}, 1), Delay: 1500 * time.Millisecond}
	data := filepath.Join(t.TempDir(), "data")
	admin := seed(t, data).admin
	srv := startServe(t, data, "--smtp-relay", relay.Start(t), "--shutdown-grace", "10s")
	form := url.Values{"email": {admin.Email}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.url+"/forgot-password", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	select {
	case <-relay.Receiving:
	case <-time.After(20 * time.Second):
		t.Fatal("the password reset email never reached the relay")
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	srv.exitsCleanly(t)
	s, err := store.Open(t.Context(), "sqlite://"+filepath.Join(data, "caseport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mails, err := s.Notifications(t.Context(), admin.Email, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.Kind == "password_reset" && m.SentAt.IsZero() {
			t.Errorf("the email being sent at SIGTERM is not marked sent (attempts %d, %q)", m.Attempts, m.LastError)
		}
	}
	if pending, _ := s.Jobs(t.Context(), store.JobFilter{Pending: true, Kind: desk.JobMail}); len(pending) != 0 {
		t.Errorf("%d mail jobs still pending after the stop", len(pending))
	}
}

// TestSIGTERMDrainsMailSessions: a message whose DATA is arriving when
// SIGTERM comes is kept and answered 250 before serve exits.
func TestSIGTERMDrainsMailSessions(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	srv := startServe(t, data, "--smtp-addr", "127.0.0.1:0")
	c, err := smtp.Dial(srv.smtpAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("someone@elsewhere.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support@caseport.invalid"); err != nil {
		t.Fatal(err)
	}
	wc, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(wc, "From: Someone <someone@elsewhere.example>\r\nSubject: Our IVR is down\r\n\r\nSince this morning")
	time.Sleep(200 * time.Millisecond)
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	fmt.Fprint(wc, ", every call drops.\r\n")
	if err := wc.Close(); err != nil {
		t.Fatalf("the message being received at SIGTERM was not accepted: %v", err)
	}
	_ = c.Quit()
	srv.exitsCleanly(t)
	s, err := store.Open(t.Context(), "sqlite://"+filepath.Join(data, "caseport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Kept; it is read and filed by its job, at once or at the next start.
	if kept, err := s.InboundList(t.Context(), "", 10); err != nil || len(kept) != 1 || kept[0].MailFrom != "someone@elsewhere.example" {
		t.Errorf("kept %+v (%v); want the message", kept, err)
	}
}

// exitsCleanly waits for serve to exit after a signal, with status 0.
func (s *served) exitsCleanly(t *testing.T) {
	t.Helper()
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
}
