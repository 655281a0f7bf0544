// Package benchdata is the data set of a store loaded to be measured:
// `caseport bench` drives the HTTP server on it and the store's benchmarks
// query it. Its shape is fixed by a seed, so every load of n cases holds
// the same companies, people and case texts, and the load client knows
// without asking the store which words each request class searches for.
//
// The shape of n cases: max(10, min(1,000, n/1,000)) customer companies
// (so a customer has about 1,000 cases at every size from 10,000 to a
// million), each its own Sold To and End User with an active direct
// contract for every product and 5 Designated Contacts; 50 staff agents; 6
// products of 4 components. Cases are spread evenly over the companies,
// three in twenty not closed. Each company writes its summaries (5 words)
// and descriptions (25) from its own half of a vocabulary of 238 support
// words, so a word is in about a fifth of the cases of each company that
// uses it, about one case in nine overall, and in none of the other
// half's; one case in 10,000 also holds a rare word. The first contact of
// each company and every agent have an API token derived from the shape
// (ContactToken, StaffToken), and everyone the same password: a bench
// store is for measuring, never for people.
package benchdata

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// Version names the shape below; it changes when the shape changes, so a
// store of an older shape is not taken for this one.
const Version = "cases2"

// Sizes of the people and products of a data set.
const (
	ContactsPerCompany = 5
	Staff              = 50
	Products           = 6
	ComponentsPer      = 4
)

const (
	// seed fixes every choice the shape makes.
	seed = 11
	// summaryWords and descriptionWords are the lengths of a case's texts.
	summaryWords     = 5
	descriptionWords = 25
	// rareEvery is how many cases hold the rare word: one in rareEvery.
	rareEvery = 10_000
)

// RareWord is the word one case in 10,000 holds, and no other.
const RareWord = "kerberos"

// Password is every bench user's password, hashed once for all of them.
const Password = "caseport-bench"

// Epoch is when the first case of a data set was opened; case i was
// opened i minutes later.
var Epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// vocabulary is what summaries and descriptions are made of: support
// words whose stems (SQLite's porter, PostgreSQL's english) are all
// different, so a word that is not in a company's half is not found in
// its cases by another word's stem either ("routing" would find
// "route").
var vocabulary = strings.Fields(`
agent desktop server skill queue call transfer conference hold
voicemail trunk sip gateway codec audio echo latency jitter packet loss
ivr prompt menu dtmf speech recognition timeout retry failover cluster
node primary backup database replication disk memory cpu thread deadlock
crash restart upgrade patch release version license certificate tls
handshake login password session token expired browser chrome firefox
report historical realtime dashboard widget export csv schedule forecast
adherence shift break overtime supervisor monitor whisper barge record
playback storage retention archive purge email chat sms social messenger
bot transcript sentiment survey callback outbound campaign dialer predictive
preview abandon answer ring congestion route strategy target priority
overflow threshold statistic metric alarm alert notification snmp syslog
log trace debug error warning exception stack null pointer reference
configuration option parameter setting value default object tenant switch
place person group access permission role user profile directory ldap
sync import script api rest webhook integration crm salesforce plugin
connector adapter middleware proxy load balancer firewall port network
dns address interface vlan bandwidth throughput capacity performance slow
fast intermittent always never random daily weekly monday morning evening
site region cloud premise migration rollout pilot production test staging
customer partner vendor engineer ticket escalation workaround fix hotfix
maintenance window outage degraded partial complete missing duplicate wrong
stuck frozen hang loop spike drop reset reboot reload refresh cache index
query lock wait contention holdtime wrapup acw disposition code
language locale timezone daylight calendar holiday business hours sla
`)

// Shape is the data set of a store of a given number of cases.
type Shape struct {
	// Cases is how many cases it holds.
	Cases int
	// Companies is how many customer companies.
	Companies int
	// words holds each company's half of the vocabulary.
	words [][]string
	// users counts, for each word, the companies whose half holds it.
	users map[string]int
}

// New returns the shape of a store of n cases.
func New(n int) *Shape {
	sh := &Shape{Cases: n, Companies: max(10, min(1000, n/1000)), users: map[string]int{}}
	half := len(vocabulary) / 2
	for k := range sh.Companies {
		r := rand.New(rand.NewPCG(seed, uint64(k)))
		own := slices.Clone(vocabulary)
		r.Shuffle(len(own), func(i, j int) { own[i], own[j] = own[j], own[i] })
		own = own[:half]
		for _, w := range own {
			sh.users[w]++
		}
		sh.words = append(sh.words, own)
	}
	return sh
}

// Name names the data set, for the kept stores of benchmarks: its version
// and size, as in cases2_1M.
func (sh *Shape) Name() string { return Version + "_" + SizeName(sh.Cases) }

