package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
)

// postFiles sends a multipart form with fields and files (name → content)
// in its "files" input, as a browser without script does.
func (c *client) postFiles(path string, form url.Values, files map[string]string) *response {
	c.e.t.Helper()
	return c.postMultipart(path, form, "files", files)
}

// postMultipart sends a multipart form with fields and, in its input
// named input, files (name → content).
func (c *client) postMultipart(path string, form url.Values, input string, files map[string]string) *response {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for name, content := range files {
		fw, err := mw.CreateFormFile(input, name)
		if err != nil {
			c.e.t.Fatal(err)
		}
		_, _ = fw.Write([]byte(content))
	}
	if err := mw.Close(); err != nil {
		c.e.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.e.srv.URL+path, &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// TestCustomerCommentTakesFiles: the customer's comment form (multipart,
// no script) attaches files only with the data-protection warning
// acknowledged, by a checkbox in the same form the first time; a refusal
// says why beside the field and keeps nothing, neither the update nor a
// file; a Read-Only contact is refused without a file being read.
func TestCustomerCommentTakesFiles(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		caseID, path, dana := e.demoCase("abc-investigation", demo.Designated)
		u := e.actor(demo.Designated).User
		if at, _ := e.store.FilesAcknowledged(ctx, caseID, u.ID); !at.IsZero() {
			t.Fatal("the demo's Designated Contact acknowledged this case's warning already; the test needs a case without")
		}
		page := dana.get(path).Body
		for _, want := range []string{`enctype="multipart/form-data"`, `id="comment-files" name="files"`, `id="comment-acknowledge" name="acknowledge"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the comment form lacks %s", want)
			}
		}
		before, _ := e.store.CaseFiles(ctx, caseID)
		feed, _ := e.store.Entries(ctx, caseID, true)
		log := map[string]string{"server.log": "boot ok\n"}

		res := dana.postFiles(path+"/comments", url.Values{"body": {"The logs you asked for."}}, log)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="comment-acknowledge-error"`) ||
			!strings.Contains(res.Body, "The logs you asked for.") {
			t.Fatalf("files without the acknowledgement: %d, want 422 with the message beside the checkbox and the text kept\n%s", res.StatusCode, res.Body)
		}
		if files, _ := e.store.CaseFiles(ctx, caseID); len(files) != len(before) {
			t.Errorf("a refused update kept a file: %d files, want %d", len(files), len(before))
		}
		if now, _ := e.store.Entries(ctx, caseID, true); len(now) != len(feed) {
			t.Errorf("a refused update reached the feed")
		}
		if riley := e.signIn(demo.ReadOnly); riley.postFiles(path+"/comments", url.Values{"body": {"x"}, "acknowledge": {"on"}}, log).StatusCode != http.StatusForbidden {
			t.Error("a Read-Only contact's files: want 403")
		}

		// Ticked but refused for its empty text: the tick is shown again, not recorded.
		res = dana.postFiles(path+"/comments", url.Values{"body": {""}, "acknowledge": {"on"}}, log)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="comment-acknowledge" name="acknowledge" aria-describedby="comment-acknowledge-error" checked`) {
			t.Errorf("an empty update, ticked: %d, want 422 with the box still ticked", res.StatusCode)
		}
		if at, _ := e.store.FilesAcknowledged(ctx, caseID, u.ID); !at.IsZero() {
			t.Error("a refused update recorded the acknowledgement")
		}

		res = dana.postFiles(path+"/comments", url.Values{"body": {"The logs you asked for."}, "acknowledge": {"on"}}, log)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the update with the acknowledgement: %d\n%s", res.StatusCode, res.Body)
		}
		files, _ := e.store.CaseFiles(ctx, caseID)
		if len(files) != len(before)+1 || files[0].Name != "server.log" || files[0].SharedBySupport() {
			t.Errorf("case files = %+v, want server.log from the customer", files)
		}
		if at, _ := e.store.FilesAcknowledged(ctx, caseID, u.ID); at.IsZero() {
			t.Error("the acknowledgement ticked in the comment form is not recorded")
		}
		if page := dana.get(path).Body; strings.Contains(page, `id="comment-acknowledge"`) || !strings.Contains(page, "The logs you asked for.") {
			t.Error("after the update the page still asks for the acknowledgement, or lacks the update")
		}
	})
}
