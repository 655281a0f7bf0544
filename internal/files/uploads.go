package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
)

// Uploads is where resumable uploads grow until they are complete: one
// file per upload in a directory confined with os.Root. A complete upload
// moves into the store with Store.Import.
//
// The database, not the file, says how many bytes of an upload count: a
// process that dies in the middle of a write may leave more, and the next
// write cuts the file back to its offset first.
type Uploads struct {
	root *os.Root
	dir  string
}

// NewUploads keeps uploads in dir under root.
func NewUploads(root *os.Root, dir string) (*Uploads, error) {
	if err := root.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("upload area: %w", err)
	}
	return &Uploads{root: root, dir: dir}, nil
}

var uploadID = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

func (u *Uploads) path(id string) (string, error) {
	if !uploadID.MatchString(id) {
		return "", fmt.Errorf("upload id %q: %w", id, ErrNotFound)
	}
	return u.dir + "/" + id, nil
}

// Create makes an empty upload.
func (u *Uploads) Create(id string) error {
	p, err := u.path(id)
	if err != nil {
		return err
	}
	f, err := u.root.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	return f.Close()
}

// copyBuffer is the size of the buffer an upload streams through: memory
// per upload stays this, whatever the size of the file.
const copyBuffer = 256 << 10

// ErrWrite is a failure to write to the upload area (a full disk, say), as
// opposed to the sender going away.
var ErrWrite = errors.New("the upload area could not take the data")

// Write cuts an upload back to offset and appends what r yields. It returns
// how many bytes it appended and synced to disk. When reading r fails part
// way, the bytes before stay written and the read error is returned; when
// writing fails, the upload is cut back to offset, 0 is returned and the
// error wraps ErrWrite.
func (u *Uploads) Write(ctx context.Context, id string, offset int64, r io.Reader) (int64, error) {
	p, err := u.path(id)
	if err != nil {
		return 0, err
	}
	f, err := u.root.OpenFile(p, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("upload %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w: %w", id, ErrWrite, err)
	}
	defer f.Close()
	if err := f.Truncate(offset); err != nil {
		return 0, fmt.Errorf("upload %s: %w: %w", id, ErrWrite, err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, fmt.Errorf("upload %s: %w: %w", id, ErrWrite, err)
	}
	var n int64
	var readErr, writeErr error
	buf := make([]byte, copyBuffer)
	for readErr == nil && writeErr == nil {
		if err := ctx.Err(); err != nil {
			readErr = err
			break
		}
		var nr int
		nr, readErr = io.ReadFull(r, buf)
		if nr > 0 {
			var nw int
			nw, writeErr = f.Write(buf[:nr])
			n += int64(nw)
		}
		if errors.Is(readErr, io.ErrUnexpectedEOF) || errors.Is(readErr, io.EOF) {
			readErr = nil
			break
		}
	}
	if writeErr == nil {
		writeErr = f.Sync()
	}
	if writeErr != nil {
		_ = f.Truncate(offset)
		return 0, fmt.Errorf("upload %s: %w: %w", id, ErrWrite, writeErr)
	}
	return n, readErr
}

// OpenWriter opens an upload for writes at any offset (SFTP clients send
// chunks out of order).
func (u *Uploads) OpenWriter(id string) (*os.File, error) {
	p, err := u.path(id)
	if err != nil {
		return nil, err
	}
	f, err := u.root.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", id, err)
	}
	return f, nil
}

// Truncate cuts an upload back to size: a chunk that failed its checksum
// is taken back this way.
func (u *Uploads) Truncate(id string, size int64) error {
	p, err := u.path(id)
	if err != nil {
		return err
	}
	f, err := u.root.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("upload %s: %w", id, err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("upload %s: %w", id, err)
	}
	return nil
}

// Open opens an upload for reading.
func (u *Uploads) Open(id string) (*os.File, error) {
	p, err := u.path(id)
	if err != nil {
		return nil, err
	}
	f, err := u.root.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("upload %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", id, err)
	}
	return f, nil
}

// Concat makes upload id from the parts, in order, passing every byte
// through w too (to hash the whole).
func (u *Uploads) Concat(ctx context.Context, id string, parts []string, w io.Writer) (int64, error) {
	if err := u.Create(id); err != nil {
		return 0, err
	}
	p, _ := u.path(id) // valid: Create checked it
	out, err := u.root.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w", id, err)
	}
	var total int64
	err = func() error {
		buf := make([]byte, copyBuffer)
		for _, part := range parts {
			in, err := u.Open(part)
			if err != nil {
				return err
			}
			n, err := io.CopyBuffer(io.MultiWriter(out, w), ctxReader{ctx, in}, buf)
			in.Close()
			total += n
			if err != nil {
				return fmt.Errorf("join upload %s: %w", part, err)
			}
		}
		return out.Sync()
	}()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = u.Remove(id)
		return 0, err
	}
	return total, nil
}

// Remove deletes an upload; a missing one is not an error.
func (u *Uploads) Remove(id string) error {
	p, err := u.path(id)
	if err != nil {
		return err
	}
	if err := u.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("upload %s: %w", id, err)
	}
	return nil
}
