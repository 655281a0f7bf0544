package kb

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Bulk import of knowledge items for a vendor that already has content,
// in one of two formats:
//
//   - JSON Lines: one item a line, an object with the keys below (blank
//     lines are skipped);
//   - Markdown files with front matter: every .md or .markdown file of a
//     folder and its sub-folders, in path order, each a "---" line, the
//     keys below in YAML, a "---" line, then the item's body.
//
// The keys: title, summary, body (JSON Lines only: a file's body is the
// Markdown after its front matter), source and type (the stored value or
// its English label: articles or "Knowledge Articles", qa or "Q&A"),
// product_line (by name), products (a list of names), state (draft or
// published, published when left out), published_at and updated_at (RFC
// 3339 or YYYY-MM-DD; the import's time when left out) and external_id
// (the item's ID where it comes from, kept in its first version's note;
// two items of one import cannot share one). Any other key is refused.
//
// A dry run reads every item and reports every problem, with the line or
// file and the field, in the messages KBItemInput.Check gives; a real run
// writes every item in one transaction, or none when any item has a
// problem, and is audited once with the count.

// ImportFormat names the format of an import's input.
type ImportFormat string

// Import formats.
const (
	// ImportJSONLines is one item a line.
	ImportJSONLines ImportFormat = "jsonl"
	// ImportMarkdown is Markdown files with front matter (ImportSource.Files).
	ImportMarkdown ImportFormat = "markdown"
	// ImportZip is a zip archive of Markdown files with front matter, as
	// an upload carries a folder.
	ImportZip ImportFormat = "zip"
)

// ImportSource is what an import reads: a JSON Lines stream, or a tree
// of Markdown files.
type ImportSource struct {
	Format ImportFormat
	Reader io.Reader // ImportJSONLines
	Files  fs.FS     // ImportMarkdown
}

// ImportProgress is how far an import has read.
type ImportProgress struct {
	Read  int // items read so far
	Total int // items in all, when known (a tree of files), else zero
}

// ImportOptions tune an import.
type ImportOptions struct {
	// DryRun reads and checks every item and writes nothing.
	DryRun bool
	// Progress, when set, is told how far the import is every
	// ProgressEvery items and once at the end of reading.
	Progress func(ImportProgress)
}

// ProgressEvery is how many items an import reads between two reports of
// its progress.
const ProgressEvery = 250

// MaxImportLine is the longest line of JSON Lines an import reads, in
// bytes: an item at the limits of its fields, written with escapes.
const MaxImportLine = 4 << 20

// MaxImportZip is the largest zip archive ImportFrom reads, in bytes.
const MaxImportZip = 512 << 20

// ImportReport says what an import read, what it wrote and what was
// wrong.
type ImportReport struct {
	DryRun bool `json:"dry_run"`
	// Read is how many items the input holds.
	Read int `json:"read"`
	// Imported is how many were written: every item read, or none.
	Imported int `json:"imported"`
	// Problems lists what is wrong, item by item in input order, field by
	// field; empty when every item is good.
	Problems []ImportProblem `json:"problems"`
}

// Refused reports whether the input had problems, so nothing was (or,
// in a dry run, would be) written.
func (r *ImportReport) Refused() bool { return len(r.Problems) > 0 }

// BadItems is how many items have at least one problem.
func (r *ImportReport) BadItems() int {
	n := 0
	for i, p := range r.Problems {
		if i == 0 || p.Item != r.Problems[i-1].Item {
			n++
		}
	}
	return n
}

// ImportProblem is one thing wrong with one item: where it is (the line
// of JSON Lines, or the file and the line of its front matter), the field
// and the message.
type ImportProblem struct {
	Item  int    `json:"item"` // the item's place in the input, from 1
	Line  int    `json:"line,omitempty"`
	File  string `json:"file,omitempty"`
	Field string `json:"field"`
	// Message is the problem as the catalogue holds it, for the edge to
	// show in the reader's language; Text is its English.
	Message desk.Message `json:"-"`
	Text    string       `json:"message"`
}

