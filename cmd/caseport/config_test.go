package main

import (
	"bytes"
	"errors"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/mailer"
)

// envOf is a getenv over a map.
func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestConfigSources: a flag given wins, else its environment variable,
// else its default; the store's URL comes from --db, CASEPORT_DATABASE_URL
// or the data directory; S3 credentials come from AWS_*.
func TestConfigSources(t *testing.T) {
	t.Parallel()
	defaults := Config{
		Store:         storeConfig{Data: "./caseport-data", DatabaseURL: "sqlite://caseport-data/caseport.db"},
		Addr:          "127.0.0.1:8080",
		ShutdownGrace: 25 * time.Second,
		Mail:          mailer.Config{From: "Caseport Support <support@caseport.invalid>"},
		IMAPEvery:     time.Minute,
	}
	with := func(change func(c *Config)) Config {
		c := defaults
		change(&c)
		return c
	}
	fullEnv := map[string]string{
		"CASEPORT_DATABASE_URL":    "postgres://db.example/caseport",
		"CASEPORT_SMTP_RELAY":      "smtp://relay.example:587",
		"CASEPORT_IMAP":            "imaps://support:secret@imap.example/INBOX",
		"CASEPORT_FILES":           "s3://cases/prod?endpoint=http://minio.example:9000&path_style=true",
		"CASEPORT_TRUSTED_PROXIES": "10.0.0.0/8",
		"AWS_ACCESS_KEY_ID":        "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY":    "example-secret",
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{"defaults", nil, nil, defaults},
		{"data directory names the SQLite file", []string{"--data", "/var/lib/caseport"}, nil, with(func(c *Config) {
			c.Store = storeConfig{Data: "/var/lib/caseport", DatabaseURL: "sqlite:///var/lib/caseport/caseport.db"}
		})},
		{"environment", nil, fullEnv, with(func(c *Config) {
			c.Store.DatabaseURL = "postgres://db.example/caseport"
			c.Mail.Relay = "smtp://relay.example:587"
			c.IMAP = "imaps://support:secret@imap.example/INBOX"
			c.S3 = &files.S3Config{
				Endpoint: "http://minio.example:9000", Region: "us-east-1", Bucket: "cases", Prefix: "prod", PathStyle: true,
				AccessKey: "AKIDEXAMPLE", SecretKey: "example-secret",
			}
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		})},
		{"flags win over the environment", []string{
			"--db", "sqlite:///tmp/x.db", "--smtp-relay", "", "--imap", "", "--files", "", "--trusted-proxies", "192.0.2.1",
		}, fullEnv, with(func(c *Config) {
			c.Store.DatabaseURL = "sqlite:///tmp/x.db"
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}
		})},
		{"every flag", []string{
			"--addr", "0.0.0.0:80", "--demo", "--shutdown-grace", "5s", "--base-url", "https://support.example",
			"--mail-from", "Support <support@example.com>", "--smtp-addr", ":25", "--lmtp", "--imap-every", "30s",
			"--sftp-addr", ":2222",
		}, nil, with(func(c *Config) {
			c.Addr, c.Demo, c.ShutdownGrace, c.BaseURL = "0.0.0.0:80", true, 5*time.Second, "https://support.example"
			c.Mail.From, c.SMTPAddr, c.LMTP, c.IMAPEvery, c.SFTPAddr = "Support <support@example.com>", ":25", true, 30*time.Second, ":2222"
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := loadConfig(tc.args, envOf(tc.env), &bytes.Buffer{})
			if err != nil {
				t.Fatalf("loadConfig(%q) = %v", tc.args, err)
			}
			if diff := cmp.Diff(&tc.want, got, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
				t.Errorf("loadConfig(%q) (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

// TestConfigRefusals: a bad value stops serve before it opens anything,
// with a message that names the flag or variable and says what it wants;
// every problem is told at once, and no password is repeated.
func TestConfigRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string // parts of the message
	}{
		{"address without port", []string{"--addr", "localhost"}, nil, []string{`--addr "localhost": want HOST:PORT`}},
		{"SMTP address", []string{"--smtp-addr", "mail"}, nil, []string{`--smtp-addr "mail": want HOST:PORT`}},
		{"SFTP address", []string{"--sftp-addr", "2222"}, nil, []string{`--sftp-addr "2222": want HOST:PORT`}},
		{"base URL without scheme", []string{"--base-url", "support.example"}, nil, []string{`--base-url "support.example": want`, "https://"}},
		{"negative grace", []string{"--shutdown-grace", "-1s"}, nil, []string{"--shutdown-grace -1s: want a duration of zero or more"}},
		{"negative IMAP interval", []string{"--imap-every", "-1m"}, nil, []string{"--imap-every -1m0s: want a positive duration"}},
		{"sender", []string{"--mail-from", "support"}, nil, []string{`--mail-from "support": want an address`}},
		{"relay flag", []string{"--smtp-relay", "http://user:hunter2@relay.example"}, nil, []string{
			`--smtp-relay "http://user:xxxxx@relay.example": want smtp://`,
		}},
		{"relay from the environment", nil, map[string]string{"CASEPORT_SMTP_RELAY": "relay.example:25"}, []string{
			"CASEPORT_SMTP_RELAY", "want smtp://",
		}},
		{"IMAP without user", nil, map[string]string{"CASEPORT_IMAP": "imaps://imap.example/INBOX"}, []string{
			`CASEPORT_IMAP "imaps://imap.example/INBOX": want imaps://user:password@host/INBOX`,
		}},
		{"files", []string{"--files", "ftp://x"}, nil, []string{"--files: file store", "s3://BUCKET"}},
		{"files from the environment", nil, map[string]string{"CASEPORT_FILES": "/srv/files"}, []string{"CASEPORT_FILES: file store"}},
		{"half the S3 credentials", []string{"--files", "s3://cases"}, map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"}, []string{
			"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: give both",
		}},
		{"trusted proxies", nil, map[string]string{"CASEPORT_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"}, []string{
			`CASEPORT_TRUSTED_PROXIES: trusted proxy "proxy.example" is neither an address nor a CIDR range`,
		}},
		{"all at once", []string{"--addr", "x", "--base-url", "ftp://x", "--mail-from", ""}, nil, []string{"--addr", "--base-url", "--mail-from"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadConfig(tc.args, envOf(tc.env), &bytes.Buffer{})
			if err == nil {
				t.Fatalf("loadConfig(%q, %v) = nil error, want %q", tc.args, tc.env, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("loadConfig(%q, %v) = %q, want it to say %q", tc.args, tc.env, err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the message shows the relay's password: %q", err)
			}
		})
	}
}

// TestServeHelp: serve -h lists every flag with its environment variable,
// and shows no value taken from the environment (a relay or mailbox URL
// holds a password).
func TestServeHelp(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	env := envOf(map[string]string{"CASEPORT_SMTP_RELAY": "smtp://user:hunter2@relay.example"})
	if _, err := loadConfig([]string{"-h"}, env, &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("serve -h = %v, want flag.ErrHelp", err)
	}
	help := out.String()
	for _, want := range []string{
		"-addr", "-base-url", "-data", "-db", "-demo", "-files", "-imap", "-imap-every", "-lmtp", "-mail-from",
		"-sftp-addr", "-shutdown-grace", "-smtp-addr", "-smtp-relay", "-trusted-proxies",
		"CASEPORT_DATABASE_URL", "CASEPORT_SMTP_RELAY", "CASEPORT_IMAP", "CASEPORT_FILES", "CASEPORT_TRUSTED_PROXIES",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", `(default "127.0.0.1:8080")`,
	} {
		if !strings.Contains(help, want) {
			t.Errorf("serve -h does not show %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "hunter2") {
		t.Errorf("serve -h shows a value from the environment:\n%s", help)
	}
}

// TestOnlyCmdReadsTheEnvironment: no package under internal reads the
// environment; cmd reads it into the Config and passes values down. The
// test helpers (storetest, browsertest) are the exception: they read
// what the test run is given.
func TestOnlyCmdReadsTheEnvironment(t *testing.T) {
	t.Parallel()
	helpers := map[string]bool{"storetest": true, "browsertest": true}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join("..", "..", "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if helpers[d.Name()] || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "os" {
				switch sel.Sel.Name {
				case "Getenv", "LookupEnv", "Environ", "ExpandEnv":
					t.Errorf("%s: os.%s: only cmd/caseport reads the environment (into its Config)", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
