package web

import (
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// apiFileRoutes are the calls on a case's files: downloads, tus uploads, SFTP accounts and the file settings.
func (s *Server) apiFileRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/cases/{number}/files", Tag: "files", Summary: "The case's files: name, size, SHA-256, who sent them and when",
			Answer: []apiFile{}, Status: http.StatusOK, Handle: s.apiCaseFiles,
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}/files/{id}/content", Tag: "files", Summary: "A file's content, with Range requests and its SHA-256 in Repr-Digest; 410 Gone once purged",
			Answer: "", AnswerMedia: "application/octet-stream", Status: http.StatusOK, Handle: s.caseFile,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/files/acknowledgement", Tag: "files",
			Summary: "Acknowledge the data-protection notice of a case's file transfers (once per case, before a contact's first upload)",
			Status:  http.StatusNoContent, Handle: s.apiAcknowledgeFiles,
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}/sftp", Tag: "files",
			Summary: "The case's temporary SFTP accounts, with the password while one is active (staff, Read-Write contacts)",
			Answer:  []apiSFTPAccount{}, Status: http.StatusOK, Handle: s.apiSFTPAccounts,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/sftp", Tag: "files",
			Summary: "Create a temporary SFTP account for the case, valid 120 hours (staff; Read-Write contacts when allowed)",
			Answer:  apiSFTPAccount{}, Status: http.StatusCreated, Handle: s.apiCreateSFTP,
		},
		{
			Method: "GET", Path: "/api/v1/settings/files", Tag: "admin",
			Summary: "File transfer settings (portal admins)",
			Answer:  apiFileSettings{}, Status: http.StatusOK, Handle: s.apiFileSettings,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/files", Tag: "admin",
			Summary: "File transfer settings: whether Read-Write contacts may create temporary SFTP accounts (portal admins)",
			Body:    apiFileSettings{}, Answer: apiFileSettings{}, Status: http.StatusOK, Handle: s.apiSetFileSettings,
		},
		{
			Method: "POST", Path: "/api/v1/uploads", Tag: "files",
			Summary: "tus 1.0.0 creation: start a resumable upload. Headers: Tus-Resumable: 1.0.0, Upload-Length, Upload-Metadata " +
				"with case (the 10-digit number) and filename, optionally Upload-Concat (partial, or final;<upload URLs>) and, " +
				"with a body of application/offset+octet-stream, the first chunk (creation-with-upload) with Upload-Checksum",
			Body: "", BodyMedia: tusChunkMedia, Status: http.StatusCreated, Handle: tus(s.apiCreateUpload),
		},
		{
			Method: "HEAD", Path: "/api/v1/uploads/{upload}", Tag: "files",
			Summary: "tus 1.0.0: an upload's Upload-Offset, Upload-Length and Upload-Expires; once complete, Caseport-File and Caseport-Sha256",
			Status:  http.StatusOK, Handle: tus(s.apiUploadStatus),
		},
		{
			Method: "PATCH", Path: "/api/v1/uploads/{upload}", Tag: "files",
			Summary: "tus 1.0.0: add a chunk at Upload-Offset, optionally with Upload-Checksum (sha256, sha512, sha1, md5); " +
				"460 when the checksum does not match, 409 when the offset is not the upload's",
			Body: "", BodyMedia: tusChunkMedia, Status: http.StatusNoContent, Handle: tus(s.apiWriteUpload),
		},
		{
			Method: "DELETE", Path: "/api/v1/uploads/{upload}", Tag: "files",
			Summary: "tus 1.0.0 termination: stop an unfinished upload and delete what arrived",
			Status:  http.StatusNoContent, Handle: tus(s.apiTerminateUpload),
		},
	}
}

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
	fs, err := s.transfers.CaseFiles(r.Context(), request(r, a), caseID)
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

// The data-protection acknowledgement.

func (s *Server) apiAcknowledgeFiles(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	if err := s.transfers.AcknowledgeFiles(r.Context(), request(r, a), caseID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Temporary SFTP accounts.

type apiSFTPAccount struct {
	Username string `json:"username"`
	// Password is there while the account is active, to those who may
	// read it: support clears it otherwise.
	Password  string     `json:"password,omitempty"`
	Host      string     `json:"host"`
	Port      string     `json:"port"`
	Active    bool       `json:"active"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
}

func (s *Server) toAPISFTP(a *desk.SFTPAccount) apiSFTPAccount {
	host, port := s.transfers.SFTPEndpoint()
	out := apiSFTPAccount{
		Username: a.Username, Password: a.Password, Host: host, Port: port, Active: s.transfers.SFTPAccountActive(a),
		CreatedAt: a.CreatedAt, ExpiresAt: a.ExpiresAt,
	}
	if !a.EndedAt.IsZero() {
		out.EndedAt = &a.EndedAt
	}
	return out
}

func (s *Server) apiSFTPAccounts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	list, err := s.transfers.SFTPAccounts(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := make([]apiSFTPAccount, 0, len(list))
	for i := range list {
		out = append(out, s.toAPISFTP(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateSFTP(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	acct, err := s.transfers.CreateSFTPAccount(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toAPISFTP(acct))
	return nil
}

// File transfer settings.

type apiFileSettings struct {
	// SFTPForContacts lets Read-Write contacts create temporary SFTP
	// accounts themselves.
	SFTPForContacts bool `json:"sftp_for_contacts"`
}

func (s *Server) apiFileSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	on, err := s.transfers.SFTPForContacts(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiFileSettings{SFTPForContacts: on})
	return nil
}

func (s *Server) apiSetFileSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiFileSettings
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.transfers.SetSFTPForContacts(r.Context(), request(r, a), in.SFTPForContacts); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}
