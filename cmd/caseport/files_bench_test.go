package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// These tests and benchmarks run `caseport serve` as a process of its own
// (this test binary, re-executed: see TestMain), so that it can be killed
// and its memory read from /proc.

// served is a running `caseport serve` process.
type served struct {
	cmd      *exec.Cmd
	url      string
	sftpAddr string
	smtpAddr string // with --smtp-addr
	exited   chan struct{}
}

// people are who seed builds in a data directory before serve opens it.
type people struct {
	dana, agent, admin *desk.User
}

// password is the password of every one of seed's people.
const password = "correct horse battery"

// seed builds, in the SQLite store of data, a customer (Acme Corp, with
// a Service Contract) with an open case of Dana, its Read-Write contact,
// and an agent and a portal admin; each has password.
func seed(tb testing.TB, data string) *people {
	tb.Helper()
	if err := os.MkdirAll(data, 0o750); err != nil {
		tb.Fatal(err)
	}
	s, err := store.Open(context.Background(), "sqlite://"+filepath.Join(data, "caseport.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	fx := fixture.New(tb, s)
	acme := fx.Company("Acme Corp")
	fx.Contract(acme)
	p := &people{
		dana:  fx.Contact(acme, desk.ReadWrite, fixture.Named("Dana", "Designated")),
		agent: fx.Staff([]desk.Role{desk.RoleAgent}),
		admin: fx.Staff([]desk.Role{desk.RolePortalAdmin}),
	}
	for _, u := range []*desk.User{p.dana, p.agent, p.admin} {
		fx.Password(u, password)
	}
	fx.Case(p.dana)
	return p
}

// startServe runs `caseport serve` on data (build its people with seed
// first), with more flags if given, and waits until it listens.
func startServe(tb testing.TB, data string, flags ...string) *served {
	tb.Helper()
	args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--sftp-addr", "127.0.0.1:0"}, flags...)
	cmd := exec.Command(os.Args[0], args...) //nolint:noctx // killed by the test itself
	cmd.Env = append(os.Environ(), "CASEPORT_TEST_MAIN=1")
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	s := &served{cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	tb.Cleanup(s.kill)
	running := regexp.MustCompile(`running at (http://[0-9.:]+)/`)
	sftpOn := regexp.MustCompile(`SFTP accounts on ([0-9.:]+)\.`)
	smtpOn := regexp.MustCompile(`support address on ([0-9.:]+)\.`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := running.FindStringSubmatch(sc.Text()); m != nil {
			s.url = m[1]
		}
		if m := sftpOn.FindStringSubmatch(sc.Text()); m != nil {
			s.sftpAddr = m[1]
		}
		if m := smtpOn.FindStringSubmatch(sc.Text()); m != nil {
			s.smtpAddr = m[1]
		}
		if s.url != "" && s.sftpAddr != "" {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if s.url == "" || s.sftpAddr == "" {
		tb.Fatal("caseport serve did not start")
	}
	return s
}

// kill stops the process at once, as a crash or kill -9 would.
func (s *served) kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// peakRSS is the most memory the process has held since resetPeak, in bytes.
func (s *served) peakRSS(tb testing.TB) int64 {
	tb.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		tb.Fatal("no VmHWM in /proc status")
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// resetPeak starts peakRSS afresh (Linux: clear_refs 5).
func (s *served) resetPeak(tb testing.TB) {
	tb.Helper()
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0); err != nil {
		tb.Logf("peak memory is the process's whole life: %v", err)
	}
}

// portal is a signed-in browser-like client of a served portal.
type portal struct {
	tb  testing.TB
	url string
	c   *http.Client
}

func signInTo(tb testing.TB, base, email string) *portal {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	p := &portal{tb: tb, url: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	res := p.do("POST", "/signin", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	if res.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in as %s = %d", email, res.StatusCode)
	}
	return p
}

// reply is what do keeps of a response: its body is read and closed.
type reply struct {
	StatusCode int
	Header     http.Header
}

func (p *portal) do(method, path string, headers map[string]string, body io.Reader) reply {
	p.tb.Helper()
	res, err := p.try(method, path, headers, body)
	if err != nil {
		p.tb.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// try sends a request and reads its answer; only a failed exchange (the
// server gone) is an error.
func (p *portal) try(method, path string, headers map[string]string, body io.Reader) (reply, error) {
	req, err := http.NewRequestWithContext(context.Background(), method, p.url+path, body)
	if err != nil {
		return reply{}, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := p.c.Do(req)
	if err != nil {
		return reply{}, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return reply{res.StatusCode, res.Header}, nil
}

// openCase returns the number of one of the signed-in contact's open cases,
// with the data-protection notice acknowledged.
func (p *portal) openCase() string {
	p.tb.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", p.url+"/api/v1/cases", nil)
	res, err := p.c.Do(req)
	if err != nil {
		p.tb.Fatal(err)
	}
	defer res.Body.Close()
	var page struct {
		Cases []struct {
			Number string `json:"number"`
			Status string `json:"status"`
		} `json:"cases"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		p.tb.Fatal(err)
	}
	for _, c := range page.Cases {
		if !strings.HasPrefix(c.Status, "Closed") {
			if res := p.do("POST", "/api/v1/cases/"+c.Number+"/files/acknowledgement", nil, nil); res.StatusCode != http.StatusNoContent {
				p.tb.Fatalf("acknowledge = %d", res.StatusCode)
			}
			return c.Number
		}
	}
	p.tb.Fatal("no open case")
	return ""
}

// createUpload starts a tus upload of size bytes and returns its path.
func (p *portal) createUpload(caseNumber, name string, size int64) string {
	p.tb.Helper()
	meta := "case " + base64.StdEncoding.EncodeToString([]byte(caseNumber)) + ",filename " + base64.StdEncoding.EncodeToString([]byte(name))
	res := p.do("POST", "/api/v1/uploads", map[string]string{
		"Tus-Resumable": "1.0.0", "Upload-Length": strconv.FormatInt(size, 10), "Upload-Metadata": meta,
	}, nil)
	if res.StatusCode != http.StatusCreated {
		p.tb.Fatalf("create upload = %d", res.StatusCode)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	return loc.Path
}

// patch sends body at offset.
func (p *portal) patch(path string, offset int64, body io.Reader) (reply, error) {
	return p.try("PATCH", path, map[string]string{
		"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream",
		"Upload-Offset": strconv.FormatInt(offset, 10),
	}, body)
}

// send uploads src[from:size] in chunks and returns the server's SHA-256
// of the whole file.
func (p *portal) send(path string, src *content, from, size, chunk int64) string {
	p.tb.Helper()
	var res reply
	for off := from; off < size; {
		n := min(chunk, size-off)
		var err error
		res, err = p.patch(path, off, io.NewSectionReader(src, off, n))
		if err != nil || res.StatusCode != http.StatusNoContent {
			p.tb.Fatalf("PATCH at %d: %v %d", off, err, res.StatusCode)
		}
		off += n
	}
	return res.Header.Get("Caseport-Sha256")
}

// content is a file of any size that needs no disk or memory: a block
// of pseudo-random bytes repeated.
type content struct{ block []byte }

func newContent() *content {
	b := make([]byte, 1<<20)
	x := uint64(0x9E3779B97F4A7C15)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return &content{block: b}
}

func (c *content) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		i := (off + int64(n)) % int64(len(c.block))
		n += copy(p[n:], c.block[i:])
	}
	return n, nil
}

func (c *content) sha256(size int64) string {
	h := sha256.New()
	_, _ = io.Copy(h, io.NewSectionReader(c, 0, size))
	return hex.EncodeToString(h.Sum(nil))
}

// TestUploadSurvivesKill: the server is killed (SIGKILL) while a chunk is
// on its way; after a restart the upload is where the last acknowledged
// chunk left it, the client sends the rest from there, and the file's
// SHA-256 is the whole file's.
func TestUploadSurvivesKill(t *testing.T) {
	t.Parallel()
	const size, chunk = 24 << 20, 8 << 20
	data := t.TempDir()
	who := seed(t, data)
	srv := startServe(t, data)
	dana := signInTo(t, srv.url, who.dana.Email)
	n := dana.openCase()
	src := newContent()
	path := dana.createUpload(n, "core.dump", size)
	dana.send(path, src, 0, 2*chunk, chunk) // two chunks acknowledged

	// The third chunk goes half way, then the server dies.
	pr, pw := io.Pipe()
	failed := make(chan error, 1)
	go func() {
		_, err := dana.patch(path, 2*chunk, pr)
		failed <- err
	}()
	if _, err := io.Copy(pw, io.NewSectionReader(src, 2*chunk, chunk/2)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the server write what it got
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	pw.Close()
	if err := <-failed; err == nil {
		t.Fatal("the PATCH cut by the kill succeeded")
	}

	srv = startServe(t, data)
	dana.url = srv.url // the session is in the store and survives the restart
	head := dana.do("HEAD", path, map[string]string{"Tus-Resumable": "1.0.0"}, nil)
	if head.StatusCode != http.StatusOK {
		t.Fatalf("HEAD after the restart = %d", head.StatusCode)
	}
	kept, _ := strconv.ParseInt(head.Header.Get("Upload-Offset"), 10, 64)
	if kept < 2*chunk || kept > 2*chunk+chunk/2 {
		t.Fatalf("after the kill the upload is at %d, want between %d (acknowledged) and %d (sent)", kept, 2*chunk, 2*chunk+chunk/2)
	}
	t.Logf("sent %d MiB, acknowledged %d MiB, kept %d MiB after SIGKILL", (2*chunk+chunk/2)>>20, (2*chunk)>>20, kept>>20)
	if got, want := dana.send(path, src, kept, size, chunk), src.sha256(size); got != want {
		t.Errorf("SHA-256 after the resume %s, want %s", got, want)
	}
}

// BenchmarkUpload sends files through the tus endpoint of a running
// server over loopback in 64 MiB chunks, as a client would, and reports
// the server's peak resident memory. Sizes: CASEPORT_BENCH_UPLOAD
// (default 1MB,100MB; docs/benchmarks.md also runs 5GB).
func BenchmarkUpload(b *testing.B) {
	data := b.TempDir()
	who := seed(b, data)
	srv := startServe(b, data)
	dana := signInTo(b, srv.url, who.dana.Email)
	n := dana.openCase()
	src := newContent()
	for _, size := range benchSizes(b, "CASEPORT_BENCH_UPLOAD", "1MB,100MB") {
		b.Run(formatBenchSize(size), func(b *testing.B) {
			want := src.sha256(size)
			srv.resetPeak(b)
			b.SetBytes(size)
			for b.Loop() {
				path := dana.createUpload(n, "bench.bin", size)
				if got := dana.send(path, src, 0, size, 64<<20); got != want {
					b.Fatalf("SHA-256 %s, want %s", got, want)
				}
			}
			b.ReportMetric(float64(srv.peakRSS(b))/(1<<20), "server-peak-RSS-MiB")
		})
	}
}

// BenchmarkSFTPUpload sends a file to a temporary SFTP account of a
// running server over loopback with pkg/sftp's client (concurrent writes).
// Sizes: CASEPORT_BENCH_SFTP (default 100MB).
func BenchmarkSFTPUpload(b *testing.B) {
	data := b.TempDir()
	who := seed(b, data)
	srv := startServe(b, data)
	dana := signInTo(b, srv.url, who.dana.Email)
	n := dana.openCase()
	agent := signInTo(b, srv.url, who.agent.Email)
	req, _ := http.NewRequestWithContext(b.Context(), "POST", srv.url+"/api/v1/cases/"+n+"/sftp", nil)
	res, err := agent.c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var acct struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	err = json.NewDecoder(res.Body).Decode(&acct)
	res.Body.Close()
	if err != nil || acct.Password == "" {
		b.Fatalf("create SFTP account = %d %v", res.StatusCode, err)
	}
	conn, err := ssh.Dial("tcp", srv.sftpAddr, &ssh.ClientConfig{
		User: acct.Username, Auth: []ssh.AuthMethod{ssh.Password(acct.Password)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), //nolint:gosec // the test's own server
	})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	client, err := sftp.NewClient(conn, sftp.UseConcurrentWrites(true))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	src := newContent()
	for _, size := range benchSizes(b, "CASEPORT_BENCH_SFTP", "100MB") {
		b.Run(formatBenchSize(size), func(b *testing.B) {
			srv.resetPeak(b)
			b.SetBytes(size)
			for i := 0; b.Loop(); i++ {
				f, err := client.Create(fmt.Sprintf("bench-%d-%d.bin", size, i))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.ReadFrom(io.NewSectionReader(src, 0, size)); err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.peakRSS(b))/(1<<20), "server-peak-RSS-MiB")
		})
	}
}

func benchSizes(b *testing.B, env, def string) []int64 {
	spec := os.Getenv(env)
	if spec == "" {
		spec = def
	}
	var sizes []int64
	for f := range strings.SplitSeq(spec, ",") {
		f = strings.TrimSpace(strings.ToUpper(f))
		mult := int64(1)
		for suffix, m := range map[string]int64{"GB": 1e9, "MB": 1e6, "KB": 1e3} {
			if s, ok := strings.CutSuffix(f, suffix); ok {
				f, mult = s, m
				break
			}
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			b.Fatalf("%s: %q is not a size like 100MB", env, f)
		}
		sizes = append(sizes, n*mult)
	}
	return sizes
}

func formatBenchSize(n int64) string {
	switch {
	case n >= 1e9 && n%1e9 == 0:
		return fmt.Sprintf("%dGB", n/1e9)
	case n >= 1e6 && n%1e6 == 0:
		return fmt.Sprintf("%dMB", n/1e6)
	}
	return fmt.Sprintf("%dB", n)
}
