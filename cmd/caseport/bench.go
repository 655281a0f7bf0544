package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
)

// benchCmd measures the HTTP server at the size the product claims:
//
//	caseport bench [--cases 1000000] [--data DIR | --db URL] [--url URL] [--concurrency 8]
//	               [--warmup 2s] [--duration 10s | --requests N] [--classes a,b,…]
//
// It loads a store with the data set of --cases cases (benchdata), or
// finds it loaded, serves it here over loopback with everything serve
// runs (or drives the server at --url), and drives it with a load client
// that keeps --concurrency requests in flight: one request class after
// the other, each warmed up and then measured, through the API with the
// data set's bearer tokens. It prints a markdown table of each class's
// p50, p99 and requests per second (docs/benchmarks.md).
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	c, err := loadBenchConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	sh := benchdata.New(c.Cases)
	where, base := "the server at "+c.URL, c.URL
	if base == "" {
		engine, err := prepareBench(ctx, c.Store, sh, stderr)
		if err != nil {
			return err
		}
		addr, stop, err := serveBench(ctx, c.Store, stderr)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
		base = "http://" + addr
		where = map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL"}[engine] + ", served in this process"
	}
	lc := newLoadClient(base, sh, c.Concurrency)
	before := loadAverage()
	var results []benchResult
	for _, name := range c.Classes {
		cl := benchClassNamed(name)
		fmt.Fprintf(stderr, "bench: %s…\n", cl.What)
		r, err := lc.run(ctx, cl, c)
		if err != nil {
			return fmt.Errorf("%s: %w", cl.Name, err)
		}
		results = append(results, r)
	}
	measured := fmt.Sprintf("for %s", c.Duration)
	if c.Requests > 0 {
		measured = fmt.Sprintf("%d requests", c.Requests)
	}
	fmt.Fprintf(stdout, "caseport bench: %s cases (data set %s) on %s; concurrency %d; each class warmed up for %s, "+
		"then measured %s; load average %s before, %s after.\n\n",
		benchdata.SizeName(c.Cases), sh.Name(), where, c.Concurrency, c.Warmup, measured, before, loadAverage())
	writeBenchTable(stdout, c.Concurrency, results)
	return nil
}

// serveBench runs the server on the store of c, as serve does, until stop
// is called, and returns its address. The server is told its store and
// nothing else: no relay, mailbox or file store of the environment's.
func serveBench(ctx context.Context, c storeConfig, stderr io.Writer) (addr string, stop func() error, err error) {
	cfg, err := loadConfig([]string{
		"--db", c.DatabaseURL, "--data", c.Data, "--addr", "127.0.0.1:0", "--shutdown-grace", "5s",
	}, func(string) string { return "" }, stderr)
	if err != nil {
		return "", nil, err
	}
	serving, cancel := context.WithCancel(ctx)
	listening, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- serveConfig(serving, cfg, io.Discard, stderr, func(a string) { listening <- a }) }()
	select {
	case addr = <-listening:
	case err := <-done:
		cancel()
		return "", nil, fmt.Errorf("serve the bench store: %w", err)
	}
	return addr, func() error {
		cancel()
		if err := <-done; err != nil {
			return fmt.Errorf("the bench server: %w", err)
		}
		return nil
	}, nil
}

// benchClass is one kind of request the load client sends.
type benchClass struct {
	Name, What string
	// Staff says it is sent with the agents' tokens, else with the
	// customers' (each company's first contact), going round them.
	Staff bool
	// Path is the GET of request i for customer k or agent k (k is i
	// modulo their number); empty for Open.
	Path func(sh *benchdata.Shape, k int) string
	// Open makes the class open a case for the customer instead.
	Open bool
	// Found checks the number of cases the first answer lists.
	Found func(n int) error
}

func some(n int) error {
	if n == 0 {
		return errors.New("no case found: the store does not hold the bench data set of this size")
	}
	return nil
}

