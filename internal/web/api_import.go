package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// apiImportRoutes are the calls that import CSV.
func (s *Server) apiImportRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "POST", Path: "/api/v1/imports", Tag: "admin", Summary: "Import companies, products, contracts or contacts from CSV: a dry run reports every bad row; a real run (dry_run=false) is all or nothing (portal admins)",
			Query: []apiParam{
				{Name: "kind", Doc: "companies, products, contracts or contacts"},
				{Name: "dry_run", Doc: "false to apply; a dry run otherwise"},
			},
			Body: "", BodyMedia: "text/csv", Answer: apiImportReport{}, Status: http.StatusOK, Handle: s.apiImport,
		},
	}
}

type apiImportProblem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

type apiImportReport struct {
	Kind     string             `json:"kind"`
	DryRun   bool               `json:"dry_run"`
	Rows     int                `json:"rows"`
	Created  int                `json:"created"`
	Updated  int                `json:"updated"`
	Applied  bool               `json:"applied"`
	Problems []apiImportProblem `json:"problems"`
}

// apiImport runs a CSV import from the request body: a dry run unless
// dry_run=false. A file with bad rows answers 422 with every bad row.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	dry := q.Get("dry_run") != "false"
	body := http.MaxBytesReader(w, r.Body, maxImportFile)
	rep, err := s.importer.Import(r.Context(), request(r, a), support.ImportKind(q.Get("kind")), body, dry)
	// The reader keeps its error: a file over the limit is a 413, not
	// the CSV error it caused.
	var tooBig *http.MaxBytesError
	if _, rerr := body.Read(make([]byte, 1)); errors.As(rerr, &tooBig) {
		return refuse(errTooLarge, "error.import.too_large", "MB", maxImportFile>>20)
	}
	if err != nil {
		return err
	}
	out := apiImportReport{
		Kind: string(rep.Kind), DryRun: rep.DryRun, Rows: rep.Rows, Created: rep.Created, Updated: rep.Updated,
		Applied: rep.Applied, Problems: make([]apiImportProblem, 0, len(rep.Problems)),
	}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, apiImportProblem{Line: p.Line, Reason: s.importReason(r, p)})
	}
	status := http.StatusOK
	if len(out.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, out)
	return nil
}

// importReason is a bad row's problem in the reader's language: "column:
// message" for each column, as the import page shows it.
func (s *Server) importReason(r *http.Request, p support.ImportProblem) string {
	l := s.loc(r)
	parts := make([]string, 0, len(p.Fields))
	for _, f := range p.Fields {
		parts = append(parts, f.Column+": "+l.Message(f.Message))
	}
	return strings.Join(parts, " ")
}
