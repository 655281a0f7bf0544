package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/mailer"
	"github.com/caseport/caseport/internal/web"
)

// The environment variables caseport reads. Each one stands in for its
// flag when the flag is not given; AWS_* have no flag.
const (
	envDatabaseURL    = "CASEPORT_DATABASE_URL"
	envSMTPRelay      = "CASEPORT_SMTP_RELAY"
	envIMAP           = "CASEPORT_IMAP"
	envFiles          = "CASEPORT_FILES"
	envTrustedProxies = "CASEPORT_TRUSTED_PROXIES"
	envAWSKeyID       = "AWS_ACCESS_KEY_ID"
	envAWSSecret      = "AWS_SECRET_ACCESS_KEY"
)

// Config is what caseport serve is told, read once when it starts: each
// flag given on the command line, else its environment variable where it
// has one, else its default. loadConfig checks all of it and names the
// flag or variable that is wrong and why; serve hands its parts to the
// packages it wires, and no package below cmd reads the environment.
type Config struct {
	Store storeConfig
	// Addr is where the portal listens (HOST:PORT).
	Addr string
	// BaseURL is the portal's public address; empty: http://ADDR once
	// listening.
	BaseURL       string
	Demo          bool
	ShutdownGrace time.Duration
	Mail          mailer.Config
	// SMTPAddr is where mail for the support address is accepted (empty:
	// off), over LMTP when LMTP is set.
	SMTPAddr string
	LMTP     bool
	// IMAP is the mailbox to fetch the support address's mail from (empty:
	// off), every IMAPEvery.
	IMAP      string
	IMAPEvery time.Duration
	// S3 is the bucket of case files, with its credentials; nil keeps them
	// under the data directory.
	S3 *files.S3Config
	// SFTPAddr is where temporary SFTP accounts log in (empty: off).
	SFTPAddr       string
	TrustedProxies []netip.Prefix
}

// storeConfig says where the store is; every command that opens it
// shares it.
type storeConfig struct {
	// Data is the directory of the embedded database, files and keys.
	Data string
	// DatabaseURL is sqlite://PATH or postgres://….
	DatabaseURL string
}

// storeFlags are the flags of storeConfig.
type storeFlags struct {
	data string
	db   string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "./caseport-data", "directory for the embedded database and files")
	fs.StringVar(&f.db, "db", "", "database URL: sqlite://PATH or postgres://… (default sqlite://DATA/caseport.db; env "+envDatabaseURL+")")
}

// config is where the store is: --db, else CASEPORT_DATABASE_URL, else
// the SQLite file in the data directory.
func (f *storeFlags) config(getenv func(string) string) storeConfig {
	c := storeConfig{Data: f.data, DatabaseURL: f.db}
	if c.DatabaseURL == "" {
		c.DatabaseURL = getenv(envDatabaseURL)
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite://" + filepath.Join(f.data, "caseport.db")
	}
	return c
}

// loadConfig reads serve's flags from args, then the environment through
// getenv, and checks the result. Every problem found is in the error, each
// naming its flag or variable.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	var sf storeFlags
	sf.register(fs)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.BoolVar(&c.Demo, "demo", false, "load the demo world into an empty store")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 25*time.Second, "on SIGTERM or SIGINT, how long requests, mail sessions and running jobs have to finish")
	fs.StringVar(&c.BaseURL, "base-url", "", "public address of the portal, for links in emails (default http://ADDR)")
	fs.StringVar(&c.Mail.Relay, "smtp-relay", "", "SMTP relay for outgoing mail, smtp://[user:password@]host[:port] (env "+envSMTPRelay+"); none keeps mail in the outbox")
	fs.StringVar(&c.Mail.From, "mail-from", "Caseport Support <support@caseport.invalid>", "sender of outgoing mail")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", "", "accept mail for the support address over SMTP on HOST:PORT (off by default)")
	fs.BoolVar(&c.LMTP, "lmtp", false, "speak LMTP instead of SMTP on --smtp-addr (behind a mail server)")
	fs.StringVar(&c.IMAP, "imap", "", "fetch the support address's mail from an IMAP mailbox, imaps://user:password@host/INBOX (env "+envIMAP+")")
	fs.DurationVar(&c.IMAPEvery, "imap-every", time.Minute, "how often to fetch from --imap")
	filesURL := fs.String("files", "", "where case files live: empty for DATA/files, or "+
		"s3://BUCKET/PREFIX?endpoint=URL&region=REGION&path_style=true with "+envAWSKeyID+" and "+envAWSSecret+" (env "+envFiles+")")
	fs.StringVar(&c.SFTPAddr, "sftp-addr", "", "serve temporary SFTP accounts on HOST:PORT (off by default)")
	proxies := fs.String("trusted-proxies", "", "reverse proxies whose Forwarded / X-Forwarded-For name the client, ADDR or CIDR,… (env "+envTrustedProxies+")")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c.Store = sf.config(getenv)
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	// origin names where a value came from, for messages.
	origin := map[string]string{}
	for _, v := range []struct {
		flag, env string
		value     *string
	}{
		{"smtp-relay", envSMTPRelay, &c.Mail.Relay},
		{"imap", envIMAP, &c.IMAP},
		{"files", envFiles, filesURL},
		{"trusted-proxies", envTrustedProxies, proxies},
	} {
		origin[v.flag] = "--" + v.flag
		if !given[v.flag] {
			if env := getenv(v.env); env != "" {
				*v.value, origin[v.flag] = env, v.env
			}
		}
	}

	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, a := range []struct{ flag, value string }{{"addr", c.Addr}, {"smtp-addr", c.SMTPAddr}, {"sftp-addr", c.SFTPAddr}} {
		if a.value == "" && a.flag != "addr" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.value); err != nil {
			bad("--%s %q: want HOST:PORT (a port of 0 picks a free one)", a.flag, a.value)
		}
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("--base-url %q: want the portal's public address, http://HOST[:PORT] or https://…", c.BaseURL)
		}
	}
	if c.ShutdownGrace < 0 {
		bad("--shutdown-grace %s: want a duration of zero or more, e.g. 25s", c.ShutdownGrace)
	}
	if c.IMAPEvery < 0 {
		bad("--imap-every %s: want a positive duration, e.g. 1m", c.IMAPEvery)
	}
	if _, err := mail.ParseAddress(c.Mail.From); err != nil {
		bad("--mail-from %q: want an address, e.g. Caseport Support <support@example.com> (%v)", c.Mail.From, err)
	}
	if c.Mail.Relay != "" {
		if u, err := url.Parse(c.Mail.Relay); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			bad("%s %s: want smtp://[user:password@]host[:port] or smtps://…", origin["smtp-relay"], redacted(c.Mail.Relay))
		}
	}
	if c.IMAP != "" {
		if u, err := url.Parse(c.IMAP); err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Hostname() == "" || u.User.Username() == "" {
			bad("%s %s: want imaps://user:password@host/INBOX", origin["imap"], redacted(c.IMAP))
		}
	}
	if *filesURL != "" {
		s3, err := files.ParseS3URL(*filesURL)
		if err != nil {
			bad("%s: %w", origin["files"], err)
		} else {
			s3.AccessKey, s3.SecretKey = getenv(envAWSKeyID), getenv(envAWSSecret)
			c.S3 = &s3
			if (s3.AccessKey == "") != (s3.SecretKey == "") {
				bad("%s and %s: give both for the S3 file store, or neither", envAWSKeyID, envAWSSecret)
			}
		}
	}
	tp, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		bad("%s: %w", origin["trusted-proxies"], err)
	}
	c.TrustedProxies = tp
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// redacted is a URL for a message, without its password.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable)"
	}
	return fmt.Sprintf("%q", u.Redacted())
}

