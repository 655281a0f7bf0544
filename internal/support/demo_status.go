package support

import (
	"context"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// DemoSetStatus changes the status of a back-dated case of the demo world
// at at, as the staff member userID would have on the case page, through
// the status change's own step: the policy, the transition table and the
// "Status changed from A - B to X - Y." event, at at, with no email
// (DemoEscalate). It changes c; the caller writes it with the rest of its
// history.
func DemoSetStatus(ctx context.Context, tx *store.Tx, userID int64, c *desk.Case, to desk.Status, toSub desk.SubStatus, at time.Time) error {
	s, r, err := demoRequest(ctx, tx, userID, at)
	if err != nil {
		return err
	}
	if err := askOn(r, c, desk.WorkCase); err != nil {
		return err
	}
	return s.setStatus(ctx, tx, r, c, to, toSub, "")
}

// DemoClose closes a back-dated case of the demo world at at, as the user
// userID would have with Close: its own steps (the closure comment, the
// status change, closed_at and the audit entry), at at, with no email. It
// changes c; the caller writes it with the rest of its history.
func DemoClose(ctx context.Context, tx *store.Tx, userID int64, c *desk.Case, reason desk.SubStatus, comment string, at time.Time) error {
	s, r, err := demoRequest(ctx, tx, userID, at)
	if err != nil {
		return err
	}
	if err := askOn(r, c, desk.CloseCase); err != nil {
		return err
	}
	if err := desk.ValidateComment("comment", comment); err != nil {
		return err
	}
	if c.Status == desk.StatusClosed {
		return desk.Refuse(desk.ErrConflict, "support.cases.case_is_already_closed", "Number", c.Number())
	}
	return s.closeTx(ctx, tx, r, c, reason, comment, "Closure comment: ", "case_closed") //i18n:stored
}
