package support_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

func TestSignInThrottling(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.signInCustomer()
		for i := range support.MaxAccountFailures {
			if _, _, err := f.svc.Sessions().SignIn(ctx, acme.dana.Email, "wrong", "198.51.100.7"); !errors.Is(err, support.ErrBadCredentials) {
				t.Fatalf("failure %d: %v, want ErrBadCredentials", i+1, err)
			}
		}
		// The right password is refused too while the account is throttled.
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.dana.Email, password, "198.51.100.8"); !errors.Is(err, desk.ErrThrottled) {
			t.Fatalf("sign-in after %d failures: %v, want ErrThrottled", support.MaxAccountFailures, err)
		}
		// Another account from another address is not affected.
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.sam.Email, password, "198.51.100.9"); err != nil {
			t.Fatalf("another account: %v", err)
		}
		f.time.Set(f.time.Now().Add(support.ThrottleWindow + time.Second))
		token, u, err := f.svc.Sessions().SignIn(ctx, acme.dana.Email, password, "198.51.100.8")
		if err != nil || u.Email != acme.dana.Email {
			t.Fatalf("sign-in after the window: %v", err)
		}
		a, err := f.svc.Sessions().SessionActor(ctx, token)
		if err != nil || a.User.ID != u.ID {
			t.Fatalf("SessionActor = %v, %v", a, err)
		}
		f.time.Set(f.time.Now().Add(support.SessionLifetime + time.Second))
		if _, err := f.svc.Sessions().SessionActor(ctx, token); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("expired session: %v, want ErrUnauthenticated", err)
		}
		// An unknown address fails the same way as a wrong password, and
		// every failure is audited.
		if _, _, err := f.svc.Sessions().SignIn(ctx, "nobody@abc-testing.example", "x", "198.51.100.10"); !errors.Is(err, support.ErrBadCredentials) {
			t.Errorf("unknown account: %v, want ErrBadCredentials", err)
		}
		log, err := f.store.AuditLog(ctx, desk.AuditFilter{Action: "sign_in_failed", Limit: 100})
		if err != nil || len(log) != support.MaxAccountFailures+1 {
			t.Errorf("audit has %d sign_in_failed lines (%v), want %d", len(log), err, support.MaxAccountFailures+1)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.signInCustomer()
		oldToken, _, err := f.svc.Sessions().SignIn(ctx, acme.riley.Email, password, "203.0.113.1")
		if err != nil {
			t.Fatal(err)
		}
		apiToken, err := f.svc.Accounts().CreateAPIToken(ctx, f.req(t, acme.riley), "a script")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Sessions().RequestPasswordReset(ctx, "nobody@abc-testing.example", "203.0.113.1"); err != nil {
			t.Fatalf("reset for an unknown address: %v, want the same quiet answer", err)
		}
		if err := f.svc.Sessions().RequestPasswordReset(ctx, acme.riley.Email, "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		mails, err := f.store.Notifications(ctx, acme.riley.Email, 1)
		if err != nil || len(mails) != 1 {
			t.Fatalf("reset mail: %v, %v", mails, err)
		}
		token := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(mails[0].Body)[1]
		if !f.svc.Sessions().ResetLinkValid(ctx, token) {
			t.Fatal("fresh reset link is not valid")
		}
		if err := f.svc.Sessions().ResetPassword(ctx, token, "short", "203.0.113.1"); desk.AsValidation(err)["password"] == "" {
			t.Errorf("short password: %v, want a message on password", err)
		}
		if err := f.svc.Sessions().ResetPassword(ctx, token, "a much better passphrase", "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Sessions().ResetPassword(ctx, token, "another passphrase!", "203.0.113.1"); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("reusing the link: %v, want not found", err)
		}
		if _, err := f.svc.Sessions().SessionActor(ctx, oldToken); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("old session after reset: %v, want ended", err)
		}
		if _, err := f.svc.Sessions().TokenActor(ctx, apiToken); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("API token after reset: %v, want revoked", err)
		}
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.riley.Email, "a much better passphrase", "203.0.113.1"); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		// A link older than an hour no longer works.
		if err := f.svc.Sessions().RequestPasswordReset(ctx, acme.riley.Email, "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		mails, _ = f.store.Notifications(ctx, acme.riley.Email, 1)
		token = regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(mails[0].Body)[1]
		f.time.Set(f.time.Now().Add(support.ResetLinkLifetime + time.Minute))
		if f.svc.Sessions().ResetLinkValid(ctx, token) {
			t.Error("a reset link older than an hour is still valid")
		}
		for _, m := range mails {
			if strings.Contains(m.Body, "PIN") {
				t.Error("an email mentions a PIN")
			}
		}
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		dana := f.req(t, acme.dana)
		token, err := f.svc.Accounts().CreateAPIToken(ctx, dana, "nightly report")
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.Sessions().TokenActor(ctx, token)
		if err != nil || a.User.Email != acme.dana.Email {
			t.Fatalf("TokenActor = %v, %v", a, err)
		}
		if _, err := f.svc.Sessions().TokenActor(ctx, token+"x"); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("a wrong token: %v", err)
		}
		list, err := f.svc.Accounts().APITokens(ctx, dana)
		if err != nil || len(list) != 1 || list[0].Name != "nightly report" {
			t.Fatalf("APITokens = %v, %v", list, err)
		}
		if err := f.svc.Accounts().RevokeAPIToken(ctx, f.req(t, acme.sam), list[0].ID); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("revoking someone else's token: %v, want not found", err)
		}
		if err := f.svc.Accounts().RevokeAPIToken(ctx, dana, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Sessions().TokenActor(ctx, token); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("a revoked token: %v, want unauthenticated", err)
		}
		if _, err := f.svc.Accounts().CreateAPIToken(ctx, dana, " "); desk.AsValidation(err)["name"] == "" {
			t.Errorf("a token without a name: %v", err)
		}
	})
}

