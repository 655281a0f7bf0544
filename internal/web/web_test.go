package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestSignInAndHome: signed out, pages send people to sign in; a wrong
// password is refused with a message; a contact lands on My Support,
// staff on the console.
func TestSignInAndHome(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Dana of ABC Testing Co, Read-Write; an agent.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana, agent := e.login(e.fx.Contact(abc, desk.ReadWrite)), e.staff(desk.RoleAgent)
		anon := e.anonymous()
		if res := anon.get("/cases"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("GET /cases signed out = %d %s, want 303 to /signin", res.StatusCode, res.Header.Get("Location"))
		}
		bad := anon.post("/signin", url.Values{"email": {dana}, "password": {"wrong password"}})
		if bad.StatusCode != http.StatusUnauthorized || !strings.Contains(bad.Body, "not right") {
			t.Errorf("sign in with a wrong password = %d, want 401 with a message", bad.StatusCode)
		}
		for email, home := range map[string]string{dana: "/home", agent: "/console"} {
			c := e.anonymous()
			res := c.post("/signin", url.Values{"email": {email}, "password": {e.passwords[email]}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != home {
				t.Errorf("sign in as %s = %d to %q, want 303 to %s", email, res.StatusCode, res.Header.Get("Location"), home)
			}
		}
	})
}

// TestEmptyFormsAskForTheirFields: signing in or asking for a reset link
// with nothing typed asks for what is missing, rather than saying the
// password is wrong or that a link went to "" (and counts no failed
// sign-in).
func TestEmptyFormsAskForTheirFields(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		dana := e.login(e.fx.Contact(e.fx.Company("ABC Testing Co"), desk.ReadWrite))
		for _, tt := range []struct {
			form url.Values
			want []string
		}{
			{url.Values{"email": {""}, "password": {""}}, []string{`id="email-error">Enter your email address.`, `id="password-error">Enter your password.`}},
			{url.Values{"email": {dana}, "password": {""}}, []string{`id="password-error">Enter your password.`}},
			{url.Values{"email": {" "}, "password": {"something"}}, []string{`id="email-error">Enter your email address.`}},
		} {
			res := e.anonymous().post("/signin", tt.form)
			if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(res.Body, "not right") {
				t.Errorf("sign in with %v = %d, want 422 asking for what is missing", tt.form, res.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Body, w) {
					t.Errorf("sign in with %v: the page does not say %s", tt.form, w)
				}
			}
		}
		audit, err := e.store.AuditLog(context.Background(), desk.AuditFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range audit {
			if a.Action == "sign_in_failed" {
				t.Errorf("an empty sign-in was counted as a failure: %+v", a)
			}
		}
		res := e.anonymous().post("/forgot-password", url.Values{"email": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="email-error">Enter your email address.`) ||
			strings.Contains(res.Body, "belongs to a Caseport account") {
			t.Errorf("an empty reset request = %d, want 422 asking for the email", res.StatusCode)
		}
	})
}

// TestCrossOriginPostRefused: a form posted from another site is refused,
// even with the session's cookie.
func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	// A signed-in contact; the check is the HTTP layer's, so one engine
	// is enough.
	e := start(t, sqliteStore(t), false, nil, nil)
	c := e.signIn(e.login(e.fx.Contact(e.fx.Company("ABC Testing Co"), desk.ReadOnly)))
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/signout", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", res.StatusCode)
	}
}

// TestHealthz: the liveness check answers anyone, on an empty store.
func TestHealthz(t *testing.T) {
	t.Parallel()
	e := start(t, sqliteStore(t), false, nil, nil)
	if res := e.anonymous().get("/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", res.StatusCode)
	}
}

// TestReadiness: /healthz says the process lives; /readyz says whether
// Caseport can take work, and is 503 while the store does not commit a
// write (here another transaction holds the lock the write needs) or the
// file store cannot keep a file (its directory is gone).
func TestReadiness(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "files")
			local, err := files.OpenLocal(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { local.Close() })
			// No rows: readiness asks only the store and the file store.
			e := start(t, storetest.Open(t, eng), false, local, nil)
			c := e.anonymous()
			check := func(when string, wantReady int, wantBody string) {
				t.Helper()
				if res := c.get("/healthz"); res.StatusCode != http.StatusOK {
					t.Errorf("%s: GET /healthz = %d, want 200", when, res.StatusCode)
				}
				res := c.get("/readyz")
				if res.StatusCode != wantReady || !strings.Contains(res.Body, wantBody) {
					t.Errorf("%s: GET /readyz = %d %q, want %d %q", when, res.StatusCode, res.Body, wantReady, wantBody)
				}
				if wantReady != http.StatusOK && res.Header.Get("Retry-After") == "" {
					t.Errorf("%s: GET /readyz = %d without Retry-After", when, res.StatusCode)
				}
			}
			check("all well", http.StatusOK, "ok")

			held, release := make(chan struct{}), make(chan struct{})
			writeDone := make(chan error, 1)
			go func() {
				writeDone <- e.store.Write(context.Background(), func(tx *store.Tx) error {
					if err := tx.MarkReady(context.Background(), time.Now()); err != nil {
						return err
					}
					close(held)
					<-release
					return nil
				})
			}()
			<-held
			check("while another write holds the lock", http.StatusServiceUnavailable, "not ready: store")
			close(release)
			if err := <-writeDone; err != nil {
				t.Fatal(err)
			}
			check("after the lock is released", http.StatusOK, "ok")

			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			check("with the files directory gone", http.StatusServiceUnavailable, "not ready: file store")
		})
	}
}

// TestFavicon: every page names the icon, which the static files serve.
func TestFavicon(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		c := e.anonymous()
		icon := regexp.MustCompile(`<link rel="icon" href="(/static/favicon\.[0-9a-f]{12}\.svg)" type="image/svg\+xml">`).FindStringSubmatch(c.get("/signin").Body)
		if icon == nil {
			t.Fatal("the page names no icon")
		}
		res := c.get(icon[1])
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(res.Body, "<svg") {
			t.Errorf("GET %s = %d %s", icon[1], res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}
