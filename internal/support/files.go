package support

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
)

// keepFile stores the bytes of a case's file and records it, in tx. The
// storage key is Caseport's own; the name the sender gave is only shown.
func (s *core) keepFile(ctx context.Context, tx *store.Tx, f *desk.CaseFile, content []byte) error {
	if s.files == nil {
		return nil // no file store: the raw message keeps the attachment
	}
	f.StorageKey = fmt.Sprintf("cases/%d/%s", f.CaseID, desk.NewReferenceID())
	st, err := s.files.Put(ctx, f.StorageKey, bytes.NewReader(content))
	if err != nil {
		return err
	}
	f.Size, f.SHA256, f.CreatedAt = st.Size, st.SHA256, s.now()
	f.Name = cleanFileName(f.Name)
	if _, err := tx.AddCaseFile(ctx, f); err != nil {
		_ = s.files.Delete(ctx, f.StorageKey)
		return err
	}
	return nil
}

// maxFileName is the longest file name kept, in bytes: the most that
// common file systems allow a name, so a download can be saved under the
// name shown.
const maxFileName = 255

// cleanFileName keeps the last element of a name, as valid UTF-8 without
// control characters, and at most maxFileName bytes (cut at a character,
// keeping a short extension): what a sender calls a file is shown, never
// used as a path.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	// strings.Map also turns bytes that are not UTF-8 into U+FFFD.
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	if len(name) > maxFileName {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = cutUTF8(strings.TrimSuffix(name, ext), maxFileName-len(ext)) + ext
	}
	return name
}

// cutUTF8 cuts s, longer than n bytes, to at most n at a character
// boundary.
func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cleanPathName keeps a file's place in a folder that was sent whole
// (logs/app/server.log), without empty, "." or ".." parts: a name to show,
// never a path anything is stored under.
func cleanPathName(name string) string {
	var parts []string
	for p := range strings.SplitSeq(strings.ReplaceAll(name, "\\", "/"), "/") {
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, cleanFileName(p))
	}
	if len(parts) == 0 {
		return "file"
	}
	out := strings.Join(parts, "/")
	for len(out) > maxFileName && len(parts) > 1 {
		parts = parts[1:]
		out = strings.Join(parts, "/")
	}
	return out
}

// CaseFiles lists a case's files to anyone who may see the case.
func (s *Transfers) CaseFiles(ctx context.Context, r Request, caseID int64) ([]desk.CaseFile, error) {
	if _, err := s.viewableCase(ctx, r, caseID); err != nil {
		return nil, err
	}
	return s.store.CaseFiles(ctx, caseID)
}

// OpenCaseFile opens a file of a case for download, through the policy:
// anyone who may see the case, nobody else (not found).
func (s *Transfers) OpenCaseFile(ctx context.Context, r Request, caseID, fileID int64) (*desk.CaseFile, files.File, error) {
	if _, err := s.viewableCase(ctx, r, caseID); err != nil {
		return nil, nil, err
	}
	f, err := s.store.CaseFile(ctx, caseID, fileID)
	if err != nil {
		return nil, nil, err
	}
	if !f.PurgedAt.IsZero() {
		return nil, nil, desk.Refuse(desk.ErrGone, "support.files.purged", "Date", desk.Date(f.PurgedAt))
	}
	if s.files == nil {
		return nil, nil, fmt.Errorf("no file store: %w", desk.ErrNotFound)
	}
	content, err := s.files.Open(ctx, f.StorageKey)
	if err != nil {
		return nil, nil, fileGone(err)
	}
	return f, content, nil
}

// fileGone tells a file or upload whose bytes the file store does not
// have as desk's not found: for the people who asked, it does not exist
// (a 404, not a failure), and only support knows the file store's errors.
func fileGone(err error) error {
	if errors.Is(err, files.ErrNotFound) {
		return fmt.Errorf("%w: %w", err, desk.ErrNotFound)
	}
	return err
}