// TestSignInSlowsDownNotLocksOut: failures slow an account or an address
// down for a while, never for good, and a guesser behind a shared address
// does not hold up those who signed in from it before.
func TestSignInSlowsDownNotLocksOut(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.signInCustomer()
		const shared = "198.51.100.50"
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.dana.Email, password, shared); err != nil {
			t.Fatal(err)
		}
		for i := range support.MaxAddressFailures {
			if _, _, err := f.svc.Sessions().SignIn(ctx, "guess"+strconv.Itoa(i)+"@abc-testing.example", "x", shared); !errors.Is(err, support.ErrBadCredentials) {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.dana.Email, password, shared); err != nil {
			t.Errorf("someone who signed in from the address before: %v, want in", err)
		}
		_, _, err := f.svc.Sessions().SignIn(ctx, acme.sam.Email, password, shared)
		var re *desk.RetryError
		if !errors.As(err, &re) || re.Wait <= 0 || re.Wait > time.Minute {
			t.Fatalf("a first sign-in from the address after its failures: %v, want a wait of at most a minute", err)
		}
		f.time.Set(f.time.Now().Add(re.Wait))
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.sam.Email, password, shared); err != nil {
			t.Errorf("after the wait: %v, want in", err)
		}

		// An account's waits double from a minute and stop at the window.
		var waits []time.Duration
		for range support.MaxAccountFailures + 6 {
			_, _, err := f.svc.Sessions().SignIn(ctx, acme.riley.Email, "wrong", "203.0.113.9")
			if errors.As(err, &re) {
				waits = append(waits, re.Wait.Round(time.Second))
				f.time.Set(f.time.Now().Add(re.Wait))
				if _, _, err := f.svc.Sessions().SignIn(ctx, acme.riley.Email, "wrong", "203.0.113.9"); !errors.Is(err, support.ErrBadCredentials) {
					t.Fatalf("a guess after the wait: %v, want it checked", err)
				}
			}
		}
		want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
		if !slices.Equal(waits, want) {
			t.Errorf("account waits = %v, want %v", waits, want)
		}
		f.time.Set(f.time.Now().Add(support.ThrottleWindow))
		if _, _, err := f.svc.Sessions().SignIn(ctx, acme.riley.Email, password, "203.0.113.9"); err != nil {
			t.Errorf("the right password after the last wait: %v", err)
		}
	})
}
