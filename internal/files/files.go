// Package files keeps the files of cases behind one small interface: a
// local directory (the default, under --data, confined with os.Root) now,
// S3-compatible object storage later. A file is written as it streams in,
// with its SHA-256 computed on the way, so memory does not grow with its
// size.
package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
)

// Stored is what Put learned of a file.
type Stored struct {
	Size   int64
	SHA256 string // hex
}

// File is an open stored file, for http.ServeContent (Range requests).
type File interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Store keeps files by key. Keys are Caseport's own (e.g. cases/1000042/17),
// never a name a user chose.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader) (Stored, error)
	Open(ctx context.Context, key string) (File, error)
	Delete(ctx context.Context, key string) error
	// Uploads is where resumable uploads grow; Import moves a complete
	// one into the store under key.
	Uploads() *Uploads
	Import(ctx context.Context, key, uploadID string) error
}

// ErrNotFound is a key with no file.
var ErrNotFound = errors.New("no such file")

// Local keeps files in a directory. Every access goes through os.Root, so
// no key can reach outside it, whatever it holds.
type Local struct {
	root    *os.Root
	uploads *Uploads
}

// OpenLocal opens (creating) a directory for files.
func OpenLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("file store %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("file store %s: %w", dir, err)
	}
	// Uploads grow in the same directory tree, so a complete one moves
	// into place with a rename, however large.
	uploads, err := NewUploads(root, uploadsDir)
	if err != nil {
		root.Close()
		return nil, err
	}
	return &Local{root: root, uploads: uploads}, nil
}

// uploadsDir holds uploads in progress; no key starts with it.
const uploadsDir = "uploads"

// Uploads returns the store's upload area.
func (l *Local) Uploads() *Uploads { return l.uploads }

// Import moves a complete upload into the store under key.
func (l *Local) Import(_ context.Context, key, uploadID string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	from, err := l.uploads.path(uploadID)
	if err != nil {
		return err
	}
	if dir := path.Dir(key); dir != "." {
		if err := l.root.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("file %s: %w", key, err)
		}
	}
	if err := l.root.Rename(from, key); err != nil {
		return fmt.Errorf("file %s: %w", key, err)
	}
	return nil
}

// Close releases the directory.
func (l *Local) Close() error { return l.root.Close() }

func checkKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || path.Clean(key) != key || strings.Contains(key, "..") ||
		key == uploadsDir || strings.HasPrefix(key, uploadsDir+"/") {
		return fmt.Errorf("file key %q: not a clean relative path", key)
	}
	return nil
}

// Put writes r to key through a temporary file, hashing as it goes, and
// renames it in place once complete: a reader never sees half a file.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) (Stored, error) {
	if err := checkKey(key); err != nil {
		return Stored{}, err
	}
	if dir := path.Dir(key); dir != "." {
		if err := l.root.MkdirAll(dir, 0o750); err != nil {
			return Stored{}, fmt.Errorf("file %s: %w", key, err)
		}
	}
	tmp := key + ".part"
	f, err := l.root.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return Stored{}, fmt.Errorf("file %s: %w", key, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), ctxReader{ctx, r})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = l.root.Remove(tmp)
		return Stored{}, fmt.Errorf("file %s: %w", key, err)
	}
	if err := l.root.Rename(tmp, key); err != nil {
		_ = l.root.Remove(tmp)
		return Stored{}, fmt.Errorf("file %s: %w", key, err)
	}
	return Stored{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type localFile struct {
	*os.File
	info fs.FileInfo
}

func (f localFile) Size() int64        { return f.info.Size() }
func (f localFile) ModTime() time.Time { return f.info.ModTime() }

// Open opens a stored file.
func (l *Local) Open(_ context.Context, key string) (File, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := l.root.Open(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("file %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("file %s: %w", key, err)
	}
	return localFile{File: f, info: info}, nil
}

// Delete removes a stored file; a missing one is not an error (purges
// run again after a crash).
func (l *Local) Delete(_ context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := l.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file %s: %w", key, err)
	}
	return nil
}
