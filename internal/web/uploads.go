package web

import (
	"crypto/md5"  //nolint:gosec // a tus checksum algorithm clients may choose; SHA-256 is ours
	"crypto/sha1" //nolint:gosec // likewise
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// The tus resumable-upload protocol, version 1.0.0 (https://tus.io/protocols/resumable-upload),
// at /api/v1/uploads: core, creation, creation-with-upload, termination,
// checksum, concatenation and expiration. The protocol is only headers
// around support's uploads (support/uploads.go), which keep the rules.

const (
	tusVersion    = "1.0.0"
	tusExtensions = "creation,creation-with-upload,termination,checksum,concatenation,expiration"
	tusChunkMedia = "application/offset+octet-stream"
	uploadsPath   = "/api/v1/uploads"
)

// Errors the protocol answers with statuses of its own (their texts are
// for logs; people read the catalogue's words for the kind).
var (
	errTusVersion       = errors.New("unsupported tus version")
	errUnsupportedMedia = errors.New("unsupported media type")
)

// checksumAlgorithms are the Upload-Checksum algorithms accepted.
var checksumAlgorithms = map[string]func() hash.Hash{
	"sha256": sha256.New,
	"sha512": sha512.New,
	"sha1":   sha1.New,
	"md5":    md5.New,
}

const checksumAlgorithmList = "sha256,sha512,sha1,md5"

// tusOptions answers protocol discovery; it needs no sign-in.
func tusOptions(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Tus-Resumable", tusVersion)
	h.Set("Tus-Version", tusVersion)
	h.Set("Tus-Extension", tusExtensions)
	h.Set("Tus-Checksum-Algorithm", checksumAlgorithmList)
	w.WriteHeader(http.StatusNoContent)
}

// tus wraps a tus handler: every answer says the protocol version, and a
// request in another version is refused.
func tus(h apiHandler) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		w.Header().Set("Tus-Resumable", tusVersion)
		w.Header().Set("Cache-Control", "no-store")
		if r.Header.Get("Tus-Resumable") != tusVersion {
			w.Header().Set("Tus-Version", tusVersion)
			return errTusVersion
		}
		return h(w, r, a)
	}
}

// uploadHeaders describes an upload in response headers.
func uploadHeaders(w http.ResponseWriter, u *desk.Upload) {
	h := w.Header()
	h.Set("Upload-Offset", strconv.FormatInt(u.Received, 10))
	h.Set("Upload-Length", strconv.FormatInt(u.Length, 10))
	if u.FileID == 0 {
		h.Set("Upload-Expires", u.ExpiresAt.UTC().Format(http.TimeFormat))
	}
	if u.Partial {
		h.Set("Upload-Concat", "partial")
	}
	if u.FileID != 0 {
		// Where the file now is, and the SHA-256 to compare with one's own.
		h.Set("Caseport-File", fmt.Sprintf("/api/v1/cases/%s/files/%d", desk.FormatCaseNumber(u.CaseID), u.FileID))
		if sum, err := support.UploadSHA256(u); err == nil {
			h.Set("Caseport-Sha256", sum)
		}
	}
}

// parseMetadata reads Upload-Metadata: comma-separated "key base64value"
// pairs (a key alone has an empty value).
func parseMetadata(v string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(v) == "" {
		return out, nil
	}
	for pair := range strings.SplitSeq(v, ",") {
		key, val, _ := strings.Cut(strings.TrimSpace(pair), " ")
		if key == "" {
			return nil, refuse(errBadRequest, "error.tus.metadata_empty_key")
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val))
		if err != nil {
			return nil, refuse(errBadRequest, "error.tus.metadata_not_base64", "Key", key)
		}
		out[key] = string(b)
	}
	return out, nil
}

// parseChecksum reads Upload-Checksum: "algorithm base64sum".
func parseChecksum(v string) (*support.ChunkCheck, error) {
	if v == "" {
		return nil, nil
	}
	alg, sum, ok := strings.Cut(strings.TrimSpace(v), " ")
	newHash := checksumAlgorithms[alg]
	if !ok || newHash == nil {
		return nil, refuse(errBadRequest, "error.tus.checksum_algorithm", "Algorithms", checksumAlgorithmList)
	}
	want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sum))
	if err != nil {
		return nil, refuse(errBadRequest, "error.tus.checksum_not_base64")
	}
	return &support.ChunkCheck{Hash: newHash(), Want: want}, nil
}

