// Command caseport runs the Caseport support portal.
//
//	caseport serve [--addr 127.0.0.1:8080] [--data DIR] [--db URL] [--demo]
//	caseport migrate [--data DIR] [--db URL]
//	caseport user create --staff|--contact …
//	caseport kb import FILE|DIR --as EMAIL [--dry-run] [--data DIR] [--db URL]
//	caseport mask [--rules FILE] [--consistent] [--gzip] [IN [OUT]]
//	caseport bench [--cases N] [--data DIR] [--db URL] [--url URL] [--concurrency 8] …
//	caseport version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/inbound"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/mailer"
	"github.com/caseport/caseport/internal/sftpd"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/web"
	"github.com/caseport/caseport/internal/worker"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "caseport:", err)
		}
		os.Exit(2)
	}
}

const usage = `usage: caseport <command> [flags]

commands:
  serve     run the portal, the staff console and the API
  migrate   bring the database schema up to date
  user      create users from the command line (user create --help)
  kb        import knowledge items from JSON Lines or Markdown files (kb import --help)
  mask      mask sensitive data in a log before sending it (mask --help)
  bench     load a store of many cases, serve it and measure the API under load (bench --help)
  version   print the version
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], os.Getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], os.Getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args[1:], os.Getenv, stdout, stderr)
	case "kb":
		return kbCmd(ctx, args[1:], os.Getenv, stdout, stderr)
	case "mask":
		return maskCmd(args[1:], stdin, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], os.Getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "caseport", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// openStore opens the store and brings its schema up to date.
func openStore(ctx context.Context, c storeConfig) (*store.Store, error) {
	s, err := store.Open(ctx, c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// prepareBench opens the store of c, loads the bench data set of sh into
// it unless it holds it already, and closes it; it returns the store's
// engine.
func prepareBench(ctx context.Context, c storeConfig, sh *benchdata.Shape, stderr io.Writer) (engine string, err error) {
	s, err := openStore(ctx, c)
	if err != nil {
		return "", err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	fmt.Fprintf(stderr, "bench: the data set %s in %s…\n", sh.Name(), redacted(c.DatabaseURL))
	took, err := benchdata.Prepare(ctx, s, sh)
	switch {
	case err != nil:
		return "", err
	case took == nil:
		fmt.Fprintln(stderr, "bench: the store holds it already")
	default:
		fmt.Fprintf(stderr, "bench: loaded in %s (people %s, cases %s)\n", (took.People + took.Cases).Round(time.Second/10),
			took.People.Round(time.Second/10), took.Cases.Round(time.Second/10))
	}
	return s.Dialect(), nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openStore(ctx, sf.config(getenv))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s schema is up to date\n", s.Dialect())
	return s.Close()
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	return serveConfig(ctx, cfg, stdout, stderr, nil)
}

// serveConfig runs what cfg describes until ctx ends. listening, when not
// nil, is given the portal's address once it is served (caseport bench
// starts the server in its own process).
func serveConfig(ctx context.Context, cfg *Config, stdout, stderr io.Writer, listening func(addr string)) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	s, err := openStore(ctx, cfg.Store)
	if err != nil {
		return err
	}
	defer s.Close()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := cfg.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	mail, err := mailer.New(s, log, cfg.Mail)
	if err != nil {
		return err
	}
	fileStore, err := openFiles(ctx, cfg.S3, cfg.Store.Data)
	if err != nil {
		return err
	}
	defer fileStore.Close()
	// The SFTP listener is open before the service is built, so the
	// address the case pages show is known from the start.
	var sftpLn net.Listener
	var sftpKey ssh.Signer
	if cfg.SFTPAddr != "" {
		sftpKey, err = sftpd.LoadHostKey(filepath.Join(cfg.Store.Data, "sftp_host_key"))
		if err != nil {
			return err
		}
		sftpLn, err = lc.Listen(ctx, "tcp", cfg.SFTPAddr)
		if err != nil {
			return fmt.Errorf("listen for SFTP: %w", err)
		}
		defer sftpLn.Close() // when serve ends early; after a shutdown, a no-op
	}
	// Everything the handlers read is given here, before the first request
	// is served: nothing is changed once serving has started.
	deps := support.Deps{
		Store: s, Log: log, BaseURL: strings.TrimSuffix(base, "/"), MailDomain: mail.Domain(), Files: fileStore,
	}
	if sftpLn != nil {
		deps.SFTPAddress = sftpLn.Addr().String()
	}
	svc := support.New(deps)
	grace := cfg.ShutdownGrace
	if grace == 0 {
		grace = -1 // none, as asked (zero would be the worker's default)
	}
	jobs := worker.New(worker.Config{Store: s, Log: log, Grace: grace, Died: svc.Jobs().JobDied})
	// Sending waits on the relay, so several emails go out at once.
	jobs.HandleKind(desk.JobMail, mail.Send, worker.Kind{Runners: 8})
	jobs.Handle(desk.JobInbound, svc.Jobs().ProcessInbound)
	jobs.Handle(support.JobDeadAlert, svc.Jobs().RunDeadJobsAlert)
	jobs.Handle(support.JobPurge, svc.Jobs().RunPurge)
	jobs.Handle(support.JobUploadExpiry, svc.Jobs().RunUploadExpiry)
	jobs.Handle(support.JobSFTPExpiry, svc.Jobs().RunSFTPExpiry)
	jobs.Handle(support.JobFollowUp, svc.Jobs().RunFollowUp)
	jobs.Handle(support.JobSLAWarning, svc.Jobs().RunSLAWarning)
	jobs.Handle(support.JobSLABreach, svc.Jobs().RunSLABreach)
	knowledge := kb.New(kb.Deps{Store: s, Files: fileStore, BaseURL: deps.BaseURL, Mail: svc.Jobs().QueueMail})
	jobs.Handle(kb.JobAlerts, knowledge.RunAlerts)
	if err := knowledge.ScheduleAlerts(ctx); err != nil {
		return err
	}
	s.OnSchedule(jobs.Wake)
	if cfg.Demo {
		if err := loadDemo(ctx, s, stdout); err != nil {
			return err
		}
	}
	var sftpSrv *sftpd.Server
	if sftpLn != nil {
		sftpSrv = sftpd.New(svc.Transfers(), log, sftpKey)
	}
	srv, err := web.New(web.Config{Service: svc, Knowledge: knowledge, Log: log, SecureCookies: strings.HasPrefix(base, "https://"), TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Caseport is running at http://%s/ (%s store)\n", ln.Addr(), s.Dialect())
	if !mail.Relaying() {
		fmt.Fprintln(stdout, "No SMTP relay (--smtp-relay): outgoing mail stays in the console's outbox.")
	}
	// Everything serve starts ends with ctx and is joined before serve
	// returns, so a stop loses no request, message or job.
	ctx, stopAll := context.WithCancel(ctx)
	defer stopAll()
	var running sync.WaitGroup
	drains := []func(context.Context) error{func(ctx context.Context) error {
		if err := hs.Shutdown(ctx); err != nil {
			return fmt.Errorf("requests still running: %w", errors.Join(err, hs.Close()))
		}
		return nil
	}}
	errc := make(chan error, 3)
	go func() { errc <- hs.Serve(ln) }()
	if listening != nil {
		listening(ln.Addr().String())
	}
	// Searches read the tables until the memory of the knowledge items
	// is read (seconds at 100,000 items).
	running.Go(func() {
		if err := knowledge.Warm(ctx); err != nil && ctx.Err() == nil {
			log.Warn("knowledge search memory", "error", err)
		}
	})
	if cfg.SMTPAddr != "" {
		mailLn, err := lc.Listen(ctx, "tcp", cfg.SMTPAddr)
		if err != nil {
			return fmt.Errorf("listen for mail: %w", err)
		}
		ml := inbound.NewListener(mail.Domain(), cfg.LMTP, log, svc.Mail().ReceiveMail)
		running.Go(func() {
			if err := ml.Serve(mailLn); err != nil {
				errc <- fmt.Errorf("mail listener: %w", err)
			}
		})
		drains = append(drains, func(ctx context.Context) error {
			if err := ml.Shutdown(ctx); err != nil {
				// A message is answered only once it is kept: one cut off
				// here is sent again by its server.
				return fmt.Errorf("mail sessions still open: %w", errors.Join(err, ml.Close()))
			}
			return nil
		})
		defer ml.Close() // when serve ends early; after a shutdown, a no-op
		fmt.Fprintf(stdout, "Accepting mail for the support address on %s.\n", mailLn.Addr())
	}
	if sftpSrv != nil {
		running.Go(func() {
			if err := sftpSrv.Serve(sftpLn); err != nil {
				errc <- fmt.Errorf("SFTP server: %w", err)
			}
		})
		// An SFTP transfer cut off here resumes where it stopped: the
		// upload keeps every byte written so far.
		drains = append(drains, func(context.Context) error {
			err := sftpLn.Close()
			sftpSrv.Close()
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		})
		fmt.Fprintf(stdout, "Serving temporary SFTP accounts on %s.\n", sftpLn.Addr())
	}
	if cfg.IMAP != "" {
		poller, err := inbound.NewPoller(cfg.IMAP, cfg.IMAPEvery, log, svc.Mail().ReceiveMail)
		if err != nil {
			return err
		}
		running.Go(func() { poller.Run(ctx) })
		fmt.Fprintf(stdout, "Fetching mail for the support address from IMAP every %s.\n", cfg.IMAPEvery)
	}
	running.Go(func() { jobs.Run(ctx) })
	var serveErr error
	select {
	case err := <-errc:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		fmt.Fprintln(stdout, "Stopping: finishing requests and running jobs.")
	}
	return errors.Join(serveErr, shutdown(stopAll, &running, cfg.ShutdownGrace, drains))
}

// shutdown stops serve within grace: no new connections; HTTP requests
// and SMTP sessions in flight (drains) and running jobs finish (a job
// still running at the end is released to run again); the goroutines
// serve started (the mail listener, the IMAP poller, the worker) end.
func shutdown(stopAll context.CancelFunc, running *sync.WaitGroup, grace time.Duration, drains []func(context.Context) error) error {
	stopAll()
	stopped := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	errs := make([]error, len(drains)+1)
	var drained sync.WaitGroup
	for i, drain := range drains {
		drained.Go(func() { errs[i] = drain(ctx) })
	}
	drained.Wait()
	joined := make(chan struct{})
	go func() { running.Wait(); close(joined) }()
	// The worker gives its jobs the grace and then releases them, which
	// takes a moment more.
	select {
	case <-joined:
	case <-time.After(time.Until(stopped.Add(grace + 10*time.Second))):
		errs[len(drains)] = fmt.Errorf("jobs or the IMAP poller still running %s after the stop", grace+10*time.Second)
	}
	return errors.Join(errs...)
}

// fileStore is a files.Store that holds something open.
type fileStore interface {
	files.Store
	Close() error
}

// openFiles opens the file store: a directory under the data directory,
// or an S3-compatible bucket (with uploads in progress still under the
// data directory: objects cannot be appended to).
func openFiles(ctx context.Context, s3 *files.S3Config, data string) (fileStore, error) {
	if s3 == nil {
		return files.OpenLocal(filepath.Join(data, "files"))
	}
	return files.OpenS3(ctx, *s3, filepath.Join(data, "uploads"))
}

// loadDemo loads the demo world into an empty store and prints the logins.
func loadDemo(ctx context.Context, s *store.Store, stdout io.Writer) error {
	w, err := demo.LoadIfEmpty(ctx, s, time.Now())
	if err != nil {
		return err
	}
	if w != nil {
		fmt.Fprintln(stdout, "Loaded the demo world.")
	} else {
		fmt.Fprintln(stdout, "The store already holds data: the demo world was not loaded again.")
	}
	fmt.Fprintf(stdout, "Demo logins (password %q):\n", demo.Password)
	for _, l := range demo.Logins {
		fmt.Fprintf(stdout, "  %-40s %s\n", l.Email, l.Role)
	}
	return nil
}
