package web_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
)

// pngImage is a real (tiny) PNG, as its bytes must show for it to be
// shown inline.
func pngImage(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestKnowledgeFilesPages: an editor attaches an image and a text file to
// a published item on its editor page (no script: a multipart form); the
// body shows the image, which is served inline, the text file is a
// download; each change is a version with a note; a file too big is
// refused with a message and keeps nothing, as is a second file of the
// same name; an Internal Tech Article's file is not found for a contact
// but is for an agent, who may not upload; a removed file is gone.
func TestKnowledgeFilesPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		pic := pngImage(t)
		ed := e.signIn(e.staff(desk.RoleKnowledgeEditor))
		pub := e.kbItem("Wiring the gateway", "See the diagram.", desk.KBConfigurationGuide, true)
		id := itoa(pub.ID)
		res := ed.postMultipart("/console/knowledge/"+id+"/files", nil, "file", map[string]string{"diagram.png": pic})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/knowledge/"+id+"#files" {
			t.Fatalf("upload an image: %d %s", res.StatusCode, res.Body)
		}
		if res := ed.postMultipart("/console/knowledge/"+id+"/files", nil, "file", map[string]string{"notes.txt": "<script>alert(1)</script>"}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload a text file: %d %s", res.StatusCode, res.Body)
		}
		page := ed.get("/console/knowledge/" + id)
		for _, want := range []string{`enctype="multipart/form-data"`, "diagram.png", "![diagram.png](/knowledge/" + id + "/files/diagram.png)", "[notes.txt](/knowledge/" + id + "/files/notes.txt)", `value="3"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the editor lacks %q", want)
			}
		}
		body := "See the diagram.\n\n![The wiring](/knowledge/" + id + "/files/diagram.png)"
		edit := url.Values{"version": {"3"}, "title": {pub.Title}, "source": {"articles"}, "type": {"configuration_guide"}, "body": {body}}
		if res := ed.post("/console/knowledge/"+id, edit); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit the body: %d %s", res.StatusCode, res.Body)
		}

		co := e.fx.Company("Basic Co")
		contact := e.signIn(e.login(e.fx.Contact(co, desk.Basic)))
		page = contact.get("/knowledge/" + id)
		for _, want := range []string{`<img src="/knowledge/` + id + `/files/diagram.png" alt="The wiring">`, "Images and attachments", `href="/knowledge/` + id + `/files/notes.txt" download`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the item's page lacks %q", want)
			}
		}
		img := contact.get("/knowledge/" + id + "/files/diagram.png")
		if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/png" ||
			!strings.HasPrefix(img.Header.Get("Content-Disposition"), "inline") || img.Body != pic {
			t.Errorf("the image: %d %q %q", img.StatusCode, img.Header.Get("Content-Type"), img.Header.Get("Content-Disposition"))
		}
		txt := contact.get("/knowledge/" + id + "/files/notes.txt")
		if txt.StatusCode != http.StatusOK || txt.Header.Get("Content-Type") != "application/octet-stream" ||
			txt.Header.Get("Content-Disposition") != `attachment; filename=notes.txt` || txt.Body != "<script>alert(1)</script>" {
			t.Errorf("the text file: %d %q %q", txt.StatusCode, txt.Header.Get("Content-Type"), txt.Header.Get("Content-Disposition"))
		}

		hist := ed.get("/console/knowledge/" + id + "/versions")
		for _, want := range []string{"Added the file diagram.png", "Added the file notes.txt"} {
			if !strings.Contains(hist.Body, want) {
				t.Errorf("the history lacks %q", want)
			}
		}

		big := strings.Repeat("x", kb.MaxFileSize+1)
		res = ed.postMultipart("/console/knowledge/"+id+"/files", nil, "file", map[string]string{"huge.log": big})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "huge.log is larger than 20 MB") {
			t.Errorf("a file too big: %d", res.StatusCode)
		}
		res = ed.postMultipart("/console/knowledge/"+id+"/files", nil, "file", map[string]string{"notes.txt": "again"})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "already has a file named notes.txt") {
			t.Errorf("a second notes.txt: %d", res.StatusCode)
		}
		res = ed.postMultipart("/console/knowledge/"+id+"/files", nil, "file", nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose a file to upload.") {
			t.Errorf("no file: %d", res.StatusCode)
		}
		if res := contact.get("/knowledge/" + id + "/files/huge.log"); res.StatusCode != http.StatusNotFound {
			t.Errorf("the refused file is kept: %d", res.StatusCode)
		}
		if it, err := e.kb.Item(t.Context(), &desk.Actor{User: e.fx.Staff([]desk.Role{desk.RoleAgent})}, pub.ID); err != nil || it.Version != 4 {
			t.Errorf("refused uploads changed the item: %v %+v", err, it)
		}

		internal := e.kbItem("Gateway internals", "Core dump howto.", desk.KBInternalTech, true)
		iid := itoa(internal.ID)
		if res := ed.postMultipart("/console/knowledge/"+iid+"/files", nil, "file", map[string]string{"core.txt": "secret"}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload to the internal item: %d", res.StatusCode)
		}
		if res := contact.get("/knowledge/" + iid + "/files/core.txt"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "secret") {
			t.Errorf("a contact gets an Internal Tech Article's file: %d", res.StatusCode)
		}
		agent := e.signIn(e.staff(desk.RoleAgent))
		if res := agent.get("/knowledge/" + iid + "/files/core.txt"); res.StatusCode != http.StatusOK || res.Body != "secret" {
			t.Errorf("an agent reads the internal item's file: %d", res.StatusCode)
		}
		if res := agent.postMultipart("/console/knowledge/"+id+"/files", nil, "file", map[string]string{"agent.txt": "x"}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent uploads: %d", res.StatusCode)
		}
		if res := agent.post("/console/knowledge/"+id+"/files/remove", url.Values{"name": {"notes.txt"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent removes a file: %d", res.StatusCode)
		}

		if res := ed.post("/console/knowledge/"+id+"/files/remove", url.Values{"name": {"notes.txt"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.StatusCode, res.Body)
		}
		if res := contact.get("/knowledge/" + id + "/files/notes.txt"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a removed file: %d", res.StatusCode)
		}
		if !strings.Contains(ed.get("/console/knowledge/"+id+"/versions").Body, "Removed the file notes.txt") {
			t.Errorf("the history does not say the file was removed")
		}
	})
}

// TestKnowledgeFilesAPI: an editor attaches, lists, reads and deletes an
// item's files; a body over the limit is refused; an agent may not
// attach; a contact lists no file of an Internal Tech Article.
func TestKnowledgeFilesAPI(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		pic := pngImage(t)
		ed := e.apiClient(e.staff(desk.RoleKnowledgeEditor))
		pub := e.kbItem("Gateway ports", "Ports.", desk.KBConfigurationGuide, true)
		path := "/api/v1/kb/items/" + itoa(pub.ID) + "/files"
		res := ed.postMultipart(path, nil, "file", map[string]string{"ports.png": pic})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("attach: %d %s", res.StatusCode, res.Body)
		}
		f := decode[struct {
			Name        string `json:"name"`
			URL         string `json:"url"`
			ContentType string `json:"content_type"`
			Inline      bool   `json:"inline"`
			Size        int64  `json:"size"`
		}](t, res)
		if f.Name != "ports.png" || f.URL != "/knowledge/"+itoa(pub.ID)+"/files/ports.png" || f.ContentType != "image/png" || !f.Inline || f.Size != int64(len(pic)) {
			t.Errorf("attached = %+v", f)
		}
		list := decode[[]struct {
			Name string `json:"name"`
		}](t, ed.apiCall("GET", path, nil))
		if len(list) != 1 || list[0].Name != "ports.png" {
			t.Errorf("list = %+v", list)
		}
		if res := ed.apiCall("GET", path+"/ports.png", nil); res.StatusCode != http.StatusOK || res.Body != pic || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("read: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		res = ed.postMultipart(path, nil, "file", map[string]string{"huge.bin": strings.Repeat("y", kb.MaxFileSize+2<<20)})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "larger than 20 MB") {
			t.Errorf("too big: %d %s", res.StatusCode, res.Body)
		}
		agent := e.apiClient(e.staff(desk.RoleAgent))
		if res := agent.postMultipart(path, nil, "file", map[string]string{"a.txt": "x"}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent attaches: %d", res.StatusCode)
		}
		if res := agent.apiCall("DELETE", path+"/ports.png", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent deletes: %d", res.StatusCode)
		}
		if res := ed.apiCall("DELETE", path+"/ports.png", nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("delete: %d %s", res.StatusCode, res.Body)
		}
		if res := ed.apiCall("GET", path+"/ports.png", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("read a deleted file: %d", res.StatusCode)
		}

		internal := e.kbItem("Gateway core", "Internal.", desk.KBInternalTech, true)
		ipath := "/api/v1/kb/items/" + itoa(internal.ID) + "/files"
		if res := ed.postMultipart(ipath, nil, "file", map[string]string{"core.txt": "secret"}); res.StatusCode != http.StatusCreated {
			t.Fatalf("attach to the internal item: %d", res.StatusCode)
		}
		co := e.fx.Company("Basic Co")
		contact := e.apiClient(e.login(e.fx.Contact(co, desk.Basic)))
		for _, p := range []string{ipath, ipath + "/core.txt"} {
			if res := contact.apiCall("GET", p, nil); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "secret") {
				t.Errorf("a contact reads %s: %d", p, res.StatusCode)
			}
		}
	})
}
