package web

import (
	"errors"
	"net/http"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// maxImportFile bounds an uploaded CSV file.
const maxImportFile = 32 << 20

// pageImport is the CSV import form, with the report of a run.
var pageImport = page[importData]{"console-import"}

type importData struct {
	Columns map[support.ImportKind][]string
	Report  *support.ImportReport
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ImportAccounts, desk.Target{}); err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageImport, &view{Title: s.loc(r).T("title.import"), User: a.User, Form: r.URL.Query()}, importData{Columns: support.ImportColumns})
	return nil
}

// importCSV runs an import from an uploaded file and shows the report of a
// dry run or of a refused file; an applied import redirects with its count.
func (s *Server) importCSV(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportFile)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = invalid("file", "form.file_too_large")
		} else {
			err = invalid("file", "form.choose_a_csv_file_to_upload")
		}
		return s.importFailed(w, r, a, err)
	}
	if err := checkForm(r.PostForm); err != nil {
		return s.importFailed(w, r, a, err)
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.importFailed(w, r, a, invalid("file", "form.choose_a_csv_file_to_upload"))
	}
	defer file.Close()
	dry := r.FormValue("mode") != "apply"
	rep, err := s.importer.Import(r.Context(), request(r, a), support.ImportKind(r.FormValue("kind")), file, dry)
	if err != nil {
		return s.importFailed(w, r, a, err)
	}
	if rep.Applied && len(rep.Problems) == 0 {
		// The rows are written: a redirect, so a reload does not import
		// the file again.
		s.redirect(w, r, "/console/import", s.loc(r).T("page.console-import.imported_created_updated", "Created", rep.Created, "Updated", rep.Updated))
		return nil
	}
	status := http.StatusOK
	if len(rep.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	render(s, w, r, status, pageImport, &view{
		Title: s.loc(r).T("title.import"), User: a.User, Form: r.MultipartForm.Value,
	}, importData{Columns: support.ImportColumns, Report: rep})
	return nil
}

func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, a *desk.Actor, err error) error {
	fields := s.fieldMessages(r, err)
	if fields == nil {
		return err
	}
	render(s, w, r, http.StatusUnprocessableEntity, pageImport, &view{Title: s.loc(r).T("title.import"), User: a.User, Errors: fields}, importData{Columns: support.ImportColumns})
	return nil
}
