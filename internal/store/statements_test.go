package store

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNoQueryWhileRowsAreOpen keeps what the statement cache needs: a
// prepared statement runs one query at a time on its connection, so no
// loop over rows runs another query (a call given ctx) before the rows
// are read to the end.
func TestNoQueryWhileRowsAreOpen(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			loop, ok := n.(*ast.ForStmt)
			if !ok || !callsMethod(loop.Cond, "Next") {
				return true
			}
			ast.Inspect(loop.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && passesCtx(call) {
					t.Errorf("%s: a query inside a loop over rows; read the rows to the end first", fset.Position(call.Pos()))
				}
				return true
			})
			return true
		})
	}
}

func callsMethod(e ast.Expr, name string) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}

func passesCtx(call *ast.CallExpr) bool {
	for _, a := range call.Args {
		if id, ok := a.(*ast.Ident); ok && id.Name == "ctx" {
			return true
		}
	}
	return false
}

// TestPreparedStatementsAnswer checks that SQLite's queries answer from
// prepared statements once the cache has them, in and out of a
// transaction, and after a schema change.
func TestPreparedStatementsAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const query = `SELECT value FROM settings WHERE key = ?`
	for _, c := range []*statements{s.rPrepared, s.wPrepared} {
		c.get(query)
		waitPrepared(t, c, query)
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "k", "v") }); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Setting(ctx, "k", ""); err != nil || v != "v" {
		t.Fatalf("read from the pool: %q, %v", v, err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		v, err := tx.Setting(ctx, "k", "")
		if err == nil && v != "v" {
			t.Errorf("read in a transaction: %q", v)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `ALTER TABLE settings ADD COLUMN note TEXT`); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Setting(ctx, "k", ""); err != nil || v != "v" {
		t.Fatalf("after a schema change: %q, %v", v, err)
	}
}

func waitPrepared(t *testing.T, c *statements, query string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c.mu.Lock()
		_, ok := c.ready[query]
		c.mu.Unlock()
		if ok {
			return
		}
	}
	t.Fatalf("%q never prepared", query)
}
