package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/support"
)

// TestTusCreateWithBadChecksumKeepsNothing: a creation-with-upload whose
// first chunk does not match its Upload-Checksum answers 460 and leaves
// no upload behind: no Location, no staged bytes, no expiry job.
func TestTusCreateWithBadChecksumKeepsNothing(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			local, err := files.OpenLocal(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { local.Close() })
			e := start(t, storetest.Open(t, eng), false, local, nil)
			ctx := context.Background()
			co := e.fx.Company("Acme Corp")
			e.fx.Contract(co)
			danaUser := e.fx.Contact(co, desk.ReadWrite)
			caseID := e.fx.Case(danaUser).ID
			n := number(caseID)
			dana := e.apiClient(e.login(danaUser))
			if res := dana.apiCall("POST", "/api/v1/cases/"+n+"/files/acknowledgement", nil); res.StatusCode != http.StatusNoContent {
				t.Fatalf("acknowledge = %d %s", res.StatusCode, res.Body)
			}
			body := strings.Repeat("trace line\n", 100)
			res := dana.tusCall("POST", "/api/v1/uploads", map[string]string{
				"Upload-Length": itoa(int64(2 * len(body))), "Upload-Metadata": tusMeta(n, "trace.log"),
				"Content-Type": chunkMedia, "Upload-Checksum": sumHeader("sha256", "something else"),
			}, body)
			if res.StatusCode != 460 || res.Header.Get("Location") != "" {
				t.Fatalf("create with a bad checksum = %d, Location %q; want 460 and none", res.StatusCode, res.Header.Get("Location"))
			}
			jobs, err := e.store.Jobs(ctx, store.JobFilter{Kind: support.JobUploadExpiry, CaseID: caseID})
			if err != nil || len(jobs) != 0 {
				t.Errorf("expiry jobs after a refused create: %+v %v", jobs, err)
			}
			staged, err := os.ReadDir(filepath.Join(dir, "uploads"))
			if err != nil || len(staged) != 0 {
				t.Errorf("staged uploads after a refused create: %v %v", staged, err)
			}

			// The same request with the right checksum is an upload at its offset.
			res = dana.tusCall("POST", "/api/v1/uploads", map[string]string{
				"Upload-Length": itoa(int64(2 * len(body))), "Upload-Metadata": tusMeta(n, "trace.log"),
				"Content-Type": chunkMedia, "Upload-Checksum": sumHeader("sha256", body),
			}, body)
			if res.StatusCode != http.StatusCreated || res.Header.Get("Upload-Offset") != itoa(int64(len(body))) {
				t.Fatalf("create with a good checksum = %d %v", res.StatusCode, res.Header)
			}
			if res := dana.tusCall("HEAD", res.Header.Get("Location"), nil, ""); res.Header.Get("Upload-Offset") != itoa(int64(len(body))) {
				t.Errorf("HEAD after create = %d offset %s", res.StatusCode, res.Header.Get("Upload-Offset"))
			}
		})
	}
}
