package sftpd_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/caseport/caseport/internal/clocktest"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/sftpd"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// env is an SFTP server in front of a service on a store that holds one
// customer's new case (opened by Dana, Read-Write; Riley is Read-Only in
// the same company), a contact of another company and an agent.
type env struct {
	svc    *support.Service
	store  *store.Store
	addr   string
	time   *clocktest.Clock // the service's clock, which tests move
	caseID int64

	dana, riley, other, agent *desk.User
}

func (f *env) as(t *testing.T, u *desk.User) support.Request {
	t.Helper()
	a, err := f.store.Actor(context.Background(), u.ID, f.time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return support.Request{Actor: a, Address: "198.51.100.7"}
}

func start(t *testing.T, s *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	f := &env{store: s, time: clocktest.New(time.Now().UTC().Truncate(time.Second))}
	fx := fixture.New(t, s).At(f.time.Now())
	acme, other := fx.Company("Acme Corp"), fx.Company("Other Inc")
	fx.Contract(acme)
	fx.Contract(other)
	f.dana, f.riley = fx.Contact(acme, desk.ReadWrite), fx.Contact(acme, desk.ReadOnly)
	f.other, f.agent = fx.Contact(other, desk.ReadWrite), fx.Staff([]desk.Role{desk.RoleAgent})
	f.caseID = fx.Case(f.dana).ID
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fs, err := files.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	f.svc = support.New(support.Deps{Store: s, Log: log, Clock: f.time.Now, BaseURL: "https://support.example", Files: fs})
	key, err := sftpd.LoadHostKey(filepath.Join(t.TempDir(), "host_key"))
	if err != nil {
		t.Fatal(err)
	}
	srv := sftpd.New(f.svc.Transfers(), log, key)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // returns when the listener closes
	t.Cleanup(func() { ln.Close(); srv.Close() })
	f.addr = ln.Addr().String()
	return f
}

func dial(addr, user, password string) (*ssh.Client, error) {
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.Password(password)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), //nolint:gosec // a test server with a fresh key
		Timeout:         10 * time.Second,
	})
}

