package support_test

import (
	"context"
	"errors"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// TestCommentTakesFiles: a customer's update carries files only with the
// case's data-protection warning acknowledged, before or with the update;
// the files become the case's in the same transaction as the update, and
// a refusal keeps nothing (no update, no acknowledgement, no file).
func TestCommentTakesFiles(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		f.withFiles(t)
		acme, caseID := f.acmeCase()
		dana, riley := f.req(t, acme.dana), f.req(t, acme.riley)
		log := []support.Attachment{{Name: "server.log", ContentType: "text/plain", Content: []byte("boot ok")}}
		counts := func() (entries, files int, acked bool) {
			t.Helper()
			e, err := f.store.Entries(ctx, caseID, true)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := f.store.CaseFiles(ctx, caseID)
			if err != nil {
				t.Fatal(err)
			}
			at, err := f.store.FilesAcknowledged(ctx, caseID, acme.dana.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(e), len(fs), !at.IsZero()
		}
		v, err := f.svc.Cases().Case(ctx, dana, caseID)
		if err != nil || !v.NeedsAcknowledgement {
			t.Fatalf("the case page before any acknowledgement: %v, NeedsAcknowledgement %v, want true", err, v != nil && v.NeedsAcknowledgement)
		}

		// Without the acknowledgement: refused beside the checkbox, nothing kept.
		e0, f0, _ := counts()
		_, err = f.svc.Cases().Post(ctx, dana, caseID, support.Posting{Body: "Logs attached.", Files: log})
		if desk.FieldMessages(err)["acknowledge"].ID != "page.polish.acknowledge_with_files" {
			t.Fatalf("files without the acknowledgement: %v, want the acknowledgement asked for", err)
		}
		// A bad body refuses the acknowledgement and the files with it.
		if _, err := f.svc.Cases().Post(ctx, dana, caseID, support.Posting{Body: " ", Files: log, Acknowledge: true}); desk.FieldMessages(err)["body"].ID == "" {
			t.Fatalf("an empty update with files: %v, want the body's message", err)
		}
		// Riley (Read-Only) may not comment, so may not send files either.
		if _, err := f.svc.Cases().Post(ctx, riley, caseID, support.Posting{Body: "Mine.", Files: log, Acknowledge: true}); !errors.Is(err, desk.ErrForbidden) {
			t.Fatalf("Riley's update with files: %v, want forbidden", err)
		}
		if e, fs, acked := counts(); e != e0 || fs != f0 || acked {
			t.Fatalf("after the refusals: %d entries, %d files, acknowledged %v; want %d, %d, false", e, fs, acked, e0, f0)
		}

		// With the acknowledgement ticked: update, acknowledgement and file together.
		kind, err := f.svc.Cases().Post(ctx, dana, caseID, support.Posting{Body: "Logs attached.", Files: log, Acknowledge: true})
		if err != nil || kind != desk.EntryComment {
			t.Fatalf("the update with files = %s, %v; want a comment", kind, err)
		}
		e1, f1, acked := counts()
		if e1 <= e0 || f1 != f0+1 || !acked {
			t.Fatalf("after the update: %d entries, %d files, acknowledged %v; want more entries, one file, acknowledged", e1, f1, acked)
		}
		fs, _ := f.store.CaseFiles(ctx, caseID)
		if fs[0].Name != "server.log" || fs[0].SharedBySupport() || fs[0].UploadedBy != acme.dana.ID {
			t.Errorf("the file = %+v, want server.log from Dana", fs[0])
		}
		// Acknowledged once, the next update's files need no tick.
		if _, err := f.svc.Cases().Post(ctx, dana, caseID, support.Posting{Body: "One more.", Files: log}); err != nil {
			t.Fatalf("a second update with files: %v", err)
		}
		if v, _ := f.svc.Cases().Case(ctx, dana, caseID); v.NeedsAcknowledgement {
			t.Error("the case page still asks for the acknowledgement")
		}
	})
}
