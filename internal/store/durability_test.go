package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestCommitsAreDurable: SQLite syncs the WAL at every commit
// (synchronous=FULL, 2), on the connection that writes and on those that
// read, so a commit Caseport acknowledged survives a power loss.
func TestCommitsAreDurable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "caseport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, q := range map[string]q{"write": s.write(), "read": s.read()} {
		var level int
		if err := q.row(ctx, "PRAGMA synchronous").Scan(&level); err != nil {
			t.Fatal(err)
		}
		if level != 2 {
			t.Errorf("PRAGMA synchronous on the %s pool = %d, want 2 (FULL)", name, level)
		}
	}
}
