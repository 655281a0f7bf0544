package support

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/caseport/caseport/internal/store"
)

// Unavailable reports whether err means the store cannot serve just now
// (the database is out of reach, locked or full) rather than that the
// request was wrong: the caller answers 503 and asks to try again.
func Unavailable(err error) bool { return store.Unavailable(err) }

// NotReadyError says which part of Caseport cannot do its work.
type NotReadyError struct {
	Part string // "store" or "file store"
	Err  error
}

// Error names the part and why it is not ready.
func (e *NotReadyError) Error() string { return e.Part + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *NotReadyError) Unwrap() error { return e.Err }

// Ready reports whether Caseport can take work: the store is migrated and
// commits a write, and the file store keeps a file. A store that answers
// queries while every write fails (a full disk, an unwritable directory)
// is not ready. It is a check of the machinery, not anyone's action, so it
// asks no policy.
func (s *Service) Ready(ctx context.Context) error {
	ok, err := s.store.Migrated(ctx)
	if err == nil && !ok {
		err = errors.New("migrations are pending")
	}
	if err == nil {
		err = s.store.CheckWrite(ctx, s.now())
	}
	if err != nil {
		return &NotReadyError{Part: "store", Err: err}
	}
	if s.files == nil {
		return nil
	}
	// A key of each check's own, outside cases/, so checks at once do not
	// trip over each other's file.
	key := "readiness-" + rand.Text()
	if _, err := s.files.Put(ctx, key, strings.NewReader("ready\n")); err != nil {
		return &NotReadyError{Part: "file store", Err: err}
	}
	if err := s.files.Delete(ctx, key); err != nil {
		return &NotReadyError{Part: "file store", Err: fmt.Errorf("remove %s: %w", key, err)}
	}
	return nil
}