// benchClasses are the request classes of issue 11, in the order they run:
// reads first, then the one that writes.
var benchClasses = []benchClass{
	{
		Name: "search-customer-absent", What: "customer search in Closed Cases, a word common overall but absent from their cases",
		Path: func(sh *benchdata.Shape, k int) string { return "/api/v1/cases?list=closed&q=" + sh.AbsentWord(k) },
		Found: func(n int) error {
			if n != 0 {
				return fmt.Errorf("%d cases found for a word the customer's cases never hold: the store is not the bench data set of this size", n)
			}
			return nil
		},
	},
	{
		Name: "search-customer-closed", What: "customer search in Closed Cases, a word common in their closed cases",
		Path:  func(sh *benchdata.Shape, k int) string { return "/api/v1/cases?list=closed&q=" + sh.ClosedWord(k) },
		Found: some,
	},
	{
		Name: "search-staff-common", What: "staff search of closed cases, two common words", Staff: true,
		Path: func(sh *benchdata.Shape, _ int) string {
			w := sh.CommonWords()
			return "/api/v1/cases?list=queue&status=closed&q=" + url.QueryEscape(w[0]+" "+w[1])
		},
		Found: some,
	},
	{
		Name: "search-staff-rare", What: "staff search of closed cases, a word in one case in 10,000", Staff: true,
		Path: func(*benchdata.Shape, int) string {
			return "/api/v1/cases?list=queue&status=closed&q=" + benchdata.RareWord
		},
		Found: some,
	},
	{
		Name: "my-cases", What: "My Cases (API, first page)",
		Path:  func(*benchdata.Shape, int) string { return "/api/v1/cases?list=mine" },
		Found: func(int) error { return nil }, // a contact may have no open case in a small data set
	},
	{
		Name: "group-cases", What: "Group Cases (API, first page)",
		Path:  func(*benchdata.Shape, int) string { return "/api/v1/cases?list=group" },
		Found: some,
	},
	{
		Name: "queue", What: "the staff queue (API, first page)", Staff: true,
		Path:  func(*benchdata.Shape, int) string { return "/api/v1/cases?list=queue" },
		Found: some,
	},
	{Name: "open-case", What: "open a case (POST /api/v1/cases)", Open: true},
}

func benchClassNames() []string {
	names := make([]string, len(benchClasses))
	for i, c := range benchClasses {
		names[i] = c.Name
	}
	return names
}

func benchClassNamed(name string) benchClass {
	i := slices.IndexFunc(benchClasses, func(c benchClass) bool { return c.Name == name })
	return benchClasses[i] // loadBenchConfig let only known names through
}

// benchCustomer is a company's first contact as the load client uses it.
type benchCustomer struct {
	token string
	// combination, product and component are where it opens cases,
	// learnt from GET /api/v1/combinations.
	combination        desk.Combination
	product, component int64
}

// loadClient sends a class's requests, concurrency at a time.
type loadClient struct {
	base        string
	sh          *benchdata.Shape
	http        *http.Client
	concurrency int
	customers   []benchCustomer
	opened      atomic.Int64
}

func newLoadClient(base string, sh *benchdata.Shape, concurrency int) *loadClient {
	customers := make([]benchCustomer, sh.Companies)
	for k := range customers {
		customers[k].token = benchdata.ContactToken(k)
	}
	return &loadClient{
		base: base, sh: sh, concurrency: concurrency, customers: customers,
		http: &http.Client{
			Timeout:   time.Minute,
			Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, DisableCompression: true},
		},
	}
}

// benchResult is what was measured of a class.
type benchResult struct {
	Class            benchClass
	Requests, Errors int
	P50, P99         time.Duration
	PerSecond        float64
	// FirstError is the first failure, when there were any.
	FirstError string
}

