package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/clocktest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/files/filestest"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/web"
)

// env is a running Caseport for one test: on a store with the demo world
// (eachDemo, newDemo), or with only what the test builds
// with fx (eachBuilt). Either way fx builds rows the test states.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	svc   *support.Service
	kb    *kb.Service
	clock *clocktest.Clock // the service's clock: the real time until a test sets it
	store *store.Store
	world *demo.World // nil under eachBuilt
	fx    *fixture.Builder
	logs  *logBuffer // what the server logged
	// passwords are those of the users the test built and gave one
	// (login); the demo's have demo.Password.
	passwords map[string]string
}

// logBuffer keeps a server's log lines for a test to read.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// eachDemo runs fn as a parallel subtest on every engine with a fresh
// server on the demo world: for the tests that walk it on purpose (the
// access matrices, the browser tests). Other tests build their rows
// (eachBuilt).
func eachDemo(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	eachDemoWith(t, nil, fn)
}

// eachBuilt runs fn as a parallel subtest on every engine with a fresh
// server on an empty store: the test builds what it needs with e.fx.
func eachBuilt(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	eachBuiltWith(t, nil, fn)
}

// eachBuiltWith is eachBuilt with the support desk's dependencies changed
// by deps (if not nil).
func eachBuiltWith(t *testing.T, deps func(*support.Deps), fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, start(t, storetest.Open(t, eng), false, nil, deps))
		})
	}
}

// eachBuiltAndFileStore is eachBuilt on every engine with the local file
// store and with an S3-compatible one.
func eachBuiltAndFileStore(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		for _, fsName := range []string{"local", "s3"} {
			t.Run(eng.Name+"/"+fsName, func(t *testing.T) {
				t.Parallel()
				var fs files.Store
				if fsName == "s3" {
					fs = filestest.S3(t)
				}
				fn(t, start(t, storetest.Open(t, eng), false, fs, nil))
			})
		}
	}
}

// eachDemoWith is eachDemo with the support desk's dependencies changed
// by deps (an SFTP address).
func eachDemoWith(t *testing.T, deps func(*support.Deps), fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, start(t, storetest.Open(t, eng), true, nil, deps))
		})
	}
}

// newBuilt starts Caseport on an empty store s, with the server's
// configuration changed by each of configure: eachBuilt for a test that
// runs on one engine or sets the server up itself (trusted proxies,
// secure cookies).
func newBuilt(t *testing.T, s *store.Store, configure ...func(*web.Config)) *env {
	t.Helper()
	return start(t, s, false, nil, nil, configure...)
}

// newDemo starts Caseport on s with the demo world loaded.
func newDemo(t *testing.T, s *store.Store) *env {
	t.Helper()
	return start(t, s, true, nil, nil)
}

