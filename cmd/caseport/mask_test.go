package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sampleLog = "Nov 23 10:15:22 web-01 sshd[4242]: Accepted password for admin from 192.168.10.24 port 52113\n" +
	`{"user":"ann@example.com","password":"hunter2","order":"CUST-004217"}` + "\n" +
	"retry from 192.168.10.24 for ann@example.com"

func TestMaskStdinToStdout(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"mask"}, strings.NewReader(sampleLog), &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	want := "Nov 23 10:15:22 web-01 sshd[4242]: Accepted password for admin from <ipv4> port 52113\n" +
		`{"user":"<email>","password":"<credential>","order":"CUST-004217"}` + "\n" +
		"retry from <ipv4> for <email>"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if got := errOut.String(); got != "masked 5 values: credential 1, email 2, ipv4 2\n" {
		t.Errorf("summary %q", got)
	}
}

func TestMaskGzipFilesWithRules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "app.log.gz")
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	if _, err := zw.Write([]byte(sampleLog)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(in, zipped.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(dir, "rules.txt")
	if err := os.WriteFile(rules, []byte("# ours\ncustomer-id \\bCUST-\\d{6}\\b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "masked.log.gz")
	var errOut bytes.Buffer
	if err := run(t.Context(), []string{"mask", "--consistent", "--rules", rules, in, out}, nil, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("output is not gzip: %v", err)
	}
	var got bytes.Buffer
	if _, err := got.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	want := "Nov 23 10:15:22 web-01 sshd[4242]: Accepted password for admin from <ipv4-1> port 52113\n" +
		`{"user":"<email-1>","password":"<credential-1>","order":"<customer-id-1>"}` + "\n" +
		"retry from <ipv4-1> for <email-1>"
	if got.String() != want {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want)
	}
	if s := errOut.String(); !strings.Contains(s, "customer-id 1 (1 different)") || !strings.Contains(s, "ipv4 2 (1 different)") {
		t.Errorf("summary %q", s)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.partial")); len(left) > 0 {
		t.Errorf("partial files left: %v", left)
	}
}

// Bad input gets a clear message and never leaves a half-written output
// or touches the input.
func TestMaskRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "app.log")
	if err := os.WriteFile(in, []byte(sampleLog), 0o600); err != nil {
		t.Fatal(err)
	}
	badRules := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(badRules, []byte("ok \\d{3}\nbroken (x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.log")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"mask", "--rules", badRules, in, out}, "bad.txt: rules line 2: error parsing regexp"},
		{[]string{"mask", in, in}, "writing the output over the input would lose the log"},
		{[]string{"mask", filepath.Join(dir, "missing.log"), out}, "no such file"},
		{[]string{"mask", in, out, "extra"}, "at most IN and OUT"},
	} {
		err := run(t.Context(), c.args, nil, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args[1:], err, c.want)
		}
	}
	if got, _ := os.ReadFile(in); string(got) != sampleLog {
		t.Error("the input changed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left behind: %v", entries)
	}
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	got := progressLine("app.log", 50e6, 200e6, 2*time.Second)
	want := "app.log [=======                       ]  25% 50.0 MB of 200.0 MB, 25.0 MB/s\033[K"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
