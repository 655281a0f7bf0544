package web_test

import (
	"context"
	"crypto/sha1" //nolint:gosec // a checksum algorithm tus clients may choose
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// tusCall sends a tus request with the given headers (Tus-Resumable is
// added unless given as "").
func (c *client) tusCall(method, path string, headers map[string]string, body string) *response {
	c.e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	return c.do(req)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func tusMeta(caseNumber, name string) string {
	return "case " + b64(caseNumber) + ",filename " + b64(name) + ",filetype " + b64("text/plain")
}

func sumHeader(alg string, data string) string {
	switch alg {
	case "sha1":
		s := sha1.Sum([]byte(data)) //nolint:gosec // see import
		return "sha1 " + base64.StdEncoding.EncodeToString(s[:])
	default:
		s := sha256.Sum256([]byte(data))
		return "sha256 " + base64.StdEncoding.EncodeToString(s[:])
	}
}

const chunkMedia = "application/offset+octet-stream"

type apiFileLine struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	Direction string `json:"direction"`
	Source    string `json:"source"`
}

// TestTusUploads walks the tus protocol as Caseport serves it: discovery,
// creation with and without data, resume at the offset, chunk checksums,
// termination, concatenation, expiry; the case file with its SHA-256 at
// the end; and who may do it.
func TestTusUploads(t *testing.T) {
	t.Parallel()
	eachBuiltAndFileStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// ABC Testing Co, a direct customer with an active contract: Dana
		// (Read-Write) sends files to her new case; Sam is Read-Write too,
		// Riley Read-Only, Bailey Basic; Dana has a closed case as well.
		// Pat is Read-Write at another customer, Northwind. Staff: an
		// agent.
		abc, northwind := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners")
		e.fx.Contract(abc)
		e.fx.Contract(northwind)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		danaEmail := e.login(danaUser)
		samEmail, rileyEmail, baileyEmail := e.login(e.fx.Contact(abc, desk.ReadWrite)), e.login(e.fx.Contact(abc, desk.ReadOnly)), e.login(e.fx.Contact(abc, desk.Basic))
		patEmail := e.login(e.fx.Contact(northwind, desk.ReadWrite))
		n := number(e.fx.Case(danaUser).ID)
		closed := number(e.fx.Case(danaUser, fixture.Closed(desk.SubResolved, 10)).ID)
		dana := e.apiClient(danaEmail)

		res := e.anonymous().tusCall("OPTIONS", "/api/v1/uploads", map[string]string{"Tus-Resumable": ""}, "")
		if res.StatusCode != http.StatusNoContent || res.Header.Get("Tus-Version") != "1.0.0" ||
			!strings.Contains(res.Header.Get("Tus-Extension"), "concatenation") || !strings.Contains(res.Header.Get("Tus-Checksum-Algorithm"), "sha256") {
			t.Fatalf("OPTIONS = %d %v", res.StatusCode, res.Header)
		}

		content := strings.Repeat("0123456789abcdef", 4096) // 64 KiB
		create := map[string]string{"Upload-Length": itoa(int64(len(content))), "Upload-Metadata": tusMeta(n, "trace.log")}
		if p := wantProblem(t, dana.tusCall("POST", "/api/v1/uploads", create, ""), http.StatusForbidden); !strings.Contains(p.Detail, "acknowledge") {
			t.Errorf("upload before the acknowledgement: %q", p.Detail)
		}
		if res := dana.apiCall("POST", "/api/v1/cases/"+n+"/files/acknowledgement", nil); res.StatusCode != http.StatusNoContent {
			t.Fatalf("acknowledge = %d %s", res.StatusCode, res.Body)
		}
		if res := dana.tusCall("POST", "/api/v1/uploads", map[string]string{"Tus-Resumable": "", "Upload-Length": "1", "Upload-Metadata": tusMeta(n, "x")}, ""); res.StatusCode != http.StatusPreconditionFailed || res.Header.Get("Tus-Version") != "1.0.0" {
			t.Errorf("no Tus-Resumable = %d", res.StatusCode)
		}
		wantProblem(t, dana.tusCall("POST", "/api/v1/uploads", map[string]string{"Upload-Length": "1", "Upload-Metadata": "filename " + b64("x")}, ""), http.StatusUnprocessableEntity)
		wantProblem(t, dana.tusCall("POST", "/api/v1/uploads", map[string]string{"Upload-Metadata": tusMeta(n, "x")}, ""), http.StatusBadRequest)

		// Creation with the first chunk and its checksum.
		first := content[:10000]
		res = dana.tusCall("POST", "/api/v1/uploads", map[string]string{
			"Upload-Length": create["Upload-Length"], "Upload-Metadata": create["Upload-Metadata"],
			"Content-Type": chunkMedia, "Upload-Checksum": sumHeader("sha256", first),
		}, first)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusCreated || !strings.HasPrefix(loc, "/api/v1/uploads/") || res.Header.Get("Upload-Offset") != "10000" {
			t.Fatalf("create with upload = %d %v %s", res.StatusCode, res.Header, res.Body)
		}
		if exp, err := http.ParseTime(res.Header.Get("Upload-Expires")); err != nil || exp.Before(time.Now().Add(6*24*time.Hour)) {
			t.Errorf("Upload-Expires = %q", res.Header.Get("Upload-Expires"))
		}
		if res := dana.tusCall("HEAD", loc, nil, ""); res.StatusCode != http.StatusOK || res.Header.Get("Upload-Offset") != "10000" ||
			res.Header.Get("Upload-Length") != itoa(int64(len(content))) || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("HEAD = %d %v", res.StatusCode, res.Header)
		}
		patch := func(c *client, offset int, data, checksum string) *response {
			h := map[string]string{"Content-Type": chunkMedia, "Upload-Offset": itoa(int64(offset))}
			if checksum != "" {
				h["Upload-Checksum"] = checksum
			}
			return c.tusCall("PATCH", loc, h, data)
		}
		wantProblem(t, patch(dana, 9000, content[9000:20000], ""), http.StatusConflict)
		res = patch(dana, 10000, content[10000:20000], sumHeader("sha256", "something else"))
		if res.StatusCode != 460 {
			t.Errorf("a bad checksum = %d, want 460", res.StatusCode)
		}
		if res := dana.tusCall("HEAD", loc, nil, ""); res.Header.Get("Upload-Offset") != "10000" {
			t.Errorf("after a bad checksum the offset is %s, want 10000", res.Header.Get("Upload-Offset"))
		}
		wantProblem(t, patch(dana, 10000, content[10000:20000], "crc32 AAAA"), http.StatusBadRequest)
		wantProblem(t, dana.tusCall("PATCH", loc, map[string]string{"Content-Type": "text/plain", "Upload-Offset": "10000"}, "x"), http.StatusUnsupportedMediaType)
		wantProblem(t, patch(dana, 10000, content[10000:]+"extra", ""), http.StatusRequestEntityTooLarge)
		if res := patch(dana, 10000, content[10000:40000], ""); res.StatusCode != http.StatusNoContent || res.Header.Get("Upload-Offset") != "40000" {
			t.Fatalf("PATCH = %d %v %s", res.StatusCode, res.Header, res.Body)
		}
		// Someone else cannot even see the upload.
		for _, who := range []string{samEmail, patEmail} {
			if res := e.apiClient(who).tusCall("HEAD", loc, nil, ""); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s HEAD someone else's upload = %d", who, res.StatusCode)
			}
		}
		res = patch(dana, 40000, content[40000:], sumHeader("sha1", content[40000:]))
		whole := sha256.Sum256([]byte(content))
		if res.StatusCode != http.StatusNoContent || res.Header.Get("Caseport-Sha256") != hex.EncodeToString(whole[:]) {
			t.Fatalf("last PATCH = %d %v", res.StatusCode, res.Header)
		}
		fileURL := res.Header.Get("Caseport-File")
		list := decode[[]apiFileLine](t, dana.apiCall("GET", "/api/v1/cases/"+n+"/files", nil))
		if len(list) != 1 || list[0].Name != "trace.log" || list[0].SHA256 != hex.EncodeToString(whole[:]) ||
			list[0].Direction != "customer" || list[0].Size != int64(len(content)) || fileURL != "/api/v1/cases/"+n+"/files/"+itoa(list[0].ID) {
			t.Fatalf("files = %+v, Caseport-File %s", list, fileURL)
		}
		if res := dana.apiCall("GET", fileURL+"/content", nil); res.Body != content {
			t.Errorf("download = %d, %d bytes", res.StatusCode, len(res.Body))
		}
		wantProblem(t, dana.tusCall("DELETE", loc, nil, ""), http.StatusConflict) // complete: a file of the case now

		// Termination.
		res = dana.tusCall("POST", "/api/v1/uploads", create, "")
		loc2 := res.Header.Get("Location")
		if res.StatusCode != http.StatusCreated || res.Header.Get("Upload-Offset") != "0" {
			t.Fatalf("create = %d", res.StatusCode)
		}
		if res := dana.tusCall("DELETE", loc2, nil, ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE = %d %s", res.StatusCode, res.Body)
		}
		if res := dana.tusCall("HEAD", loc2, nil, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("HEAD after DELETE = %d", res.StatusCode)
		}

		// Concatenation: two partial uploads joined into one file.
		var parts []string
		for i, piece := range []string{content[:30000], content[30000:]} {
			res := dana.tusCall("POST", "/api/v1/uploads", map[string]string{
				"Upload-Length": itoa(int64(len(piece))), "Upload-Metadata": tusMeta(n, "part"), "Upload-Concat": "partial",
				"Content-Type": chunkMedia,
			}, piece)
			if res.StatusCode != http.StatusCreated || res.Header.Get("Upload-Concat") != "partial" || res.Header.Get("Upload-Offset") != itoa(int64(len(piece))) {
				t.Fatalf("partial %d = %d %v", i, res.StatusCode, res.Header)
			}
			parts = append(parts, e.srv.URL+res.Header.Get("Location"))
		}
		res = dana.tusCall("POST", "/api/v1/uploads", map[string]string{
			"Upload-Metadata": tusMeta(n, "joined.log"), "Upload-Concat": "final;" + parts[0] + " " + parts[1],
		}, "")
		if res.StatusCode != http.StatusCreated || res.Header.Get("Caseport-Sha256") != hex.EncodeToString(whole[:]) ||
			res.Header.Get("Upload-Offset") != itoa(int64(len(content))) {
			t.Fatalf("final = %d %v %s", res.StatusCode, res.Header, res.Body)
		}
		if res := dana.tusCall("HEAD", strings.TrimPrefix(parts[0], e.srv.URL), nil, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("a joined part is still there: %d", res.StatusCode)
		}

		// Who may send files: Read-Write contacts of the combination and staff.
		for who, want := range map[string]int{
			rileyEmail: http.StatusForbidden, baileyEmail: http.StatusNotFound, patEmail: http.StatusNotFound,
		} {
			wantProblem(t, e.apiClient(who).tusCall("POST", "/api/v1/uploads", create, ""), want)
			wantProblem(t, e.apiClient(who).apiCall("POST", "/api/v1/cases/"+n+"/files/acknowledgement", nil), want)
		}
		wantProblem(t, dana.tusCall("POST", "/api/v1/uploads", map[string]string{"Upload-Length": "1", "Upload-Metadata": tusMeta(closed, "x")}, ""), http.StatusConflict)

		// Support shares a file back: no acknowledgement, direction support.
		agent := e.apiClient(e.staff(desk.RoleAgent))
		res = agent.tusCall("POST", "/api/v1/uploads", map[string]string{
			"Upload-Length": "11", "Upload-Metadata": tusMeta(n, "fix.patch"), "Content-Type": chunkMedia,
		}, "diff --git\n")
		if res.StatusCode != http.StatusCreated || res.Header.Get("Caseport-File") == "" {
			t.Fatalf("staff upload = %d %s", res.StatusCode, res.Body)
		}
		list = decode[[]apiFileLine](t, dana.apiCall("GET", "/api/v1/cases/"+n+"/files", nil))
		if list[0].Name != "fix.patch" || list[0].Direction != "support" {
			t.Errorf("shared file = %+v", list[0])
		}
		mails, err := e.store.Notifications(ctx, danaEmail, 50)
		if err != nil {
			t.Fatal(err)
		}
		shared := false
		for _, m := range mails {
			shared = shared || m.Kind == "file_shared"
		}
		if !shared {
			t.Error("the case contact got no email about the shared file")
		}

		// Expiry: an upload left alone for longer than its lifetime is
		// gone (410), then removed by its job (404).
		res = dana.tusCall("POST", "/api/v1/uploads", create, "")
		loc3 := res.Header.Get("Location")
		later := time.Now().Add(support.UploadLifetime + time.Hour)
		e.clock.Set(later)
		if res := dana.tusCall("HEAD", loc3, nil, ""); res.StatusCode != http.StatusGone {
			t.Errorf("HEAD of an expired upload = %d, want 410", res.StatusCode)
		}
		w := worker.New(worker.Config{Store: e.store, Log: quietWeb(), Clock: e.clock.Now})
		w.Handle(support.JobUploadExpiry, e.svc.Jobs().RunUploadExpiry)
		w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
		w.Handle(support.JobFollowUp, func(context.Context, *desk.Job) error { return nil })
		w.Handle(support.JobSLAWarning, func(context.Context, *desk.Job) error { return nil })
		w.Handle(support.JobSLABreach, func(context.Context, *desk.Job) error { return nil })
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if res := dana.tusCall("HEAD", loc3, nil, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("HEAD after the expiry job = %d, want 404", res.StatusCode)
		}
		if res := dana.tusCall("HEAD", loc, nil, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("a finished upload's address outlived its expiry: %d", res.StatusCode)
		}
		if list := decode[[]apiFileLine](t, dana.apiCall("GET", "/api/v1/cases/"+n+"/files", nil)); len(list) != 3 {
			t.Errorf("after the expiry the case has %d files, want 3", len(list))
		}
	})
}

