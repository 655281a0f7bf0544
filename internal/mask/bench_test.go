package mask_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/mask"
)

var sampleOut = flag.String("sample", "", "write the benchmark's log to this file, to time other tools on the same input")

// sampleLog is a mixed log of about size bytes: syslog, JSON lines, an
// Apache access log and Java stack traces, with a sensitive value on
// about one line in four.
func sampleLog(size int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	ip := func() string { return fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256)) }
	for i := 0; b.Len() < size; i++ {
		switch i % 8 {
		case 0:
			fmt.Fprintf(&b, "Nov 23 10:%02d:%02d web-%02d sshd[%d]: Accepted publickey for deploy from %s port %d ssh2\n",
				r.IntN(60), r.IntN(60), r.IntN(20), r.IntN(99999), ip(), 1024+r.IntN(60000))
		case 1:
			fmt.Fprintf(&b, `{"ts":"2026-11-23T10:15:%02d.%03dZ","level":"info","msg":"request served","path":"/api/v2/orders/%d","status":200,"bytes":%d,"ms":%d}`+"\n",
				r.IntN(60), r.IntN(1000), r.IntN(1e6), r.IntN(1e5), r.IntN(900))
		case 2:
			fmt.Fprintf(&b, `%s - - [23/Nov/2026:10:15:%02d +0100] "GET /static/app.%d.js HTTP/1.1" 200 %d "https://portal.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.71"`+"\n",
				ip(), r.IntN(60), r.IntN(1000), r.IntN(1e6))
		case 3:
			fmt.Fprintf(&b, "\tat com.example.billing.PaymentService.charge(PaymentService.java:%d) ~[billing-3.2.%d.jar:3.2.%d]\n", r.IntN(900), r.IntN(9), r.IntN(9))
		case 4:
			fmt.Fprintf(&b, "2026-11-23 10:15:%02d,%03d INFO  [pool-%d-thread-%d] c.e.sync.Worker - batch %d done in %d ms, %d records\n",
				r.IntN(60), r.IntN(1000), r.IntN(9), r.IntN(99), r.IntN(1e6), r.IntN(5000), r.IntN(1e4))
		case 5:
			switch r.IntN(4) {
			case 0:
				fmt.Fprintf(&b, `{"ts":"2026-11-23T10:15:%02dZ","user":"user%d@customer.example","password":"p%dw","card":"4111 1111 1111 1111"}`+"\n", r.IntN(60), r.IntN(1000), r.IntN(1e6))
			case 1:
				fmt.Fprintf(&b, "Nov 23 10:15:%02d app[%d]: GET https://svc:s3cret%d@api.example.net/v1 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIlZCJ9.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n", r.IntN(60), r.IntN(9999), r.IntN(99))
			case 2:
				fmt.Fprintf(&b, "2026-11-23 10:15:%02d WARN callback to +1 (555) %03d-%04d failed from 2001:db8::%x, SSN 078-05-%04d on file\n", r.IntN(60), r.IntN(1000), r.IntN(10000), r.IntN(65536), 1000+r.IntN(9000))
			default:
				fmt.Fprintf(&b, "Caused by: java.sql.SQLException: login failed for user app; url=jdbc:postgresql://db:5432/x?user=app&password=pw%d from %s\n", r.IntN(1e6), ip())
			}
		case 6:
			fmt.Fprintf(&b, "2026-11-23 10:15:%02d DEBUG cache hit ratio %d.%02d%% after %d lookups (build 20261123.%d, version 4.2.%d)\n",
				r.IntN(60), r.IntN(100), r.IntN(100), r.IntN(1e7), r.IntN(9999), r.IntN(50))
		default:
			fmt.Fprintf(&b, "Nov 23 10:15:%02d kernel: [%d.%06d] eth0: link up, 1000 Mbps, full duplex\n", r.IntN(60), r.IntN(99999), r.IntN(1e6))
		}
	}
	return b.Bytes()
}

// BenchmarkMask reports MB/s on one core for the mixed log, masked as
// `caseport mask` does (and, with --consistent, numbered). On a shared
// machine the wall clock says little: MB/cpu-s divides by the CPU time
// the process was given instead (the garbage collector's included).
func BenchmarkMask(b *testing.B) {
	log := sampleLog(16 << 20)
	if *sampleOut != "" {
		if err := os.WriteFile(*sampleOut, log, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for _, consistent := range []bool{false, true} {
		b.Run(fmt.Sprintf("consistent=%v", consistent), func(b *testing.B) {
			b.SetBytes(int64(len(log)))
			cpu := cpuTime()
			for b.Loop() {
				w := mask.NewWriter(io.Discard, mask.New(mask.Options{Consistent: consistent}))
				if _, err := w.Write(log); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*float64(len(log))/1e6/(cpuTime()-cpu).Seconds(), "MB/cpu-s")
		})
	}
}

// cpuTime is the CPU time the process has used, in user and system mode.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSampleLog masks the benchmark's log: no planted value is left, and
// the lines without one come out exactly as they went in.
func TestSampleLog(t *testing.T) {
	t.Parallel()
	in := sampleLog(1 << 20)
	var out bytes.Buffer
	w := mask.NewWriter(&out, mask.New(mask.Options{Consistent: true}))
	if _, err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, planted := range []string{"@customer.example", "4111 1111", "078-05-", ":s3cret", "eyJ", "password=pw", `"password":"p`, "2001:db8", "(555)", "from 10."} {
		if !bytes.Contains(in, []byte(planted)) {
			t.Fatalf("the sample has no %q", planted)
		}
		if bytes.Contains(out.Bytes(), []byte(planted)) {
			t.Errorf("%q is left in the masked log", planted)
		}
	}
	inLines, outLines := bytes.Split(in, []byte("\n")), bytes.Split(out.Bytes(), []byte("\n"))
	if len(inLines) != len(outLines) {
		t.Fatalf("%d lines in, %d out", len(inLines), len(outLines))
	}
	ordinary := 0
	for i, line := range inLines {
		for _, marker := range []string{`"msg":"request served"`, "\tat com.example", "INFO  [pool-", "DEBUG cache hit", "kernel: ["} {
			if bytes.Contains(line, []byte(marker)) {
				ordinary++
				if !bytes.Equal(line, outLines[i]) {
					t.Errorf("an ordinary line changed:\n%s\n%s", line, outLines[i])
				}
			}
		}
	}
	if ordinary < len(inLines)/2 {
		t.Errorf("only %d ordinary lines of %d", ordinary, len(inLines))
	}
}
