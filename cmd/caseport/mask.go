package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/mask"
)

const maskUsage = `usage: caseport mask [--rules FILE] [--consistent] [--gzip] [IN [OUT]]

Masks sensitive data in a log before it is sent to support: email and IP
addresses, phone, card and national ID numbers, credentials, tokens and
private keys, and the patterns of a rules file. Reads IN (default: standard input; gzip is
recognised) and writes OUT (default: standard output; gzip when OUT ends in
.gz or with --gzip). OUT is written whole or not at all. A summary of what
was masked goes to standard error, with a progress bar on a terminal.

Rules file, one rule a line: a kind, then a Go regular expression; a group
named "value" limits what is masked:
  customer-id  \bCUST-\d{6}\b
  db-user      user=(?P<value>\w+)

flags:
`

func maskCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), maskUsage)
		fs.PrintDefaults()
	}
	rulesFile := fs.String("rules", "", "a file of the customer's own patterns")
	consistent := fs.Bool("consistent", false, "give the same value the same placeholder (<email-1>) within the run")
	gz := fs.Bool("gzip", false, "compress the output with gzip")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 2 {
		fs.Usage()
		return errors.New("mask takes at most IN and OUT")
	}
	in, out := fs.Arg(0), fs.Arg(1)

	var opts mask.Options
	opts.Consistent = *consistent
	if *rulesFile != "" {
		f, err := os.Open(*rulesFile)
		if err != nil {
			return err
		}
		opts.Rules, err = mask.ParseRules(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *rulesFile, err)
		}
	}

	src := stdin
	var size int64
	name := "standard input"
	if in != "" && in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		src, name = f, in
	}
	read := &countingReader{r: src}
	plain, err := decompressed(read)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}

	dst, commit, err := output(in, out, stdout)
	if err != nil {
		return err
	}
	defer func() { _ = commit(false) }() // removes the partial output unless committed
	var zw *gzip.Writer
	if *gz || strings.HasSuffix(out, ".gz") {
		zw = gzip.NewWriter(dst)
		dst = zw
	}
	buffered := bufio.NewWriterSize(dst, 256<<10)

	if size > 0 && isTerminal(stderr) {
		stop := showProgress(stderr, filepath.Base(name), size, read)
		defer stop()
	}

	m := mask.New(opts)
	w := mask.NewWriter(buffered, m)
	if _, err := io.CopyBuffer(w, plain, make([]byte, 256<<10)); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := buffered.Flush(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if err := commit(true); err != nil {
		return err
	}
	fmt.Fprintln(stderr, mask.FormatSummary(m.Summary()))
	return nil
}

// decompressed returns r itself, or r's gzip content when it starts like gzip.
func decompressed(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// output opens where the masked log goes. A named file is written under a
// temporary name beside it and renamed when commit(true) is called, so a
// failed run leaves no half-masked file; commit(false) removes it.
func output(in, out string, stdout io.Writer) (io.Writer, func(ok bool) error, error) {
	if out == "" || out == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	if in != "" && in != "-" && sameFile(in, out) {
		return nil, nil, fmt.Errorf("%s: writing the output over the input would lose the log", out)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.partial")
	if err != nil {
		return nil, nil, err
	}
	done := false
	return f, func(ok bool) error {
		if done {
			return nil
		}
		done = true
		if !ok {
			f.Close()
			return os.Remove(f.Name())
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return err
		}
		return os.Rename(f.Name(), out)
	}, nil
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// showProgress redraws one line on the terminal four times a second until
// stop is called, which clears it.
func showProgress(w io.Writer, name string, size int64, read *countingReader) (stop func()) {
	quit := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-tick.C:
				fmt.Fprint(w, "\r"+progressLine(name, read.n.Load(), size, time.Since(start)))
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

func progressLine(name string, done, size int64, elapsed time.Duration) string {
	const width = 30
	frac := min(float64(done)/float64(size), 1)
	filled := int(frac * width)
	rate := ""
	if s := elapsed.Seconds(); s > 0 {
		rate = ", " + desk.Size(int64(float64(done)/s)).String() + "/s"
	}
	return fmt.Sprintf("%s [%s%s] %3.0f%% %s of %s%s\033[K", name,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100,
		desk.Size(done), desk.Size(size), rate)
}
