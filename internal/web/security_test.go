package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/web"
)

// TestSignInNextStaysOnSite tries known open-redirect bypasses in next,
// both posted with the sign-in and carried in by a link to /signin.
func TestSignInNextStaysOnSite(t *testing.T) {
	e := newEnv(t, sqliteStore(t))
	bypasses := []string{
		"https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\t\\evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example",
		"/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%09/evil.example", "/%0a/evil.example",
		"//user@evil.example", "/\\user@evil.example", "https:evil.example", "javascript:alert(1)",
		"evil.example", "/\x00/evil.example", "/\u3002/evil.example", "/\uff0f/evil.example", "/<script>",
	}
	for _, next := range bypasses {
		if got := formNext(e, next); got != "/" {
			t.Errorf("GET /signin?next=%q puts %q in the form, want /", next, got)
		}
		res := e.anonymous().post("/signin", url.Values{"email": {demo.Designated}, "password": {demo.Password}, "next": {next}})
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != "/cases" {
			t.Errorf("sign in with next=%q: %d to %q, want 303 to /cases", next, res.StatusCode, got)
		}
	}
	for _, next := range []string{"/cases/0000000001", "/cases?status=open&cursor=MTIz%3D", "/profile"} {
		if got := formNext(e, next); got != next {
			t.Errorf("GET /signin?next=%q puts %q in the form", next, got)
		}
		res := e.anonymous().post("/signin", url.Values{"email": {demo.Designated}, "password": {demo.Password}, "next": {next}})
		if got := res.Header.Get("Location"); got != next {
			t.Errorf("sign in with next=%q goes to %q", next, got)
		}
	}
}

// formNext is the next the sign-in form carries when a link to it has one.
func formNext(e *env, next string) string {
	e.t.Helper()
	body := e.anonymous().get("/signin?next=" + url.QueryEscape(next)).Body
	_, after, ok := strings.Cut(body, `name="next" value="`)
	if !ok {
		e.t.Fatal("the sign-in form has no next field")
	}
	value, _, _ := strings.Cut(after, `"`)
	return html.UnescapeString(value)
}

// TestClientAddressBehindProxy checks whose address the audit log and the
// sign-in throttle see: behind a trusted proxy the client the proxies name
// (the rightmost hop that is not one of them), from anyone else the peer,
// whatever forwarding headers it sends.
func TestClientAddressBehindProxy(t *testing.T) {
	trustLoopback := func(c *web.Config) {
		var err error
		c.TrustedProxies, err = web.ParseTrustedProxies("127.0.0.0/8, 10.0.0.0/8,::1")
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		trusted bool
		header  http.Header
		want    string
	}{
		{"no header", true, nil, "127.0.0.1"},
		{"X-Forwarded-For from a trusted proxy", true, http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "203.0.113.7"},
		{"spoofed hop left of the client", true, http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.7"}}, "203.0.113.7"},
		{"two trusted proxies", true, http.Header{"X-Forwarded-For": {"203.0.113.7, 10.1.2.3"}}, "203.0.113.7"},
		{"headers on two lines", true, http.Header{"X-Forwarded-For": {"198.51.100.1", "203.0.113.7, 10.1.2.3"}}, "203.0.113.7"},
		{"Forwarded wins", true, http.Header{
			"Forwarded":       {`for=198.51.100.1, for="[2001:db8::7]:4711";proto=https`},
			"X-Forwarded-For": {"203.0.113.9"},
		}, "2001:db8::7"},
		{"Forwarded with port", true, http.Header{"Forwarded": {`For="203.0.113.7:8443"`}}, "203.0.113.7"},
		{"unknown hop", true, http.Header{"Forwarded": {"for=unknown"}}, "127.0.0.1"},
		{"every hop trusted", true, http.Header{"X-Forwarded-For": {"10.9.9.9"}}, "10.9.9.9"},
		{"spoofed from an untrusted peer", false, http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "127.0.0.1"},
		{"spoofed Forwarded from an untrusted peer", false, http.Header{"Forwarded": {"for=203.0.113.7"}}, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var configure []func(*web.Config)
			if tt.trusted {
				configure = append(configure, trustLoopback)
			}
			e := newEnvWith(t, sqliteStore(t), nil, configure...)
			c := e.anonymous()
			c.header = tt.header
			c.post("/signin", url.Values{"email": {demo.Designated}, "password": {"not the password"}})
			log, err := e.store.AuditLog(context.Background(), store.AuditFilter{Action: "sign_in_failed"})
			if err != nil {
				t.Fatal(err)
			}
			if len(log) != 1 || log[0].Address != tt.want {
				t.Fatalf("failed sign-in audited as %+v, want one line from %s", log, tt.want)
			}
		})
	}
	t.Run("one client behind the proxy locks out no one else", func(t *testing.T) {
		e := newEnvWith(t, sqliteStore(t), nil, trustLoopback)
		attacker := e.anonymous()
		attacker.header = http.Header{"X-Forwarded-For": {"203.0.113.66"}}
		for i := range support.MaxAddressFailures + 5 {
			attacker.post("/signin", url.Values{"email": {"nobody" + itoa(int64(i)) + "@example.com"}, "password": {"guess"}})
		}
		user := e.anonymous()
		user.header = http.Header{"X-Forwarded-For": {"198.51.100.20"}}
		res := user.post("/signin", url.Values{"email": {demo.Designated}, "password": {demo.Password}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in of another client behind the proxy = %d, want 303", res.StatusCode)
		}
	})
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := web.ParseTrustedProxies(" 10.0.0.0/8,192.0.2.1 , ::1,2001:db8::/32,")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[1].String() != "192.0.2.1/32" || got[2].String() != "::1/128" {
		t.Errorf("ParseTrustedProxies = %v", got)
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1-10.0.0.9"} {
		if _, err := web.ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) = nil error, want one", bad)
		}
	}
}
