package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// tusClientDir is where tus-js-client, the reference tus client, is
// installed with the versions in testdata/tusclient/package-lock.json.
func tusClientDir(t *testing.T) string {
	t.Helper()
	return npmDir(t, "tusclient", "tus-js-client/package.json")
}

type tusClientResult struct {
	Size      int64  `json:"size"`
	URL       string `json:"url"`
	SHA256    string `json:"sha256"`
	ResumedAt int64  `json:"resumedAt"`
	FirstURL  string `json:"firstURL"`
	Error     string `json:"error"`
}

// TestTusJSClient uploads files with tus-js-client under Node: in chunks,
// in parallel parts joined by concatenation, and stopped then resumed
// from its URL. Each file arrives whole, with the SHA-256 the client
// could compute itself.
func TestTusJSClient(t *testing.T) {
	t.Parallel()
	dir := tusClientDir(t)
	eachBuiltAndFileStore(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer with an active contract, and
		// Dana (Read-Write) who sends the files to a case of hers.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		n := number(e.fx.Case(danaUser, fixture.Status(desk.StatusOpen, desk.SubInvestigation)).ID)
		dana := e.apiClient(e.login(danaUser))
		if res := dana.apiCall("POST", "/api/v1/cases/"+n+"/files/acknowledgement", nil); res.StatusCode != http.StatusNoContent {
			t.Fatalf("acknowledge = %d", res.StatusCode)
		}
		data := make([]byte, 3<<20+12345)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range data {
			data[i] = byte('a' + rng.IntN(26))
		}
		file := filepath.Join(t.TempDir(), "capture.log")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		want := hex.EncodeToString(sum[:])
		run := func(mode string, extra map[string]any) tusClientResult {
			t.Helper()
			opt := map[string]any{
				"endpoint": e.srv.URL + "/api/v1/uploads", "token": dana.token, "file": file,
				"caseNumber": n, "name": mode + ".log", "mode": mode,
			}
			for k, v := range extra {
				opt[k] = v
			}
			b, _ := json.Marshal(opt)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "upload.mjs"))
			cmd.Env = append(os.Environ(), "TUS_TEST="+string(b))
			out, err := cmd.Output()
			var res tusClientResult
			if jerr := json.Unmarshal(out, &res); jerr != nil || err != nil || res.Error != "" {
				t.Fatalf("tus-js-client %s: %v %s %s", mode, err, res.Error, out)
			}
			return res
		}
		chunked := run("chunked", map[string]any{"chunkSize": 1 << 20})
		parallel := run("parallel", map[string]any{"parallel": 3})
		resumed := run("resume", map[string]any{"chunkSize": 256 << 10})
		for name, r := range map[string]tusClientResult{"chunked": chunked, "parallel": parallel, "resumed": resumed} {
			if r.SHA256 != want || r.Size != int64(len(data)) {
				t.Errorf("%s: SHA-256 %q, size %d; want %s, %d", name, r.SHA256, r.Size, want, len(data))
			}
		}
		if resumed.ResumedAt <= 0 || resumed.ResumedAt >= int64(len(data)) || resumed.URL != resumed.FirstURL {
			t.Errorf("the resumed upload went on at %d of %d (%s, first %s)", resumed.ResumedAt, len(data), resumed.URL, resumed.FirstURL)
		}
		list := decode[[]apiFileLine](t, dana.apiCall("GET", "/api/v1/cases/"+n+"/files", nil))
		got := map[string]bool{}
		for _, f := range list {
			if f.SHA256 == want && f.Size == int64(len(data)) {
				got[f.Name] = true
			}
		}
		for _, name := range []string{"chunked.log", "parallel.log", "resume.log"} {
			if !got[name] {
				t.Errorf("%s is not among the case's files with the right SHA-256: %+v", name, list)
			}
		}
		if res := dana.apiCall("GET", strings.TrimPrefix(parallel.URL, e.srv.URL), nil); res.StatusCode == http.StatusOK {
			t.Errorf("GET on an upload URL = 200")
		}
	})
}
