package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"golang.org/x/crypto/ssh"
)

// TestMain lets tests run this binary as the caseport command itself
// (files_bench_test.go kills and restarts a server): with
// CASEPORT_TEST_MAIN=1 it is the command, not the tests.
func TestMain(m *testing.M) {
	if os.Getenv("CASEPORT_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func TestVersionAndUsage(t *testing.T) {
	t.Parallel()
	var out, errOut strings.Builder
	if err := run(t.Context(), []string{"version"}, nil, &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "caseport ") {
		t.Errorf("version = %q, %v", out.String(), err)
	}
	if err := run(t.Context(), []string{"frobnicate"}, nil, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "usage") {
		t.Errorf("unknown command = %v, stderr %q; want an error and the usage", err, errOut.String())
	}
}

func TestMigrateAndUserCreate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	var out, errOut strings.Builder
	ctx := t.Context()
	if err := run(ctx, []string{"migrate", "--data", data}, nil, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v (%s)", err, errOut.String())
	}
	err := run(ctx, []string{
		"user", "create", "--staff", "--data", data, "--email", "Root@Example.org", "--first", "Rita",
		"--last", "Root", "--roles", "portal_admin,agent",
	}, nil, &out, &errOut)
	if err != nil || !strings.Contains(out.String(), "created user") {
		t.Fatalf("user create --staff = %v, out %q, err %q", err, out.String(), errOut.String())
	}
	errOut.Reset()
	err = run(ctx, []string{
		"user", "create", "--contact", "--data", data, "--email", "a@gmail.com", "--first", "A",
		"--last", "B", "--org", "ORG-1", "--country", "Peru",
	}, nil, &out, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "org") {
		t.Errorf("user create --contact with an unknown org = %v, stderr %q; want the org refused", err, errOut.String())
	}
	if err := run(ctx, []string{"user", "create", "--staff", "--contact", "--data", data}, nil, &out, &errOut); err == nil {
		t.Error("user create with both --staff and --contact succeeded")
	}
}

// TestServeDemo starts the real server on a free port with the demo world
// and checks that it answers, then stops it through its context.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	data := filepath.Join(t.TempDir(), "data")
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--data", data, "--addr", "127.0.0.1:0"}, nil, pw, io.Discard)
		pw.Close()
	}()
	addr := ""
	sc := bufio.NewScanner(pr)
	re := regexp.MustCompile(`running at (http://[0-9.:]+)/`)
	sawLogins := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "dana.designated@abc-testing.example") {
			sawLogins = true
		}
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if addr == "" || !sawLogins {
		t.Fatalf("serve printed no address or no demo logins (addr %q)", addr)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, addr+"/healthz", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after its context ended, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeFilesFlag: --files names an S3-compatible bucket; a bucket that
// is not there stops serve with a message that names it, and a bad address
// says what is expected.
func TestServeFilesFlag(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	data := filepath.Join(t.TempDir(), "data")
	err := run(t.Context(), []string{
		"serve", "--data", data, "--addr", "127.0.0.1:0",
		"--files", "s3://no-such-bucket/cases?endpoint=" + srv.URL + "&path_style=true",
	}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "bucket no-such-bucket") {
		t.Errorf("serve with a missing bucket: %v", err)
	}
	err = run(t.Context(), []string{"serve", "--data", data, "--files", "ftp://x"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "s3://BUCKET") {
		t.Errorf("serve with a bad --files: %v", err)
	}
}

// TestMigrateProcessesAtOnce: several caseport processes started at once on
// one new SQLite file all come up; they take turns migrating.
func TestMigrateProcessesAtOnce(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	const n = 4
	cmds := make([]*exec.Cmd, n)
	outs := make([]strings.Builder, n)
	for i := range cmds {
		cmds[i] = exec.CommandContext(t.Context(), os.Args[0], "migrate", "--data", data)
		cmds[i].Env = append(os.Environ(), "CASEPORT_TEST_MAIN=1", "CASEPORT_DATABASE_URL=")
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("caseport migrate, %d of %d started at once: %v\n%s", i+1, n, err, outs[i].String())
		}
	}
}

// TestServeWiresBeforeServing: serve answers no request until everything
// the handlers read is set. The SFTP host key is a named pipe here, so the
// test holds serve at that step of its wiring and asks the portal for an
// answer meanwhile; then a case page (which shows the SFTP address) is
// read, which -race checks against the wiring.
func TestServeWiresBeforeServing(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	who := seed(t, data)
	fifo := filepath.Join(data, "sftp_host_key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "test host key")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") //nolint:noctx // only picks a free port
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", data, "--addr", addr, "--sftp-addr", "127.0.0.1:0"}, nil, pw, io.Discard)
		pw.Close()
	}()
	running := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "is running at") {
				close(running)
			}
		}
	}()

	// Opening the pipe for writing succeeds once serve is reading it.
	var key *os.File
	for key == nil {
		select {
		case err := <-done:
			t.Fatalf("serve ended before reading its SFTP host key: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if key, err = os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); errors.Is(err, syscall.ENXIO) {
			key = nil
		} else if err != nil {
			t.Fatal(err)
		}
	}
	quick := &http.Client{Timeout: 300 * time.Millisecond}
	if res, err := quick.Get("http://" + addr + "/healthz"); err == nil { //nolint:noctx // the client's timeout bounds it
		res.Body.Close()
		t.Errorf("GET /healthz = %d while serve was still wiring the SFTP server; want no answer before wiring ends", res.StatusCode)
	}
	if _, err := key.Write(pem.EncodeToMemory(block)); err != nil {
		t.Fatal(err)
	}
	key.Close()

	select {
	case <-running:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	dana := signInTo(t, "http://"+addr, who.dana.Email)
	if res := dana.do("GET", "/cases/"+dana.openCase(), nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("GET a case page = %d, want 200", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after its context ended, want nil", err)
	}
}
