package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// The case benchmarks run against data sets of 100,000 and 1,000,000
// cases (CASEPORT_BENCH_CASES overrides the sizes, comma-separated). A data
// set takes minutes to build, so it is built once and kept between runs
// (storetest.Kept). See docs/benchmarks.md for the command and figures.
//
// The shape of a data set of n cases: 1,000 customer companies, each its
// own Sold To and End User, with 5 contacts; 50 staff; 6 products of 4
// components; cases spread evenly over companies and contacts, three in
// twenty not closed, summaries and descriptions drawn from a vocabulary of 256
// support words plus one rare word in every 10,000 cases.
const (
	// benchSetVersion names the shape below; change it when the shape
	// changes, so kept data sets of the old shape are not reused.
	benchSetVersion = "cases1"
	benchCompanies  = 1000
	benchContacts   = 5 // per company
	benchStaff      = 50
	benchProducts   = 6
	benchComps      = 4 // per product
)

func benchSizes(b *testing.B) []int {
	raw := os.Getenv("CASEPORT_BENCH_CASES")
	if raw == "" {
		return []int{100_000, 1_000_000}
	}
	var sizes []int
	for f := range strings.SplitSeq(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("CASEPORT_BENCH_CASES=%q: want sizes like 100000,1000000", raw)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func sizeName(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n%1_000 == 0:
		return strconv.Itoa(n/1_000) + "k"
	}
	return strconv.Itoa(n)
}

// benchSet is a built data set and the IDs the benchmarks pick from.
type benchSet struct {
	s         *store.Store
	n         int
	companies []int64
	contacts  []int64 // benchContacts per company, in company order
	staff     []int64
	products  []int64
	comps     []int64 // benchComps per product
}

func (d *benchSet) combo(i int) desk.Combination {
	c := d.companies[i%len(d.companies)]
	return desk.Combination{SoldToID: c, EndUserID: c}
}

// vocabulary is what summaries and descriptions are made of.
var vocabulary = strings.Fields(`
agent desktop routing server skill queue call transfer conference hold
voicemail trunk sip gateway codec audio echo latency jitter packet loss
ivr prompt menu dtmf speech recognition timeout retry failover cluster
node primary backup database replication disk memory cpu thread deadlock
crash restart upgrade patch release version license certificate tls
handshake login password session token expired browser chrome firefox
report historical realtime dashboard widget export csv schedule forecast
adherence shift break overtime supervisor monitor whisper barge record
playback storage retention archive purge email chat sms social messenger
bot transcript sentiment survey callback outbound campaign dialer predictive
preview abandon answer ring busy congestion route strategy target priority
overflow threshold statistic metric alarm alert notification snmp syslog
log trace debug error warning exception stack null pointer reference
configuration option parameter setting value default object tenant switch
dn place person group access permission role user profile directory ldap
sync import script api rest webhook integration crm salesforce plugin
connector adapter middleware proxy load balancer firewall port network
dns address interface vlan bandwidth throughput capacity performance slow
fast intermittent always never random daily weekly monday morning evening
site region cloud premise migration rollout pilot production test staging
customer partner vendor engineer ticket escalation workaround fix hotfix
maintenance window outage degraded partial complete missing duplicate wrong
stuck frozen hang loop spike drop reset reboot reload refresh cache index
query lock wait contention queueing holdtime wrapup acw disposition code
language locale timezone daylight calendar holiday business hours sla
`)

const rareWord = "kerberos"

func words(i, count, stride int) string {
	var b strings.Builder
	for k := range count {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocabulary[(i*stride+k*7919+k*k*31)%len(vocabulary)])
	}
	return b.String()
}

var benchEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// openBenchSet returns the kept data set of n cases on the engine,
// building it first if it is not there.
func openBenchSet(b *testing.B, e storetest.Engine, n int) *benchSet {
	b.Helper()
	ctx := context.Background()
	s := storetest.Kept(b, e, benchSetVersion+"_"+sizeName(n))
	done, err := s.Setting(ctx, "bench.cases", "")
	if err != nil {
		b.Fatal(err)
	}
	if done != strconv.Itoa(n) {
		start := time.Now()
		if err := buildBenchSet(ctx, s, n); err != nil {
			b.Fatalf("build %d cases: %v", n, err)
		}
		b.Logf("built %s cases on %s in %s", sizeName(n), e.Name, time.Since(start).Round(time.Second))
	}
	d := &benchSet{s: s, n: n}
	d.companies = ids(b, s, "SELECT id FROM companies ORDER BY id")
	d.contacts = ids(b, s, "SELECT id FROM users WHERE kind = 'contact' ORDER BY company_id, id")
	d.staff = ids(b, s, "SELECT id FROM users WHERE kind = 'staff' ORDER BY id")
	d.products = ids(b, s, "SELECT id FROM products ORDER BY id")
	d.comps = ids(b, s, "SELECT id FROM components ORDER BY product_id, id")
	return d
}

