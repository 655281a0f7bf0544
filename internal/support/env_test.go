package support_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/clocktest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// env is a store behind a service whose clock tests move. The rows a test
// relies on it builds with fx; world is the demo world, loaded only by
// eachDemo for the tests that walk it on purpose.
type env struct {
	svc   *support.Service
	store *store.Store
	fx    *fixture.Builder
	world *demo.World
	time  *clocktest.Clock // the services' clock, which tests move
	agent *desk.User       // the agent of setStatus, made on first use
	// with changes the dependencies of the env's services (configure).
	with []func(*support.Deps)
}

// eachEngine runs fn on each engine's empty store, with a builder whose
// rows are dated at the service's clock.
func eachEngine(t *testing.T, fn func(t *testing.T, f *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newEnv(t, s)) })
}

// eachDemo runs fn on each engine's store with the demo world loaded: for
// tests that walk the demo's people and cases on purpose.
func eachDemo(t *testing.T, fn func(t *testing.T, f *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newDemo(t, s)) })
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	f := &env{store: s, fx: fixture.New(t, s).At(now), time: clocktest.New(now)}
	f.svc = f.service(s)
	return f
}

// newDemo loads the demo world into s.
func newDemo(t *testing.T, s *store.Store) *env {
	t.Helper()
	f := newEnv(t, s)
	w, err := demo.Load(context.Background(), s, f.time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.world = w
	return f
}

// service returns a service on s with the env's clock and configuration,
// changed by each of with; on a second store of the same database it is a
// second process.
func (f *env) service(s *store.Store, with ...func(*support.Deps)) *support.Service {
	d := support.Deps{
		Store: s, Log: quietLog(), Clock: f.time.Now, BaseURL: "https://support.example",
	}
	for _, w := range append(slices.Clip(f.with), with...) {
		w(&d)
	}
	return support.New(d)
}

// configure gives the env a new service with w applied to its
// dependencies as well; a test calls it before it uses the service.
func (f *env) configure(w func(*support.Deps)) {
	f.with = append(f.with, w)
	f.svc = f.service(f.store)
}

// req returns the request of a user, as the store sees them now.
func (f *env) req(t *testing.T, u *desk.User) support.Request {
	t.Helper()
	return f.reqID(t, u.ID, u.Email)
}

// staff returns the request of a new member of staff with roles.
func (f *env) staff(t *testing.T, roles ...desk.Role) support.Request {
	t.Helper()
	return f.req(t, f.fx.Staff(roles))
}

// as returns the request of a demo user (eachDemo only).
func (f *env) as(t *testing.T, email string) support.Request {
	t.Helper()
	if f.world == nil {
		t.Fatalf("as(%s): no demo world; build the user with f.fx", email)
	}
	return f.reqID(t, f.world.Users[email], email)
}

func (f *env) reqID(t *testing.T, id int64, who string) support.Request {
	t.Helper()
	a, err := f.store.Actor(context.Background(), id, f.time.Now())
	if err != nil {
		t.Fatalf("actor %s: %v", who, err)
	}
	return support.Request{Actor: a, Address: "192.0.2.1"}
}

// newCase is a valid case for the builder's default product on combo.
func (f *env) newCase(combo desk.Combination) desk.NewCase {
	p := f.fx.DefaultProduct()
	return desk.NewCase{
		Combination: combo, Type: desk.TypeSupport, SubType: "Problem",
		ProductID: p.ID, ComponentID: p.Components[0],
		Summary: "Calls drop", Description: "Every call on trunk 3 drops after thirty seconds since this morning.",
		Priority: desk.PriorityLow, Stage: desk.StageProduction,
	}
}

func kind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, desk.ErrNotFound):
		return "notfound"
	case errors.Is(err, desk.ErrForbidden):
		return "forbidden"
	case errors.Is(err, desk.ErrConflict):
		return "conflict"
	case desk.AsValidation(err) != nil:
		return "invalid"
	}
	return "error: " + err.Error()
}

// jobs runs the service's timers on the env's clock and counts the ones
// that ran, by kind; emails are only queued here, not sent.
type jobs struct {
	w   *worker.Worker
	ran map[string]int
}

