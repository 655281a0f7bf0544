package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// converted are the Go files whose words for people all come from the
// catalogue: the domain's, and the pages' and forms' of internal/web
// (the rows of the API route table, in each api_<area>.go, and openapi.go
// are the API manual, in English; errors.go holds the problem titles: see
// ARCHITECTURE.md). Support, store, sftpd and the rest of web are still
// to move.
var converted = []string{"../desk/*.go", "../web/*.go"}

var notConverted = map[string]bool{
	"../web/api_routes.go": true, "../web/openapi.go": true, "../web/errors.go": true,
	// api.go still writes its refusals in English (the API's own
	// messages), as support does.
	"../web/api.go": true,
}

// sentence is the shape of a text for people: words and an ending stop,
// or two words starting with a capital.
var sentence = regexp.MustCompile(`^[A-Z][a-z]+ [^%]*[a-z][.!?:]?$|[a-z]{2,} [a-z]+.*[.!?]$`)

// allowed literals of converted files that are not texts for people.
var allowed = map[string]string{
	"not found": "an error kind", "forbidden": "an error kind", "conflict": "an error kind",
	"unauthenticated": "an error kind", "too many attempts": "an error kind", "gone": "an error kind",
	"invalid input: ": "ValidationError.Error, for logs",
}

// Converted files show no text for people outside the catalogue.
func TestConvertedCodeHasNoLiteralMessages(t *testing.T) {
	for _, pattern := range converted {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") || notConverted[path] {
				continue
			}
			for _, lit := range literalMessages(t, path) {
				t.Errorf("%s: %q is a text for people outside the catalogue", path, lit)
			}
		}
	}
}

// literalMessages lists the string literals of a Go file that read as
// texts for people, leaving out log messages, format strings that wrap an
// error (context for logs), time layouts and the subtypes of case types
// (stored values, shown as stored).
func literalMessages(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	skip := map[*ast.BasicLit]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch {
				case strings.HasSuffix(sel.Sel.Name, "Context"), sel.Sel.Name == "Error" && isIdent(sel.X, "http"),
					sel.Sel.Name == "Errorf", sel.Sel.Name == "New" && isIdent(sel.X, "errors"):
					for _, a := range n.Args {
						markLits(a, skip)
					}
				}
			}
		case *ast.KeyValueExpr:
			if isIdent(n.Key, "SubTypes") {
				markLits(n.Value, skip)
			}
		case *ast.CompositeLit:
			if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "CaseTypeInfo" {
				markLits(n, skip)
			}
			if id, ok := n.Type.(*ast.ArrayType); ok {
				if sel, ok := id.Elt.(*ast.Ident); ok && sel.Name == "CaseTypeInfo" {
					markLits(n, skip)
				}
				// The rows of the API route table: the API manual.
				if el, ok := id.Elt.(*ast.Ident); ok && (el.Name == "apiRoute" || el.Name == "apiParam") {
					markLits(n, skip)
				}
			}
		}
		return true
	})
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || skip[lit] {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || allowed[s] != "" || strings.Contains(s, "2006") || !sentence.MatchString(s) {
			return true
		}
		found = append(found, s)
		return true
	})
	return found
}

func markLits(n ast.Node, skip map[*ast.BasicLit]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok {
			skip[l] = true
		}
		return true
	})
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// The check finds what it is for.
func TestLiteralMessagesFinds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.go")
	src := `package x
import ("errors"; "fmt"; "log/slog")
var ErrX = errors.New("not a message")
func f(l *slog.Logger) (string, error) {
	l.InfoContext(nil, "Logged for developers.")
	_ = fmt.Errorf("open case %d: %w", 1, ErrX)
	return "The case is closed.", nil
}
func g() string { return "Choose a level" }
`
	if err := writeFile(path, src); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(literalMessages(t, path), "|")
	if want := "The case is closed.|Choose a level"; got != want {
		t.Errorf("literalMessages = %q, want %q", got, want)
	}
}

func writeFile(path, src string) error { return os.WriteFile(path, []byte(src), 0o600) }
