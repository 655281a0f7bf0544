package support

import (
	"context"
	"strconv"
	"strings"

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

// RunPurge deletes the files of a case closed thirty days ago. It runs
// again harmlessly: deleted files are skipped, and a missing file is no
// error.
func (s *Jobs) RunPurge(ctx context.Context, j *desk.Job) error {
	files, err := s.store.CaseFiles(ctx, j.CaseID)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done {
			return err
		}
		c, err := tx.CaseForUpdate(ctx, j.CaseID)
		if err != nil {
			return err
		}
		if c.Status != desk.StatusClosed || s.now().Before(c.ClosedAt.Add(desk.ReopenWindow)) {
			return nil // reopened, or closed again later: its own purge will come
		}
		var removed []string
		for _, f := range files {
			if !f.PurgedAt.IsZero() {
				continue
			}
			if s.files != nil {
				if err := s.files.Delete(ctx, f.StorageKey); err != nil {
					return err
				}
			}
			if err := tx.MarkPurged(ctx, f.ID, s.now()); err != nil {
				return err
			}
			removed = append(removed, f.Name+" ("+f.SHA256[:12]+")")
		}
		if len(removed) == 0 {
			return nil
		}
		s.log.InfoContext(ctx, "files purged", "case", c.Number(), "files", len(removed))
		if err := s.event(ctx, tx, Request{Address: "retention"}, c, "Files deleted 30 days after closure: "+strings.Join(removed, ", ")+"."); err != nil {
			return err
		}
		return s.audit(ctx, tx, Request{Address: "retention"}, "files_purged", c.Number(), strings.Join(removed, ", "))
	})
}