func (f *env) worker() *jobs {
	j := &jobs{w: worker.New(worker.Config{Store: f.store, Log: quietLog(), Clock: f.time.Now}), ran: map[string]int{}}
	count := func(kind string, h worker.Handler) {
		j.w.Handle(kind, func(ctx context.Context, job *desk.Job) error {
			j.ran[kind]++
			return h(ctx, job)
		})
	}
	count(support.JobFollowUp, f.svc.Jobs().RunFollowUp)
	count(support.JobSLAWarning, f.svc.Jobs().RunSLAWarning)
	count(support.JobSLABreach, f.svc.Jobs().RunSLABreach)
	j.w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
	return j
}

// RunDue runs what is due and returns how many timers ran, emails aside.
func (j *jobs) RunDue(ctx context.Context) (int, error) {
	before := j.total()
	_, err := j.w.RunDue(ctx)
	return j.total() - before, err
}

func (j *jobs) total() int {
	n := 0
	for _, v := range j.ran {
		n += v
	}
	return n
}

// setStatus has an agent set a case's status.
func (f *env) setStatus(t *testing.T, caseID int64, st desk.Status, sub desk.SubStatus) {
	t.Helper()
	if f.agent == nil {
		f.agent = f.fx.Staff([]desk.Role{desk.RoleAgent}, fixture.Named("Avery", "Agent"))
	}
	if err := f.svc.Cases().Update(context.Background(), f.req(t, f.agent), caseID, support.CaseChange{Status: &st, SubStatus: &sub}); err != nil {
		t.Fatalf("set %s/%s: %v", st, sub, err)
	}
}

// mails returns the subjects of the emails to the address that contain
// part.
func (f *env) mails(t *testing.T, to, part string) []string {
	t.Helper()
	ms, err := f.store.Notifications(context.Background(), to, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if strings.Contains(m.Subject, part) {
			out = append(out, m.Subject)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// customer is a direct customer with a Service Contract (the builder's:
// Business Care, on premise, for its default product) and three
// contacts: Dana, Read-Write and its Designated Approver; Sam, Read-Write;
// Riley, Read-Only.
type customer struct {
	co               *desk.Company
	combo            desk.Combination
	dana, sam, riley *desk.User
}

// customer builds a customer named name, its contract edited by edits.
func (f *env) customer(name string, edits ...func(*desk.Contract)) *customer {
	co := f.fx.Company(name)
	at := "@" + strings.ToLower(co.OrgID) + ".example"
	c := &customer{co: co, combo: fixture.Combination(f.fx.Contract(co, edits...))}
	c.dana = f.fx.Contact(co, desk.ReadWrite, fixture.Named("Dana", "Designated"), fixture.Email("dana"+at))
	c.sam = f.fx.Contact(co, desk.ReadWrite, fixture.Named("Sam", "Second"), fixture.Email("sam"+at))
	c.riley = f.fx.Contact(co, desk.ReadOnly, fixture.Named("Riley", "Readonly"), fixture.Email("riley"+at))
	f.fx.Approver(co, c.dana)
	return c
}

// open has who open a case of priority on their company's combination,
// for the builder's default product, through the service (so its clocks,
// notifications and feed are as a customer's case has them).
func (f *env) open(t *testing.T, who *desk.User, p desk.Priority) int64 {
	t.Helper()
	n := f.newCase(desk.Combination{SoldToID: who.CompanyID, EndUserID: who.CompanyID})
	n.Priority = p
	c, err := f.svc.Cases().Open(context.Background(), f.req(t, who), n)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// investigating builds a Medium case of who's under investigation (Open /
// Investigation), as staff leave a case they are working on.
func (f *env) investigating(who *desk.User) int64 {
	return f.fx.Case(who, fixture.Priority(desk.PriorityMedium), fixture.Status(desk.StatusOpen, desk.SubInvestigation)).ID
}

// acmeCase is the start of a test on one case: the customer Acme Corp,
// and a case of its Designated Contact Dana's under investigation.
func (f *env) acmeCase() (*customer, int64) {
	acme := f.customer("Acme Corp")
	return acme, f.investigating(acme.dana)
}

// password is the one signInCustomer's contacts have.
const password = "correct horse battery"

// signInCustomer is customer("Acme Corp") whose three contacts have
// password, for tests that sign them in.
func (f *env) signInCustomer() *customer {
	c := f.customer("Acme Corp")
	for _, u := range []*desk.User{c.dana, c.sam, c.riley} {
		f.fx.Password(u, password)
	}
	return c
}
