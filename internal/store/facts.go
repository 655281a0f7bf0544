package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// The facts nearly every request reads and few change — who an actor is
// and what they may do, the catalogue, contracts, companies, service-level
// targets, calendars, settings and email templates — are kept in memory.
// Every change to their tables moves facts_version.version in the changing
// transaction (migration 00021, by triggers, so no write path can forget
// it); a read of a fact first reads the version, one look-up by key, and
// takes the fact from memory when it was read at that version. An actor
// is then one statement instead of six, and a new case's checks one
// instead of sixteen.
//
// Only committed data enters the memory: reads outside a transaction fill
// it, and a read inside one that misses is answered from the transaction
// and refilled from the read pool in the background. A transaction that
// changed the facts itself reads them from the database until it ends: on
// SQLite its version is its own; on PostgreSQL, where the version moves at
// commit, the statement trigger marks it. Each instance of a cluster keeps
// its own memory and checks the one version.

// factTables are the tables the facts are read from: each has the
// triggers of migration 00021 (TestFactTablesMoveTheVersion). A fact read
// from another table would go stale; add the table there first.
var factTables = []string{
	"approvers", "calendars", "companies", "components", "contract_products", "contracts",
	"email_templates", "grants", "product_lines", "products", "settings", "sla_targets", "users",
}

// factKey names one fact: its kind and the arguments it was read with.
type factKey struct {
	kind string
	a, b int64
	s    string
}

// maxFacts bounds the memory: when it is full it starts again empty (a
// few thousand actors and contracts of the busiest customers fit).
const maxFacts = 20_000

// facts is a store's memory of facts, all read at one version.
type facts struct {
	// read is the read pool, for the refills.
	read func() q

	// stop ends the refills when the store closes.
	ctx  context.Context
	stop context.CancelFunc

	mu      sync.Mutex
	version int64
	entries map[factKey]any
	filling map[factKey]bool
	fills   sync.WaitGroup
	closed  bool
}

// maxRefills bounds the refills running at once: a transaction that reads
// many facts it missed (an import) must not take the read pool's
// connections from the requests.
const maxRefills = 4

func newFacts(read func() q) *facts {
	ctx, stop := context.WithCancel(context.Background())
	return &facts{read: read, ctx: ctx, stop: stop, entries: map[factKey]any{}, filling: map[factKey]bool{}}
}

// factsMemo is a transaction's knowledge of the version: read once, kept
// while only plain SELECTs follow (q.start).
type factsMemo struct {
	version int64
	known   bool
	// own says the transaction changed the facts (PostgreSQL's mark).
	own bool
}

// factsVersionQuery reads the version and, on PostgreSQL, whether this
// transaction changed the facts; SQLite's triggers move the version in
// the transaction itself.
func (d dialect) factsVersionQuery() string {
	if d.name == "postgres" {
		return `SELECT version, COALESCE(current_setting('caseport.facts_changed', true) = 'yes', false)
			FROM facts_version WHERE id = 1`
	}
	return `SELECT version, false FROM facts_version WHERE id = 1`
}

// factsVersion returns the facts' version as q sees it, and whether q's
// transaction changed them.
func (q q) factsVersion(ctx context.Context) (int64, bool, error) {
	if q.memo != nil && q.memo.known {
		return q.memo.version, q.memo.own, nil
	}
	v, own, err := q.readFactsVersion(ctx)
	if err == nil && q.memo != nil {
		*q.memo = factsMemo{version: v, known: true, own: own}
	}
	return v, own, err
}

// readFactsVersion reads the version from the database, whatever the
// memo says.
func (q q) readFactsVersion(ctx context.Context) (int64, bool, error) {
	var v int64
	var own bool
	if err := q.row(ctx, q.d.factsVersionQuery()).Scan(&v, &own); err != nil {
		return 0, false, fmt.Errorf("facts version: %w", err)
	}
	return v, own, nil
}