// TestSFTPAccountOnCasePage: staff create a temporary SFTP account from the
// case page; it shows the credentials and the expiry to staff and the
// case's Read-Write contacts, and nothing to a Read-Only colleague.
// Contacts create accounts only when a portal admin allows it.
func TestSFTPAccountOnCasePage(t *testing.T) {
	t.Parallel()
	eachBuiltWith(t, func(d *support.Deps) { d.SFTPAddress = "0.0.0.0:2222" }, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer with an active contract: a
		// new case of Dana's (Read-Write); Riley is Read-Only. Staff: an
		// agent and a portal admin.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		danaEmail, rileyEmail := e.login(danaUser), e.login(e.fx.Contact(abc, desk.ReadOnly))
		adminEmail := e.staff(desk.RolePortalAdmin, desk.RoleAgent)
		n := number(e.fx.Case(danaUser).ID)
		dana := e.apiClient(danaEmail)
		wantProblem(t, dana.apiCall("POST", "/api/v1/cases/"+n+"/sftp", nil), http.StatusForbidden)
		agent := e.signIn(e.staff(desk.RoleAgent))
		if res := agent.post("/cases/"+n+"/sftp", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create SFTP account = %d %s", res.StatusCode, res.Body)
		}
		page := agent.get("/cases/" + n).Body
		if !strings.Contains(page, `id="sftp-password"`) || !strings.Contains(page, "sftp -P 2222 case"+n) {
			t.Fatalf("the case page does not show the SFTP account")
		}
		accounts := decode[[]struct {
			Username string `json:"username"`
			Password string `json:"password"`
			Host     string `json:"host"`
			Active   bool   `json:"active"`
		}](t, dana.apiCall("GET", "/api/v1/cases/"+n+"/sftp", nil))
		if len(accounts) != 1 || !accounts[0].Active || len(accounts[0].Password) != 20 || accounts[0].Host != "127.0.0.1" {
			t.Fatalf("API accounts %+v", accounts)
		}
		if !strings.Contains(e.signIn(danaEmail).get("/cases/"+n).Body, accounts[0].Password) {
			t.Error("a Read-Write contact does not see the password")
		}
		if strings.Contains(e.signIn(rileyEmail).get("/cases/"+n).Body, `id="sftp"`) {
			t.Error("a Read-Only contact sees the SFTP section")
		}
		wantProblem(t, e.apiClient(rileyEmail).apiCall("GET", "/api/v1/cases/"+n+"/sftp", nil), http.StatusForbidden)
		wantProblem(t, dana.apiCall("PUT", "/api/v1/settings/files", map[string]any{"sftp_for_contacts": true}), http.StatusForbidden)
		wantProblem(t, dana.apiCall("GET", "/api/v1/settings/files", nil), http.StatusForbidden)
		// A portal admin allows it in the console; the API reads and
		// changes the same setting.
		admin, adminPage := e.apiClient(adminEmail), e.signIn(adminEmail)
		if res := adminPage.post("/console/settings/files", url.Values{"sftp_for_contacts": {"on"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("console settings = %d %s", res.StatusCode, res.Body)
		}
		if !strings.Contains(adminPage.get("/console/settings/files").Body, `name="sftp_for_contacts" checked`) {
			t.Error("the console does not show the setting on")
		}
		type fileSettings struct {
			SFTPForContacts bool `json:"sftp_for_contacts"`
		}
		if got := decode[fileSettings](t, admin.apiCall("GET", "/api/v1/settings/files", nil)); !got.SFTPForContacts {
			t.Error("the API does not show the setting the console saved")
		}
		if res := admin.apiCall("PUT", "/api/v1/settings/files", map[string]any{"sftp_for_contacts": false}); res.StatusCode != http.StatusOK {
			t.Fatalf("settings = %d %s", res.StatusCode, res.Body)
		}
		if strings.Contains(adminPage.get("/console/settings/files").Body, `name="sftp_for_contacts" checked`) {
			t.Error("the console shows the setting on after the API turned it off")
		}
		if res := admin.apiCall("PUT", "/api/v1/settings/files", map[string]any{"sftp_for_contacts": true}); res.StatusCode != http.StatusOK {
			t.Fatalf("settings = %d %s", res.StatusCode, res.Body)
		}
		if res := dana.apiCall("POST", "/api/v1/cases/"+n+"/files/acknowledgement", nil); res.StatusCode != http.StatusNoContent {
			t.Fatal(res.Body)
		}
		// Allowed now, but one account is active already.
		wantProblem(t, dana.apiCall("POST", "/api/v1/cases/"+n+"/sftp", nil), http.StatusConflict)
		// Expired: listed as inactive, without its password.
		e.clock.Add(support.SFTPLifetime + time.Minute)
		accounts = decode[[]struct {
			Username string `json:"username"`
			Password string `json:"password"`
			Host     string `json:"host"`
			Active   bool   `json:"active"`
		}](t, dana.apiCall("GET", "/api/v1/cases/"+n+"/sftp", nil))
		if len(accounts) != 1 || accounts[0].Active || accounts[0].Password != "" {
			t.Errorf("API accounts after the expiry %+v, want one inactive, without its password", accounts)
		}
	})
}