// start starts Caseport on s, with the demo world loaded if withDemo.
func start(t *testing.T, s *store.Store, withDemo bool, fs files.Store, deps func(*support.Deps), configure ...func(*web.Config)) *env {
	t.Helper()
	var w *demo.World
	if withDemo {
		var err error
		if w, err = demo.Load(context.Background(), s, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	if fs == nil {
		local, err := files.OpenLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { local.Close() })
		fs = local
	}
	// The portal's address is known before the service is built: links in
	// emails point at it.
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	clock := &clocktest.Clock{}
	d := support.Deps{Store: s, Log: log, Clock: clock.Now, BaseURL: "http://" + srv.Listener.Addr().String(), Files: fs}
	if deps != nil {
		deps(&d)
	}
	svc := support.New(d)
	knowledge := kb.New(kb.Deps{Store: s, Files: fs, Clock: clock.Now, BaseURL: d.BaseURL, Mail: svc.Jobs().QueueMail})
	cfg := web.Config{Service: svc, Knowledge: knowledge, Log: log}
	for _, c := range configure {
		c(&cfg)
	}
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h.Handler()
	srv.Start()
	return &env{t: t, srv: srv, svc: svc, kb: knowledge, clock: clock, store: s, world: w, fx: fixture.New(t, s), logs: logs, passwords: map[string]string{}}
}

// client is a browser-like HTTP client with its own cookies that does not
// follow redirects, so tests see each answer.
type client struct {
	e     *env
	c     *http.Client
	token string // an API token sent as a bearer token, if set
	// header is sent with every request, e.g. what a proxy adds.
	header http.Header
}

func (e *env) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login gives a user the test built a password, and returns their email
// for signIn and apiClient.
func (e *env) login(u *desk.User) string {
	e.t.Helper()
	const password = "correct horse battery"
	e.fx.Password(u, password)
	e.passwords[u.Email] = password
	return u.Email
}

// staff builds a member of staff with roles who can sign in, and returns
// their email.
func (e *env) staff(roles ...desk.Role) string {
	e.t.Helper()
	return e.login(e.fx.Staff(roles))
}

// signIn returns a client signed in as a demo user or one given a
// password with login.
func (e *env) signIn(email string) *client {
	e.t.Helper()
	c := e.anonymous()
	password, ok := e.passwords[email]
	if !ok {
		password = demo.Password
	}
	res := c.post("/signin", url.Values{"email": {email}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: status %d, want 303", email, res.StatusCode)
	}
	return c
}

// demoCase is the start of a test on one of the demo's cases: its ID (by
// its key in the demo's world, "abc-investigation"), the path of its page,
// and a client signed in as the demo user of email.
func (e *env) demoCase(key, email string) (caseID int64, path string, c *client) {
	e.t.Helper()
	caseID = e.world.Cases[key]
	if caseID == 0 {
		e.t.Fatalf("the demo has no case %q", key)
	}
	return caseID, "/cases/" + number(caseID), e.signIn(email)
}

// pageAs is a browser page at size on e's server, signed in as email
// through the sign-in form and gone to path.
func (e *env) pageAs(t *testing.T, b *browsertest.Browser, size browsertest.Size, email, path string) *browsertest.Page {
	t.Helper()
	p := b.Page(t, e.srv.URL, size)
	signInPage(p, email)
	p.Go(path)
	return p
}

// response is a finished HTTP exchange with its body read.
type response struct {
	*http.Response
	Body string
}

func (c *client) do(req *http.Request) *response {
	c.e.t.Helper()
	res, err := c.try(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return res
}

// try is do for goroutines other than the test's, which must not stop
// the test: it returns what went wrong.
func (c *client) try(req *http.Request) (*response, error) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	res, err := c.c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", req.Method, req.URL, err)
	}
	return &response{Response: res, Body: string(b)}, nil
}

func (c *client) get(path string) *response {
	c.e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form the way a browser on the same site does.
func (c *client) post(path string, form url.Values) *response {
	c.e.t.Helper()
	return c.postRaw(path, form.Encode())
}

// postRaw sends body as a form the way a browser on the same site does.
func (c *client) postRaw(path, body string) *response {
	c.e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func sqliteStore(t *testing.T) *store.Store { return storetest.SQLite(t) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// number is the 10-digit case number of a case ID.
func number(caseID int64) string { return desk.FormatCaseNumber(caseID) }

// openABCCase opens a Signalling Server case for ABC Testing Co as its Designated
// Contact, through the service, with priority p.
func openABCCase(t *testing.T, e *env, p desk.Priority) *desk.Case {
	t.Helper()
	c, err := e.svc.Cases().Open(context.Background(), support.Request{Actor: e.actor(demo.Designated)}, desk.NewCase{
		Combination: e.world.ABCCombo(), Type: desk.TypeSupport, SubType: "Problem",
		ProductID: e.world.Products["Signalling Server"], ComponentID: e.world.Comps["Signalling Server"][0],
		Summary: "Calls drop", Description: "Every call on trunk 3 drops after thirty seconds since this morning.",
		Priority: p, Stage: desk.StageProduction,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// open opens a case of a contact the test built on their own company's
// combination (a direct customer's), as openCase does.
func (e *env) open(who *desk.User, p desk.Priority) *desk.Case {
	e.t.Helper()
	return e.openCase(who, desk.Combination{SoldToID: who.CompanyID, EndUserID: who.CompanyID}, p)
}

// openCase opens a case as contact on combo, through the service, so it
// has what a customer's case has (its clocks, jobs and feed, which fx.Case
// does not make): a Problem with the builder's default product, in
// production, with priority p.
func (e *env) openCase(contact *desk.User, combo desk.Combination, p desk.Priority) *desk.Case {
	e.t.Helper()
	product := e.fx.DefaultProduct()
	c, err := e.svc.Cases().Open(context.Background(), support.Request{Actor: e.actor(contact.Email)}, desk.NewCase{
		Combination: combo, Type: desk.TypeSupport, SubType: "Problem",
		ProductID: product.ID, ComponentID: product.Components[0],
		Summary: "Calls drop", Description: "Every call on trunk 3 drops after thirty seconds since this morning.",
		Priority: p, Stage: desk.StageProduction,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// actor returns the access of a user (of the demo, or one the test built)
// as the service sees it.
func (e *env) actor(email string) *desk.Actor {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.store.Actor(ctx, u.ID, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// bearer is an API client with a token and no cookies.
func (e *env) bearer(token string) *client {
	c := e.anonymous()
	c.token = token
	return c
}

func quietWeb() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
