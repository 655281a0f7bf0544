package kb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest"
)

// BenchmarkImport imports a JSON Lines file of realistic items (a title,
// a summary, a Markdown body of about 300 words with headings, a list, a
// table and a code block, a product line and products) into an empty
// SQLite store, in one transaction, as `caseport kb import` does.
// CASEPORT_BENCH_KB_IMPORT sets the number of items (100,000 unless set):
//
//	go test ./internal/kb -run '^$' -bench BenchmarkImport -benchtime 1x
func BenchmarkImport(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("CASEPORT_BENCH_KB_IMPORT")); err == nil && v > 0 {
		n = v
	}
	input := importCorpus(n)
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		b.StopTimer()
		s := storetest.SQLite(b)
		importCatalog(b, s)
		k := New(Deps{Store: s})
		cpu := cpuTime()
		b.StartTimer()
		rep, err := k.Import(context.Background(), desk.Request{Actor: editor}, ImportSource{Format: ImportJSONLines, Reader: bytes.NewReader(input)}, ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Refused() || rep.Imported != n {
			b.Fatalf("imported %d of %d: %+v", rep.Imported, n, rep.Problems[:min(len(rep.Problems), 3)])
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
		// The CPU time the import was given, all goroutines: on a shared
		// machine the wall clock says more about the neighbours.
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s")
	}
}

// importCorpus writes n items as JSON Lines, the same for the same n.
func importCorpus(n int) []byte {
	r := rand.New(rand.NewPCG(13, uint64(n)))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	subjects := []string{
		"SIP trunk", "session timer", "registrar", "media gateway", "codec negotiation", "chat widget", "routing strategy",
		"agent login", "softphone", "historical report", "dashboard tile", "TLS certificate", "failover pair", "voicemail box",
		"queue overflow", "skill proficiency", "call recording", "webhook", "single sign-on", "database connection pool",
	}
	problems := []string{
		"drops after 30 seconds", "rejects the offer", "stays in Not Ready", "shows no data", "times out under load",
		"loses its configuration", "restarts every night", "refuses the certificate", "answers with 503", "is slow to refresh",
	}
	sentences := []string{
		"Check the %s settings on both nodes before you restart anything.",
		"The %s keeps its state in memory, so a restart clears it.",
		"When the %s is behind a firewall, open the ports the table below lists.",
		"Most sites that report this have changed the %s during a maintenance window.",
		"Upgrade to the latest maintenance release: it fixes how the %s handles retries.",
		"Collect the logs from the time of the problem and attach them to the case.",
		"If the %s runs in a cluster, apply the change on the primary first, then on the backup.",
		"A value of zero turns the %s off; the default is 1800 seconds.",
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for i := range n {
		subject, problem := pick(subjects), pick(problems)
		var body strings.Builder
		fmt.Fprintf(&body, "## Symptom\n\nThe %s %s.", subject, problem)
		for range 4 + r.IntN(4) {
			body.WriteString(" ")
			fmt.Fprintf(&body, strings.ReplaceAll(pick(sentences), "%s", "%[1]s"), pick(subjects))
		}
		body.WriteString("\n\n## Resolution\n\n")
		for step := range 3 + r.IntN(3) {
			fmt.Fprintf(&body, "%d. %s\n", step+1, fmt.Sprintf(strings.ReplaceAll(pick(sentences), "%s", "%[1]s"), pick(subjects)))
		}
		fmt.Fprintf(&body, "\n| Setting | Default | Recommended |\n|---|---|---|\n| %s timeout | 30 | %d |\n| retries | 3 | %d |\n",
			subject, 60+r.IntN(600), 1+r.IntN(9))
		fmt.Fprintf(&body, "\n```\nset %s.timeout %d\nrestart %s\n```\n", strings.ReplaceAll(subject, " ", "_"), 60+r.IntN(600), "service")
		for range 2 + r.IntN(3) {
			body.WriteString("\n")
			fmt.Fprintf(&body, strings.ReplaceAll(pick(sentences), "%s", "%[1]s"), pick(subjects))
		}
		line, product := "Voice", "Signalling Server"
		if i%3 == 1 {
			line, product = "Digital", "Chat Gateway"
		}
		item := map[string]any{
			"external_id": fmt.Sprintf("OLD-%06d", i), "title": fmt.Sprintf("The %s %s (%d)", subject, problem, i),
			"summary": fmt.Sprintf("What to do when the %s %s.", subject, problem),
			"body":    body.String(), "source": string(desk.KBSources[i%len(desk.KBSources)]),
			"type": string(desk.KBArticleTypes[i%len(desk.KBArticleTypes)]), "product_line": line, "products": []string{product},
			"published_at": fmt.Sprintf("20%02d-%02d-%02d", 20+i%6, 1+i%12, 1+i%28),
		}
		if i%10 == 0 {
			item["products"] = []string{product, "Reporting"}
		}
		if err := enc.Encode(item); err != nil {
			panic(err)
		}
	}
	return out.Bytes()
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