// chunk reads a request's body as a chunk at offset.
func chunk(w http.ResponseWriter, r *http.Request, offset int64) (support.Chunk, error) {
	check, err := parseChecksum(r.Header.Get("Upload-Checksum"))
	if err != nil {
		return support.Chunk{}, err
	}
	rc := http.NewResponseController(w)
	return support.Chunk{
		Offset: offset, Length: r.ContentLength, Body: r.Body, Check: check,
		Interrupt: func() { _ = rc.SetReadDeadline(time.Now()) },
	}, nil
}

func (s *Server) apiCreateUpload(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	meta, err := parseMetadata(r.Header.Get("Upload-Metadata"))
	if err != nil {
		return err
	}
	caseID, ok := desk.ParseCaseNumber(meta["case"])
	if !ok {
		return invalid("case", "form.upload_metadata_case")
	}
	in := support.NewUpload{CaseID: caseID, Name: meta["filename"], ContentType: meta["filetype"]}
	if in.Name == "" {
		in.Name = meta["name"]
	}
	// The name is cleaned, not refused (support.cleanPathName): it is what
	// the sender's disk calls the file. The type is only stored.
	p := desk.Problems{}
	p.CheckText("filetype", in.ContentType)
	if err := p.Err(); err != nil {
		return err
	}
	if r.Header.Get("Upload-Defer-Length") != "" {
		return refuse(errBadRequest, "error.tus.defer_length")
	}
	req := request(r, a)
	var u *desk.Upload
	concat := r.Header.Get("Upload-Concat")
	if parts, ok := strings.CutPrefix(concat, "final;"); ok {
		var ids []string
		for p := range strings.FieldsSeq(parts) {
			_, id, ok := strings.Cut(p, uploadsPath+"/")
			if !ok || id == "" || strings.Contains(id, "/") {
				return refuse(errBadRequest, "error.tus.concat_foreign", "Upload", strconv.Quote(p))
			}
			ids = append(ids, id)
		}
		if u, err = s.transfers.ConcatUploads(r.Context(), req, in, ids); err != nil {
			return err
		}
	} else {
		if concat != "" && concat != "partial" {
			return refuse(errBadRequest, "error.tus.concat")
		}
		in.Partial = concat == "partial"
		if in.Length, err = strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64); err != nil || in.Length < 0 {
			return refuse(errBadRequest, "error.tus.length")
		}
		var first *support.Chunk
		if r.ContentLength != 0 && r.Header.Get("Content-Type") == tusChunkMedia {
			if r.ContentLength > in.Length {
				return refuse(support.ErrChunkTooLarge, "error.tus.body_too_large", "Body", r.ContentLength, "Length", in.Length)
			}
			ch, err := chunk(w, r, 0)
			if err != nil {
				return err
			}
			first = &ch
		}
		u, err = s.transfers.CreateUpload(r.Context(), req, in, first)
		if u == nil {
			return err
		}
		if err != nil {
			// Recorded all the same: the client resumes with HEAD.
			s.log.InfoContext(r.Context(), "upload: created, not all of it kept", "upload", u.ID, "offset", u.Received, "err", err)
		}
	}
	w.Header().Set("Location", uploadsPath+"/"+u.ID)
	uploadHeaders(w, u)
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) apiUploadStatus(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	u, err := s.transfers.Upload(r.Context(), request(r, a), r.PathValue("upload"))
	if err != nil {
		return err
	}
	uploadHeaders(w, u)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) apiWriteUpload(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if r.Header.Get("Content-Type") != tusChunkMedia {
		return refuse(errUnsupportedMedia, "error.tus.chunk_media", "Media", tusChunkMedia)
	}
	offset, err := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || offset < 0 {
		return refuse(errBadRequest, "error.tus.offset")
	}
	ch, err := chunk(w, r, offset)
	if err != nil {
		return err
	}
	done, err := s.transfers.WriteUpload(r.Context(), request(r, a), r.PathValue("upload"), ch)
	if done != nil && err != nil {
		// The sender went away (or a newer request took over) after part
		// of the chunk: that part counts, and nobody waits for an answer.
		s.log.InfoContext(r.Context(), "upload: chunk cut short", "upload", done.ID, "offset", done.Received, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	uploadHeaders(w, done)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiTerminateUpload(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := s.transfers.TerminateUpload(r.Context(), request(r, a), r.PathValue("upload")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
