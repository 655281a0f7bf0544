package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("HashPassword = %q, want an argon2id PHC string", h)
	}
	if h2 := HashPassword("correct horse battery"); h2 == h {
		t.Errorf("two hashes of one password are equal: salts are not random")
	}
	if err := CheckPassword(h, "correct horse battery"); err != nil {
		t.Errorf("CheckPassword(right) = %v, want nil", err)
	}
	if err := CheckPassword(h, "correct horse batterY"); !errors.Is(err, ErrMismatch) {
		t.Errorf("CheckPassword(wrong) = %v, want ErrMismatch", err)
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if err := CheckPassword(bad, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("CheckPassword(%q) = %v, want a malformed-hash error", bad, err)
		}
	}
}

func TestTokenAndPIN(t *testing.T) {
	t.Parallel()
	a, b := NewToken("cpt_"), NewToken("cpt_")
	if a == b || !strings.HasPrefix(a, "cpt_") || len(a) != 4+43 {
		t.Errorf("NewToken = %q, %q: want distinct cpt_ tokens of 47 characters", a, b)
	}
	if len(HashToken(a)) != 32 {
		t.Errorf("HashToken length = %d, want 32", len(HashToken(a)))
	}
	seen := map[string]bool{}
	for range 200 {
		p := NewPIN()
		if len(p) != PINDigits || strings.Trim(p, "0123456789") != "" {
			t.Fatalf("NewPIN = %q, want %d digits", p, PINDigits)
		}
		seen[p] = true
	}
	if len(seen) < 190 {
		t.Errorf("NewPIN gave %d distinct PINs in 200 draws: not random enough", len(seen))
	}
}
