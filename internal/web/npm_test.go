package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// npmPackages are the test tools under testdata/<name> that come from the
// npm registry, each installed once per run with `npm ci` from its
// package-lock.json (so the versions are pinned) into the user's cache
// directory, never into the tree.
var npmPackages sync.Map // name → *npmInstall

type npmInstall struct {
	once sync.Once
	dir  string
	err  error
}

// npmDir is the directory where testdata/<name>'s packages are installed,
// with the files of testdata/<name> beside them; installed tells it holds
// the install (a file under node_modules). Without node and npm the test
// is skipped, unless CASEPORT_TEST_NODE is set: then it fails.
func npmDir(t *testing.T, name, installed string) string {
	t.Helper()
	_, nerr := exec.LookPath("node")
	_, perr := exec.LookPath("npm")
	if nerr != nil || perr != nil {
		if os.Getenv("CASEPORT_TEST_NODE") != "" {
			t.Fatalf("CASEPORT_TEST_NODE is set but node or npm is missing: %v %v", nerr, perr)
		}
		t.Skipf("node and npm are needed for testdata/%s; set CASEPORT_TEST_NODE=1 to require them", name)
	}
	v, _ := npmPackages.LoadOrStore(name, &npmInstall{})
	in := v.(*npmInstall)
	in.once.Do(func() { in.dir, in.err = installNPM(name, installed) })
	if in.err != nil {
		t.Fatalf("installing testdata/%s: %v", name, in.err)
	}
	return in.dir
}

func installNPM(name, installed string) (string, error) {
	src := filepath.Join("testdata", name)
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(lock)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "caseport-tests", name+"-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	files, err := os.ReadDir(src)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if f.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, f.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f.Name()), b, 0o600)
		}
		if err != nil {
			return "", err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", installed)); err == nil {
		return dir, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm ci: %s: %w", out, err)
	}
	return dir, nil
}