// benchConfig is what caseport bench is told: the store to prepare and
// serve (or the address of a server already running on one), the size of
// its data set, and how hard and how long to drive each request class.
type benchConfig struct {
	Store storeConfig
	// Cases is the size of the data set (benchdata.New).
	Cases int
	// URL is a running server's address; empty: prepare Store and serve it
	// in this process.
	URL         string
	Concurrency int
	// Warmup runs before each class is measured; Duration is how long it
	// is measured, unless Requests says how many requests.
	Warmup, Duration time.Duration
	Requests         int
	// Classes are the request classes to run, in their order.
	Classes []string
	// CPUProfile, when not empty, starts the names of the files of the CPU
	// profiles of each class's measured requests, in this process (the
	// server's too, when it runs here): CPUProfile + class + ".pprof".
	CPUProfile string
}

// loadBenchConfig reads bench's flags. Without --data the data directory
// (and, without --db, the SQLite store in it) is kept in the user's cache
// directory, one per data set, so that a later run finds it built.
func loadBenchConfig(args []string, getenv func(string) string, stderr io.Writer) (*benchConfig, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c benchConfig
	var sf storeFlags
	sf.register(fs)
	fs.IntVar(&c.Cases, "cases", 1_000_000, "cases in the data set: the store is loaded with it unless it holds it already")
	fs.StringVar(&c.URL, "url", "", "drive the server at this address (loaded by caseport bench with the same --cases) instead of serving the store here")
	fs.IntVar(&c.Concurrency, "concurrency", 8, "requests in flight at once")
	fs.DurationVar(&c.Warmup, "warmup", 2*time.Second, "how long each request class runs before it is measured")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "how long each request class is measured")
	fs.IntVar(&c.Requests, "requests", 0, "measure this many requests of each class instead of --duration")
	classes := fs.String("classes", strings.Join(benchClassNames(), ","), "request classes to run, comma-separated")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of each class's measured requests (the server's and the client's, when it serves here) to PREFIX<class>.pprof, for go tool pprof")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !given["data"] {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		sf.data = filepath.Join(dir, "caseport-bench", "http_"+benchdata.New(max(c.Cases, 1)).Name())
	}
	c.Store = sf.config(getenv)
	if c.Cases <= 0 {
		bad("--cases %d: want a number of cases, e.g. 1000000", c.Cases)
	}
	if c.URL != "" {
		if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("--url %q: want a server's address, http://HOST:PORT", c.URL)
		}
		c.URL = strings.TrimSuffix(c.URL, "/")
	}
	if c.Concurrency < 1 {
		bad("--concurrency %d: want 1 or more", c.Concurrency)
	}
	if c.Warmup < 0 {
		bad("--warmup %s: want a duration of zero or more, e.g. 2s", c.Warmup)
	}
	if c.Duration <= 0 && c.Requests == 0 {
		bad("--duration %s: want a positive duration, e.g. 10s", c.Duration)
	}
	if c.Requests < 0 {
		bad("--requests %d: want 1 or more", c.Requests)
	}
	for name := range strings.SplitSeq(*classes, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
		case !slices.Contains(benchClassNames(), name):
			bad("--classes: no class %q; the classes are %s", name, strings.Join(benchClassNames(), ", "))
		default:
			c.Classes = append(c.Classes, name)
		}
	}
	if len(c.Classes) == 0 {
		bad("--classes %q: name at least one of %s", *classes, strings.Join(benchClassNames(), ", "))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}
