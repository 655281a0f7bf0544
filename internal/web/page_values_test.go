package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPageValues checks that every page template has exactly one page
// value (page[T]{"name"}) in the package's code and every page value names
// a template, so a page is only ever rendered through its typed value.
func TestPageValues(t *testing.T) {
	fset := token.NewFileSet()
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, src := range sources {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, src, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			idx, ok := lit.Type.(*ast.IndexExpr)
			if !ok {
				return true
			}
			if id, ok := idx.X.(*ast.Ident); !ok || id.Name != "page" {
				return true
			}
			if len(lit.Elts) != 1 {
				t.Errorf("%s: a page value names its template and nothing else", fset.Position(lit.Pos()))
				return true
			}
			name, ok := lit.Elts[0].(*ast.BasicLit)
			if !ok || name.Kind != token.STRING {
				t.Errorf("%s: a page value names its template with a string literal", fset.Position(lit.Pos()))
				return true
			}
			s, _ := strconv.Unquote(name.Value)
			count[s]++
			return true
		})
	}
	for name, n := range count {
		if n != 1 {
			t.Errorf("page %q has %d page values, want 1", name, n)
		}
	}
	files, err := filepath.Glob("assets/templates/pages/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var templates []string
	for _, f := range files {
		templates = append(templates, strings.TrimSuffix(filepath.Base(f), ".html"))
	}
	var values []string
	for name := range count {
		values = append(values, name)
	}
	slices.Sort(templates)
	slices.Sort(values)
	if len(templates) == 0 {
		t.Fatal("no page templates found")
	}
	if diff := cmp.Diff(templates, values); diff != "" {
		t.Errorf("page templates (-) and page values (+) differ:\n%s", diff)
	}
}
