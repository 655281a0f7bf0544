package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// TestEmailAttachmentsAreCaseFiles: an attachment of a customer's reply
// becomes a file of the case, listed with its SHA-256 and downloadable
// (with Range) by whoever may see the case, and nobody else.
func TestEmailAttachmentsAreCaseFiles(t *testing.T) {
	t.Parallel()
	eachBuiltWith(t, func(d *support.Deps) { d.MailDomain = "vendor.example" }, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Dana's case, which her Read-Only colleague Riley may read and a
		// contact of another company may not.
		abc, other := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners")
		e.fx.Contract(abc)
		e.fx.Contract(other)
		danaUser := e.fx.Contact(abc, desk.ReadWrite, fixture.Named("Dana", "Designated"))
		dana, riley, stranger := e.login(danaUser), e.login(e.fx.Contact(abc, desk.ReadOnly)), e.login(e.fx.Contact(other, desk.ReadWrite))
		caseID := e.fx.Case(danaUser, fixture.Priority(desk.PriorityMedium), fixture.Status(desk.StatusOpen, desk.SubInvestigation)).ID
		row, err := e.store.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		content := strings.Repeat("2026-03-02 10:00:01 SIP 503 Service Unavailable\n", 200)
		raw := "From: Dana Designated <" + dana + ">\r\nSubject: Re: logs\r\nX-Caseport-Reference: " + row.ReferenceID + "\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe log is attached.\r\n" +
			"--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"../../sip.log\"\r\n\r\n" + strings.ReplaceAll(content, "\n", "\r\n") + "\r\n--b--\r\n"
		if err := e.svc.Mail().ReceiveMail(ctx, "smtp", dana, []string{"support@vendor.example"}, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		w := worker.New(worker.Config{Store: e.store, Log: quietWeb()})
		w.Handle(desk.JobInbound, e.svc.Jobs().ProcessInbound)
		w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		n := number(caseID)
		danaPage := e.signIn(dana)
		page := danaPage.get("/cases/" + n).Body
		m := regexp.MustCompile(`href="(/cases/` + n + `/files/\d+)" download>sip\.log<`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the case page does not list sip.log (its name without the path)")
		}
		stored := strings.ReplaceAll(content, "\n", "\r\n")
		sum := sha256.Sum256([]byte(stored))
		if !strings.Contains(page, hex.EncodeToString(sum[:])) {
			t.Error("the case page does not show the file's SHA-256")
		}
		res := danaPage.get(m[1])
		if res.StatusCode != http.StatusOK || res.Body != stored || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
			res.Header.Get("Content-Type") != "application/octet-stream" {
			t.Fatalf("download = %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type"))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+m[1], nil)
		req.Header.Set("Range", "bytes=0-9")
		if res := danaPage.do(req); res.StatusCode != http.StatusPartialContent || res.Body != stored[:10] {
			t.Errorf("range download = %d %q", res.StatusCode, res.Body)
		}
		if res := e.signIn(stranger).get(m[1]); res.StatusCode != http.StatusNotFound {
			t.Errorf("another company downloading = %d, want 404", res.StatusCode)
		}
		if res := e.signIn(riley).get(m[1]); res.StatusCode != http.StatusOK {
			t.Errorf("a Read-Only colleague downloading = %d", res.StatusCode)
		}
		api := e.apiClient(dana)
		list := decode[[]struct {
			ID     int64  `json:"id"`
			SHA256 string `json:"sha256"`
		}](t, api.apiCall("GET", "/api/v1/cases/"+n+"/files", nil))
		if len(list) != 1 || list[0].SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("API files %+v", list)
		}
		if res := api.apiCall("GET", "/api/v1/cases/"+n+"/files/"+itoa(list[0].ID)+"/content", nil); res.Body != stored {
			t.Errorf("API content = %d", res.StatusCode)
		}
	})
}

// TestFileWithoutItsBytes: a case file whose bytes the file store no
// longer has is not found, on the page and in the API, not a failure.
func TestFileWithoutItsBytes(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fs, err := files.OpenLocal(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fs.Close() })
			e := start(t, storetest.Open(t, eng), false, fs, nil)
			acme := e.fx.Company("Acme Corp")
			e.fx.Contract(acme)
			dana := e.fx.Contact(acme, desk.ReadWrite)
			danaEmail, agentEmail := e.login(dana), e.staff(desk.RoleAgent)
			c := e.open(dana, desk.PriorityMedium)
			const body = "2026-03-02 10:00:01 SIP 503\n"
			u, err := e.svc.Transfers().CreateUpload(context.Background(), support.Request{Actor: e.actor(agentEmail)},
				support.NewUpload{CaseID: c.ID, Name: "sip.log", Length: int64(len(body))},
				&support.Chunk{Length: int64(len(body)), Body: strings.NewReader(body)})
			if err != nil || u.FileID == 0 {
				t.Fatalf("share a file: %+v, %v", u, err)
			}
			path := "/cases/" + c.Number() + "/files/" + itoa(u.FileID)
			page := e.signIn(danaEmail)
			if res := page.get(path); res.StatusCode != http.StatusOK || res.Body != body {
				t.Fatalf("GET %s = %d %q, want the file", path, res.StatusCode, res.Body)
			}
			list, err := e.store.CaseFiles(context.Background(), c.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("files %+v, %v", list, err)
			}
			if err := fs.Delete(context.Background(), list[0].StorageKey); err != nil {
				t.Fatal(err)
			}
			if res := page.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s without its bytes = %d, want 404", path, res.StatusCode)
			}
			wantProblem(t, e.apiClient(danaEmail).apiCall("GET", "/api/v1"+path+"/content", nil), http.StatusNotFound)
		})
	}
}

// TestNoFilesSaysWhatToDo: an empty file list points to Transfer Files
// only on the case page and only for those who may transfer: not on the
// Transfer Files page itself, nor for a Read-Only contact.
func TestNoFilesSaysWhatToDo(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		n := number(e.fx.Case(danaUser).ID)
		dana, riley := e.signIn(e.login(danaUser)), e.signIn(e.login(e.fx.Contact(abc, desk.ReadOnly)))
		const offer, plain = "Use Transfer Files", `<div id="case-files">
<p>No files yet.</p>`
		if body := dana.get("/cases/" + n).Body; !strings.Contains(body, offer) {
			t.Error("the case page does not point Dana (Read-Write) to Transfer Files")
		}
		for what, body := range map[string]string{
			"the Transfer Files page":    dana.get("/cases/" + n + "/files").Body,
			"a Read-Only contact's case": riley.get("/cases/" + n).Body,
		} {
			if strings.Contains(body, offer) || !strings.Contains(body, plain) {
				t.Errorf("%s: the empty file list does not just say there are no files", what)
			}
		}
	})
}
