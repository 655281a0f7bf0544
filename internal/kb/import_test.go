package kb

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// importCatalog gives the store two product lines with a product each and
// a product in no line; it returns their IDs by name.
func importCatalog(t testing.TB, s *store.Store) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	ctx := context.Background()
	err := s.Write(ctx, func(tx *store.Tx) error {
		for _, l := range []struct{ line, product string }{{"Voice", "Signalling Server"}, {"Digital", "Chat Gateway"}, {"", "Reporting"}} {
			pid, err := tx.CreateProduct(ctx, l.product)
			if err != nil {
				return err
			}
			ids[l.product] = pid
			if l.line == "" {
				continue
			}
			lid, err := tx.CreateProductLine(ctx, l.line)
			if err != nil {
				return err
			}
			ids[l.line] = lid
			if err := tx.SetProductLine(ctx, pid, lid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func jsonl(lines ...string) ImportSource {
	return ImportSource{Format: ImportJSONLines, Reader: strings.NewReader(strings.Join(lines, "\n"))}
}

// TestImportJSONLines: good items are written with their names resolved,
// their state and dates, a first version that says where they came from,
// and their index; a draft stays with staff; one audit line counts them.
func TestImportJSONLines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := importCatalog(t, s)
		k := New(Deps{Store: s, Clock: func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) }})
		var progress []ImportProgress
		rep, err := k.Import(ctx, desk.Request{Actor: editor, Address: "192.0.2.7"}, jsonl(
			"\uFEFF"+`{"external_id": "KB-1", "title": "Trunk drops after 30 seconds", "summary": "Session timers.", "body": "## Cause\n\nThe *session timer* expires.", `+
				`"source": "Knowledge Articles", "type": "Problem/Solution", "product_line": "voice", "products": ["Signalling Server"], `+
				`"published_at": "2026-03-01", "updated_at": "2026-04-02T10:30:00Z"}`,
			``,
			`{"title": "Chat widget colours", "source": "documentation", "type": "configuration_guide", "product_line": "Digital", "products": ["chat gateway", "Reporting", " "], "state": "draft"}`,
			`{"title": "Reporting 9.1 release notes", "source": "release_notes", "type": "release_notes", "products": ["Reporting"], "summary": null}`,
		), ImportOptions{Progress: func(p ImportProgress) { progress = append(progress, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Refused() || rep.Read != 3 || rep.Imported != 3 {
			t.Fatalf("report %+v", rep)
		}
		if len(progress) == 0 || progress[len(progress)-1].Read != 3 {
			t.Errorf("progress %+v", progress)
		}
		res, err := k.Search(ctx, staff, Query{Q: "session timer", Limit: 10})
		if err != nil || res.Total != 1 {
			t.Fatalf("search session timer: %+v, %v", res, err)
		}
		it := res.Hits[0].Item
		want := desk.KBItem{
			ID: it.ID, Source: desk.KBArticles, Type: desk.KBProblemSolution, ProductLineID: ids["Voice"], ProductIDs: []int64{ids["Signalling Server"]},
			State: desk.KBPublished, Title: "Trunk drops after 30 seconds", Summary: "Session timers.", Body: "## Cause\n\nThe *session timer* expires.",
			Version: 1, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 4, 2, 10, 30, 0, 0, time.UTC),
			PublishedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		}
		it.PublishedAt = it.PublishedAt.UTC()
		if diff := cmp.Diff(want, it); diff != "" {
			t.Errorf("imported item (-want +got):\n%s", diff)
		}
		versions, err := k.Versions(ctx, staff, it.ID)
		if err != nil || len(versions) != 1 || versions[0].Note != "imported from KB-1" {
			t.Errorf("versions %+v, %v", versions, err)
		}
		for actor, want := range map[*desk.Actor]int{staff: 3, contact: 2} {
			if res, err := k.Search(ctx, actor, Query{}); err != nil || res.Total != want {
				t.Errorf("%d items for %v, want %d (%v)", res.Total, actor.User.Kind, want, err)
			}
		}
		if res, err := k.Search(ctx, staff, Query{Q: "colours"}); err != nil || res.Total != 1 || res.Hits[0].Item.State != desk.KBDraft ||
			!res.Hits[0].Item.PublishedAt.IsZero() || len(res.Hits[0].Item.ProductIDs) != 2 {
			t.Errorf("the draft: %+v, %v", res, err)
		}
		audit, err := s.AuditLog(ctx, desk.AuditFilter{Action: "kb_items_imported", Limit: 10})
		if err != nil || len(audit) != 1 || audit[0].Detail != "3 items" || audit[0].Address != "192.0.2.7" {
			t.Errorf("audit %+v, %v", audit, err)
		}
		// The imported items take their IDs from where the table's own
		// stand: a new item comes after them, an imported one is edited.
		all, err := k.Search(ctx, staff, Query{})
		if err != nil {
			t.Fatal(err)
		}
		made, err := k.Create(ctx, desk.Request{Actor: editor}, article("After the import", "Written by hand."), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range all.Hits {
			if h.Item.ID >= made.ID {
				t.Errorf("imported item %d is not before the item created after the import (%d)", h.Item.ID, made.ID)
			}
		}
		edited, err := k.Update(ctx, desk.Request{Actor: editor}, it.ID, it.Version, article("Trunk drops, edited", "Reworded."), "edit")
		if err != nil || edited.Version != 2 {
			t.Fatalf("edit an imported item: %+v, %v", edited, err)
		}
		if res, err := k.Search(ctx, contact, Query{Q: "session"}); err != nil || res.Total != 0 {
			t.Errorf("the index keeps an imported item's old words after an edit: %+v, %v", res, err)
		}
	})
}

type where struct {
	Item  int
	Line  int
	File  string
	Field string
}

func wheres(rep *ImportReport) []where {
	var out []where
	for _, p := range rep.Problems {
		w := where{p.Item, p.Line, p.File, p.Field}
		if p.Text == "" || p.Text == p.Message.ID || !desk.HasMessage(p.Message.ID) {
			w.Field += " (no message)"
		}
		out = append(out, w)
	}
	return out
}

// TestImportReportsEveryProblem: a dry run and a real run of a file with
// bad items both report every bad item with its line, field and message;
// neither writes anything, and the real run is not audited.
func TestImportReportsEveryProblem(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		importCatalog(t, s)
		k := New(Deps{Store: s})
		input := []string{
			`{"title": "Good one", "source": "articles", "type": "qa", "external_id": "A"}`,
			`{"title": "Broken", "source": `,
			``,
			`{"title": "Unknown key", "source": "articles", "type": "qa", "author": "Ann", "products": "Signalling Server"}`,
			`{"title": " ", "source": "blog", "type": "essay", "product_line": "Data", "products": ["Signalling Server", "Fax Server"]}`,
			`{"title": "Other line", "source": "videos", "type": "tech_tutorial", "product_line": "Digital", "products": ["Signalling Server"]}`,
			`{"title": "Bad state and dates", "source": "videos", "type": "tech_tutorial", "state": "retired", "published_at": "yesterday", "updated_at": "2026-13-01"}`,
			`{"title": "Draft with a date", "source": "articles", "type": "qa", "state": "draft", "published_at": "2026-01-01", "external_id": "A"}`,
			`{"title": "Updated first", "source": "articles", "type": "qa", "published_at": "2026-02-01", "updated_at": "2026-01-01"}`,
			`[1, 2]`,
			`{"title": 7, "source": "articles", "type": "qa"}`,
		}
		wantWheres := []where{
			{2, 2, "", "line"},
			{3, 4, "", "products"},
			{3, 4, "", "author"},
			{4, 5, "", "title"},
			{4, 5, "", "source"},
			{4, 5, "", "type"},
			{4, 5, "", "product_line"},
			{4, 5, "", "products"},
			{5, 6, "", "products"},
			{6, 7, "", "state"},
			{6, 7, "", "published_at"},
			{6, 7, "", "updated_at"},
			{7, 8, "", "published_at"},
			{7, 8, "", "external_id"},
			{8, 9, "", "updated_at"},
			{9, 10, "", "line"},
			{10, 11, "", "title"},
		}
		for _, dry := range []bool{true, false} {
			rep, err := k.Import(ctx, desk.Request{Actor: editor}, jsonl(input...), ImportOptions{DryRun: dry})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantWheres, wheres(rep)); diff != "" {
				t.Errorf("dry run %v: problems (-want +got):\n%s", dry, diff)
			}
			if rep.Read != 10 || rep.Imported != 0 || rep.BadItems() != 9 || !rep.Refused() {
				t.Errorf("dry run %v: read %d, imported %d, bad %d", dry, rep.Read, rep.Imported, rep.BadItems())
			}
			texts := map[string]string{}
			for _, p := range rep.Problems {
				texts[fmt.Sprintf("%d %s", p.Line, p.Field)] = p.Text
			}
			for key, want := range map[string]string{
				"2 line":         "This line is not a JSON object: unexpected end of JSON input",
				"4 author":       "author is not a key of a knowledge item",
				"4 products":     "products takes a list of product names",
				"5 title":        desk.English("desk.kb.item.title_required", nil),
				"5 product_line": "There is no product line named Data",
				"5 products":     "There is no product named Fax Server",
				"6 products":     desk.English("desk.kb.item.product_other_line", map[string]any{"Product": "Signalling Server"}),
				"7 state":        "retired is not a state an import writes",
				"7 published_at": "yesterday is not a date",
				"8 external_id":  "External ID A is already item 1's",
				"9 updated_at":   "updated_at is earlier than published_at",
				"10 line":        "the line is not a JSON object",
				"11 title":       "title takes text",
				"8 published_at": "A draft has not been published",
				"7 updated_at":   "2026-13-01 is not a date",
				"5 source":       desk.English("desk.kb.item.source_unknown", map[string]any{"Source": "blog"}),
				"5 type":         desk.English("desk.kb.item.type_unknown", map[string]any{"Type": "essay"}),
			} {
				if !strings.Contains(texts[key], want) {
					t.Errorf("dry run %v: line %s says %q, want %q", dry, key, texts[key], want)
				}
			}
		}
		if res, err := k.Search(ctx, staff, Query{}); err != nil || res.Total != 0 {
			t.Errorf("a refused import wrote %d items (%v)", res.Total, err)
		}
		if audit, err := s.AuditLog(ctx, desk.AuditFilter{Action: "kb_items_imported"}); err != nil || len(audit) != 0 {
			t.Errorf("a refused import was audited: %+v, %v", audit, err)
		}
		// The good line alone imports; a dry run of it writes nothing.
		rep, err := k.Import(ctx, desk.Request{Actor: editor}, jsonl(input[0]), ImportOptions{DryRun: true})
		if err != nil || rep.Refused() || rep.Read != 1 || rep.Imported != 0 {
			t.Errorf("dry run of a good line: %+v, %v", rep, err)
		}
		if res, err := k.Search(ctx, staff, Query{}); err != nil || res.Total != 0 {
			t.Errorf("a dry run wrote %d items (%v)", res.Total, err)
		}
	})
}

