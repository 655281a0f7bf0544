package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBench runs caseport bench on a tiny data set: it loads the store,
// serves it and measures every request class for a few requests. Then it
// drives, with --url, a server that serve runs on the same store, and is
// refused when --cases names another data set than the server's.
func TestBench(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	data := t.TempDir()
	var out, errOut strings.Builder
	err := run(ctx, []string{
		"bench", "--data", data, "--cases", "300", "--concurrency", "4", "--warmup", "20ms",
		"--requests", "12",
	}, nil, &out, &errOut)
	if err != nil {
		t.Fatalf("bench = %v\nstderr:\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "bench: loaded in") {
		t.Errorf("bench did not say it loaded the store; stderr:\n%s", errOut.String())
	}
	wantRows(t, out.String(), benchClasses, 12)

	addr := serveOn(t, data)
	t.Run("url", func(t *testing.T) {
		var out, errOut strings.Builder
		profiles := filepath.Join(t.TempDir(), "cpu-")
		err := run(ctx, []string{
			"bench", "--url", addr, "--cases", "300", "--classes", "search-customer-absent,open-case",
			"--warmup", "0s", "--requests", "5", "--cpuprofile", profiles,
		}, nil, &out, &errOut)
		if err != nil {
			t.Fatalf("bench --url = %v\nstderr:\n%s", err, errOut.String())
		}
		if !strings.Contains(out.String(), "the server at "+addr) {
			t.Errorf("bench --url does not name the server it measured:\n%s", out.String())
		}
		wantRows(t, out.String(), []benchClass{benchClassNamed("search-customer-absent"), benchClassNamed("open-case")}, 5)
		for _, class := range []string{"search-customer-absent", "open-case"} {
			if fi, err := os.Stat(profiles + class + ".pprof"); err != nil || fi.Size() == 0 {
				t.Errorf("the CPU profile of %s: %v", class, err)
			}
		}
		// Another data set has customers the server's store does not.
		err = run(ctx, []string{
			"bench", "--url", addr, "--cases", "30000", "--classes", "queue,my-cases",
			"--warmup", "0s", "--requests", "5",
		}, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("bench --url --cases 30000 against a store of 300 = %v, want the tokens refused", err)
		}
	})
}

// wantRows checks that the table has one row per class, in order, each
// with its number of requests and no error.
func wantRows(t *testing.T, table string, classes []benchClass, requests int) {
	t.Helper()
	var rows []string
	for line := range strings.Lines(table) {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| request") {
			rows = append(rows, line)
		}
	}
	if len(rows) != len(classes) {
		t.Fatalf("the table has %d rows, want %d:\n%s", len(rows), len(classes), table)
	}
	for i, c := range classes {
		prefix := fmt.Sprintf("| %s | %d | ", c.What, requests)
		if !strings.HasPrefix(rows[i], prefix) || !strings.HasSuffix(strings.TrimSpace(rows[i]), "| 0 |") {
			t.Errorf("row %d = %q, want %q… with no errors", i, rows[i], prefix)
		}
	}
}

// serveOn runs caseport serve on the data directory until the test ends
// and returns its address.
func serveOn(t *testing.T, data string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--shutdown-grace", "1s"}, nil, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve = %v after its context ended, want nil", err)
		}
	})
	re := regexp.MustCompile(`running at (http://[0-9.:]+)/`)
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			return m[1]
		}
	}
	t.Fatalf("serve on %s printed no address", filepath.Base(data))
	return ""
}

// TestBenchConfig checks that bench's flags are read and refused as
// serve's are: every problem at once, each naming its flag.
func TestBenchConfig(t *testing.T) {
	t.Parallel()
	c, err := loadBenchConfig([]string{"--cases", "2000"}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(c.Store.Data) != "http_cases2_2k" || c.Store.DatabaseURL != "sqlite://"+filepath.Join(c.Store.Data, "caseport.db") {
		t.Errorf("without --data the store is %q in %q, want a directory of the data set's own in the cache", c.Store.DatabaseURL, c.Store.Data)
	}
	if c.Concurrency != 8 || len(c.Classes) != len(benchClasses) {
		t.Errorf("defaults: concurrency %d, classes %v; want 8 and every class", c.Concurrency, c.Classes)
	}
	_, err = loadBenchConfig([]string{"--cases", "0", "--concurrency", "0", "--url", "localhost:8080", "--classes", "queue,frobnicate"},
		envOf(nil), io.Discard)
	for _, want := range []string{"--cases 0", "--concurrency 0", `--url "localhost:8080"`, `no class "frobnicate"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad flags: %v, want it to name %s", err, want)
		}
	}
}