// Where is the problem's place in the input, as a person reads it.
func (p ImportProblem) Where() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	case p.File != "":
		return p.File
	}
	return fmt.Sprintf("line %d", p.Line)
}

// ImportFrom imports an upload (the API's POST /api/v1/kb/import): JSON
// Lines, or a zip archive of Markdown files with front matter. A zip that
// cannot be read is reported as a problem of the upload.
func (s *Service) ImportFrom(ctx context.Context, r desk.Request, body io.Reader, format ImportFormat, dryRun bool) (*ImportReport, error) {
	src := ImportSource{Format: format, Reader: body}
	if format == ImportZip {
		if err := desk.Authorize(r.Actor, desk.EditKnowledge, desk.Target{}); err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(body, MaxImportZip+1))
		if err != nil {
			return nil, fmt.Errorf("read the import: %w", err)
		}
		if len(data) > MaxImportZip {
			return uploadProblem(dryRun, desk.Msg("desk.kb.import.too_large", "Max", desk.Size(MaxImportZip))), nil
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return uploadProblem(dryRun, desk.Msg("desk.kb.import.bad_zip")), nil
		}
		src = ImportSource{Format: ImportMarkdown, Files: zr}
	}
	return s.Import(ctx, r, src, ImportOptions{DryRun: dryRun})
}

func uploadProblem(dryRun bool, m desk.Message) *ImportReport {
	return &ImportReport{DryRun: dryRun, Problems: []ImportProblem{{Field: "file", Message: m, Text: m.String()}}}
}

// errRollBack ends the import's transaction without writing.
var errRollBack = errors.New("import rolled back")

// Import reads the items of src and, unless opt.DryRun, writes them all in
// one transaction, or none when any has a problem.
func (s *Service) Import(ctx context.Context, r desk.Request, src ImportSource, opt ImportOptions) (*ImportReport, error) {
	if err := desk.Authorize(r.Actor, desk.EditKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	if opt.DryRun {
		cat, err := s.store.Catalog(ctx)
		if err != nil {
			return nil, err
		}
		return s.importItems(ctx, nil, cat, r, src, opt)
	}
	var rep *ImportReport
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		rep, err = s.ImportIn(ctx, tx, r, src, opt)
		if err == nil && rep.Refused() {
			return errRollBack
		}
		return err
	})
	if err != nil && !errors.Is(err, errRollBack) {
		return nil, err
	}
	return rep, nil
}

