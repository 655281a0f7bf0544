package support_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
)

// closeDuring closes an open case in a transaction that stays open while
// act runs beside it, and returns what act returned. An act that decided
// on the case it read before the close, outside its own transaction,
// goes ahead on a closed case; one that reads and decides inside its
// transaction waits for the close and is refused.
func (f *env) closeDuring(t *testing.T, caseID int64, act func() error) error {
	t.Helper()
	ctx := context.Background()
	done := make(chan error, 1)
	err := f.store.Write(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, caseID)
		if err != nil {
			return err
		}
		c.Status, c.SubStatus, c.ClosedAt = desk.StatusClosed, desk.SubResolved, f.time.Now()
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		go func() { done <- act() }()
		// Time for act to read the case and reach its write. A real
		// sleep, not a synctest bubble: on PostgreSQL act then waits on
		// the row lock inside the server, which no bubble can see.
		time.Sleep(300 * time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return <-done
}

// withFiles gives the fixture's service a file store of its own for the
// test, and returns it.
func (f *env) withFiles(t *testing.T) *files.Local {
	t.Helper()
	fs, err := files.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	f.configure(func(d *support.Deps) { d.Files = fs })
	return fs
}

// TestFileWritesDecideInTheirTransaction: a temporary SFTP account, an
// acknowledgement and an upload are refused for a case closed while they
// were under way, and nothing of them is recorded.
func TestFileWritesDecideInTheirTransaction(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		f.withFiles(t)
		acme := f.customer("Acme Corp")
		agent, dana := f.staff(t, desk.RoleAgent), f.req(t, acme.dana)

		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		err := f.closeDuring(t, caseID, func() error {
			_, err := f.svc.Transfers().CreateSFTPAccount(ctx, agent, caseID)
			return err
		})
		if !errors.Is(err, desk.ErrConflict) {
			t.Errorf("SFTP account for a case closed meanwhile: %v, want a conflict", err)
		}
		if list, err := f.store.CaseSFTPAccounts(ctx, caseID); err != nil || len(list) != 0 {
			t.Errorf("SFTP accounts of the closed case: %v %v", list, err)
		}

		caseID = f.open(t, acme.dana, desk.PriorityMedium)
		err = f.closeDuring(t, caseID, func() error { return f.svc.Transfers().AcknowledgeFiles(ctx, dana, caseID) })
		if !errors.Is(err, desk.ErrConflict) {
			t.Errorf("acknowledgement for a case closed meanwhile: %v, want a conflict", err)
		}
		if at, err := f.store.FilesAcknowledged(ctx, caseID, dana.Actor.User.ID); err != nil || !at.IsZero() {
			t.Errorf("acknowledged a closed case at %v %v", at, err)
		}

		caseID = f.open(t, acme.dana, desk.PriorityMedium)
		var u *desk.Upload
		err = f.closeDuring(t, caseID, func() error {
			var err error
			u, err = f.svc.Transfers().CreateUpload(ctx, agent, support.NewUpload{CaseID: caseID, Name: "trace.pcap", Length: 10}, nil)
			return err
		})
		if !errors.Is(err, desk.ErrConflict) || u != nil {
			t.Errorf("upload to a case closed meanwhile: %+v %v, want a conflict", u, err)
		}

		caseID = f.open(t, acme.dana, desk.PriorityMedium)
		u, err = f.svc.Transfers().CreateUpload(ctx, agent, support.NewUpload{CaseID: caseID, Name: "trace.pcap", Length: 10}, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = f.closeDuring(t, caseID, func() error {
			_, err := f.svc.Transfers().WriteUpload(ctx, agent, u.ID, support.Chunk{Length: 10, Body: strings.NewReader("0123456789")})
			return err
		})
		if !errors.Is(err, desk.ErrConflict) {
			t.Errorf("last chunk to a case closed meanwhile: %v, want a conflict", err)
		}
		if list, err := f.store.CaseFiles(ctx, caseID); err != nil || len(list) != 0 {
			t.Errorf("files of the closed case: %+v %v", list, err)
		}
	})
}

// TestCaseFileDownloads: a case's file opens for whoever may see the case
// and does not exist for anyone else, nor under another case; a file
// whose bytes the file store lost is not found either (never an error of
// the file store's own, which only support knows).
func TestCaseFileDownloads(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		fs := f.withFiles(t)
		acme, globex := f.customer("Acme Corp"), f.customer("Globex")
		agent := f.staff(t, desk.RoleAgent)
		caseID, otherCase := f.open(t, acme.dana, desk.PriorityMedium), f.open(t, acme.dana, desk.PriorityLow)
		const body = "2026-03-02 10:00:01 SIP 503\n"
		u, err := f.svc.Transfers().CreateUpload(ctx, agent, support.NewUpload{CaseID: caseID, Name: "sip.log", Length: int64(len(body))},
			&support.Chunk{Length: int64(len(body)), Body: strings.NewReader(body)})
		if err != nil || u.FileID == 0 {
			t.Fatalf("share a file: %+v, %v", u, err)
		}
		for name, r := range map[string]support.Request{"Dana": f.req(t, acme.dana), "Riley (Read-Only)": f.req(t, acme.riley), "an agent": agent} {
			file, content, err := f.svc.Transfers().OpenCaseFile(ctx, r, caseID, u.FileID)
			if err != nil {
				t.Errorf("%s opens the file: %v", name, err)
				continue
			}
			got, err := io.ReadAll(content)
			content.Close()
			if err != nil || string(got) != body || file.Name != "sip.log" {
				t.Errorf("%s reads %s: %q, %v", name, file.Name, got, err)
			}
		}
		for what, open := range map[string]func() error{
			"another company's contact": func() error {
				_, _, err := f.svc.Transfers().OpenCaseFile(ctx, f.req(t, globex.dana), caseID, u.FileID)
				return err
			},
			"the file under another case": func() error {
				_, _, err := f.svc.Transfers().OpenCaseFile(ctx, f.req(t, acme.dana), otherCase, u.FileID)
				return err
			},
			"a case that does not exist": func() error {
				_, _, err := f.svc.Transfers().OpenCaseFile(ctx, f.req(t, acme.dana), otherCase+1000, u.FileID)
				return err
			},
			"another company's contact listing": func() error {
				_, err := f.svc.Transfers().CaseFiles(ctx, f.req(t, globex.dana), caseID)
				return err
			},
		} {
			if err := open(); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("%s = %v, want not found", what, err)
			}
		}
		list, err := f.svc.Transfers().CaseFiles(ctx, f.req(t, acme.riley), caseID)
		if err != nil || len(list) != 1 || list[0].ID != u.FileID {
			t.Fatalf("Riley's list of files: %+v, %v", list, err)
		}
		if err := fs.Delete(ctx, list[0].StorageKey); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Transfers().OpenCaseFile(ctx, f.req(t, acme.dana), caseID, u.FileID); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("a file whose bytes are gone = %v, want not found", err)
		}
	})
}
