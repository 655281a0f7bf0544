package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest"
)

// postgresEngine returns the PostgreSQL engine, or skips: SQLite is a file
// in the process, with no server connections to lose.
func postgresEngine(t *testing.T) storetest.Engine {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		if eng.Name == "postgres" {
			return eng
		}
	}
	t.Skip("needs " + storetest.EnvPostgres + ": SQLite has no server connections to lose")
	return storetest.Engine{}
}

// TestConnectionsTerminated: every PostgreSQL connection of the pool is
// ended under the server (pg_terminate_backend, as a restart or an
// administrator would); the requests after it still succeed, pages, API
// reads and writes alike, because a statement that failed on a dead
// connection before any work was done is tried once more.
func TestConnectionsTerminated(t *testing.T) {
	t.Parallel()
	eng := postgresEngine(t)
	url := eng.URL(t)
	e := newBuilt(t, storetest.Open(t, storetest.Engine{Name: eng.Name, URL: func(testing.TB) string { return url }}))
	// Dana is a Designated Contact of a direct customer.
	abc := e.fx.Company("ABC Testing Co")
	e.fx.Contract(abc)
	danaEmail := e.login(e.fx.Contact(abc, desk.ReadWrite))
	dana, api := e.signIn(danaEmail), e.apiClient(danaEmail)
	// Fill the pool: parallel requests each hold a connection.
	fill := func() {
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				if _, err := dana.try(request(http.MethodGet, e.srv.URL+"/cases")); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	for round := range 3 {
		fill()
		if n := storetest.TerminateBackends(t, url); n == 0 {
			t.Fatalf("round %d: no connections to terminate", round)
		}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				var (
					res *response
					err error
				)
				switch i % 4 {
				case 0:
					res, err = dana.try(request(http.MethodGet, e.srv.URL+"/cases"))
				case 1:
					res, err = api.try(request(http.MethodGet, e.srv.URL+"/api/v1/cases"))
				case 2:
					res, err = api.try(request(http.MethodPost, e.srv.URL+"/api/v1/me/terms"))
				default:
					res, err = e.anonymous().try(request(http.MethodGet, e.srv.URL+"/readyz"))
				}
				if err != nil {
					t.Errorf("round %d: %v", round, err)
					return
				}
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
					t.Errorf("round %d: %s %s after the connections were terminated = %d: %.200s",
						round, res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Body)
				}
			})
		}
		wg.Wait()
	}
}

// TestStoreDown: while the database cannot be reached, pages answer 503
// with Retry-After and a page that says to try again, the API a 503
// problem document with Retry-After, /readyz 503 and /healthz 200.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	eng := postgresEngine(t)
	proxied, down := storetest.Proxy(t, eng.URL(t))
	e := newBuilt(t, storetest.Open(t, storetest.Engine{Name: eng.Name, URL: func(testing.TB) string { return proxied }}))
	// Dana is a Designated Contact of a direct customer.
	abc := e.fx.Company("ABC Testing Co")
	e.fx.Contract(abc)
	danaEmail := e.login(e.fx.Contact(abc, desk.ReadWrite))
	dana, api := e.signIn(danaEmail), e.apiClient(danaEmail)
	down()

	wantUnavailable := func(res *response) {
		t.Helper()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the store down = %d, Retry-After %q; want 503 with Retry-After",
				res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	page := dana.get("/cases")
	wantUnavailable(page)
	if !strings.Contains(page.Body, "try again") {
		t.Errorf("GET /cases with the store down: the page does not say to try again:\n%.300s", page.Body)
	}
	wantUnavailable(dana.post("/cases/new", url.Values{"sold_to_id": {itoa(abc.ID)}}))
	for _, res := range []*response{
		api.apiCall("GET", "/api/v1/cases", nil),
		api.apiCall("POST", "/api/v1/me/terms", nil),
	} {
		wantUnavailable(res)
		wantProblem(t, res, http.StatusServiceUnavailable)
	}
	wantUnavailable(e.anonymous().get("/readyz"))
	if res := e.anonymous().get("/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz with the store down = %d, want 200: the process is alive", res.StatusCode)
	}
}

// request is a request without a body, for client.try.
func request(method, url string) *http.Request {
	req, err := http.NewRequestWithContext(context.Background(), method, url, http.NoBody)
	if err != nil {
		panic(err) // the tests' own constant method and URL
	}
	return req
}
