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