// ImportIn imports inside tx, a transaction the caller holds (the demo
// world loads its knowledge so): when the report has problems nothing of
// the import was written, and the caller rolls tx back or goes on.
func (s *Service) ImportIn(ctx context.Context, tx *store.Tx, r desk.Request, src ImportSource, opt ImportOptions) (*ImportReport, error) {
	if err := desk.Authorize(r.Actor, desk.EditKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	cat, err := tx.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	if opt.DryRun {
		return s.importItems(ctx, nil, cat, r, src, opt)
	}
	return s.importItems(ctx, tx, cat, r, src, opt)
}

// importItems reads, checks and (with a transaction) writes the items.
// Items are written as they are read while none had a problem, so an
// import holds a few batches in memory, not the whole input: one goroutine
// reads and checks, one per processor makes each item's index, and this
// one writes them in input order.
func (s *Service) importItems(ctx context.Context, tx *store.Tx, cat *desk.Catalog, r desk.Request, src ImportSource, opt ImportOptions) (*ImportReport, error) {
	rep := &ImportReport{DryRun: opt.DryRun, Problems: []ImportProblem{}}
	c := newImportChecker(cat)
	now := s.now()
	if tx == nil {
		if err := readImport(ctx, src, opt, rep, func(rec importRecord) {
			_, _, problems := c.check(rec, now)
			rep.add(problems)
		}); err != nil {
			return nil, err
		}
		return rep, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work, queue := make(chan *pendingItem, 256), make(chan *pendingItem, 1024)
	var indexers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		indexers.Go(func() {
			stems := map[string]string{}
			for p := range work {
				p.idx = indexStems(*p.it, stems)
				close(p.done)
			}
		})
	}
	read := make(chan error, 1)
	go func() {
		defer close(queue)
		defer close(work)
		read <- readImport(ctx, src, opt, rep, func(rec importRecord) {
			in, it, problems := c.check(rec, now)
			rep.add(problems)
			if rep.Refused() {
				return // nothing will be written: the check goes on alone
			}
			it.CreatedBy, it.UpdatedBy = r.ActorID(), r.ActorID()
			fill(it, in)
			p := &pendingItem{it: it, note: "imported", done: make(chan struct{})}
			if id := strings.TrimSpace(rec.externalID); id != "" {
				p.note = "imported from " + id
			}
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
			select {
			case queue <- p:
			case <-ctx.Done():
			}
		})
	}()
	batch := tx.KBBatch()
	var werr error
	for p := range queue {
		if werr != nil {
			continue
		}
		<-p.done
		if werr = batch.Add(ctx, p.it, p.idx, p.note); werr != nil {
			cancel()
		}
	}
	indexers.Wait()
	if err := <-read; werr != nil || err != nil {
		return nil, cmp.Or(werr, err)
	}
	if rep.Refused() {
		return rep, nil
	}
	if err := batch.Done(ctx); err != nil {
		return nil, err
	}
	rep.Imported = rep.Read
	if err := tx.Audit(ctx, desk.AuditEntry{
		At: now, ActorID: r.ActorID(), Action: "kb_items_imported", Subject: "kb_import",
		Detail: fmt.Sprintf("%d items", rep.Imported), Address: r.Address,
	}); err != nil {
		return nil, err
	}
	return rep, nil
}

// pendingItem is an item on its way to the batch: its index is made when
// done is closed.
type pendingItem struct {
	it   *desk.KBItem
	note string
	idx  desk.KBIndex
	done chan struct{}
}

// add records an item's problems, numbered as the item read last.
func (r *ImportReport) add(problems []ImportProblem) {
	for _, p := range problems {
		p.Item = r.Read
		r.Problems = append(r.Problems, p)
	}
}

// readImport reads every item of src, counting them in rep.Read and
// telling opt.Progress, and hands each to each.
func readImport(ctx context.Context, src ImportSource, opt ImportOptions, rep *ImportReport, each func(importRecord)) error {
	total := 0
	one := func(rec importRecord) error {
		rep.Read++
		each(rec)
		if opt.Progress != nil && rep.Read%ProgressEvery == 0 {
			opt.Progress(ImportProgress{Read: rep.Read, Total: total})
		}
		return ctx.Err()
	}
	var err error
	switch src.Format {
	case ImportJSONLines:
		err = readJSONLines(src.Reader, one)
	case ImportMarkdown:
		var files []string
		files, err = markdownFiles(src.Files)
		total = len(files)
		if err == nil {
			err = readMarkdownFiles(src.Files, files, one)
		}
	default:
		return fmt.Errorf("knowledge import: unknown format %q", src.Format)
	}
	if err != nil {
		return err
	}
	if opt.Progress != nil {
		opt.Progress(ImportProgress{Read: rep.Read, Total: total})
	}
	return nil
}

// importRecord is one item as the input holds it, with where it is and
// what was wrong with its form (a bad line, an unknown key, a value of
// the wrong kind).
type importRecord struct {
	line        int
	file        string
	keyLines    map[string]int // the front matter's line of each key
	title       string
	summary     string
	body        string
	source      string
	typ         string
	productLine string
	products    []string
	state       string
	publishedAt string
	updatedAt   string
	externalID  string
	problems    desk.Problems
}

// importKeys are the keys an item may have, in the order problems are
// listed.
var importKeys = []string{
	"title", "summary", "body", "source", "type", "product_line", "products", "state", "published_at", "updated_at", "external_id",
}

// text points at the record's field of a key that holds text.
func (rec *importRecord) text(key string) *string {
	switch key {
	case "title":
		return &rec.title
	case "summary":
		return &rec.summary
	case "body":
		return &rec.body
	case "source":
		return &rec.source
	case "type":
		return &rec.typ
	case "product_line":
		return &rec.productLine
	case "state":
		return &rec.state
	case "published_at":
		return &rec.publishedAt
	case "updated_at":
		return &rec.updatedAt
	case "external_id":
		return &rec.externalID
	}
	return nil
}

// readJSONLines reads one item a line, calling each for every line that
// is not blank.
func readJSONLines(r io.Reader, each func(importRecord) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var buf []byte
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br, buf[:0])
		buf = line
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the import: %w", err)
		}
		if tooLong || len(bytes.TrimSpace(line)) > 0 {
			rec := importRecord{line: n, problems: desk.Problems{}}
			if tooLong {
				rec.problems.AddMessage("line", "desk.kb.import.line_too_long", "Max", desk.Size(MaxImportLine))
			} else {
				rec.fromJSON(line)
			}
			if err := each(rec); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// readLine reads a line without its end into buf, at most MaxImportLine
// bytes of it (tooLong: the rest was skipped).
func readLine(br *bufio.Reader, buf []byte) (line []byte, tooLong bool, err error) {
	for {
		part, err := br.ReadSlice('\n')
		if len(buf)+len(part) > MaxImportLine {
			tooLong = true
		} else {
			buf = append(buf, part...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			buf = bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		}
		return buf, tooLong, err
	}
}

// fromJSON reads a line's object into the record.
func (rec *importRecord) fromJSON(line []byte) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(line, []byte("\uFEFF")), &fields); err != nil {
		rec.problems.AddMessage("line", "desk.kb.import.bad_json", "Error", jsonProblem(err))
		return
	}
	for key, raw := range fields {
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		if key == "products" {
			if err := json.Unmarshal(raw, &rec.products); err != nil {
				rec.problems.AddMessage(key, "desk.kb.import.want_list", "Key", key)
			}
			continue
		}
		dst := rec.text(key)
		if dst == nil {
			rec.problems.AddMessage(key, "desk.kb.import.unknown_key", "Key", key, "Keys", strings.Join(importKeys, ", "))
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			rec.problems.AddMessage(key, "desk.kb.import.want_text", "Key", key)
		}
	}
}

