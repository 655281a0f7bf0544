package support_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/inbound"
	"github.com/caseport/caseport/internal/inbound/imaptest"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/support"
)

// listen starts the SMTP listener for the fixture's service on loopback.
func (f *env) listen(t *testing.T) string {
	t.Helper()
	f.configure(mailDomain)
	return listen(t, f.svc, false)
}

// mailDomain gives a service the mail domain of the tests' support
// address, so it knows its own mail when it comes back.
func mailDomain(d *support.Deps) { d.MailDomain = "vendor.example" }

// listen starts the SMTP (or LMTP) listener for svc (given mailDomain) on
// loopback.
func listen(t *testing.T, svc *support.Service, lmtp bool) string {
	t.Helper()
	l := inbound.NewListener("support.vendor.example", lmtp, quietLog(), svc.Mail().ReceiveMail)
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go l.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { l.Close() })
	return ln.Addr().String()
}

// send delivers a message over a real SMTP session.
func send(t *testing.T, addr, from, headers, body string) {
	t.Helper()
	msg := strings.ReplaceAll(headers, "\n", "\r\n") + "\r\n" + strings.ReplaceAll(body, "\n", "\r\n")
	if err := smtp.SendMail(addr, nil, from, []string{"support@vendor.example"}, []byte(msg)); err != nil {
		t.Fatalf("SMTP: %v", err)
	}
}

func (f *env) inbound(t *testing.T) map[string]desk.InboundMail {
	t.Helper()
	ms, err := f.store.InboundList(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]desk.InboundMail{}
	for _, m := range ms {
		out[m.Subject] = m
	}
	return out
}