// run measures one class: it first has every token the class uses noted
// as used (the API writes that down at most once a minute per token, so a
// class that runs for less than a minute measures none of those writes),
// checks one answer against the data set, warms up for c.Warmup, and then
// measures for c.Duration or c.Requests requests.
func (lc *loadClient) run(ctx context.Context, cl benchClass, c *benchConfig) (_ benchResult, err error) {
	if err := lc.touch(ctx, cl.Staff); err != nil {
		return benchResult{}, err
	}
	body, err := lc.do(ctx, cl, 0)
	if err != nil {
		return benchResult{}, err
	}
	if cl.Found != nil {
		var page struct{ Cases []json.RawMessage }
		if err := json.Unmarshal(body, &page); err != nil {
			return benchResult{}, fmt.Errorf("the first answer: %w", err)
		}
		if err := cl.Found(len(page.Cases)); err != nil {
			return benchResult{}, err
		}
	}
	var i atomic.Int64
	i.Store(1)
	if c.Warmup > 0 {
		lc.drive(ctx, cl, &i, time.Now().Add(c.Warmup), 0)
	}
	if c.CPUProfile != "" {
		stop, err := cpuProfile(c.CPUProfile + cl.Name + ".pprof")
		if err != nil {
			return benchResult{}, err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	start := time.Now()
	deadline, last := start.Add(c.Duration), int64(0)
	if c.Requests > 0 {
		deadline, last = time.Time{}, i.Load()+int64(c.Requests)
	}
	took, failures := lc.drive(ctx, cl, &i, deadline, last)
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return benchResult{}, err
	}
	r := benchResult{Class: cl, Requests: len(took) + len(failures), Errors: len(failures)}
	if len(failures) > 0 {
		r.FirstError = failures[0].Error()
	}
	if len(took) > 0 {
		slices.Sort(took)
		r.P50, r.P99 = percentile(took, 0.50), percentile(took, 0.99)
	}
	r.PerSecond = float64(r.Requests) / elapsed.Seconds()
	return r, nil
}

// drive keeps lc.concurrency requests of cl in flight, numbered from i,
// until deadline (when not zero) or request number last (when not zero),
// and returns how long each took, and the failures.
func (lc *loadClient) drive(ctx context.Context, cl benchClass, i *atomic.Int64, deadline time.Time, last int64) ([]time.Duration, []error) {
	var (
		mu       sync.Mutex
		took     []time.Duration
		failures []error
		wg       sync.WaitGroup
	)
	for range lc.concurrency {
		wg.Go(func() {
			var mine []time.Duration
			var failed []error
			for ctx.Err() == nil {
				n := i.Add(1) - 1
				if (last != 0 && n >= last) || (!deadline.IsZero() && time.Now().After(deadline)) {
					break
				}
				t0 := time.Now()
				if _, err := lc.do(ctx, cl, n); err != nil {
					failed = append(failed, err)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			took = append(took, mine...)
			failures = append(failures, failed...)
		})
	}
	wg.Wait()
	return took, failures
}

// do sends request n of cl and reads its whole answer.
func (lc *loadClient) do(ctx context.Context, cl benchClass, n int64) ([]byte, error) {
	method, path, token, want := http.MethodGet, "", "", http.StatusOK
	var body io.Reader
	switch {
	case cl.Staff:
		token, path = benchdata.StaffToken(int(n%benchdata.Staff)), cl.Path(lc.sh, int(n%benchdata.Staff))
	case cl.Open:
		k := int(n % int64(len(lc.customers)))
		cu := lc.customers[k]
		summary, description := lc.sh.NewCaseText(k, int(lc.opened.Add(1)))
		b, err := json.Marshal(map[string]any{
			"sold_to_id": cu.combination.SoldToID, "end_user_id": cu.combination.EndUserID,
			"type": desk.TypeSupport, "sub_type": "Problem", "product_id": cu.product, "component_id": cu.component,
			"summary": summary, "description": description, "priority": desk.PriorityMedium, "stage": desk.StageProduction,
		})
		if err != nil {
			return nil, err
		}
		method, path, token, want, body = http.MethodPost, "/api/v1/cases", cu.token, http.StatusCreated, bytes.NewReader(b)
	default:
		k := int(n % int64(len(lc.customers)))
		token, path = lc.customers[k].token, cl.Path(lc.sh, k)
	}
	return lc.call(ctx, method, path, token, body, want)
}

func (lc *loadClient) call(ctx context.Context, method, path, token string, body io.Reader, want int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, lc.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := lc.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s %s: %s, want %d: %.300s", method, path, res.Status, want, b)
	}
	return b, nil
}

// touch has every token of the agents (staff) or of the customers used
// once, concurrency at a time; the customers' answers say where they may
// open cases.
func (lc *loadClient) touch(ctx context.Context, staff bool) error {
	n := len(lc.customers)
	if staff {
		n = benchdata.Staff
	}
	var next atomic.Int64
	errs := make([]error, lc.concurrency)
	var wg sync.WaitGroup
	for w := range lc.concurrency {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n && errs[w] == nil; k = int(next.Add(1) - 1) {
				if staff {
					_, errs[w] = lc.call(ctx, http.MethodGet, "/api/v1/me", benchdata.StaffToken(k), nil, http.StatusOK)
					continue
				}
				errs[w] = lc.learn(ctx, &lc.customers[k])
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// learn reads where a customer may open cases: their one combination and
// its first product and component.
func (lc *loadClient) learn(ctx context.Context, cu *benchCustomer) error {
	b, err := lc.call(ctx, http.MethodGet, "/api/v1/combinations", cu.token, nil, http.StatusOK)
	if err != nil {
		return err
	}
	var combos []struct {
		SoldTo struct {
			ID int64 `json:"id"`
		} `json:"sold_to"`
		EndUser struct {
			ID int64 `json:"id"`
		} `json:"end_user"`
		Products []struct {
			ID         int64 `json:"id"`
			Components []struct {
				ID int64 `json:"id"`
			} `json:"components"`
		} `json:"products"`
	}
	if err := json.Unmarshal(b, &combos); err != nil {
		return fmt.Errorf("combinations: %w", err)
	}
	if len(combos) != 1 || len(combos[0].Products) == 0 || len(combos[0].Products[0].Components) == 0 {
		return fmt.Errorf("combinations of a bench customer: %.300s; want one, with products", b)
	}
	c := combos[0]
	cu.combination = desk.Combination{SoldToID: c.SoldTo.ID, EndUserID: c.EndUser.ID}
	cu.product, cu.component = c.Products[0].ID, c.Products[0].Components[0].ID
	return nil
}

// cpuProfile profiles this process's CPU into the file name until stop.
func cpuProfile(name string) (stop func() error, err error) {
	f, err := os.Create(name) //nolint:gosec // the operator's own file name
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(fmt.Errorf("--cpuprofile: %w", err), f.Close())
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// percentile is the nearest-rank percentile p of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(rank, 0)]
}

// writeBenchTable writes the results as a markdown table.
func writeBenchTable(w io.Writer, concurrency int, results []benchResult) {
	fmt.Fprintf(w, "| request (c=%d) | requests | p50 ms | p99 ms | requests/s | errors |\n", concurrency)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %d |\n", r.Class.What, r.Requests, millis(r.P50), millis(r.P99),
			figure(r.PerSecond), r.Errors)
	}
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "\n%s: %d errors, the first: %s\n", r.Class.Name, r.Errors, r.FirstError)
		}
	}
}

// millis writes a duration in milliseconds to about three figures.
func millis(d time.Duration) string { return figure(float64(d) / float64(time.Millisecond)) }

func figure(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// loadAverage is the one-minute load average of the machine, "unknown"
// where /proc does not tell it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	one, _, _ := strings.Cut(string(b), " ")
	return one
}
