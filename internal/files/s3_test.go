package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/files/filestest"
)

// TestStores runs the same checks on every kind of store.
func TestStores(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) files.Store{
		"local": func(t *testing.T) files.Store {
			l, err := files.OpenLocal(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			return l
		},
		"s3": func(t *testing.T) files.Store { return filestest.S3(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			storeContract(t, open(t))
		})
	}
}

func storeContract(t *testing.T, st files.Store) {
	ctx := context.Background()
	small := strings.Repeat("trace line\n", 1000)
	big := bytes.Repeat([]byte("0123456789abcdef"), 12<<20/16+333) // more than two parts of 5 MiB
	for key, content := range map[string][]byte{"cases/1/small": []byte(small), "cases/1/big": big} {
		stored, err := st.Put(ctx, key, bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		if stored.Size != int64(len(content)) || stored.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s stored %+v", key, stored)
		}
		f, err := st.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if f.Size() != int64(len(content)) {
			t.Errorf("%s size %d", key, f.Size())
		}
		all, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(all, content) {
			t.Errorf("%s read back %d bytes, %v", key, len(all), err)
		}
		// A seek, as a Range request makes.
		if _, err := f.Seek(int64(len(content))-11, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		tail, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(tail, content[len(content)-11:]) {
			t.Errorf("%s tail %q %v", key, tail, err)
		}
		if end, err := f.Seek(0, io.SeekEnd); err != nil || end != int64(len(content)) {
			t.Errorf("%s seek to end = %d %v", key, end, err)
		}
		f.Close()
	}
	if _, err := st.Put(ctx, "../escape", strings.NewReader("x")); err == nil {
		t.Error("a key outside the store was accepted")
	}
	if _, err := st.Put(ctx, "uploads/x", strings.NewReader("x")); err == nil {
		t.Error("a key in the upload area was accepted")
	}

	// An upload grows in the upload area, is cut back, and moves in whole.
	up := st.Uploads()
	id := "AAAAAAAAAAAAAAAAAAAAAAAA"
	if err := up.Create(id); err != nil {
		t.Fatal(err)
	}
	if n, err := up.Write(ctx, id, 0, bytes.NewReader(big[:7<<20])); err != nil || n != 7<<20 {
		t.Fatalf("write = %d %v", n, err)
	}
	// A write at an offset cuts what lies beyond it first.
	if n, err := up.Write(ctx, id, 6<<20, bytes.NewReader(big[6<<20:])); err != nil || n != int64(len(big))-6<<20 {
		t.Fatalf("write at offset = %d %v", n, err)
	}
	if err := st.Import(ctx, "cases/2/upload", id); err != nil {
		t.Fatal(err)
	}
	f, err := st.Open(ctx, "cases/2/upload")
	if err != nil {
		t.Fatal(err)
	}
	all, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(all, big) {
		t.Errorf("imported upload has %d bytes, want %d", len(all), len(big))
	}
	if _, err := up.Open(id); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("the upload is still in the upload area after import: %v", err)
	}

	for _, key := range []string{"cases/1/small", "cases/1/big", "cases/2/upload"} {
		if err := st.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete(ctx, key); err != nil {
			t.Errorf("deleting %s twice: %v", key, err)
		}
		if _, err := st.Open(ctx, key); !errors.Is(err, files.ErrNotFound) {
			t.Errorf("open deleted %s: %v", key, err)
		}
	}
}
