package web

import (
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// pageCaseFiles is the Transfer Files page.
var pageCaseFiles = page[caseFilesData]{"case-files"}

// caseFilesData is the Transfer Files page.
type caseFilesData struct {
	T     *support.FileTransfer
	Files []desk.CaseFile
}

// caseFile sends a file of a case, through the policy, with Range
// support; always as a download, never shown inline. The page and the
// API (/api/v1/cases/{number}/files/{id}/content) both serve it.
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, content, err := s.transfers.OpenCaseFile(r.Context(), request(r, a), caseID, fileID)
	if err != nil {
		return err
	}
	defer content.Close()
	serveFile(w, r, f.Name, f.SHA256, content)
	return nil
}

// storedContent is an open stored file, as http.ServeContent reads it
// (Range requests).
type storedContent interface {
	io.ReadSeeker
	ModTime() time.Time
}

// serveFile sends stored content as an attachment named name.
func serveFile(w http.ResponseWriter, r *http.Request, name, sha string, content storedContent) {
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+sha+`"`)
	h.Set("Repr-Digest", "sha-256=:"+shaBase64(sha)+":")
	http.ServeContent(w, r, "", content.ModTime(), content)
}

func shaBase64(hexSum string) string {
	b, err := hex.DecodeString(hexSum)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

// transferFiles shows the Transfer Files page: the data-protection notice
// until the actor acknowledges it for this case, then the uploader.
func (s *Server) transferFiles(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	return s.renderTransfer(w, r, a, caseID, http.StatusOK, nil, nil)
}

func (s *Server) renderTransfer(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int, form url.Values, errs map[string]string) error {
	t, err := s.transfers.FileTransfer(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	list, err := s.transfers.CaseFiles(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	// The page's log masker is WebAssembly: compiling it is all this allows.
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy("script-src 'self' 'wasm-unsafe-eval'"))
	render(s, w, r, status, pageCaseFiles, &view{
		Title: s.loc(r).T("title.transfer_files_case", "Number", t.Case.Number()), User: a.User, Form: form, Errors: errs,
	}, caseFilesData{T: t, Files: list})
	return nil
}

// acknowledgeFiles records the data-protection acknowledgement and goes
// on to the uploader.
func (s *Server) acknowledgeFiles() pageHandler {
	show := func(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		return s.renderTransfer(w, r, a, caseID, status, form, errs)
	}
	return s.post(show, func(r *http.Request, req support.Request) (string, string, error) {
		caseID, err := caseNumber(r)
		if err != nil {
			return "", "", err
		}
		return "/cases/" + desk.FormatCaseNumber(caseID) + "/files", "", s.transfers.AcknowledgeFiles(r.Context(), req, caseID)
	})
}

// createSFTP makes a temporary SFTP account for the case.
func (s *Server) createSFTP(r *http.Request, req support.Request, caseID int64) (string, error) {
	a, err := s.transfers.CreateSFTPAccount(r.Context(), req, caseID)
	if err != nil {
		return "", err
	}
	return s.loc(r).T("notice.sftp_account_ready", "Username", a.Username), nil
}

// fileSettings: whether Read-Write contacts may create temporary SFTP
// accounts themselves.
// pageFileSettings is the form of the file transfer settings.
var pageFileSettings = page[noData]{"console-settings-files"}

func (s *Server) fileSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	on, err := s.transfers.SFTPForContacts(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	form := url.Values{}
	if on {
		form.Set("sftp_for_contacts", "on")
	}
	return s.showFileSettings(w, r, a, http.StatusOK, form, nil)
}

func (s *Server) showFileSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	render(s, w, r, status, pageFileSettings, &view{Title: s.loc(r).T("title.file_transfer"), User: a.User, Form: form, Errors: errs}, noData{})
	return nil
}

func (s *Server) saveFileSettings(r *http.Request, req support.Request) (string, string, error) {
	on := r.PostForm.Get("sftp_for_contacts") == "on"
	return "/console/settings/files", s.loc(r).T("notice.the_file_transfer_settings_are_saved"), s.transfers.SetSFTPForContacts(r.Context(), req, on)
}
