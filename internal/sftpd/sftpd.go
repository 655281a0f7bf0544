// Package sftpd is Caseport's SFTP server for temporary SFTP accounts
// (caseport serve --sftp-addr). A login is one case's account; what it
// sees is a flat, virtual upload area of that case: the files sent through
// it so far, and room for new ones. There is no shell, no command, no
// port forwarding, no link, rename or delete, and no path that leads
// anywhere else: names are only names, the bytes go where Caseport keeps
// every case file.
package sftpd

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Server serves SFTP for temporary accounts.
type Server struct {
	transfers *support.Transfers
	log       *slog.Logger

	config *ssh.ServerConfig
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// LoadHostKey reads the server's host key from file, making one (ed25519)
// the first time, so clients see the same key across restarts.
func LoadHostKey(file string) (ssh.Signer, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		block, err := ssh.MarshalPrivateKey(priv, "caseport sftp host key")
		if err != nil {
			return nil, err
		}
		b = pem.EncodeToMemory(block)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			return nil, fmt.Errorf("SFTP host key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("SFTP host key: %w", err)
	}
	return ssh.ParsePrivateKey(b)
}

// New returns a server with a host key over the transfer area.
func New(transfers *support.Transfers, log *slog.Logger, hostKey ssh.Signer) *Server {
	s := &Server{transfers: transfers, log: log, conns: map[net.Conn]struct{}{}}
	s.config = &ssh.ServerConfig{
		PasswordCallback: func(meta ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
			a, err := transfers.SFTPLogin(context.Background(), meta.User(), string(password), meta.RemoteAddr().String())
			if err != nil {
				return nil, err
			}
			return &ssh.Permissions{Extensions: map[string]string{"account": a.Username}}, nil
		},
		MaxAuthTries:  3,
		ServerVersion: "SSH-2.0-Caseport",
	}
	s.config.AddHostKey(hostKey)
	return s
}

// Serve accepts connections until the listener closes.
func (s *Server) Serve(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go s.handle(conn)
	}
}

// Close ends every open connection.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
}

func (s *Server) handle(conn net.Conn) {
	s.mu.Lock()
	s.conns[conn] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		conn.Close()
	}()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // for the handshake
	sc, chans, reqs, err := ssh.NewServerConn(conn, s.config)
	if err != nil {
		return
	}
	_ = conn.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs) // no port forwarding: global requests are refused
	ctx := context.Background()
	a, err := s.transfers.SFTPAccount(ctx, sc.Permissions.Extensions["account"])
	if err != nil {
		return
	}
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.Prohibited, "only SFTP")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			continue
		}
		go s.session(ctx, a, ch, requests)
	}
}

// session serves one channel: the sftp subsystem and nothing else.
func (s *Server) session(ctx context.Context, a *desk.SFTPAccount, ch ssh.Channel, requests <-chan *ssh.Request) {
	defer ch.Close()
	for req := range requests {
		ok := req.Type == "subsystem" && len(req.Payload) >= 4 && string(req.Payload[4:]) == "sftp"
		_ = req.Reply(ok, nil)
		if !ok {
			continue
		}
		area := &area{s: s, a: a, ctx: ctx}
		srv := sftp.NewRequestServer(ch, sftp.Handlers{FileGet: area, FilePut: area, FileCmd: area, FileList: area})
		if err := srv.Serve(); err != nil && !errors.Is(err, io.EOF) {
			s.log.InfoContext(ctx, "SFTP session ended", "user", a.Username, "err", err)
		}
		srv.Close()
		return
	}
}

// area is the upload area one account sees.
type area struct {
	s   *Server
	a   *desk.SFTPAccount
	ctx context.Context
}

var errDenied = sftp.ErrSSHFxPermissionDenied

// Fileread refuses downloads: the area is for sending files to support.
func (ar *area) Fileread(*sftp.Request) (io.ReaderAt, error) { return nil, errDenied }

