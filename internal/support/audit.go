package support

import (
	"context"

	"github.com/caseport/caseport/internal/desk"
)

// Entries lists audit lines, newest first (portal admins).
func (s *Audit) Entries(ctx context.Context, r Request, f desk.AuditFilter) ([]desk.AuditEntry, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAudit, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.AuditLog(ctx, f)
}

// EachEntry calls fn with every audit line the filter keeps, newest first,
// as the store reads them, for an export that streams (portal admins).
func (s *Audit) EachEntry(ctx context.Context, r Request, f desk.AuditFilter, fn func(desk.AuditEntry) error) error {
	if err := desk.Authorize(r.Actor, desk.ViewAudit, desk.Target{}); err != nil {
		return err
	}
	f.Limit = 0
	return s.store.EachAuditEntry(ctx, f, fn)
}