// jsonProblem says in a few words what is wrong with a line of JSON.
func jsonProblem(err error) string {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Sprintf("%s (at character %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return "the line is not a JSON object"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// markdownFiles lists the Markdown files of a tree in path order.
func markdownFiles(fsys fs.FS) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		switch strings.ToLower(path.Ext(p)) {
		case ".md", ".markdown":
			if !strings.HasPrefix(d.Name(), ".") {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the import's files: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

func readMarkdownFiles(fsys fs.FS, files []string, each func(importRecord) error) error {
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		rec := importRecord{file: name, problems: desk.Problems{}, keyLines: map[string]int{}}
		rec.fromMarkdown(data)
		if err := each(rec); err != nil {
			return err
		}
	}
	return nil
}

// fromMarkdown reads a file's front matter and body into the record.
func (rec *importRecord) fromMarkdown(data []byte) {
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\uFEFF"), "\r\n", "\n")
	if !utf8.ValidString(text) {
		rec.problems.AddMessage("file", "desk.kb.import.not_utf8")
		return
	}
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		rec.problems.AddMessage("file", "desk.kb.import.no_front_matter")
		return
	}
	var front string
	for i := 0; ; {
		j := strings.IndexByte(rest[i:], '\n')
		line := rest[i:]
		if j >= 0 {
			line = rest[i : i+j]
		}
		if line == "---" || line == "..." {
			front = rest[:i]
			if j >= 0 {
				rec.body = strings.TrimLeft(rest[i+j+1:], "\n")
			}
			break
		}
		if j < 0 {
			rec.problems.AddMessage("file", "desk.kb.import.unclosed_front_matter")
			return
		}
		i += j + 1
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		rec.problems.AddMessage("file", "desk.kb.import.bad_front_matter", "Error", strings.TrimPrefix(err.Error(), "yaml: "))
		return
	}
	if len(doc.Content) == 0 {
		return // empty front matter: every required key is missing, which the check says
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		rec.problems.AddMessage("file", "desk.kb.import.bad_front_matter", "Error", "it is not a list of key: value lines")
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		_, seen := rec.keyLines[key]
		rec.keyLines[key] = k.Line + 1 // the file's first line is the opening ---
		if seen {
			rec.problems.AddMessage(key, "desk.kb.import.duplicate_key", "Key", key)
			continue
		}
		switch {
		case v.Tag == "!!null":
		case key == "body":
			rec.problems.AddMessage(key, "desk.kb.import.body_in_front_matter")
		case key == "products":
			switch v.Kind {
			case yaml.SequenceNode:
				for _, p := range v.Content {
					if p.Kind != yaml.ScalarNode {
						rec.problems.AddMessage(key, "desk.kb.import.want_list", "Key", key)
						break
					}
					rec.products = append(rec.products, p.Value)
				}
			case yaml.ScalarNode:
				rec.products = []string{v.Value}
			default:
				rec.problems.AddMessage(key, "desk.kb.import.want_list", "Key", key)
			}
		case rec.text(key) == nil:
			rec.problems.AddMessage(key, "desk.kb.import.unknown_key", "Key", key, "Keys", strings.Join(importKeys, ", "))
		case v.Kind != yaml.ScalarNode:
			rec.problems.AddMessage(key, "desk.kb.import.want_text", "Key", key)
		default:
			*rec.text(key) = v.Value
		}
	}
}

// importChecker checks records against the catalogue and the import's
// other items.
type importChecker struct {
	cat      *desk.Catalog
	lines    map[string]int64
	products map[string]int64
	external map[string]int // external ID → the item that has it
	sources  map[string]desk.KBSource
	types    map[string]desk.KBArticleType
	n        int
}

func newImportChecker(cat *desk.Catalog) *importChecker {
	c := &importChecker{
		cat: cat, lines: map[string]int64{}, products: map[string]int64{}, external: map[string]int{},
		sources: map[string]desk.KBSource{}, types: map[string]desk.KBArticleType{},
	}
	for _, l := range cat.Lines {
		c.lines[strings.ToLower(l.Name)] = l.ID
	}
	for _, p := range cat.Products {
		c.products[strings.ToLower(p.Name)] = p.ID
	}
	for _, s := range desk.KBSources {
		c.sources[string(s)] = s
		c.sources[strings.ToLower(desk.English(s.MessageID(), nil))] = s
	}
	for _, t := range desk.KBArticleTypes {
		c.types[string(t)] = t
		c.types[strings.ToLower(desk.English(t.MessageID(), nil))] = t
	}
	return c
}

// check turns a record into an item's input and the item as it will be
// written (its state and dates), with every problem found.
func (c *importChecker) check(rec importRecord, now time.Time) (desk.KBItemInput, *desk.KBItem, []ImportProblem) {
	c.n++
	p := rec.problems
	in := desk.KBItemInput{Title: rec.title, Summary: rec.summary, Body: rec.body}
	it := &desk.KBItem{State: desk.KBPublished}
	_, badLine := p["line"]
	_, badFile := p["file"]
	if !badLine && !badFile {
		c.resolve(rec, p, &in, it, now)
		for field, m := range in.Check(c.cat) {
			p.Add(field, m)
		}
	}
	out := make([]ImportProblem, 0, len(p))
	for field, m := range p {
		out = append(out, ImportProblem{Line: rec.keyLines[field], File: rec.file, Field: field, Message: m, Text: m.String()})
		if rec.file == "" {
			out[len(out)-1].Line = rec.line
		}
	}
	slices.SortFunc(out, func(a, b ImportProblem) int {
		ia, ib := fieldOrder(a.Field), fieldOrder(b.Field)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a.Field, b.Field)
	})
	return in, it, out
}

// resolve reads the names, the state and the dates of a record.
func (c *importChecker) resolve(rec importRecord, p desk.Problems, in *desk.KBItemInput, it *desk.KBItem, now time.Time) {
	if s, ok := c.sources[strings.ToLower(strings.TrimSpace(rec.source))]; ok {
		in.Source = s
	} else {
		in.Source = desk.KBSource(rec.source)
	}
	if t, ok := c.types[strings.ToLower(strings.TrimSpace(rec.typ))]; ok {
		in.Type = t
	} else {
		in.Type = desk.KBArticleType(rec.typ)
	}
	if name := strings.TrimSpace(rec.productLine); name != "" {
		if id, ok := c.lines[strings.ToLower(name)]; ok {
			in.ProductLineID = id
		} else {
			p.AddMessage("product_line", "desk.kb.import.line_unknown", "Name", name)
		}
	}
	for _, name := range rec.products {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if id, ok := c.products[strings.ToLower(name)]; ok {
			in.ProductIDs = append(in.ProductIDs, id)
		} else {
			p.AddMessage("products", "desk.kb.import.product_unknown", "Name", name)
		}
	}
	switch desk.KBState(strings.ToLower(strings.TrimSpace(rec.state))) {
	case "", desk.KBPublished:
		it.State = desk.KBPublished
	case desk.KBDraft:
		it.State = desk.KBDraft
	default:
		p.AddMessage("state", "desk.kb.import.state_unknown", "State", rec.state)
	}
	published := c.date(p, "published_at", rec.publishedAt)
	updated := c.date(p, "updated_at", rec.updatedAt)
	switch {
	case it.State == desk.KBDraft && !published.IsZero():
		p.AddMessage("published_at", "desk.kb.import.draft_published")
	case it.State == desk.KBPublished && published.IsZero():
		published = now
	}
	if updated.IsZero() {
		updated = now
		if !published.IsZero() {
			updated = published
		}
	}
	if !published.IsZero() && updated.Before(published) {
		p.AddMessage("updated_at", "desk.kb.import.updated_before_published")
	}
	if id := strings.TrimSpace(rec.externalID); id != "" {
		if first, ok := c.external[id]; ok {
			p.AddMessage("external_id", "desk.kb.import.duplicate_id", "ID", id, "Item", first)
		} else {
			c.external[id] = c.n
		}
		if utf8.RuneCountInString(id) > 200 {
			p.AddMessage("external_id", "desk.kb.import.id_too_long", "Max", 200)
		}
	}
	created := updated
	if !published.IsZero() {
		created = published
	}
	it.PublishedAt, it.UpdatedAt, it.CreatedAt = published, updated, created
}

// date reads a date or a time of a record: RFC 3339, or a day (midnight
// UTC). Zero when left out.
func (c *importChecker) date(p desk.Problems, field, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC().Truncate(time.Microsecond)
		}
	}
	p.AddMessage(field, "desk.kb.import.bad_date", "Value", v)
	return time.Time{}
}

// fieldOrder places the problems of an item: its form first, then the
// keys in importKeys' order, then unknown keys.
func fieldOrder(field string) int {
	switch field {
	case "line", "file":
		return -1
	}
	if i := slices.Index(importKeys, field); i >= 0 {
		return i
	}
	return len(importKeys)
}
