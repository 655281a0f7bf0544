package support

import (
	"context"
	"strconv"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Retention (handbook: "Data Retention Policy"): thirty days after a case
// closes, every file of the case is deleted from storage; the files list
// keeps a line per file saying when. Reopening the case within the thirty
// days cancels the purge. The purge is a durable job and idempotent.

// JobPurge is the kind of the job that purges a closed case's files.
const JobPurge = "purge"

func purgeKey(caseID int64) string { return "purge:" + strconv.FormatInt(caseID, 10) }

// syncPurge schedules the purge when a case closes and cancels it when it
// reopens, in the change's transaction. Closing also ends the case's
// temporary SFTP accounts.
func (s *core) syncPurge(ctx context.Context, tx *store.Tx, before desk.Case, c *desk.Case) error {
	closed, wasClosed := c.Status == desk.StatusClosed, before.Status == desk.StatusClosed
	switch {
	case closed && !wasClosed:
		if _, err := tx.EndSFTPAccounts(ctx, c.ID, s.now(), true); err != nil {
			return err
		}
		_, err := tx.ScheduleJob(ctx, &desk.Job{
			Kind: JobPurge, Key: purgeKey(c.ID), CaseID: c.ID, RunAt: c.ClosedAt.Add(desk.ReopenWindow),
		}, s.now())
		return err
	case !closed && wasClosed:
		_, err := tx.CancelJob(ctx, purgeKey(c.ID), s.now())
		return err
	}
	return nil
}
