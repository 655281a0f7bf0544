package kb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
)

// MaxFileSize is the largest file an item takes (20 MB): images and
// attachments to read beside an article; larger files belong elsewhere.
const MaxFileSize = 20 << 20

// maxFileName is the longest name kept, in bytes: the most common file
// systems allow, so a download can be saved under the name shown.
const maxFileName = 255

// Files lists an item's files for whoever may read the item.
func (s *Service) Files(ctx context.Context, actor *desk.Actor, itemID int64) ([]desk.KBFile, error) {
	if _, err := s.Item(ctx, actor, itemID); err != nil {
		return nil, err
	}
	return s.store.KBFiles(ctx, itemID)
}

// OpenFile opens a file of an item for whoever may read the item: a
// staff-only item's files are not found for anyone else.
func (s *Service) OpenFile(ctx context.Context, actor *desk.Actor, itemID int64, name string) (*desk.KBFile, files.File, error) {
	if _, err := s.Item(ctx, actor, itemID); err != nil {
		return nil, nil, err
	}
	f, err := s.store.KBFile(ctx, itemID, name)
	if err != nil {
		return nil, nil, err
	}
	if s.files == nil {
		return nil, nil, fmt.Errorf("no file store: %w", desk.ErrNotFound)
	}
	content, err := s.files.Open(ctx, f.StorageKey)
	if errors.Is(err, files.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: %w", err, desk.ErrNotFound)
	}
	if err != nil {
		return nil, nil, err
	}
	return f, content, nil
}

// AddFile stores a file and attaches it to an item, as a new version of
// the item whose note is note (what the history says), with its audit
// line. The name is the last part of what the editor's file was called;
// an item holds one file of each name. Only PNG, JPEG, GIF and WebP
// images, recognised by their bytes, are ever shown inline.
func (s *Service) AddFile(ctx context.Context, r desk.Request, itemID int64, name, contentType string, content io.Reader, note string) (*desk.KBFile, error) {
	if err := desk.Authorize(r.Actor, desk.EditKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	if _, err := s.store.KBItem(ctx, itemID); err != nil {
		return nil, err
	}
	if s.files == nil {
		return nil, desk.Invalid("file", "desk.kb.file.no_store")
	}
	name = cleanFileName(name)
	if name == "" {
		return nil, desk.Invalid("file", "desk.kb.file.choose")
	}
	br := bufio.NewReader(content)
	head, _ := br.Peek(512)
	f := &desk.KBFile{
		ItemID: itemID, Name: name, ContentType: fileType(head, contentType),
		StorageKey: fmt.Sprintf("kb/%d/%s", itemID, desk.NewReferenceID()), AddedAt: s.now(), AddedBy: r.ActorID(),
	}
	st, err := s.files.Put(ctx, f.StorageKey, io.LimitReader(br, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	f.Size, f.SHA256 = st.Size, st.SHA256
	forget := func() { _ = s.files.Delete(context.WithoutCancel(ctx), f.StorageKey) }
	switch {
	case f.Size > MaxFileSize:
		forget()
		return nil, desk.Invalid("file", "desk.kb.file.too_big", "Name", name, "MB", MaxFileSize>>20)
	case f.Size == 0:
		forget()
		return nil, desk.Invalid("file", "desk.kb.file.empty", "Name", name)
	}
	_, err = s.change(ctx, r, itemID, 0, "kb_item_file_added", func(tx *store.Tx, _ *desk.KBItem) error {
		if _, err := tx.KBFile(ctx, itemID, name); err == nil {
			return desk.Invalid("file", "desk.kb.file.exists", "Name", name)
		} else if !errors.Is(err, desk.ErrNotFound) {
			return err
		}
		return tx.AddKBFile(ctx, f)
	}, note)
	if err != nil {
		forget()
		return nil, err
	}
	return f, nil
}

// RemoveFile takes a file off an item, as a new version of the item whose
// note is note, with its audit line; the bytes go once that is written.
func (s *Service) RemoveFile(ctx context.Context, r desk.Request, itemID int64, name, note string) error {
	var key string
	_, err := s.change(ctx, r, itemID, 0, "kb_item_file_removed", func(tx *store.Tx, _ *desk.KBItem) error {
		f, err := tx.KBFile(ctx, itemID, name)
		if err != nil {
			return err
		}
		key = f.StorageKey
		return tx.DeleteKBFile(ctx, itemID, name)
	}, note)
	if err != nil {
		return err
	}
	if s.files != nil {
		// A failure leaves bytes nothing names any more, never a file
		// listed without them.
		_ = s.files.Delete(context.WithoutCancel(ctx), key)
	}
	return nil
}

// fileType is the type a file is kept with: an image the bytes show it
// to be (only those are shown inline), else the type the sender gave, else
// its extension's.
func fileType(head []byte, declared string) string {
	if sniffed := http.DetectContentType(head); (desk.KBFile{ContentType: sniffed}).Inline() {
		return sniffed
	}
	if t, _, err := mime.ParseMediaType(declared); err == nil && t != "" && !strings.HasPrefix(t, "image/") {
		return t
	}
	return "application/octet-stream"
}

// cleanFileName keeps the last part of a name, as valid UTF-8 without
// control characters, at most maxFileName bytes (keeping a short
// extension); "" when nothing is left.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	if len(name) > maxFileName {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		n := maxFileName - len(ext)
		for n > 0 && !utf8.RuneStart(name[n]) {
			n--
		}
		name = name[:n] + ext
	}
	return name
}
