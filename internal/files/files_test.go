package files_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/files"
)

func TestLocal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	l, err := files.OpenLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	content := strings.Repeat("trace line\n", 10000)
	st, err := l.Put(ctx, "cases/1000042/7", strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(content))
	if st.Size != int64(len(content)) || st.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("stored %+v", st)
	}
	f, err := l.Open(ctx, "cases/1000042/7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(11*9999, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(f)
	f.Close()
	if string(tail) != "trace line\n" || f.Size() != st.Size {
		t.Errorf("read back %q, size %d", tail, f.Size())
	}
	for _, bad := range []string{"../escape", "/etc/passwd", "cases/../../x", "", "a//b"} {
		if _, err := l.Put(ctx, bad, strings.NewReader("x")); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
	// A symlink planted inside cannot lead outside.
	if err := os.Symlink(dir, filepath.Join(dir, "files", "cases", "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Put(ctx, "cases/link/files/evil", strings.NewReader("x")); err == nil {
		t.Error("a write through a symlink out of the store succeeded")
	}
	if err := l.Delete(ctx, "cases/1000042/7"); err != nil {
		t.Fatal(err)
	}
	if err := l.Delete(ctx, "cases/1000042/7"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := l.Open(ctx, "cases/1000042/7"); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("open a deleted file: %v", err)
	}
	// A cancelled upload leaves nothing behind.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Put(cctx, "cases/1/9", strings.NewReader("x")); err == nil {
		t.Error("a cancelled put succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "files", "cases", "1", "9.part")); !os.IsNotExist(err) {
		t.Error("a cancelled put left its temporary file")
	}
}
