package main

import (
	"archive/zip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
)

const kbUsage = `usage: caseport kb import FILE|DIR --as EMAIL [--dry-run] [--data DIR] [--db URL]

Imports knowledge items, all or none, as the staff user EMAIL (a knowledge
editor or a portal admin):
  FILE      JSON Lines, one item a line (a .zip: Markdown files with front matter)
  DIR       a folder of Markdown files with front matter (.md, .markdown, sub-folders too)
  --dry-run check every item and report each problem; write nothing
The keys of an item: title, summary, body, source, type, product_line,
products, state (draft or published), published_at, updated_at, external_id.
`

// kbCmd runs the knowledge commands:
//
//	caseport kb import FILE|DIR --as EMAIL [--dry-run]
func kbCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, kbUsage)
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("kb import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, kbUsage); fs.PrintDefaults() }
	var sf storeFlags
	sf.register(fs)
	as := fs.String("as", "", "the staff user the import is made by, by email: a knowledge editor or a portal admin")
	dryRun := fs.Bool("dry-run", false, "check every item and report each problem; write nothing")
	// Flags may come before and after FILE|DIR.
	var paths []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(paths) != 1 {
		fs.Usage()
		return errors.New("kb import: give one FILE or DIR")
	}
	if *as == "" {
		return errors.New("kb import: give --as EMAIL, the knowledge editor or portal admin the import is made by")
	}
	src, size, closeSrc, err := importSource(paths[0])
	if err != nil {
		return err
	}
	defer closeSrc()
	var read countingReader
	if src.Reader != nil {
		read.r = src.Reader
		src.Reader = &read
	}
	s, err := openStore(ctx, sf.config(getenv))
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, *as)
	if errors.Is(err, desk.ErrNotFound) || (err == nil && u.Kind != desk.KindStaff) {
		return fmt.Errorf("kb import: %s is not a staff user", *as)
	}
	if err != nil {
		return err
	}
	k := kb.New(kb.Deps{Store: s})
	bar := newImportBar(stdout, filepath.Base(paths[0]), size, &read.n)
	start := time.Now()
	rep, err := k.Import(ctx, desk.Request{Actor: &desk.Actor{User: u}, Address: "command line"}, src,
		kb.ImportOptions{DryRun: *dryRun, Progress: bar.show})
	bar.end()
	if m, ok := desk.AsMessage(err); ok {
		return fmt.Errorf("kb import: %s", m.String())
	}
	if err != nil {
		return fmt.Errorf("kb import: %w", err)
	}
	took := time.Since(start).Round(time.Second / 10)
	switch {
	case rep.Refused():
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "%s: %s: %s\n", p.Where(), p.Field, p.Text)
		}
		what := "nothing was written"
		if rep.DryRun {
			what = "an import would write nothing"
		}
		fmt.Fprintf(stdout, "%s of %s items have problems (%s): %s.\n", count(rep.BadItems()), count(rep.Read), plural(len(rep.Problems), "problem"), what)
		return errors.New("kb import: refused: fix the items listed and run it again")
	case rep.DryRun:
		fmt.Fprintf(stdout, "Dry run: %s items read in %s, all good: an import would write every one.\n", count(rep.Read), took)
	default:
		fmt.Fprintf(stdout, "Imported %s knowledge items in %s.\n", count(rep.Imported), took)
	}
	return nil
}