// TestImportMarkdownFiles: a folder of Markdown files with front matter,
// sub-folders included and in path order; problems name the file and the
// front matter's line; good files import with the Markdown after the
// front matter as their body.
func TestImportMarkdownFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := importCatalog(t, s)
		k := New(Deps{Store: s})
		good := fstest.MapFS{
			"b/trunk.md": {Data: []byte("---\ntitle: \"Trunks: how many?\"\nsource: articles\ntype: Q&A\nproduct_line: Voice\n" +
				"products: [Signalling Server]\npublished_at: 2026-05-04\n---\n\n# Trunks\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")},
			"a/guide.markdown": {Data: []byte("\uFEFF---\r\ntitle: Chat guide\r\nsource: Documentation\r\ntype: configuration_guide\r\nproducts:\r\n  - Chat Gateway\r\n---\r\nSet the *colour*.\r\n")},
			"a/notes.txt":      {Data: []byte("not an item")},
			".git/x.md":        {Data: []byte("hidden")},
		}
		rep, err := k.Import(ctx, desk.Request{Actor: editor}, ImportSource{Format: ImportMarkdown, Files: good}, ImportOptions{})
		if err != nil || rep.Refused() || rep.Imported != 2 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		res, err := k.Search(ctx, staff, Query{Sort: desk.KBOldest})
		if err != nil || res.Total != 2 {
			t.Fatalf("search: %+v, %v", res, err)
		}
		byTitle := map[string]desk.KBItem{}
		for _, h := range res.Hits {
			byTitle[h.Item.Title] = h.Item
		}
		if it := byTitle["Trunks: how many?"]; it.Body != "# Trunks\n\n| a | b |\n|---|---|\n| 1 | 2 |\n" || it.Type != desk.KBQA ||
			it.ProductLineID != ids["Voice"] || !it.PublishedAt.Equal(time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("trunk.md imported as %+v", it)
		}
		if it := byTitle["Chat guide"]; it.Body != "Set the *colour*.\n" || it.Source != desk.KBDocumentation || len(it.ProductIDs) != 1 {
			t.Errorf("guide.markdown imported as %+v", it)
		}
		if byTitle["Chat guide"].ID > byTitle["Trunks: how many?"].ID {
			t.Error("files are not imported in path order")
		}

		bad := fstest.MapFS{
			"1-no-front.md":  {Data: []byte("# Just a body\n")},
			"2-unclosed.md":  {Data: []byte("---\ntitle: x\n")},
			"3-yaml.md":      {Data: []byte("---\ntitle: [unclosed\n---\nbody")},
			"4-keys.md":      {Data: []byte("---\ntitle: Keys\nsource: articles\ntype: qa\nauthor: Ann\nbody: inline\ntitle: again\nproducts: {a: b}\n---\nbody")},
			"5-names.md":     {Data: []byte("---\ntitle: Names\nsource: articles\ntype: qa\nproduct_line: Data\nproducts: [Fax]\n---\n")},
			"6-ok.md":        {Data: []byte("---\ntitle: Fine\nsource: articles\ntype: qa\n---\nFine.")},
			"7-not-a-map.md": {Data: []byte("---\n- a\n- b\n---\n")},
		}
		rep, err = k.Import(ctx, desk.Request{Actor: editor}, ImportSource{Format: ImportMarkdown, Files: bad}, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		wantWheres := []where{
			{1, 0, "1-no-front.md", "file"},
			{2, 0, "2-unclosed.md", "file"},
			{3, 0, "3-yaml.md", "file"},
			{4, 7, "4-keys.md", "title"},
			{4, 6, "4-keys.md", "body"},
			{4, 8, "4-keys.md", "products"},
			{4, 5, "4-keys.md", "author"},
			{5, 5, "5-names.md", "product_line"},
			{5, 6, "5-names.md", "products"},
			{7, 0, "7-not-a-map.md", "file"},
		}
		if diff := cmp.Diff(wantWheres, wheres(rep)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		if rep.Imported != 0 || rep.Read != 7 {
			t.Errorf("report %+v", rep)
		}
		if res, err := k.Search(ctx, staff, Query{}); err != nil || res.Total != 2 {
			t.Errorf("a refused import left %d items, want the 2 of before (%v)", res.Total, err)
		}
		if got := rep.Problems[3].Where(); got != "4-keys.md:7" {
			t.Errorf("Where = %q", got)
		}
	})
}

