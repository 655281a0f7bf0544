package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store/storetest"
)

// countingFiles is a file store that knows which files it holds, and
// refuses the Put after failAfter others (never when it is negative): a
// file store that fails in the middle of a write.
type countingFiles struct {
	files.Store
	mu        sync.Mutex
	held      map[string]bool
	puts      int
	failAfter int
}

func (f *countingFiles) Put(ctx context.Context, key string, r io.Reader) (files.Stored, error) {
	f.mu.Lock()
	fail := f.failAfter >= 0 && f.puts == f.failAfter
	f.puts++
	f.mu.Unlock()
	if fail {
		return files.Stored{}, errors.New("the disk is full")
	}
	st, err := f.Store.Put(ctx, key, r)
	if err == nil {
		f.mu.Lock()
		f.held[key] = true
		f.mu.Unlock()
	}
	return st, err
}

func (f *countingFiles) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	delete(f.held, key)
	f.mu.Unlock()
	return f.Store.Delete(ctx, key)
}

// holding is how many files the store holds; failing makes the Put after
// n more fail (-1: none).
func (f *countingFiles) holding() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.held)
}

func (f *countingFiles) failing(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAfter = f.puts + n
	if n < 0 {
		f.failAfter = -1
	}
}

// TestAPICommentTakesFiles: POST /api/v1/cases/{n}/comments takes files
// as multipart/form-data, with the rules of the case page's comment form:
// a contact's files need the data-protection acknowledgement, given
// before or with them and then recorded in the same transaction; the
// files together stay within 32 MB; a Read-Only contact and someone of
// another company are refused by the policy before a file is read; on any
// refusal or failure nothing is kept, neither the comment nor the
// acknowledgement nor a file's bytes. Staff attach files to a reply or an
// internal note without acknowledging. The OpenAPI document says so.
func TestAPICommentTakesFiles(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			local, err := files.OpenLocal(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { local.Close() })
			fs := &countingFiles{Store: local, held: map[string]bool{}, failAfter: -1}
			e := start(t, storetest.Open(t, eng), false, fs, nil)
			ctx := context.Background()

			// Dana (Read-Write) and Riley (Read-Only) at ABC Testing Co;
			// Pat (Read-Write) at Northwind Partners; an agent.
			abc, northwind := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners")
			e.fx.Contract(abc)
			e.fx.Contract(northwind)
			dana := e.fx.Contact(abc, desk.ReadWrite)
			riley := e.fx.Contact(abc, desk.ReadOnly)
			pat := e.fx.Contact(northwind, desk.ReadWrite)
			c := e.fx.Case(dana)
			path := "/api/v1/cases/" + c.Number() + "/comments"
			danaAPI, rileyAPI, patAPI := e.apiClient(e.login(dana)), e.apiClient(e.login(riley)), e.apiClient(e.login(pat))
			agentAPI := e.apiClient(e.staff(desk.RoleAgent))

			counts := func() (entries, caseFiles int, acked bool) {
				t.Helper()
				es, err := e.store.Entries(ctx, c.ID, true)
				if err != nil {
					t.Fatal(err)
				}
				cf, err := e.store.CaseFiles(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				at, err := e.store.FilesAcknowledged(ctx, c.ID, dana.ID)
				if err != nil {
					t.Fatal(err)
				}
				return len(es), len(cf), !at.IsZero()
			}
			e0, f0, _ := counts()
			unchanged := func(what string) {
				t.Helper()
				if en, fl, acked := counts(); en != e0 || fl != f0 || acked || fs.holding() != 0 {
					t.Errorf("%s kept something: %d entries (want %d), %d files (want %d), acknowledged %v, %d files' bytes",
						what, en, e0, fl, f0, acked, fs.holding())
				}
			}
			logs := map[string]string{"server.log": "boot ok\n", "app.log": "started\n"}
			form := func(kv ...string) url.Values {
				v := url.Values{}
				for i := 0; i+1 < len(kv); i += 2 {
					v.Add(kv[i], kv[i+1])
				}
				return v
			}
			field := func(doc problemDoc, name string) string {
				for _, f := range doc.Errors {
					if f.Field == name {
						return f.Message
					}
				}
				return ""
			}

			// Files without the acknowledgement: 422 on acknowledge, nothing kept.
			doc := wantProblem(t, danaAPI.postMultipart(path, form("body", "The logs you asked for."), "files", logs), http.StatusUnprocessableEntity)
			if field(doc, "acknowledge") == "" {
				t.Errorf("files without the acknowledgement: %+v, want a message on acknowledge", doc)
			}
			unchanged("files without the acknowledgement")

			// Acknowledged, but the text is refused: the acknowledgement is not recorded either.
			doc = wantProblem(t, danaAPI.postMultipart(path, form("body", " ", "acknowledge", "true"), "files", logs), http.StatusUnprocessableEntity)
			if field(doc, "body") == "" {
				t.Errorf("an empty comment with files: %+v, want a message on body", doc)
			}
			unchanged("an empty comment with files")
			doc = wantProblem(t, danaAPI.postMultipart(path, form("body", "Logs.", "acknowledge", "perhaps"), "files", logs), http.StatusUnprocessableEntity)
			if field(doc, "acknowledge") != "Give true or false." {
				t.Errorf("acknowledge=perhaps: %+v", doc)
			}
			unchanged("acknowledge=perhaps")
			wantProblem(t, danaAPI.postMultipart(path, form("body", "Logs.", "acknowledge", "true"), "file", logs), http.StatusBadRequest)
			wantProblem(t, danaAPI.postMultipart(path, form("body", "Logs.", "acknowledge", "true", "visibility", "internal"), "files", logs), http.StatusBadRequest)
			unchanged("a form with a part the call does not take")

			// Over 32 MB together: 413, nothing kept.
			big := map[string]string{"a.bin": strings.Repeat("x", 17_000_000), "b.bin": strings.Repeat("y", 17_000_000)}
			wantProblem(t, danaAPI.postMultipart(path, form("body", "Big files.", "acknowledge", "true"), "files", big), http.StatusRequestEntityTooLarge)
			unchanged("files over the limit")

			// The policy: Riley may not comment (403), Pat does not see the case (404).
			wantProblem(t, rileyAPI.postMultipart(path, form("body", "Mine.", "acknowledge", "true"), "files", logs), http.StatusForbidden)
			wantProblem(t, patAPI.postMultipart(path, form("body", "Mine.", "acknowledge", "true"), "files", logs), http.StatusNotFound)
			unchanged("a Read-Only contact's or another company's files")

			// The file store fails at the second file: the first one's bytes
			// go, the comment and the acknowledgement with them.
			fs.failing(1)
			wantProblem(t, danaAPI.postMultipart(path, form("body", "The logs you asked for.", "acknowledge", "true"), "files", logs), http.StatusInternalServerError)
			fs.failing(-1)
			unchanged("a write whose second file failed")

			// With the acknowledgement: the comment, the acknowledgement and both files.
			res := danaAPI.postMultipart(path, form("body", "The logs you asked for.", "acknowledge", "true"), "files", logs)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("the comment with files = %d: %s", res.StatusCode, res.Body)
			}
			if !strings.Contains(res.Body, "The logs you asked for.") {
				t.Errorf("the answer's case lacks the comment: %s", res.Body)
			}
			e1, f1, acked := counts()
			if e1 <= e0 || f1 != f0+2 || !acked || fs.holding() != 2 {
				t.Fatalf("after the comment: %d entries, %d files, acknowledged %v, %d files' bytes; want more than %d, %d, true, 2", e1, f1, acked, fs.holding(), e0, f0+2)
			}
			listed := decode[[]map[string]any](t, danaAPI.apiCall("GET", "/api/v1/cases/"+c.Number()+"/files", nil))
			names := map[any]bool{}
			for _, f := range listed {
				names[f["name"]] = true
				if f["direction"] != "customer" || f["uploaded_by"].(map[string]any)["id"] != float64(dana.ID) {
					t.Errorf("file %+v is not Dana's", f)
				}
			}
			if !names["server.log"] || !names["app.log"] {
				t.Errorf("the case's files are %v", names)
			}
			audit := decode[[]map[string]any](t, e.apiClient(e.staff(desk.RolePortalAdmin)).apiCall("GET", "/api/v1/audit?action=files_acknowledged&subject="+c.Number(), nil))
			if len(audit) != 1 {
				t.Errorf("the acknowledgement is audited %d times, want once", len(audit))
			}
			// Acknowledged once, the next files need no acknowledge; a plain
			// multipart comment without files is a comment too.
			if res := danaAPI.postMultipart(path, form("body", "One more."), "files", map[string]string{"more.log": "again\n"}); res.StatusCode != http.StatusOK {
				t.Errorf("more files after the acknowledgement = %d: %s", res.StatusCode, res.Body)
			}
			if res := danaAPI.postMultipart(path, form("body", "No files this time."), "files", nil); res.StatusCode != http.StatusOK {
				t.Errorf("a multipart comment without files = %d: %s", res.StatusCode, res.Body)
			}

			// Staff: an internal note with a file, no acknowledgement asked.
			_, before, _ := counts()
			res = agentAPI.postMultipart(path, form("body", "Trace from the lab.", "internal", "true"), "files", map[string]string{"trace.txt": "trace\n"})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("the agent's note with a file = %d: %s", res.StatusCode, res.Body)
			}
			if _, after, _ := counts(); after != before+1 {
				t.Errorf("the agent's note kept %d files, want 1", after-before)
			}
			notes, err := e.store.Entries(ctx, c.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			internal := false
			for _, n := range notes {
				internal = internal || (n.Kind == desk.EntryNote && strings.Contains(n.Body, "Trace from the lab."))
			}
			if !internal {
				t.Error("the agent's multipart note is not an internal note")
			}

			// The OpenAPI document: the call takes JSON and, with files, a multipart form.
			var oa struct {
				Paths map[string]map[string]struct {
					RequestBody struct {
						Description string `json:"description"`
						Content     map[string]struct {
							Schema map[string]any `json:"schema"`
						} `json:"content"`
					} `json:"requestBody"`
				} `json:"paths"`
				Components struct {
					Schemas map[string]map[string]any `json:"schemas"`
				} `json:"components"`
			}
			if err := json.Unmarshal([]byte(e.anonymous().get("/api/v1/openapi.json").Body), &oa); err != nil {
				t.Fatal(err)
			}
			body := oa.Paths["/api/v1/cases/{number}/comments"]["post"].RequestBody
			multi, ok := body.Content["multipart/form-data"]
			if _, jsonToo := body.Content["application/json"]; !ok || !jsonToo || !strings.Contains(body.Description, "acknowledge") {
				t.Fatalf("the comments call's body is documented as %+v", body)
			}
			ref, _ := multi.Schema["$ref"].(string)
			props, _ := oa.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]["properties"].(map[string]any)
			filesProp, _ := props["files"].(map[string]any)
			items, _ := filesProp["items"].(map[string]any)
			if props["acknowledge"] == nil || items["format"] != "binary" {
				t.Errorf("the multipart body's schema: %v", props)
			}
		})
	}
}
