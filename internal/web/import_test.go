package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestImportAppliedRedirects: a dry run shows its report where it was
// posted; an applied import redirects with its count, so a reload of the
// page after it does not import the file again.
func TestImportAppliedRedirects(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		post := func(mode string) *response {
			t.Helper()
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("kind", "companies") //nolint:errcheck // a buffer
			mw.WriteField("mode", mode)        //nolint:errcheck // a buffer
			fw, _ := mw.CreateFormFile("file", "companies.csv")
			fw.Write([]byte("org_id,name,country\nORG-9001,Initech,US\n")) //nolint:errcheck // a buffer
			mw.Close()
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.srv.URL+"/console/import", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", e.srv.URL)
			return admin.do(req)
		}
		if res := post("dry"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="import-report"`) {
			t.Fatalf("dry run = %d, want 200 with the report", res.StatusCode)
		}
		res := post("apply")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/import" {
			t.Fatalf("import = %d to %q, want 303 to /console/import", res.StatusCode, res.Header.Get("Location"))
		}
		if page := admin.get("/console/import").Body; !strings.Contains(page, "Imported: 1 created, 0 updated.") {
			t.Error("the page after the import does not say what it did")
		}
		if page := admin.get("/console/companies").Body; strings.Count(page, ">Initech</a>") != 1 {
			t.Error("the imported company is not listed once")
		}
	})
}