func ids(b *testing.B, s *store.Store, query string) []int64 {
	b.Helper()
	out, err := s.IDs(context.Background(), query)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// buildBenchSet inserts the data set in batches of multi-row INSERTs,
// then refreshes the planner's statistics.
func buildBenchSet(ctx context.Context, s *store.Store, n int) error {
	err := s.Write(ctx, func(tx *store.Tx) error {
		for c := range benchCompanies {
			if err := tx.Exec(ctx, `INSERT INTO companies (org_id, name, country, created_at) VALUES (?, ?, 'US', ?)`,
				fmt.Sprintf("B%06d", c), fmt.Sprintf("Customer %04d", c), benchEpoch); err != nil {
				return err
			}
		}
		companies, err := tx.IDs(ctx, "SELECT id FROM companies ORDER BY id")
		if err != nil {
			return err
		}
		for i, company := range companies {
			for k := range benchContacts {
				if err := tx.Exec(ctx, `INSERT INTO users (kind, email, first_name, last_name, company_id, created_at)
					VALUES ('contact', ?, ?, ?, ?, ?)`, fmt.Sprintf("c%d.%d@customer%d.example", i, k, i),
					"Contact", fmt.Sprintf("%d-%d", i, k), company, benchEpoch); err != nil {
					return err
				}
			}
		}
		for k := range benchStaff {
			if err := tx.Exec(ctx, `INSERT INTO users (kind, email, first_name, last_name, created_at)
				VALUES ('staff', ?, 'Agent', ?, ?)`, fmt.Sprintf("agent%d@vendor.example", k), strconv.Itoa(k), benchEpoch); err != nil {
				return err
			}
		}
		for p := range benchProducts {
			productID, err := tx.InsertID(ctx, `INSERT INTO products (name) VALUES (?) RETURNING id`, fmt.Sprintf("Product %d", p))
			if err != nil {
				return err
			}
			for c := range benchComps {
				if err := tx.Exec(ctx, `INSERT INTO components (product_id, name) VALUES (?, ?)`, productID, fmt.Sprintf("Component %d.%d", p, c)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	d := &benchSet{s: s, n: n}
	for _, q := range []struct {
		dst   *[]int64
		query string
	}{
		{&d.companies, "SELECT id FROM companies ORDER BY id"},
		{&d.contacts, "SELECT id FROM users WHERE kind = 'contact' ORDER BY company_id, id"},
		{&d.staff, "SELECT id FROM users WHERE kind = 'staff' ORDER BY id"},
		{&d.products, "SELECT id FROM products ORDER BY id"},
		{&d.comps, "SELECT id FROM components ORDER BY product_id, id"},
	} {
		if *q.dst, err = s.IDs(ctx, q.query); err != nil {
			return err
		}
	}
	const batch = 400
	const perTx = 50 // batches per transaction
	for first := 0; first < n; first += batch * perTx {
		err := s.Write(ctx, func(tx *store.Tx) error {
			for start := first; start < min(n, first+batch*perTx); start += batch {
				if err := insertCases(ctx, tx, d, start, min(n, start+batch)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Exec(ctx, "ANALYZE"); err != nil {
			return err
		}
		return tx.SetSetting(ctx, "bench.cases", strconv.Itoa(n))
	})
}

const benchCaseColumns = 18

// insertCases inserts cases [from, to) of the data set in one statement.
func insertCases(ctx context.Context, tx *store.Tx, d *benchSet, from, to int) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO cases (sold_to_id, end_user_id, contact_id, owner_id, type, sub_type,
		product_id, component_id, summary, description, priority, severity, status, substatus, stage,
		created_at, updated_at, closed_at) VALUES `)
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", benchCaseColumns), ", ") + ")"
	args := make([]any, 0, (to-from)*benchCaseColumns)
	priorities := []desk.Priority{desk.PriorityLow, desk.PriorityMedium, desk.PriorityMedium, desk.PriorityHigh}
	for i := from; i < to; i++ {
		if i > from {
			q.WriteString(", ")
		}
		q.WriteString(row)
		// mix spreads the other properties over the cases independently
		// of the company (i % benchCompanies).
		mix := (i * 7919) % 1_000_003
		company := i % benchCompanies
		contact := d.contacts[company*benchContacts+(mix/10)%benchContacts]
		owner := d.staff[(mix/50)%len(d.staff)]
		comp := mix % len(d.comps)
		created := benchEpoch.Add(time.Duration(i) * time.Minute)
		updated := created.Add(time.Duration(mix%(72*60)) * time.Minute)
		status, sub := desk.StatusClosed, desk.SubResolved
		var closed any = updated
		switch mix % 20 {
		case 0, 10:
			status, sub, closed = desk.StatusOpen, desk.SubInvestigation, nil
		case 5:
			status, sub, closed = desk.StatusSolutionProposed, desk.SubReplied, nil
		}
		summary := words(i, 5, 13)
		description := words(i, 25, 101)
		if i%10_000 == 1 {
			description += " " + rareWord
		}
		args = append(args, d.companies[company], d.companies[company], contact, owner,
			string(desk.TypeSupport), "Problem", d.products[comp/benchComps], d.comps[comp], summary, description,
			string(priorities[mix%len(priorities)]), 0, string(status), string(sub), "production",
			created, updated, closed)
	}
	return tx.Exec(ctx, q.String(), args...)
}

// BenchmarkCases measures the case lists and search on every engine at
// every data set size.
func BenchmarkCases(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, n := range benchSizes(b) {
			b.Run(e.Name+"/"+sizeName(n), func(b *testing.B) {
				d := openBenchSet(b, e, n)
				benchCaseLists(b, d)
			})
		}
	}
}

func benchCaseLists(b *testing.B, d *benchSet) {
	ctx := context.Background()
	list := func(name string, filter func(i int) desk.CaseFilter) {
		b.Run(name, func(b *testing.B) {
			if testing.Verbose() {
				plan, err := d.s.ExplainCases(ctx, filter(0))
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("plan:\n\t%s", strings.Join(plan, "\n\t"))
			}
			i, found := 0, 0
			for b.Loop() {
				page, err := d.s.Cases(ctx, filter(i))
				if err != nil {
					b.Fatal(err)
				}
				found += len(page.Cases)
				i++
			}
			b.ReportMetric(float64(found)/float64(i), "cases/op")
			if found == 0 {
				b.Fatalf("%s found nothing in %d lists", name, i)
			}
		})
	}
	contactScope := func(i int) desk.CaseScope {
		return desk.CaseScope{Combinations: []desk.Combination{d.combo(i)}}
	}
	// A contact's My Cases: the first page of their open cases.
	list("my-cases", func(i int) desk.CaseFilter {
		company := i % benchCompanies
		return desk.CaseFilter{
			Scope: contactScope(company), List: desk.MyCases,
			ContactID: d.contacts[company*benchContacts+(i/benchCompanies)%benchContacts],
		}
	})
	// Group Cases of a company, and its Closed Cases (the long list).
	list("group-cases", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.GroupCases}
	})
	list("closed-cases", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.ClosedCases}
	})
	// The staff queue: everything not closed, newest first; and one owner.
	list("queue", func(int) desk.CaseFilter {
		return desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue}
	})
	list("queue-owner", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, OwnerID: d.staff[i%len(d.staff)]}
	})
	// Keyword search inside a customer's cases (Group Cases + keywords),
	// and across every case for staff: two common words, and a rare word.
	list("search-customer", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.ClosedCases, Keywords: words(i, 1, 13)}
	})
	list("search-staff-common", func(i int) desk.CaseFilter {
		return desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue,
			Statuses: []desk.Status{desk.StatusClosed}, Keywords: words(i, 2, 13),
		}
	})
	list("search-staff-rare", func(int) desk.CaseFilter {
		return desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue,
			Statuses: []desk.Status{desk.StatusClosed}, Keywords: rareWord,
		}
	})
	list("case-number", func(i int) desk.CaseFilter {
		return desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue,
			Statuses: desk.Statuses, Number: 1_000_001 + int64((i*7919)%d.n),
		}
	})
}

// BenchmarkCreateCase measures opening a case (the case row and its first
// feed entry, in one transaction) in a store that already holds n cases.
// The cases it adds are removed afterwards, so the kept data set stays as
// built.
func BenchmarkCreateCase(b *testing.B) {
	ctx := context.Background()
	for _, e := range storetest.Engines(b) {
		for _, n := range benchSizes(b) {
			b.Run(e.Name+"/"+sizeName(n), func(b *testing.B) {
				d := openBenchSet(b, e, n)
				b.Cleanup(func() {
					err := d.s.Write(ctx, func(tx *store.Tx) error {
						last := 1_000_000 + int64(d.n)
						if err := tx.Exec(ctx, "DELETE FROM case_entries WHERE case_id > ?", last); err != nil {
							return err
						}
						return tx.Exec(ctx, "DELETE FROM cases WHERE id > ?", last)
					})
					if err != nil {
						b.Error(err)
					}
				})
				i := 0
				for b.Loop() {
					company := i % benchCompanies
					now := time.Now().UTC()
					c := &desk.Case{
						SoldToID: d.companies[company], EndUserID: d.companies[company],
						ContactID: d.contacts[company*benchContacts], Type: desk.TypeSupport, SubType: "Problem",
						ProductID: d.products[0], ComponentID: d.comps[0],
						Summary: words(i, 6, 17), Description: words(i, 30, 23),
						Priority: desk.PriorityMedium, Status: desk.StatusOpen, SubStatus: desk.SubNew,
						Stage: desk.StageProduction, CreatedAt: now, UpdatedAt: now,
					}
					err := d.s.Write(ctx, func(tx *store.Tx) error {
						id, err := tx.CreateCase(ctx, c)
						if err != nil {
							return err
						}
						_, err = tx.AddEntry(ctx, &desk.Entry{
							CaseID: id, Kind: desk.EntryEvent, AuthorID: c.ContactID,
							Body: "Case opened on the portal.", CreatedAt: now,
						})
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}
