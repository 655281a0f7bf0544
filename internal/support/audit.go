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
