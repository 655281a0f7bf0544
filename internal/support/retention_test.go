package support_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/support"
)

func TestRetentionPurge(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		fs := f.withFiles(t)
		w := f.worker()
		w.w.Handle(desk.JobInbound, f.svc.Jobs().ProcessInbound)
		w.w.Handle(support.JobPurge, f.svc.Jobs().RunPurge)
		acme := f.customer("Acme Corp")
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		c, _ := f.store.Case(ctx, caseID)
		raw := "From: " + acme.dana.Email + "\r\nSubject: logs\r\nX-Caseport-Reference: " + c.ReferenceID + "\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nLogs.\r\n--b\r\n" +
			"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=core.dump\r\n\r\nDUMPDATA\r\n--b--\r\n"
		if err := f.svc.Mail().ReceiveMail(ctx, "smtp", acme.dana.Email, nil, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		dana := f.req(t, acme.dana)
		list, err := f.svc.Transfers().CaseFiles(ctx, dana, caseID)
		if err != nil || len(list) != 1 {
			t.Fatalf("files %v %v", list, err)
		}
		file := list[0]
		key := "purge:" + itoa(caseID)
		if err := f.svc.Cases().Close(ctx, dana, caseID, desk.SubResolved, "Done."); err != nil {
			t.Fatal(err)
		}
		job, err := f.store.PendingJob(ctx, key)
		if err != nil || !job.RunAt.Equal(f.time.Now().Add(desk.ReopenWindow)) {
			t.Fatalf("purge job %+v %v", job, err)
		}
		// Reopened within the 30 days: no purge.
		f.time.Set(f.time.Now().AddDate(0, 0, 20))
		if err := f.svc.Cases().Reopen(ctx, dana, caseID, "It is back."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("the purge survived the reopening: %v", err)
		}
		f.time.Set(f.time.Now().AddDate(0, 0, 15))
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if _, content, err := f.svc.Transfers().OpenCaseFile(ctx, dana, caseID, file.ID); err != nil {
			t.Fatalf("the file of a reopened case is gone: %v", err)
		} else {
			content.Close()
		}
		// Closed again: thirty days later the file is deleted, the line kept.
		if err := f.svc.Cases().Close(ctx, dana, caseID, desk.SubResolved, "Done for good."); err != nil {
			t.Fatal(err)
		}
		f.time.Set(f.time.Now().Add(desk.ReopenWindow))
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		list, _ = f.svc.Transfers().CaseFiles(ctx, dana, caseID)
		if len(list) != 1 || list[0].PurgedAt.IsZero() {
			t.Fatalf("after the purge: %+v", list)
		}
		if _, err := fs.Open(ctx, file.StorageKey); !errors.Is(err, files.ErrNotFound) {
			t.Errorf("the stored file is still there: %v", err)
		}
		if _, _, err := f.svc.Transfers().OpenCaseFile(ctx, dana, caseID, file.ID); !errors.Is(err, desk.ErrGone) || !strings.Contains(err.Error(), "deleted") {
			t.Errorf("downloading a purged file = %v", err)
		}
		// The purge is idempotent: running it again removes nothing more.
		if err := f.svc.Jobs().RunPurge(ctx, &desk.Job{ID: 0, CaseID: caseID}); err != nil {
			t.Errorf("a second purge: %v", err)
		}
	})
}
