package web

import (
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// Files.

type apiFile struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256"`
	ContentType string     `json:"content_type,omitempty"`
	Source      string     `json:"source"`
	Direction   string     `json:"direction"`
	UploadedBy  *apiRef    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	PurgedAt    *time.Time `json:"purged_at,omitempty"`
}

func (s *Server) apiCaseFiles(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	fs, err := s.svc.CaseFiles(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := make([]apiFile, 0, len(fs))
	for _, f := range fs {
		af := apiFile{
			ID: f.ID, Name: f.Name, Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, Source: f.Source,
			Direction: f.Direction, CreatedAt: f.CreatedAt, PurgedAt: optTime(f.PurgedAt),
		}
		if f.UploadedBy != 0 {
			af.UploadedBy = &apiRef{f.UploadedBy, f.Uploader}
		}
		out = append(out, af)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
