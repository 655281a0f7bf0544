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
	"../worker/*.go", "../inbound/*.go", "../files/*.go", "../auth/*.go", "../hours/*.go", "../kb/*.go", "../words/*.go",
}

var notConverted = map[string]bool{
	// The API manual (the route table's summaries, the OpenAPI document)
	// is English by design.
	"../web/api_routes.go": true, "../web/openapi.go": true,
	// A generator that go generate runs (//go:build ignore), not the product.
	"../web/zones_gen.go": true,
}

// Line comments that mark a line's literals as no message: a stored text
// (a feed entry, an audit line, a triage reason: data once written,
// English as written), or sample data (the merge fields of a preview).
var markers = []string{"//i18n:stored", "//i18n:sample"}

// sentence is the shape of a text for people: words and an ending stop,
// or two words starting with a capital.
var sentence = regexp.MustCompile(`^[A-Z][a-z]+ [^%]*[A-Za-z0-9)][.!?:]?$|[a-z]{2,} [a-z]+.*[.!?]$`)

// instruction is the shape of an error's text that tells people what to do
// ("the upload expired; start it again"): a kind's text is a name for the
// log, and people read the catalogue's words for the kind.
var instruction = regexp.MustCompile(`\w; [a-z]`)

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
	kinds := shownKinds(t)
	for _, pattern := range converted {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") || notConverted[path] {
				continue
			}
			for _, lit := range literalMessages(t, path, kinds) {
				t.Errorf("%s: %q is a text for people outside the catalogue", path, lit)
			}
		}
	}
}

// literalMessages lists the string literals of a Go file that read as
// texts for people, leaving out log messages, format strings that wrap an
// error (context for logs), time layouts and the subtypes of case types
// (stored values, shown as stored). An Errorf that wraps, last, one of
// kinds (the error kinds whose words people read) is a refusal people
// read, whatever its words' shape; an errors.New text is read like any
// literal, and must not tell people what to do.
func literalMessages(t *testing.T, path string, kinds map[string]bool) []string {
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
	var found []string
	skip, sentinels := map[*ast.BasicLit]bool{}, map[*ast.BasicLit]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch {
				case sel.Sel.Name == "Errorf" && isRefusal(n.Args, kinds):
					// a refusal people read: its words belong in the
					// catalogue (desk.Refuse), whatever their shape.
					found = append(found, format(n.Args[0]))
					markLits(n, skip)
				case sel.Sel.Name == "New" && isIdent(sel.X, "errors"):
					for _, a := range n.Args {
						ast.Inspect(a, func(n ast.Node) bool {
							if l, ok := n.(*ast.BasicLit); ok {
								sentinels[l] = true
							}
							return true
						})
					}
				case strings.HasSuffix(sel.Sel.Name, "Context"), sel.Sel.Name == "Error" && isIdent(sel.X, "http"),
					sel.Sel.Name == "Errorf":
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
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || skip[lit] {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || allowed[s] != "" || storedLines[fset.Position(lit.Pos()).Line] {
			return true
		}
		if sentinels[lit] && instruction.MatchString(s) {
			found = append(found, s)
			return true
		}
		if strings.Contains(s, "2006") || sql.MatchString(s) || !sentence.MatchString(strings.TrimSpace(s)) {
			return true
		}
		found = append(found, s)
		return true
	})
	return found
}

// format is the text of a format argument: a literal, or literals joined
// with + ("…first " + "(or POST …): %w").
func format(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, _ := strconv.Unquote(e.Value)
		return s
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return format(e.X) + format(e.Y)
		}
	case *ast.ParenExpr:
		return format(e.X)
	}
	return ""
}

func markLits(n ast.Node, skip map[*ast.BasicLit]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok {
			skip[l] = true
		}
		return true
	})
}

// isRefusal reports whether the arguments of an Errorf wrap, last, one of
// kinds: an error whose text people read (a conflict, a refusal, a wait, a
// thing gone, a request the protocol refuses), named with its package
// (desk.ErrConflict) or inside it (ErrConflict). A not-found error's text
// is context for logs (people read "not found").
// An Errorf that wraps a sentinel of its own package and the kind
// ("job %d: %w: %w") is context: the caller words it.
func isRefusal(args []ast.Expr, kinds map[string]bool) bool {
	if len(args) < 2 || strings.Count(format(args[0]), "%w") > 1 {
		return false
	}
	switch last := args[len(args)-1].(type) {
	case *ast.SelectorExpr:
		return kinds[last.Sel.Name]
	case *ast.Ident:
		return kinds[last.Name]
	}
	return false
}

// shownKinds are the error kinds whose words people read: every kind of
// web's table of statuses (errors.go) but those answered as not found.
func shownKinds(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../web/errors.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		v, ok := n.(*ast.ValueSpec)
		if !ok || len(v.Names) != 1 || v.Names[0].Name != "statuses" {
			return true
		}
		for _, row := range v.Values[0].(*ast.CompositeLit).Elts {
			cells := row.(*ast.CompositeLit).Elts
			if status, ok := cells[1].(*ast.SelectorExpr); ok && status.Sel.Name == "StatusNotFound" {
				continue
			}
			switch kind := cells[0].(type) {
			case *ast.SelectorExpr:
				kinds[kind.Sel.Name] = true
			case *ast.Ident:
				kinds[kind.Name] = true
			}
		}
		return false
	})
	if !kinds["ErrConflict"] || !kinds["errBadRequest"] {
		t.Fatalf("the statuses table of web/errors.go names no kinds: %v", kinds)
	}
	return kinds
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
var ErrY = errors.New("the upload expired; start it again")
func f(l *slog.Logger) (string, error) {
	l.InfoContext(nil, "Logged for developers.")
	_ = fmt.Errorf("open case %d: %w", 1, ErrX)
	_ = fmt.Errorf("the case is closed: reopen it first: %w", desk.ErrConflict)
	_ = fmt.Errorf("case %s is not closed: %w", "1", ErrConflict)
	_ = fmt.Errorf("acknowledge the notice first "+
		"(or POST /ack): %w", desk.ErrForbidden)
	_ = fmt.Errorf("Upload-Offset must be the offset: %w", errBadRequest)
	_ = fmt.Errorf("job %d: %w: %w", 1, ErrX, desk.ErrConflict)
	return "The case is closed.", nil
}
func g() string { return "Choose a level" }
func h() string { return "The file is not CSV: " }
`
	if err := writeFile(path, src); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{"ErrConflict": true, "ErrForbidden": true, "errBadRequest": true}
	got := strings.Join(literalMessages(t, path, kinds), "|")
	want := "the case is closed: reopen it first: %w|case %s is not closed: %w|acknowledge the notice first (or POST /ack): %w|" +
		"Upload-Offset must be the offset: %w|the upload expired; start it again|The case is closed.|Choose a level|The file is not CSV: "
	if got != want {
		t.Errorf("literalMessages = %q, want %q", got, want)
	}
}

func writeFile(path, src string) error { return os.WriteFile(path, []byte(src), 0o600) }