// TestTemporarySFTPAccount: staff create an account for an open case; it
// logs in with its password only, sees only that case's upload area (no
// path, link or command leads out), files sent arrive as case files with
// their SHA-256, and the login ends when the account expires or the case
// closes.
func TestTemporarySFTPAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := start(t, s)

		// Contacts may not create accounts until a portal admin allows it.
		dana := f.as(t, f.dana)
		if _, err := f.svc.Transfers().CreateSFTPAccount(ctx, dana, f.caseID); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("a contact creating an account by default: %v", err)
		}
		acct, err := f.svc.Transfers().CreateSFTPAccount(ctx, f.as(t, f.agent), f.caseID)
		if err != nil {
			t.Fatal(err)
		}
		if d := acct.ExpiresAt.Sub(acct.CreatedAt); d != 120*time.Hour {
			t.Errorf("the account lasts %v", d)
		}
		if _, err := f.svc.Transfers().CreateSFTPAccount(ctx, f.as(t, f.agent), f.caseID); !errors.Is(err, desk.ErrConflict) {
			t.Errorf("a second active account: %v", err)
		}
		for _, who := range []*desk.User{f.riley, f.other} {
			if _, err := f.svc.Transfers().SFTPAccounts(ctx, f.as(t, who), f.caseID); err == nil {
				t.Errorf("%s sees the SFTP credentials", who.Email)
			}
		}

		if _, err := dial(f.addr, acct.Username, "wrong-password"); err == nil {
			t.Error("a wrong password logged in")
		}
		if _, err := dial(f.addr, "nobody", acct.Password); err == nil {
			t.Error("an unknown user logged in")
		}
		conn, err := dial(f.addr, acct.Username, acct.Password)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// No shell, no command, no port forwarding.
		if sess, err := conn.NewSession(); err == nil {
			if err := sess.Run("cat /etc/passwd"); err == nil {
				t.Error("a command ran")
			}
			sess.Close()
		}
		if c, err := conn.Dial("tcp", f.addr); err == nil {
			c.Close()
			t.Error("port forwarding worked")
		}
		if _, err := conn.Listen("tcp", "127.0.0.1:0"); err == nil {
			t.Error("remote port forwarding worked")
		}

		client, err := sftp.NewClient(conn)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		content := strings.Repeat("2026-11-23 12:00:00 SIP INVITE 481 Call/Transaction Does Not Exist\n", 20000)
		w, err := client.Create("../../../etc/../trace.log")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ReadFrom(strings.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		for name, try := range map[string]func() error{
			"symlink":  func() error { return client.Symlink("/etc/passwd", "passwd") },
			"mkdir":    func() error { return client.Mkdir("sub") },
			"remove":   func() error { return client.Remove("trace.log") },
			"rename":   func() error { return client.Rename("trace.log", "../x.log") },
			"download": func() error { _, err := client.Open("trace.log"); return err },
			"list ..":  func() error { _, err := client.ReadDir("../.."); return err },
		} {
			if err := try(); err == nil && name != "list .." {
				t.Errorf("%s worked", name)
			}
		}
		// ".." from the root is the root: the area, nothing else.
		entries, err := client.ReadDir("/../..")
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Name() != "trace.log" || entries[0].Size() != int64(len(content)) {
			t.Errorf("the area lists %v", entries)
		}
		list, err := f.store.CaseFiles(ctx, f.caseID)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		if len(list) != 1 || list[0].Name != "trace.log" || list[0].Source != "sftp" || list[0].SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("case files %+v", list)
		}

		// OpenSSH's sftp client, password by SSH_ASKPASS.
		if sftpBin, err := exec.LookPath("sftp"); err == nil {
			dir := t.TempDir()
			local := filepath.Join(dir, "capture.pcap")
			if err := os.WriteFile(local, []byte(strings.Repeat("pcap\x00\x01", 300000)), 0o600); err != nil {
				t.Fatal(err)
			}
			askpass := filepath.Join(dir, "askpass")
			if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho '"+acct.Password+"'\n"), 0o700); err != nil { //nolint:gosec // an executable script
				t.Fatal(err)
			}
			host, port, _ := net.SplitHostPort(f.addr)
			cmd := exec.CommandContext(ctx, sftpBin, "-P", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
				acct.Username+"@"+host)
			cmd.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
			cmd.Stdin = strings.NewReader("put " + local + "\nls -l\ncd ..\nput " + local + " ../../escape.pcap\nbye\n")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("OpenSSH sftp: %v\n%s", err, out)
			}
			list, _ = f.store.CaseFiles(ctx, f.caseID)
			names := map[string]bool{}
			for _, cf := range list {
				names[cf.Name] = true
			}
			if !names["capture.pcap"] || !names["escape.pcap"] || len(list) != 3 {
				t.Errorf("after OpenSSH sftp the case has %v\n%s", names, out)
			}
		} else if os.Getenv("CASEPORT_TEST_BROWSER") != "" {
			t.Fatal("OpenSSH's sftp client is missing (apt-get install openssh-client)")
		}

		// Expired: refused, and shown as ended.
		f.time.Set(f.time.Now().Add(support.SFTPLifetime + time.Minute))
		if _, err := dial(f.addr, acct.Username, acct.Password); err == nil {
			t.Error("an expired account logged in")
		}
		// A new account; the case closes; the login ends.
		acct2, err := f.svc.Transfers().CreateSFTPAccount(ctx, f.as(t, f.agent), f.caseID)
		if err != nil {
			t.Fatal(err)
		}
		accounts, err := f.svc.Transfers().SFTPAccounts(ctx, f.as(t, f.agent), f.caseID)
		if err != nil || len(accounts) != 2 || accounts[1].EndedAt.IsZero() || accounts[1].Password != "" {
			t.Errorf("the expired account is not shown as ended with its password wiped: %+v %v", accounts, err)
		}
		if err := f.svc.Cases().Close(ctx, dana, f.caseID, desk.SubResolved, "Fixed."); err != nil {
			t.Fatal(err)
		}
		if _, err := dial(f.addr, acct2.Username, acct2.Password); err == nil {
			t.Error("an account of a closed case logged in")
		}
	})
}