// importSource opens what an import reads: a folder of Markdown files, a
// zip of them, or a JSON Lines file. size is the file's size in bytes
// (zero for a folder).
func importSource(p string) (src kb.ImportSource, size int64, closeFn func(), err error) {
	st, err := os.Stat(p)
	if err != nil {
		return src, 0, nil, fmt.Errorf("kb import: %w", err)
	}
	if st.IsDir() {
		return kb.ImportSource{Format: kb.ImportMarkdown, Files: os.DirFS(p)}, 0, func() {}, nil
	}
	ext := strings.ToLower(filepath.Ext(p))
	if ext == ".md" || ext == ".markdown" {
		return kb.ImportSource{Format: kb.ImportMarkdown, Files: singleFile{dir: filepath.Dir(p), name: filepath.Base(p)}}, 0, func() {}, nil
	}
	if ext == ".zip" {
		z, err := zip.OpenReader(p)
		if err != nil {
			return src, 0, nil, fmt.Errorf("kb import: %s: %s", p, desk.English("desk.kb.import.bad_zip", nil))
		}
		return kb.ImportSource{Format: kb.ImportMarkdown, Files: z}, 0, func() { z.Close() }, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return src, 0, nil, fmt.Errorf("kb import: %w", err)
	}
	return kb.ImportSource{Format: kb.ImportJSONLines, Reader: f}, st.Size(), func() { f.Close() }, nil
}

// importBar shows how far an import has read: a bar redrawn in place on
// a terminal, a line every tenth otherwise.
type importBar struct {
	w        io.Writer
	name     string
	size     int64 // bytes of a file, zero for a folder
	read     *atomic.Int64
	terminal bool
	start    time.Time
	shown    int // the last tenth shown on a line
	drawn    bool
}

func newImportBar(w io.Writer, name string, size int64, read *atomic.Int64) *importBar {
	return &importBar{w: w, name: name, size: size, read: read, terminal: isTerminal(w), start: time.Now()}
}

// fraction is how far the import has read, from 0 to 1, or -1 when not
// known.
func (b *importBar) fraction(p kb.ImportProgress) float64 {
	switch {
	case b.size > 0:
		return min(float64(b.read.Load())/float64(b.size), 1)
	case p.Total > 0:
		return min(float64(p.Read)/float64(p.Total), 1)
	}
	return -1
}

func (b *importBar) show(p kb.ImportProgress) {
	frac := b.fraction(p)
	if b.terminal {
		fmt.Fprint(b.w, "\r"+importBarLine(b.name, p.Read, frac, time.Since(b.start)))
		b.drawn = true
		return
	}
	tenth := int(frac * 10)
	if frac < 0 {
		tenth = p.Read / 10_000
	}
	if tenth > b.shown {
		b.shown = tenth
		fmt.Fprintln(b.w, importProgressLine(b.name, p.Read, frac))
	}
}

func (b *importBar) end() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// importBarLine is the bar on a terminal: how far, how many items, how
// fast.
func importBarLine(name string, items int, frac float64, elapsed time.Duration) string {
	const width = 30
	rate := ""
	if s := elapsed.Seconds(); s > 0 {
		rate = fmt.Sprintf(", %s items/s", count(int(float64(items)/s)))
	}
	if frac < 0 {
		return fmt.Sprintf("%s: %s items read%s\033[K", name, count(items), rate)
	}
	filled := int(frac * width)
	return fmt.Sprintf("%s [%s%s] %3.0f%% %s items%s\033[K", name,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100, count(items), rate)
}

// importProgressLine is a line of progress where there is no terminal.
func importProgressLine(name string, items int, frac float64) string {
	if frac < 0 {
		return fmt.Sprintf("%s: %s items read", name, count(items))
	}
	return fmt.Sprintf("%s: %3.0f%% read, %s items", name, frac*100, count(items))
}

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return count(n) + " " + word + "s"
}

// singleFile is a folder that holds one Markdown file, for an import of
// one file.
type singleFile struct{ dir, name string }

func (f singleFile) Open(name string) (fs.File, error) {
	if name != f.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(filepath.Join(f.dir, f.name))
}

func (f singleFile) Stat(name string) (fs.FileInfo, error) {
	switch name {
	case ".":
		return os.Stat(f.dir)
	case f.name:
		return os.Stat(filepath.Join(f.dir, f.name))
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (f singleFile) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	info, err := f.Stat(f.name)
	if err != nil {
		return nil, err
	}
	return []fs.DirEntry{fs.FileInfoToDirEntry(info)}, nil
}