// lockingSelect matches the clauses by which a SELECT locks rows, and so
// may wait for another transaction.
var lockingSelect = regexp.MustCompile(`(?i)\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|pg_advisory`)

// forgetsFactsVersion says whether a statement may change the facts or
// wait for another transaction (a write, a lock): after it a transaction
// reads the version again.
func forgetsFactsVersion(query string) bool {
	query = strings.TrimSpace(query)
	if len(query) < 6 || !strings.EqualFold(query[:6], "SELECT") {
		return true
	}
	return lockingSelect.MatchString(query)
}

// get returns the fact of key read at version v.
func (f *facts) get(v int64, key factKey) (any, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.version != v {
		return nil, false
	}
	x, ok := f.entries[key]
	return x, ok
}

// put keeps a fact read from committed data at version v (the version
// before and after the read). A fact of another version than the memory's
// starts it again: versions are random, not ordered.
func (f *facts) put(v int64, key factKey, x any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v != f.version || len(f.entries) >= maxFacts {
		f.version, f.entries = v, map[factKey]any{}
	}
	f.entries[key] = x
}

// refill reads a fact from the read pool in the background, once at a
// time per key, after a transaction missed it.
func (f *facts) refill(key factKey, read func(context.Context, q) (any, error)) {
	f.mu.Lock()
	if f.closed || f.filling[key] || len(f.filling) >= maxRefills {
		f.mu.Unlock()
		return
	}
	f.filling[key] = true
	f.fills.Add(1)
	f.mu.Unlock()
	go func() {
		defer f.fills.Done()
		defer func() {
			f.mu.Lock()
			delete(f.filling, key)
			f.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
		defer cancel()
		q := f.read()
		v, _, err := q.readFactsVersion(ctx)
		if err != nil {
			return
		}
		x, err := read(ctx, q)
		if err != nil {
			return // the next read tries again; this one was only a refill
		}
		if after, _, err := q.readFactsVersion(ctx); err == nil && after == v {
			f.put(v, key, x)
		}
	}()
}

// close ends the refills, waits for them and starts no more.
func (f *facts) close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.stop()
	f.fills.Wait()
}

// fact returns the fact of key: from memory when it was read at the
// version on sees, else read with read and, when on sees committed data
// (outside a transaction) and the version did not move meanwhile, kept. clone copies a fact for its caller, who may change it.
func fact[T any](ctx context.Context, on q, key factKey, clone func(T) T, read func(context.Context, q) (T, error)) (T, error) {
	if on.facts == nil {
		return read(ctx, on)
	}
	v, own, err := on.factsVersion(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	if !own {
		if x, ok := on.facts.get(v, key); ok {
			return clone(x.(T)), nil
		}
	}
	x, err := read(ctx, on)
	if err != nil {
		return x, err
	}
	if on.tx == nil {
		// Kept only if no change committed while it was read: then it is
		// the facts of version v exactly.
		if after, _, err := on.readFactsVersion(ctx); err == nil && after == v {
			on.facts.put(v, key, clone(x))
		}
	} else if !own {
		on.facts.refill(key, func(ctx context.Context, pool q) (any, error) { return read(ctx, pool) })
	}
	return x, nil
}

// The copies of the facts kept: what a caller gets is its own.

func same[T any](x T) T { return x }

func cloneUser(u *desk.User) *desk.User {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	return &c
}

func cloneCompany(c *desk.Company) *desk.Company {
	out := *c
	return &out
}

func cloneContracts(cs []desk.Contract) []desk.Contract {
	out := slices.Clone(cs)
	for i := range out {
		out[i].FlexCare = slices.Clone(out[i].FlexCare)
		out[i].ProductIDs = slices.Clone(out[i].ProductIDs)
	}
	return out
}

func cloneCatalog(c *desk.Catalog) *desk.Catalog {
	return &desk.Catalog{Lines: slices.Clone(c.Lines), Products: slices.Clone(c.Products), Components: slices.Clone(c.Components)}
}