// Filewrite starts a new file in the upload area.
func (ar *area) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	name := path.Base(r.Filepath)
	if name == "/" || name == "." {
		return nil, errDenied
	}
	if !ar.stillActive() {
		return nil, errDenied
	}
	id, f, err := ar.s.transfers.StartSFTPFile()
	if err != nil {
		return nil, err
	}
	return &incoming{ar: ar, id: id, name: name, f: f}, nil
}

// stillActive checks the account again: it may have expired, or its case
// closed, since the login.
func (ar *area) stillActive() bool {
	a, err := ar.s.transfers.SFTPAccount(ar.ctx, ar.a.Username)
	return err == nil && ar.s.transfers.SFTPAccountActive(a)
}

// Filecmd refuses every change: no rename, delete, link or directory.
// Setting times or modes is accepted and ignored (clients do it after an
// upload with -p).
func (ar *area) Filecmd(r *sftp.Request) error {
	if r.Method == "Setstat" {
		return nil // clients set times after an upload; harmless to ignore
	}
	return errDenied
}

// Filelist lists the files sent through SFTP to the case.
func (ar *area) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	switch r.Method {
	case "List":
		if r.Filepath != "/" {
			return nil, os.ErrNotExist
		}
		return ar.list()
	case "Stat":
		if r.Filepath == "/" {
			return listerAt{dirInfo{}}, nil
		}
		all, err := ar.list()
		if err != nil {
			return nil, err
		}
		for _, fi := range all {
			if "/"+fi.Name() == r.Filepath {
				return listerAt{fi}, nil
			}
		}
		return nil, os.ErrNotExist
	}
	return nil, errDenied
}

func (ar *area) list() (listerAt, error) {
	list, err := ar.s.transfers.SFTPFiles(ar.ctx, ar.a)
	if err != nil {
		return nil, err
	}
	var out listerAt
	for _, f := range list {
		if f.Source == "sftp" && f.PurgedAt.IsZero() {
			out = append(out, fileInfo{name: path.Base(f.Name), size: f.Size, mod: f.CreatedAt})
		}
	}
	return out, nil
}

// incoming is a file being written. SFTP clients send chunks out of order,
// so it is written at offsets and hashed once complete.
type incoming struct {
	ar     *area
	id     string
	name   string
	f      *os.File
	mu     sync.Mutex
	broken bool
}

func (in *incoming) WriteAt(p []byte, off int64) (int, error) { return in.f.WriteAt(p, off) }

// TransferError is called when the session breaks with the file open: the
// file is incomplete and is not kept.
func (in *incoming) TransferError(error) {
	in.mu.Lock()
	in.broken = true
	in.mu.Unlock()
}

func (in *incoming) Close() error {
	err := in.f.Close()
	in.mu.Lock()
	broken := in.broken
	in.mu.Unlock()
	t := in.ar.s.transfers
	if broken || err != nil {
		_ = t.DropSFTPFile(in.id)
		return err
	}
	if _, err := t.SFTPFileDone(in.ar.ctx, in.ar.a, in.id, in.name); err != nil {
		_ = t.DropSFTPFile(in.id)
		in.ar.s.log.ErrorContext(in.ar.ctx, "SFTP file", "user", in.ar.a.Username, "err", err)
		return err
	}
	return nil
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(out []os.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(out, l[offset:])
	if n < len(out) {
		return n, io.EOF
	}
	return n, nil
}

type fileInfo struct {
	name string
	size int64
	mod  time.Time
}

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) Mode() fs.FileMode  { return 0o440 }
func (f fileInfo) ModTime() time.Time { return f.mod }
func (f fileInfo) IsDir() bool        { return false }
func (f fileInfo) Sys() any           { return nil }

type dirInfo struct{}

func (dirInfo) Name() string       { return "/" }
func (dirInfo) Size() int64        { return 0 }
func (dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o750 }
func (dirInfo) ModTime() time.Time { return time.Time{} }
func (dirInfo) IsDir() bool        { return true }
func (dirInfo) Sys() any           { return nil }
