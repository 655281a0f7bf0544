package support

import (
	"context"
	"regexp"

	"github.com/caseport/caseport/internal/desk"
)

// Entries lists audit lines, newest first (portal admins).
func (s *Audit) Entries(ctx context.Context, r Request, f desk.AuditFilter) ([]desk.AuditEntry, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAudit, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.AuditLog(ctx, f)
}

// Outbox lists the emails Caseport queued, newest first (portal admins):
// where mail goes when no relay is configured, so nothing is lost. The
// one-time tokens in sign-up and password-reset links are hidden: reading
// the outbox must not let anyone use them.
func (s *Mail) Outbox(ctx context.Context, r Request, to string, limit int) ([]desk.Notification, error) {
	if err := desk.Authorize(r.Actor, desk.ViewOutbox, desk.Target{}); err != nil {
		return nil, err
	}
	ms, err := s.store.Notifications(ctx, to, limit)
	for i := range ms {
		ms[i].Body = linkToken.ReplaceAllString(ms[i].Body, "token=(hidden)")
	}
	return ms, err
}

// linkToken finds the one-time token of a link in an email.
var linkToken = regexp.MustCompile(`token=[^\s&]+`)

// EmailRulesSettings returns the work email rules for the page that edits
// them (portal admins).
func (s *Mail) EmailRulesSettings(ctx context.Context, r Request) (desk.EmailRules, error) {
	if err := desk.Authorize(r.Actor, desk.ManageEmailRules, desk.Target{}); err != nil {
		return desk.EmailRules{}, err
	}
	return s.storedEmailRules(ctx)
}
