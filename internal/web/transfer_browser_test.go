package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
)

// TestBrowserTransferFiles: a Designated Contact opens Transfer Files,
// acknowledges the data-protection notice once, sends several files at
// once, sees each file's SHA-256 and the files list updated; a file whose
// upload stopped half way (a reload, a lost connection) resumes where it
// stopped when chosen again.
func TestBrowserTransferFiles(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	eachDemo(t, func(t *testing.T, e *env) {
		n := number(e.world.Cases["abc-new"])
		dir := t.TempDir()
		write := func(name, content string) (string, string) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(content))
			return p, hex.EncodeToString(sum[:])
		}
		small, smallSum := write("gateway.log", strings.Repeat("2026-11-23 10:00:00 INFO call 42 answered\n", 2000))
		big, bigSum := write("capture.pcap", strings.Repeat("\x00\x01pcap-frame-data\xff", 700000)) // about 13 MB: two chunks

		dana := b.Page(t, e.srv.URL, browsertest.Desktop)
		signInPage(dana, demo.Designated)
		dana.Go("/cases/" + n)
		if !dana.Has(`#transfer-files[href="/cases/` + n + `/files"]`) {
			t.Fatal("the case page has no Transfer Files button")
		}
		dana.Go("/cases/" + n + "/files")
		if !dana.Has("#acknowledge") || dana.Has("#uploader") {
			t.Fatal("the first visit does not ask for the acknowledgement")
		}
		dana.Submit("#acknowledge")
		if !dana.Has("#uploader") {
			t.Fatal("after Acknowledge there is no uploader")
		}
		dana.Go("/cases/" + n + "/files")
		if dana.Has("#acknowledge") {
			t.Error("the notice is asked again after it was acknowledged")
		}

		// A half-sent upload of the big file, as a reload would leave it:
		// the upload on the server and its address in the browser.
		api := e.apiClient(demo.Designated)
		bigData, _ := os.ReadFile(big)
		res := api.tusCall("POST", "/api/v1/uploads", map[string]string{
			"Upload-Length": itoa(int64(len(bigData))), "Upload-Metadata": "case " + b64(n) + ",filename " + b64("capture.pcap"),
			"Content-Type": chunkMedia,
		}, string(bigData[:5<<20]))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("half upload = %d", res.StatusCode)
		}
		info, _ := os.Stat(big)
		key := "caseport-upload:" + n + ":capture.pcap:" + itoa(int64(len(bigData))) + ":" + itoa(info.ModTime().UnixMilli())
		browsertest.Eval[bool](dana, `localStorage.setItem(`+jsString(key)+`, `+jsString(res.Header.Get("Location"))+`), true`)

		dana.SetFiles("#pick-files", small, big)
		dana.WaitUntil(`document.querySelectorAll(".upload-item.done").length === 2 || document.querySelector(".upload-item.failed") !== null`)
		if dana.Has(".upload-item.failed") {
			t.Fatalf("an upload failed: %s", dana.Text(".upload-item.failed"))
		}
		items := dana.Text("#upload-list")
		for _, sum := range []string{smallSum, bigSum} {
			if !strings.Contains(items, sum) {
				t.Errorf("the uploader does not show SHA-256 %s: %s", sum, items)
			}
		}
		if got := browsertest.Eval[float64](dana, `document.getElementById("upload-overall").value`); got != 100 {
			t.Errorf("overall progress at the end = %v", got)
		}
		if strings.Contains(items, "Resuming") || browsertest.Eval[bool](dana, `localStorage.length !== 0`) {
			t.Error("the resume state is left in the page or in localStorage")
		}
		dana.WaitUntil(`document.querySelectorAll("#case-files tbody tr").length === 2`)
		list := decode[[]apiFileLine](t, api.apiCall("GET", "/api/v1/cases/"+n+"/files", nil))
		if len(list) != 2 {
			t.Fatalf("the case has %d files, want 2 (the resumed upload must not make a second one)", len(list))
		}
		if res := api.tusCall("HEAD", res.Header.Get("Location"), nil, ""); res.Header.Get("Upload-Offset") != itoa(int64(len(bigData))) ||
			res.Header.Get("Caseport-Sha256") != bigSum {
			t.Errorf("the half upload was not resumed: %d %v", res.StatusCode, res.Header)
		}

		// With masking on, a log goes up masked by the WebAssembly masker,
		// and the page says what it masked.
		logFile, _ := write("app.log", "login ann@example.com from 10.1.2.3\n"+
			`{"password":"hunter2","card":"4111 1111 1111 1111"}`+"\nlogout ann@example.com\n")
		// The 3 MB masker is fetched when masking is ticked, not before.
		const maskerFetched = `performance.getEntriesByType("resource").some(e => /\/static\/mask\.[0-9a-f]+\.wasm$/.test(e.name))`
		if browsertest.Eval[bool](dana, maskerFetched) {
			t.Error("the page fetched the masker before masking was ticked")
		}
		dana.Click("#mask-logs")
		dana.WaitUntil(maskerFetched + ` && typeof window.caseportMasker === "function"`)
		dana.SetFiles("#pick-files", logFile)
		dana.WaitUntil(`document.querySelectorAll(".upload-item.done").length === 3 || document.querySelector(".upload-item.failed") !== null`)
		if dana.Has(".upload-item.failed") {
			t.Fatalf("the masked upload failed: %s", dana.Text(".upload-item.failed"))
		}
		if state := dana.Text(".upload-item:nth-child(3) .upload-state"); !strings.Contains(state, "masked 5 values: credential 1 (1 different), email 2 (1 different), ipv4 1 (1 different), card 1 (1 different)") {
			t.Errorf("the page does not say what was masked: %q", state)
		}
		list = decode[[]apiFileLine](t, api.apiCall("GET", "/api/v1/cases/"+n+"/files", nil))
		var masked string
		for _, f := range list {
			if f.Name == "app.log" {
				res := api.apiCall("GET", "/api/v1/cases/"+n+"/files/"+itoa(f.ID)+"/content", nil)
				masked = res.Body
			}
		}
		want := "login <email-1> from <ipv4-1>\n" + `{"password":"<credential-1>","card":"<card-1>"}` + "\nlogout <email-1>\n"
		if masked != want {
			t.Errorf("the stored log is\n%s\nwant\n%s", masked, want)
		}
		dana.CheckFits()
		dana.Screenshot("transfer-files")
	})
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// TestBrowserFirstUploadKeepsTheFilesLayout: on a case with no files yet,
// the list the page shows after the first upload is the one the server
// renders on a reload, wrapper and all, so a phone shows it as cards and
// not as a squeezed table.
func TestBrowserFirstUploadKeepsTheFilesLayout(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana := e.fx.Contact(abc, desk.ReadWrite)
		email := e.login(dana)
		n := number(e.open(dana, desk.PriorityMedium).ID)
		file := filepath.Join(t.TempDir(), "gateway.log")
		if err := os.WriteFile(file, []byte("2026-11-23 10:00:00 INFO call 42 answered\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, size := range []browsertest.Size{browsertest.Phone, browsertest.Desktop} {
			p := b.Page(t, e.srv.URL, size)
			p.Go("/signin")
			p.Fill("#email", email)
			p.Fill("#password", e.passwords[email])
			p.Submit(`.signin-card button[type="submit"]`)
			p.Go("/cases/" + n + "/files")
			if p.Has("#acknowledge") {
				p.Submit("#acknowledge")
			}
			rows := p.Count("#case-files tbody tr")
			p.SetFiles("#pick-files", file)
			p.WaitUntil(`document.querySelectorAll("#case-files .table-wrap > table tbody tr").length === ` + strconv.Itoa(rows+1))
			fresh := browsertest.Eval[string](p, `document.getElementById("case-files").outerHTML`)
			p.CheckFits()
			p.Screenshot("first-upload")
			p.Go("/cases/" + n + "/files")
			if reloaded := browsertest.Eval[string](p, `document.getElementById("case-files").outerHTML`); fresh != reloaded {
				t.Errorf("%s: the list after the upload is not the page's:\n%s\nafter a reload:\n%s", size.Name, fresh, reloaded)
			}
		}
	})
}
