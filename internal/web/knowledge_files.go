package web

import (
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/support"
)

// The files of knowledge items: images the body shows with
// ![alt](/knowledge/{id}/files/{name}) and attachments to download, for
// whoever may read the item; editors add and remove them on the item's
// editor page or through the API, each a new version of the item.

// kbFileView is a file as the item's page and the editor list it.
type kbFileView struct {
	desk.KBFile
	// Href is the file's address; Markdown is how the body shows (an
	// image) or links to it.
	Href, Markdown string
}

func kbFileHref(itemID int64, name string) string {
	return fmt.Sprintf("/knowledge/%d/files/%s", itemID, url.PathEscape(name))
}

func kbFileViews(list []desk.KBFile) []kbFileView {
	out := make([]kbFileView, 0, len(list))
	for _, f := range list {
		v := kbFileView{KBFile: f, Href: kbFileHref(f.ItemID, f.Name)}
		if f.Inline() {
			v.Markdown = "![" + f.Name + "](" + v.Href + ")"
		} else {
			v.Markdown = "[" + f.Name + "](" + v.Href + ")"
		}
		out = append(out, v)
	}
	return out
}

// knowledgeFile sends a file of an item to whoever may read the item: an
// image (PNG, JPEG, GIF, WebP, as its bytes showed when it was added)
// inline, so the body shows it, anything else as a download. The page and
// the API (/api/v1/kb/items/{id}/files/{name}) both serve it.
func (s *Server) knowledgeFile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	f, content, err := s.knowledge.OpenFile(r.Context(), a, id, r.PathValue("name"))
	if err != nil {
		return err
	}
	defer content.Close()
	if !f.Inline() {
		serveFile(w, r, f.Name, f.SHA256, content)
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": path.Base(f.Name)}))
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("Repr-Digest", "sha-256=:"+shaBase64(f.SHA256)+":")
	http.ServeContent(w, r, "", content.ModTime(), content)
	return nil
}

// kbUpload is the file of an upload form: multipart, with the file in
// the field "file".
type kbUpload struct {
	Name, ContentType string
	File              multipart.File
}

// readKBUpload reads an upload of one file of at most kb.MaxFileSize; the
// caller closes the file and removes the form (r.MultipartForm.RemoveAll).
func readKBUpload(w http.ResponseWriter, r *http.Request) (*kbUpload, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return nil, invalid("file", "page.kb.files.choose")
	}
	r.Body = http.MaxBytesReader(w, r.Body, kb.MaxFileSize+maxFormBody)
	if err := r.ParseMultipartForm(maxFormBody); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, invalid("file", "page.kb.files.too_big", "MB", kb.MaxFileSize>>20)
		}
		return nil, refuse(errBadRequest, "error.form.unreadable", "Problem", formError(err))
	}
	if err := checkForm(r.PostForm); err != nil {
		return nil, err
	}
	file, fh, err := r.FormFile("file")
	if err != nil {
		return nil, invalid("file", "page.kb.files.choose")
	}
	return &kbUpload{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), File: file}, nil
}

// addKnowledgeFile attaches the uploaded file to the item and goes back to
// its editor; a refused file shows the editor again with the reason.
func (s *Server) addKnowledgeFile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err
	}
	f, err := s.kbUploadFile(w, r, a, id)
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showKnowledgeEditor(w, r, a, http.StatusUnprocessableEntity, nil, fields)
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, fmt.Sprintf("/console/knowledge/%d#files", id), s.loc(r).T("notice.kb.file_added", "Name", f.Name))
	return nil
}

// kbUploadFile reads the upload and attaches its file to the item, with
// the history's note in the request's language.
func (s *Server) kbUploadFile(w http.ResponseWriter, r *http.Request, a *desk.Actor, itemID int64) (*desk.KBFile, error) {
	up, err := readKBUpload(w, r)
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	if err != nil {
		return nil, err
	}
	defer up.File.Close()
	note := s.loc(r).T("page.kb.files.note_added", "Name", up.Name)
	return s.knowledge.AddFile(r.Context(), request(r, a), itemID, up.Name, up.ContentType, up.File, note)
}

// removeKnowledgeFile takes a file off the item (the form's "name").
func (s *Server) removeKnowledgeFile(r *http.Request, req support.Request) (string, string, error) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	name := r.PostForm.Get("name")
	note := s.loc(r).T("page.kb.files.note_removed", "Name", name)
	if err := s.knowledge.RemoveFile(r.Context(), req, id, name, note); err != nil {
		return "", "", err
	}
	return fmt.Sprintf("/console/knowledge/%d#files", id), s.loc(r).T("notice.kb.file_removed", "Name", name), nil
}

// The API's calls.

func (s *Server) apiKBFileRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/kb/items/{id}/files", Tag: "knowledge", Summary: "An item's images and attachments, for whoever may read the item",
			Answer: []apiKBFile{}, Status: http.StatusOK, Handle: s.apiKBFiles,
		},
		{
			Method: "POST", Path: "/api/v1/kb/items/{id}/files", Tag: "knowledge",
			Summary: "Attach a file to an item (multipart/form-data, the file in the field \"file\", at most 20 MB): a new version of the item (knowledge editors, portal admins)",
			Body:    "", BodyMedia: "multipart/form-data", Answer: apiKBFile{}, Status: http.StatusCreated, Handle: s.apiAddKBFile,
		},
		{
			Method: "GET", Path: "/api/v1/kb/items/{id}/files/{name}", Tag: "knowledge",
			Summary: "A file's content: PNG, JPEG, GIF and WebP images inline, anything else as a download; with Range requests and its SHA-256 in Repr-Digest",
			Answer:  "", AnswerMedia: "application/octet-stream", Status: http.StatusOK, Handle: s.knowledgeFile,
		},
		{
			Method: "DELETE", Path: "/api/v1/kb/items/{id}/files/{name}", Tag: "knowledge", Summary: "Take a file off an item: a new version of the item (knowledge editors, portal admins)",
			Status: http.StatusNoContent, Handle: s.apiRemoveKBFile,
		},
	}
}

type apiKBFile struct {
	Name        string    `json:"name"`
	URL         string    `json:"url"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	Inline      bool      `json:"inline"`
	AddedAt     time.Time `json:"added_at"`
	AddedBy     int64     `json:"added_by,omitempty"`
}

func toAPIKBFile(f desk.KBFile) apiKBFile {
	return apiKBFile{
		Name: f.Name, URL: kbFileHref(f.ItemID, f.Name), Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType,
		Inline: f.Inline(), AddedAt: f.AddedAt, AddedBy: f.AddedBy,
	}
}

func (s *Server) apiKBFiles(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	list, err := s.knowledge.Files(r.Context(), a, id)
	if err != nil {
		return err
	}
	out := make([]apiKBFile, 0, len(list))
	for _, f := range list {
		out = append(out, toAPIKBFile(f))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiAddKBFile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err
	}
	f, err := s.kbUploadFile(w, r, a, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", kbFileHref(id, f.Name))
	writeJSON(w, http.StatusCreated, toAPIKBFile(*f))
	return nil
}

func (s *Server) apiRemoveKBFile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	name := r.PathValue("name")
	note := s.loc(r).T("page.kb.files.note_removed", "Name", name)
	if err := s.knowledge.RemoveFile(r.Context(), request(r, a), id, name, note); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
