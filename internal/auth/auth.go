// Package auth provides the secrets of sign-in: argon2id password hashes,
// random tokens stored only as their SHA-256, and contact PINs.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP recommendation for argon2id (19 MiB, two
// passes, one lane), which costs about 30 ms on one core here.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// ErrMismatch reports a password that does not match its hash.
var ErrMismatch = errors.New("password does not match")

// HashPassword returns an encoded argon2id hash of pw in the PHC string
// format, so parameters can change later without breaking stored hashes.
func HashPassword(pw string) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword compares pw with an encoded hash in constant time. It
// returns ErrMismatch for a wrong password and another error for a hash it
// cannot read (including the empty hash of a user who never set one).
func CheckPassword(encoded, pw string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("password hash: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	var mem, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil {
		return fmt.Errorf("password hash parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("password hash salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("password hash key: %w", err)
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, threads, uint32(len(want))) //nolint:gosec // len of a decoded 32-byte key
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// NewToken returns a random token for a session, an API token or an
// emailed link: 32 bytes, URL-safe base64. prefix (e.g. "cpt_") makes a
// token recognisable in logs and secret scanners.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the store keeps of a token: a leaked database does not
// leak usable tokens. Tokens are long and random, so no salt or slow hash is
// needed.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// PINDigits is the length of a contact PIN.
const PINDigits = 6

// NewPIN returns a random numeric PIN. Uniqueness is the store's job: it
// retries on a clash.
func NewPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%0*d", PINDigits, n.Int64())
}
