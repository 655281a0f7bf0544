package support

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// areaFiles says where each area's methods are declared: a new method of
// an area goes in one of its files (or a new file added here), never
// beside another area's. Methods of core, the helpers several areas use,
// may sit beside the area that uses them most or in the core's own files
// (support.go, conflicts.go, followup.go, sla.go, retention.go).
var areaFiles = map[string][]string{
	"Service":       {"support.go", "readiness.go"},
	"Cases":         {"cases.go", "escalations.go", "agent.go", "macros.go", "queue.go", "similar.go"},
	"Accounts":      {"accounts.go", "contacts.go", "tokens.go"},
	"Access":        {"access.go"},
	"Sessions":      {"signin.go"},
	"ServiceLevels": {"sla_admin.go"},
	"Transfers":     {"files.go", "uploads.go", "sftp.go"},
	"Mail":          {"mail.go", "inbound.go", "email_rules.go"},
	"Jobs":          {"jobs.go"},
	"Importer":      {"importer.go"},
	"Audit":         {"audit.go"},
}

// TestAreaMethodsInTheirFiles finds a method of an area declared outside
// the area's files, and a file that holds methods of two areas.
func TestAreaMethodsInTheirFiles(t *testing.T) {
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok {
				continue
			}
			files, isArea := areaFiles[id.Name]
			if isArea && !slices.Contains(files, path) {
				t.Errorf("%s: (%s).%s belongs in one of %s", path, id.Name, fn.Name.Name, strings.Join(files, ", "))
			}
		}
	}
}
