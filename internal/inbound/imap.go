package inbound

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Poller fetches the support address's mail from an IMAP mailbox: each
// unread message is handed to accept and, once kept, marked read and
// deleted from the mailbox (Caseport keeps the raw message). A message
// accept refuses stays unread for the next round.
type Poller struct {
	url    *url.URL
	every  time.Duration
	log    *slog.Logger
	accept Receiver
}

// NewPoller reads an IMAP URL: imaps://user:password@host[:993]/INBOX, or
// imap://…:143/INBOX?tls=none for a server on loopback.
func NewPoller(rawURL string, every time.Duration, log *slog.Logger, accept Receiver) (*Poller, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Hostname() == "" || u.User.Username() == "" {
		redacted := "(unreadable)"
		if u != nil {
			redacted = u.Redacted()
		}
		return nil, fmt.Errorf("IMAP mailbox %q: give imaps://user:password@host/INBOX", redacted)
	}
	if every <= 0 {
		every = time.Minute
	}
	return &Poller{url: u, every: every, log: log, accept: accept}, nil
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	for {
		if n, err := p.Poll(ctx); err != nil {
			p.log.WarnContext(ctx, "poll IMAP mailbox", "mailbox", p.url.Redacted(), "err", err)
		} else if n > 0 {
			p.log.InfoContext(ctx, "mail fetched", "messages", n)
		}
		t := time.NewTimer(p.every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Poll fetches the unread messages once and returns how many it kept.
func (p *Poller) Poll(ctx context.Context) (int, error) {
	c, err := p.dial()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	pass, _ := p.url.User.Password()
	if err := c.Login(p.url.User.Username(), pass).Wait(); err != nil {
		return 0, fmt.Errorf("log in: %w", err)
	}
	mailbox := strings.TrimPrefix(p.url.Path, "/")
	if mailbox == "" {
		mailbox = "INBOX"
	}
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		return 0, fmt.Errorf("select %s: %w", mailbox, err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	kept := imap.UIDSet{}
	n := 0
	for _, uid := range found.AllUIDs() {
		if ctx.Err() != nil {
			break
		}
		section := &imap.FetchItemBodySection{Peek: true}
		msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil || len(msgs) == 0 {
			p.log.WarnContext(ctx, "fetch message", "uid", uid, "err", err)
			continue
		}
		raw := msgs[0].FindBodySection(section)
		if raw == nil {
			continue
		}
		if err := p.accept(ctx, "imap", "", []string{p.url.User.Username()}, raw); err != nil {
			p.log.WarnContext(ctx, "keep fetched message", "uid", uid, "err", err)
			continue // stays unread: the next round tries again
		}
		kept.AddNum(uid)
		n++
	}
	if n == 0 {
		return 0, c.Logout().Wait()
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}}
	if err := c.Store(kept, store, nil).Close(); err != nil {
		return n, fmt.Errorf("mark kept messages: %w", err)
	}
	if err := c.UIDExpunge(kept).Close(); err != nil {
		// Without UIDPLUS: expunge every deleted message.
		if err := c.Expunge().Close(); err != nil {
			return n, fmt.Errorf("expunge: %w", err)
		}
	}
	return n, c.Logout().Wait()
}

func (p *Poller) dial() (*imapclient.Client, error) {
	host := p.url.Host
	if p.url.Port() == "" {
		port := "993"
		if p.url.Scheme == "imap" {
			port = "143"
		}
		host += ":" + port
	}
	if p.url.Scheme == "imaps" {
		return imapclient.DialTLS(host, nil)
	}
	if p.url.Query().Get("tls") == "none" {
		return imapclient.DialInsecure(host, nil)
	}
	return imapclient.DialStartTLS(host, nil)
}