// TestImportFromUpload: the API's upload, a zip of Markdown files or JSON
// Lines; a zip that cannot be read is a problem of the upload.
func TestImportFromUpload(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	importCatalog(t, s)
	k := New(Deps{Store: s})
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for name, text := range map[string]string{
		"kb/one.md": "---\ntitle: One\nsource: articles\ntype: qa\n---\nOne.",
		"kb/two.md": "---\ntitle: Two\nsource: videos\ntype: tech_tutorial\n---\nTwo.",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := k.ImportFrom(ctx, desk.Request{Actor: editor}, bytes.NewReader(zipped.Bytes()), ImportZip, true)
	if err != nil || rep.Refused() || rep.Read != 2 || rep.Imported != 0 || !rep.DryRun {
		t.Fatalf("dry run of a zip: %+v, %v", rep, err)
	}
	rep, err = k.ImportFrom(ctx, desk.Request{Actor: editor}, bytes.NewReader(zipped.Bytes()), ImportZip, false)
	if err != nil || rep.Imported != 2 {
		t.Fatalf("zip: %+v, %v", rep, err)
	}
	rep, err = k.ImportFrom(ctx, desk.Request{Actor: editor}, strings.NewReader(`{"title": "Three", "source": "articles", "type": "qa"}`), ImportJSONLines, false)
	if err != nil || rep.Imported != 1 {
		t.Fatalf("JSON Lines: %+v, %v", rep, err)
	}
	rep, err = k.ImportFrom(ctx, desk.Request{Actor: editor}, strings.NewReader("not a zip"), ImportZip, false)
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Field != "file" || !strings.Contains(rep.Problems[0].Text, "not a zip archive") {
		t.Fatalf("a bad zip: %+v, %v", rep, err)
	}
}

// TestImportOnlyByEditors: agents and contacts may not import, not even
// a dry run.
func TestImportOnlyByEditors(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	k := New(Deps{Store: s})
	for _, actor := range []*desk.Actor{staff, contact, nil} {
		for _, dry := range []bool{true, false} {
			_, err := k.Import(context.Background(), desk.Request{Actor: actor}, jsonl(`{"title": "t", "source": "articles", "type": "qa"}`), ImportOptions{DryRun: dry})
			if !errors.Is(err, desk.ErrForbidden) && !errors.Is(err, desk.ErrUnauthenticated) {
				t.Errorf("import by %+v (dry run %v): %v", actor, dry, err)
			}
		}
	}
	admin := &desk.Actor{User: &desk.User{Kind: desk.KindStaff, Roles: []desk.Role{desk.RolePortalAdmin}}}
	if rep, err := k.Import(context.Background(), desk.Request{Actor: admin}, jsonl(`{"title": "t", "source": "articles", "type": "qa"}`), ImportOptions{}); err != nil || rep.Imported != 1 {
		t.Errorf("import by a portal admin: %+v, %v", rep, err)
	}
}

// TestImportManyItems: an import larger than one batch (several INSERTs
// of many rows, and on PostgreSQL several draws of IDs) writes every item
// with its products, version and index, and the table's own IDs go on
// after them.
func TestImportManyItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := importCatalog(t, s)
		k := New(Deps{Store: s})
		const n = 1203
		rep, err := k.Import(ctx, desk.Request{Actor: editor}, ImportSource{Format: ImportJSONLines, Reader: bytes.NewReader(importCorpus(n))}, ImportOptions{})
		if err != nil || rep.Imported != n {
			t.Fatalf("imported %+v, %v", rep, err)
		}
		res, err := k.Search(ctx, staff, Query{Products: []int64{ids["Reporting"]}})
		if err != nil || res.Total != (n+9)/10 {
			t.Errorf("%d items with Reporting, want %d (%v)", res.Total, (n+9)/10, err)
		}
		res, err = k.Search(ctx, staff, Query{Q: `"(1202)"`})
		if err != nil || res.Total != 1 {
			t.Fatalf("the last item by its title: %+v, %v", res, err)
		}
		last := res.Hits[0].Item
		if v, err := k.Versions(ctx, staff, last.ID); err != nil || len(v) != 1 || v[0].Note != "imported from OLD-001202" || v[0].Body != last.Body {
			t.Errorf("the last item's versions: %+v, %v", v, err)
		}
		all, err := k.Search(ctx, staff, Query{Limit: 1})
		if err != nil || all.Total != n {
			t.Fatalf("%d items, want %d (%v)", all.Total, n, err)
		}
		made, err := k.Create(ctx, desk.Request{Actor: editor}, article("After", "After."), true)
		if err != nil || made.ID <= last.ID {
			t.Errorf("an item created after the import: %+v, %v (the last imported is %d)", made, err, last.ID)
		}
	})
}

// TestIndexStemsIsIndex: the import's indexer, with its cache of stems,
// makes the same index as Index (which an editor's save uses).
func TestIndexStemsIsIndex(t *testing.T) {
	t.Parallel()
	cache := map[string]string{}
	for _, it := range []desk.KBItem{
		{Title: "Dropped calls", Summary: "Calls dropping", Body: "## Calls\n\nThe call *drops*; dropping calls `drop()`."},
		{Title: "Calls dropped again", Body: "| calls | drops |\n|---|---|\n| dropped | calling |"},
	} {
		if diff := cmp.Diff(Index(it), indexStems(it, cache)); diff != "" {
			t.Errorf("%q (-Index +indexStems):\n%s", it.Title, diff)
		}
	}
	if len(cache) == 0 {
		t.Error("the cache kept no stems")
	}
}