// SizeName writes a number of cases as benchmarks name sizes: 1M, 100k,
// 2500.
func SizeName(n int) string {
	switch {
	case n > 0 && n%1_000_000 == 0:
		return fmt.Sprint(n/1_000_000, "M")
	case n > 0 && n%1_000 == 0:
		return fmt.Sprint(n/1_000, "k")
	}
	return fmt.Sprint(n)
}

// Company is the company of case i (counted from 0): cases go round the
// companies, so each company's cases spread over the whole time span.
func (sh *Shape) Company(i int) int { return i % sh.Companies }

// Text returns a summary and description for company k, the i-th of a
// sequence: words from k's half of the vocabulary.
func (sh *Shape) Text(k, i int) (summary, description string) {
	r := rand.New(rand.NewPCG(seed, uint64(i)<<20|uint64(k)))
	own := sh.words[k]
	pick := func(n int) string {
		var b strings.Builder
		for j := range n {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(own[r.IntN(len(own))])
		}
		return b.String()
	}
	return pick(summaryWords), pick(descriptionWords)
}

// NewCaseText is the text of the i-th case a load client opens for
// company k: words of the company's own half, so that opening cases keeps
// the shape's promises (AbsentWord stays absent), and never RareWord.
func (sh *Shape) NewCaseText(k, i int) (summary, description string) { return sh.Text(k, sh.Cases+i) }

// RareCases is how many cases hold RareWord.
func (sh *Shape) RareCases() int { return (sh.Cases + rareEvery - 2) / rareEvery }

// AbsentWord is a word that company k's cases never hold and that is in
// as many other companies' cases as any: a customer searching for it
// finds nothing, among many cases that hold it.
func (sh *Shape) AbsentWord(k int) string {
	best := ""
	for _, w := range vocabulary {
		if !slices.Contains(sh.words[k], w) && sh.users[w] > sh.users[best] {
			best = w
		}
	}
	return best
}

// ClosedWord is a word of company k's own half: about a fifth of its
// cases, closed or not, hold it.
func (sh *Shape) ClosedWord(k int) string { return sh.words[k][0] }

// CommonWords are the two words the most companies use, for a staff
// search of two common words: each is in about one case in eight, both
// in one or two in a hundred.
func (sh *Shape) CommonWords() [2]string {
	var out [2]string
	for _, w := range vocabulary {
		switch {
		case sh.users[w] > sh.users[out[0]]:
			out[1], out[0] = out[0], w
		case sh.users[w] > sh.users[out[1]]:
			out[1] = w
		}
	}
	return out
}

// ContactToken is the API token of company k's first contact.
func ContactToken(k int) string { return fmt.Sprintf("cpt_bench_contact_%d", k) }

// StaffToken is the API token of agent j.
func StaffToken(j int) string { return fmt.Sprintf("cpt_bench_agent_%d", j) }

// priorities are drawn from for each case: medium half the time.
var priorities = []desk.Priority{desk.PriorityLow, desk.PriorityMedium, desk.PriorityMedium, desk.PriorityHigh}

// caseAt fills c with case i of the shape, given the IDs the store gave
// the people and products.
func (sh *Shape) caseAt(i int, ids *ids, c *desk.Case) {
	k := sh.Company(i)
	r := rand.New(rand.NewPCG(seed+1, uint64(i)))
	product := r.IntN(Products)
	created := Epoch.Add(time.Duration(i) * time.Minute)
	updated := created.Add(time.Duration(r.IntN(72*60)) * time.Minute)
	*c = desk.Case{
		SoldToID: ids.companies[k], EndUserID: ids.companies[k],
		ContactID: ids.contacts[k*ContactsPerCompany+r.IntN(ContactsPerCompany)],
		OwnerID:   ids.staff[r.IntN(Staff)],
		Type:      desk.TypeSupport, SubType: "Problem",
		ProductID: ids.products[product], ComponentID: ids.components[product*ComponentsPer+r.IntN(ComponentsPer)],
		Priority: priorities[r.IntN(len(priorities))],
		Status:   desk.StatusClosed, SubStatus: desk.SubResolved, Stage: desk.StageProduction,
		CreatedAt: created, UpdatedAt: updated, ClosedAt: updated,
	}
	switch r.IntN(20) {
	case 0, 1:
		c.Status, c.SubStatus, c.ClosedAt = desk.StatusOpen, desk.SubInvestigation, time.Time{}
	case 2:
		c.Status, c.SubStatus, c.ClosedAt = desk.StatusSolutionProposed, desk.SubReplied, time.Time{}
	}
	// One case in 10,000 has the rare word at the end of its description.
	c.Summary, c.Description = sh.Text(k, i)
	if i%rareEvery == 1 {
		c.Description += " " + RareWord
	}
}
