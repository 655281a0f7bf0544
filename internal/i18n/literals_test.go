package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// converted are the packages whose words for people all come from the
// catalogue: every non-test Go file that produces text for people. A new
// package that does goes here.
var converted = []string{
	"../desk/*.go", "../web/*.go", "../support/*.go", "../store/*.go", "../sftpd/*.go", "../mailer/*.go",
	"../worker/*.go", "../inbound/*.go", "../files/*.go", "../auth/*.go", "../hours/*.go",
}

var notConverted = map[string]bool{
	// The API manual (the route table's summaries, the OpenAPI document)
	// is English by design.
	"../web/api_routes.go": true, "../web/openapi.go": true,
}

// Line comments that mark a line's literals as no message: a stored text
// (a feed entry, an audit line, a triage reason: data once written,
// English as written), or sample data (the merge fields of a preview).
var markers = []string{"//i18n:stored", "//i18n:sample"}

// sentence is the shape of a text for people: words and an ending stop,
// or two words starting with a capital.
var sentence = regexp.MustCompile(`^[A-Z][a-z]+ [^%]*[a-z][.!?:]?$|[a-z]{2,} [a-z]+.*[.!?]$`)

// sql is the shape of a piece of an SQL statement.
var sql = regexp.MustCompile(`\b(FROM|WHERE|SELECT|UPDATE|INSERT)\b`)

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
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	storedLines := map[int]bool{}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if slices.ContainsFunc(markers, func(m string) bool { return strings.HasPrefix(c.Text, m) }) {
				storedLines[fset.Position(c.Pos()).Line] = true
			}
		}
	}
	skip, refusals := map[*ast.BasicLit]bool{}, map[*ast.BasicLit]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch {
				case sel.Sel.Name == "Errorf" && isRefusal(n.Args):
					// a refusal people read: its words belong in the
					// catalogue (desk.Refuse), whatever their shape.
					if l, ok := n.Args[0].(*ast.BasicLit); ok {
						refusals[l] = true
					}
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
		if err == nil && refusals[lit] {
			found = append(found, s)
			return true
		}
		if err != nil || allowed[s] != "" || strings.Contains(s, "2006") || sql.MatchString(s) ||
			storedLines[fset.Position(lit.Pos()).Line] || !sentence.MatchString(strings.TrimSpace(s)) {
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

// isRefusal reports whether the arguments of an Errorf wrap, last, a kind
// of error whose text people read (a conflict, a refusal, a wait, a thing
// gone); a not-found error's text is context for logs (people read "not
// found").
// An Errorf that wraps a sentinel of its own package and the kind
// ("job %d: %w: %w") is context: the caller words it.
func isRefusal(args []ast.Expr) bool {
	if len(args) < 2 {
		return false
	}
	if l, ok := args[0].(*ast.BasicLit); ok && strings.Count(l.Value, "%w") > 1 {
		return false
	}
	sel, ok := args[len(args)-1].(*ast.SelectorExpr)
	return ok && isIdent(sel.X, "desk") && slices.Contains([]string{"ErrConflict", "ErrForbidden", "ErrThrottled", "ErrGone"}, sel.Sel.Name)
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
import ("errors"; "fmt"; "log/slog"; "example.com/desk")
var ErrX = errors.New("not a message")
func f(l *slog.Logger) (string, error) {
	l.InfoContext(nil, "Logged for developers.")
	_ = fmt.Errorf("open case %d: %w", 1, ErrX)
	_ = fmt.Errorf("the case is closed: reopen it first: %w", desk.ErrConflict)
	return "The case is closed.", nil
}
func g() string { return "Choose a level" }
`
	if err := writeFile(path, src); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(literalMessages(t, path), "|")
	if want := "the case is closed: reopen it first: %w|The case is closed.|Choose a level"; got != want {
		t.Errorf("literalMessages = %q, want %q", got, want)
	}
}

func writeFile(path, src string) error { return os.WriteFile(path, []byte(src), 0o600) }
