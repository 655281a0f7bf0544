package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
)

// TestKBImport: `caseport kb import` as a knowledge editor: a file with a
// bad item is refused whole, dry run or not, each problem listed with its
// line and the exit non-zero; good JSON Lines and a folder of Markdown
// files are imported with a summary; an agent may not import.
func TestKBImport(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ctx := t.Context()
	var out, errOut strings.Builder
	for _, u := range []struct{ email, roles string }{{"kim@example.org", "knowledge_editor"}, {"alex@example.org", "agent"}} {
		if err := run(ctx, []string{"user", "create", "--staff", "--data", data, "--email", u.email, "--first", "K", "--last", "E", "--roles", u.roles},
			nil, &out, &errOut); err != nil {
			t.Fatalf("user create: %v (%s)", err, errOut.String())
		}
	}
	s, err := store.Open(ctx, "sqlite://"+filepath.Join(data, "caseport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(ctx, func(tx *store.Tx) error {
		pid, err := tx.CreateProduct(ctx, "Signalling Server")
		if err != nil {
			return err
		}
		lid, err := tx.CreateProductLine(ctx, "Voice")
		if err != nil {
			return err
		}
		return tx.SetProductLine(ctx, pid, lid)
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"title": "Trunk timers", "source": "articles", "type": "qa", "product_line": "Voice", "products": ["Signalling Server"]}`
	bad := write("bad.jsonl", good+"\n"+`{"title": "", "source": "articles", "type": "qa", "products": ["Fax"]}`+"\nnot json\n")
	items := func() int {
		res, err := kb.New(kb.Deps{Store: s}).Search(ctx, &desk.Actor{User: &desk.User{Kind: desk.KindStaff, Roles: []desk.Role{desk.RoleAgent}}}, kb.Query{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	for _, args := range [][]string{
		{"kb", "import", bad, "--dry-run", "--as", "kim@example.org", "--data", data},
		{"kb", "import", "--as", "kim@example.org", "--data", data, bad},
	} {
		out.Reset()
		err := run(ctx, args, nil, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%v = %v, want refused", args, err)
		}
		for _, want := range []string{
			"line 2: title: " + desk.English("desk.kb.item.title_required", nil),
			"line 2: products: There is no product named Fax",
			"line 3: line: This line is not a JSON object",
			"2 of 3 items have problems (3 problems)",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v says\n%s\nwant %q", args, out.String(), want)
			}
		}
	}
	if n := items(); n != 0 {
		t.Fatalf("a refused import wrote %d items", n)
	}
	goodFile := write("good.jsonl", good+"\n"+strings.Replace(good, "Trunk timers", "Registrar", 1)+"\n")
	out.Reset()
	if err := run(ctx, []string{"kb", "import", "--data", data, "--as", "kim@example.org", "--dry-run", goodFile}, nil, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "Dry run: 2 items read") || items() != 0 {
		t.Errorf("dry run of a good file: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"kb", "import", "--data", data, "--as", "kim@example.org", goodFile}, nil, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "Imported 2 knowledge items") || !strings.Contains(out.String(), "good.jsonl: 100% read, 2 items") {
		t.Errorf("import of a good file: %v\n%s", err, out.String())
	}
	write("md/one.md", "---\ntitle: One\nsource: Documentation\ntype: Configuration Guide\nproducts: [Signalling Server]\n---\n# One\n")
	write("md/sub/two.md", "---\ntitle: Two\nsource: videos\ntype: tech_tutorial\nstate: draft\n---\nTwo.\n")
	out.Reset()
	if err := run(ctx, []string{"kb", "import", filepath.Join(dir, "md"), "--data", data, "--as", "kim@example.org"}, nil, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "Imported 2 knowledge items") {
		t.Errorf("import of a folder: %v\n%s", err, out.String())
	}
	one := write("single.md", "---\ntitle: Single\nsource: articles\ntype: process\n---\nOnly me.\n")
	out.Reset()
	if err := run(ctx, []string{"kb", "import", one, "--data", data, "--as", "kim@example.org"}, nil, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "Imported 1 knowledge items") {
		t.Errorf("import of one Markdown file: %v\n%s", err, out.String())
	}
	if n := items(); n != 5 {
		t.Errorf("%d items after the imports, want 5", n)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"kb", "import", goodFile, "--data", data, "--as", "alex@example.org"}, desk.English("desk.policy.knowledge_editors_only", nil)},
		{[]string{"kb", "import", goodFile, "--data", data, "--as", "nobody@example.org"}, "not a staff user"},
		{[]string{"kb", "import", goodFile, "--data", data}, "give --as EMAIL"},
		{[]string{"kb", "import", "--data", data, "--as", "kim@example.org"}, "give one FILE or DIR"},
		{[]string{"kb", "import", filepath.Join(dir, "missing.jsonl"), "--data", data, "--as", "kim@example.org"}, "no such file"},
	} {
		err := run(ctx, c.args, nil, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v = %v, want %q", c.args[1:], err, c.want)
		}
	}
	if n := items(); n != 5 {
		t.Errorf("%d items after the refusals, want 5", n)
	}
}

func TestKBImportBar(t *testing.T) {
	t.Parallel()
	got := importBarLine("kb.jsonl", 25_000, 0.25, 2*time.Second)
	want := "kb.jsonl [=======                       ]  25% 25,000 items, 12,500 items/s\033[K"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := importBarLine("kb", 1234, -1, time.Second); got != "kb: 1,234 items read, 1,234 items/s\033[K" {
		t.Errorf("without a size: %q", got)
	}
	if got := count(1234567); got != "1,234,567" {
		t.Errorf("count = %q", got)
	}
}