// mailCase has who open a case for replies by email, and makes a worker
// that files them; it returns the worker, the case and its Reference ID.
func (f *env) mailCase(t *testing.T, who *desk.User) (w *jobs, caseID int64, ref string) {
	t.Helper()
	w = f.worker()
	w.w.Handle(desk.JobInbound, f.svc.Jobs().ProcessInbound)
	caseID = f.open(t, who, desk.PriorityMedium)
	c, err := f.store.Case(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return w, caseID, c.ReferenceID
}

func TestEmailIn(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		addr := f.listen(t)
		acme := f.customer("Acme Corp")
		w, caseID, ref := f.mailCase(t, acme.dana)
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		reply := func(from, subject, extra, body string) {
			send(t, addr, from, fmt.Sprintf("From: %s\nTo: support@vendor.example\nSubject: %s\n%s", from, subject, extra), body)
		}
		reply(acme.dana.Email, "Re: the patch", "X-Caseport-Reference: "+ref+"\n",
			"It still fails after the patch.\n\nOn Mon, Support <support@vendor.example> wrote:\n> Try the patch\n")
		reply(acme.riley.Email, "Me too", "X-Caseport-Reference: "+ref+"\n", "Same here.\n")
		reply("stranger@elsewhere.example", "Who are you", "X-Caseport-Reference: "+ref+"\n", "Hello\n")
		reply(acme.dana.Email, "New problem", "", "Please open a case for the IVR.\n")
		reply(acme.dana.Email, "Out of office", "Auto-Submitted: auto-replied\nX-Caseport-Reference: "+ref+"\n", "Away until Monday.\n")
		reply(acme.dana.Email, "Wrong ref", "", "Reference ID: ffffffffffffffffffff\nHello\n")
		send(t, addr, acme.dana.Email, "", "\x00\x01 not a header block\n") // malformed: must not block the others

		if _, err := w.w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got := f.inbound(t)
		for subject, want := range map[string]struct {
			state  desk.InboundState
			reason string
		}{
			"Re: the patch": {desk.InboundAppended, ""},
			"Me too":        {desk.InboundTriage, "not a Designated Contact"},
			"Who are you":   {desk.InboundTriage, "not a contact"},
			"New problem":   {desk.InboundTriage, "No Reference ID"},
			"Out of office": {desk.InboundIgnored, "automatic"},
			"Wrong ref":     {desk.InboundTriage, "belongs to no case"},
		} {
			m, ok := got[subject]
			if !ok || m.State != want.state || !strings.Contains(m.Reason, want.reason) {
				t.Errorf("%q: %+v, want %s (%s)", subject, m, want.state, want.reason)
			}
		}
		if m := got[""]; m.State != desk.InboundTriage {
			t.Errorf("the malformed message: %+v", m)
		}
		v, err := f.svc.Cases().Case(ctx, f.staff(t, desk.RoleAgent), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Status != desk.StatusOpen {
			t.Errorf("after the customer's email the case is %s, want Open", v.Case.Status)
		}
		updates := 0
		for _, e := range v.Feed {
			if strings.Contains(e.Body, "It still fails") {
				updates++
				if strings.Contains(e.Body, "Try the patch") || e.Kind != desk.EntryComment {
					t.Errorf("the update keeps the quoted history or is not the customer's: %+v", e)
				}
			}
		}
		if updates != 1 {
			t.Errorf("%d updates from the email, want 1", updates)
		}

		// Triage: link one to the case as a note for staff, discard another.
		admin := f.staff(t, desk.RolePortalAdmin)
		if err := f.svc.Mail().LinkInbound(ctx, f.staff(t, desk.RoleAgent), got["Me too"].ID, caseID); kind(err) != "forbidden" {
			t.Errorf("an agent linking = %v", err)
		}
		if err := f.svc.Mail().LinkInbound(ctx, admin, got["Me too"].ID, 9_999_999); desk.AsValidation(err) == nil {
			t.Errorf("linking to no case = %v", err)
		}
		if err := f.svc.Mail().LinkInbound(ctx, admin, got["Me too"].ID, caseID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Mail().LinkInbound(ctx, admin, got["Me too"].ID, caseID); kind(err) != "conflict" {
			t.Errorf("linking twice = %v", err)
		}
		if err := f.svc.Mail().LinkInbound(ctx, admin, got["New problem"].ID, 0); err != nil {
			t.Fatal(err)
		}
		got = f.inbound(t)
		if got["Me too"].State != desk.InboundLinked || got["New problem"].State != desk.InboundDiscard {
			t.Errorf("after triage: %+v / %+v", got["Me too"], got["New problem"])
		}
		cv, _ := f.svc.Cases().Case(ctx, f.req(t, acme.dana), caseID)
		for _, e := range cv.Feed {
			if strings.Contains(e.Body, "Same here") {
				t.Error("a linked email, an internal note, is shown to the customer")
			}
		}
	})
}

// TestEmailInOnce: a mail server resends a message whose 250 it never saw
// (Caseport kept it and crashed, or the connection dropped), and a poller
// that crashed before it deleted what it fetched fetches it again. The
// copy is answered 250 and kept once, whether it has a Message-ID or only
// its content to know it by, and even when two processes on one database
// receive copies at the same moment: one over SMTP, the other over LMTP
// and from an IMAP mailbox.
func TestEmailInOnce(t *testing.T) {
	t.Parallel()
	storetest.EachAt(t, func(t *testing.T, _, url string) {
		f := newEnv(t, storetest.OpenAt(t, url))
		other := f.service(storetest.OpenAt(t, url), mailDomain) // a second caseport serve
		smtpAddr, lmtpAddr := f.listen(t), listen(t, other, true)
		mailbox := imaptest.Server(t)
		poller, err := inbound.NewPoller(imaptest.URL(mailbox), time.Minute, quietLog(), other.Mail().ReceiveMail)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		w, caseID, ref := f.mailCase(t, acme.dana)
		message := func(from, subject, messageID, body string) string {
			h := "From: " + from + "\r\nTo: support@vendor.example\r\nSubject: " + subject +
				"\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nX-Caseport-Reference: " + ref + "\r\n"
			if messageID != "" {
				h += "Message-ID: <" + messageID + ">\r\n"
			}
			return h + "\r\n" + body + "\r\n"
		}
		// deliver sends raw over SMTP (i even) or LMTP (i odd).
		deliver := func(i int, raw string) error {
			if i%2 == 0 {
				return smtp.SendMail(smtpAddr, nil, acme.dana.Email, []string{"support@vendor.example"}, []byte(raw))
			}
			var d net.Dialer
			conn, err := d.DialContext(ctx, "tcp", lmtpAddr)
			if err != nil {
				return err
			}
			lc := gosmtp.NewClientLMTP(conn)
			defer lc.Close()
			if err := lc.SendMail(acme.dana.Email, []string{"support@vendor.example"}, strings.NewReader(raw)); err != nil {
				return err
			}
			return lc.Quit()
		}
		poll := func() (int, error) {
			n, err := poller.Poll(ctx)
			if err == nil && n == 0 {
				err = errors.New("the copies in the mailbox were not kept")
			}
			return n, err
		}
		run := func() {
			t.Helper()
			if _, err := w.w.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}

		// Kept and filed, then sent again to the other process and
		// fetched from the mailbox.
		withID := message(acme.dana.Email, "With an ID", "once-1@abc-testing.example", "The trace is on its way.")
		noID := message(acme.dana.Email, "Without an ID", "", "Node 2 restarted at nine.")
		// The same Message-ID from someone else is another message.
		stranger := message("stranger@elsewhere.example", "Not the same", "once-1@abc-testing.example", "Hello")
		for _, raw := range []string{withID, noID, stranger} {
			if err := deliver(0, raw); err != nil {
				t.Fatal(err)
			}
		}
		run()
		for _, raw := range []string{withID, noID, stranger} {
			if err := deliver(1, raw); err != nil {
				t.Errorf("the copy is refused: %v", err)
			}
			imaptest.Deliver(t, mailbox, raw)
		}
		if n, err := poll(); n != 3 || err != nil {
			t.Errorf("poll: %d of 3 copies kept, %v", n, err)
		}
		run()

		// Copies at once over SMTP, LMTP and IMAP, before anything is
		// filed.
		atOnce := []string{
			message(acme.dana.Email, "At once with an ID", "once-2@abc-testing.example", "Both nodes are up."),
			message(acme.dana.Email, "At once, no ID", "", "Calls work again."),
		}
		for _, raw := range atOnce {
			imaptest.Deliver(t, mailbox, raw)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 17)
		wg.Go(func() {
			_, err := poll()
			errs <- err
		})
		for i := range 16 {
			wg.Go(func() { errs <- deliver(i, atOnce[i/2%2]) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a copy is refused: %v", err)
			}
		}
		run()

		ms, err := f.store.InboundList(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		kept := map[string]int{}
		for _, m := range ms {
			kept[m.Subject+" "+string(m.State)]++
		}
		want := map[string]int{
			"With an ID " + string(desk.InboundAppended):         1,
			"Without an ID " + string(desk.InboundAppended):      1,
			"Not the same " + string(desk.InboundTriage):         1,
			"At once with an ID " + string(desk.InboundAppended): 1,
			"At once, no ID " + string(desk.InboundAppended):     1,
		}
		if diff := cmp.Diff(want, kept); diff != "" {
			t.Errorf("received mail kept (-want +got):\n%s", diff)
		}
		v, err := f.svc.Cases().Case(ctx, f.staff(t, desk.RoleAgent), caseID)
		if err != nil {
			t.Fatal(err)
		}
		updates := map[string]int{}
		for _, e := range v.Feed {
			for _, text := range []string{"The trace is on its way.", "Node 2 restarted at nine.", "Both nodes are up.", "Calls work again."} {
				if strings.Contains(e.Body, text) {
					updates[text]++
				}
			}
		}
		for text, n := range updates {
			if n != 1 {
				t.Errorf("%q is on the Case Feed %d times, want once", text, n)
			}
		}
		if len(updates) != 4 {
			t.Errorf("updates on the Case Feed: %v, want 4 different", updates)
		}
		if n, err := poller.Poll(ctx); n != 0 || err != nil {
			t.Errorf("the mailbox after polling: %d messages, %v; want none left", n, err)
		}
	})
}

// TestEmailInCharsets: a reply in KOI8-R with a subject in raw 8-bit
// Windows-1252 reaches the Case Feed, and the triage list, as the text the
// customer wrote, on both engines (PostgreSQL refuses text that is not
// UTF-8).
func TestEmailInCharsets(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		addr := f.listen(t)
		acme := f.customer("Acme Corp")
		w, caseID, ref := f.mailCase(t, acme.dana)
		// "Звонки обрываются." in KOI8-R, base64; "Re: “Anruf” – Grüße" in Windows-1252.
		send(t, addr, acme.dana.Email, "From: =?KOI8-R?B?6dfBzg==?= <"+acme.dana.Email+">\nSubject: Re: \x93Anruf\x94 \x96 Gr\xfc\xdfe\n"+
			"X-Caseport-Reference: "+ref+"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: base64\n",
			"+tfPzsvJIM/C0tnXwcDU09EuCg==\n")
		if _, err := w.w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		m := f.inbound(t)["Re: “Anruf” – Grüße"]
		if m.State != desk.InboundAppended {
			t.Fatalf("received mail by subject: %+v, want it appended", f.inbound(t))
		}
		v, err := f.svc.Cases().Case(ctx, f.staff(t, desk.RoleAgent), caseID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range v.Feed {
			found = found || strings.Contains(e.Body, "Звонки обрываются.")
		}
		if !found {
			t.Error("the reply in KOI8-R is not on the Case Feed as written")
		}
	})
}
