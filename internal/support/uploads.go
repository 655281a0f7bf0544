package support

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
)

// Resumable uploads (the tus protocol's server side, without the HTTP):
// an upload is created for a case with its length, grows by chunks at
// known offsets, may be resumed after any interruption, and becomes a
// case file when its last byte arrives. The SHA-256 of the whole file is
// computed while the bytes stream in; its state is saved with every chunk,
// so a resumed upload goes on hashing where it stopped and memory does not
// grow with the size of the file.

// UploadLifetime is how long an unfinished upload waits for its next chunk
// before it expires and its bytes are deleted.
const UploadLifetime = 7 * 24 * time.Hour

// JobUploadExpiry is the kind of the job that removes an expired upload.
const JobUploadExpiry = "upload-expiry"

func uploadKey(uploadID string) string { return "upload:" + uploadID }

// Errors of uploads that the protocol answers in its own way: kinds of
// their own, whose texts are for logs (people read the catalogue's words
// for the kind, or the message of a refusal of that kind).
var (
	// ErrUploadExpired is an upload past its expiry (410 Gone).
	ErrUploadExpired = desk.ErrUploadExpired
	// ErrChecksumMismatch is a chunk whose checksum did not match (460).
	ErrChecksumMismatch = errors.New("checksum mismatch")
	// ErrChunkTooLarge is a chunk that would go past the upload's length.
	ErrChunkTooLarge = errors.New("chunk too large")
)

// NewUpload describes an upload to create.
type NewUpload struct {
	CaseID      int64
	Name        string
	ContentType string
	Length      int64
	// Partial marks one part of a file sent in parallel pieces, joined by
	// ConcatUploads.
	Partial bool
}

// Chunk is a piece of an upload.
type Chunk struct {
	Offset int64
	// Length is the chunk's size when the sender said it, else -1.
	Length int64
	Body   io.Reader
	// Check, when set, is the checksum the sender gave for the chunk.
	Check *ChunkCheck
	// Interrupt stops reading Body; a newer request for the same upload
	// calls it to take over from one whose sender is gone.
	Interrupt func()
}

// ChunkCheck is a chunk's checksum: a fresh hash of the named algorithm
// and the sum the sender computed.
type ChunkCheck struct {
	Hash hash.Hash
	Want []byte
}

// transferCase returns the case if the actor may send files to it now,
// for a page or an early refusal; a write decides again with
// transferCaseTx.
func (s *core) transferCase(ctx context.Context, r Request, caseID int64) (*desk.CaseRow, error) {
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if err := s.mayTransfer(r, &c.Case); err != nil {
		return nil, err
	}
	return c, nil
}

// transferCaseTx is transferCase inside the transaction that writes: the
// case is read (locked on PostgreSQL) and checked there, so a case closed
// or moved to another combination since the page was read is refused.
func (s *core) transferCaseTx(ctx context.Context, tx *store.Tx, r Request, caseID int64) (*desk.Case, error) {
	c, err := tx.CaseForUpdate(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if err := s.mayTransfer(r, c); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *core) mayTransfer(r Request, c *desk.Case) error {
	if err := desk.Authorize(r.Actor, desk.TransferFiles, desk.On(c.Combination())); err != nil {
		if desk.Authorize(r.Actor, desk.ViewCase, desk.On(c.Combination())) != nil {
			return hide(err, c.ID)
		}
		return err
	}
	return s.canReceive(c)
}

// canReceive refuses files for a closed case, or without a file store.
func (s *core) canReceive(c *desk.Case) error {
	if c.Status == desk.StatusClosed {
		return desk.Refuse(desk.ErrConflict, "support.uploads.case_is_closed_files", "Number", c.Number())
	}
	if s.files == nil {
		return desk.Refuse(desk.ErrConflict, "support.uploads.this_installation_has_no")
	}
	return nil
}

// FileTransfer is what the Transfer Files page shows.
type FileTransfer struct {
	Case *desk.CaseRow
	// Acknowledged is when the actor acknowledged the data-protection
	// warning for this case; zero until then.
	Acknowledged time.Time
	// NeedsAcknowledgement says the actor must acknowledge the warning
	// before sending files: they have not yet, and they may not
	// SkipAcknowledgement (as the transfers themselves decide).
	NeedsAcknowledgement bool
}

// FileTransfer opens the Transfer Files page of a case.
func (s *Transfers) FileTransfer(ctx context.Context, r Request, caseID int64) (*FileTransfer, error) {
	c, err := s.transferCase(ctx, r, caseID)
	if err != nil {
		return nil, err
	}
	at, err := s.store.FilesAcknowledged(ctx, caseID, r.Actor.User.ID)
	if err != nil {
		return nil, err
	}
	skip := desk.Authorize(r.Actor, desk.SkipAcknowledgement, desk.On(c.Combination())) == nil
	return &FileTransfer{Case: c, Acknowledged: at, NeedsAcknowledgement: at.IsZero() && !skip}, nil
}

// AcknowledgeFiles records that the actor read the warning not to send
// regulated, sensitive or personal data with this case.
func (s *Transfers) AcknowledgeFiles(ctx context.Context, r Request, caseID int64) error {
	return s.write(ctx, r, func(tx *store.Tx) error {
		c, err := s.transferCaseTx(ctx, tx, r, caseID)
		if err != nil {
			return err
		}
		if err := tx.AcknowledgeFiles(ctx, caseID, r.Actor.User.ID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "files_acknowledged", c.Number(), "")
	})
}

// acknowledgements is where requireAcknowledgement looks: the store for
// an early refusal, the writing transaction for the decision.
type acknowledgements interface {
	FilesAcknowledged(ctx context.Context, caseID, userID int64) (time.Time, error)
}

// requireAcknowledgement refuses a transfer by someone who has not
// acknowledged the data-protection warning of the case. Whoever may
// SkipAcknowledgement (staff sharing files back) needs none.
func (s *core) requireAcknowledgement(ctx context.Context, acks acknowledgements, r Request, c *desk.Case) error {
	if desk.Authorize(r.Actor, desk.SkipAcknowledgement, desk.On(c.Combination())) == nil {
		return nil
	}
	at, err := acks.FilesAcknowledged(ctx, c.ID, r.Actor.User.ID)
	if err != nil {
		return err
	}
	if at.IsZero() {
		return desk.Refuse(desk.ErrForbidden, "support.uploads.acknowledge_first", "Number", c.Number())
	}
	return nil
}

// sendableCaseTx decides, inside the transaction that records an upload,
// that the actor may still send files to the case.
func (s *core) sendableCaseTx(ctx context.Context, tx *store.Tx, r Request, caseID int64) (*desk.Case, error) {
	c, err := s.transferCaseTx(ctx, tx, r, caseID)
	if err != nil {
		return nil, err
	}
	if err := s.requireAcknowledgement(ctx, tx, r, c); err != nil {
		return nil, err
	}
	return c, nil
}

// newUploadID returns a fresh, unguessable upload id.
func newUploadID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func marshalHash(h hash.Hash) []byte {
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic(err) // sha256 always marshals
	}
	return b
}

func restoreHash(state []byte) (hash.Hash, error) {
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return nil, fmt.Errorf("upload hash state: %w", err)
	}
	return h, nil
}

// CreateUpload starts an upload to a case. A first chunk sent with the
// request (creation-with-upload) is written and checked before anything is
// recorded: when its checksum does not match, nothing is kept. An upload
// returned with an error is recorded all the same (a first chunk cut
// short keeps what arrived; a finish that failed runs again on the next
// request), and the sender resumes from its offset.
func (s *Transfers) CreateUpload(ctx context.Context, r Request, in NewUpload, first *Chunk) (*desk.Upload, error) {
	c, err := s.transferCase(ctx, r, in.CaseID)
	if err != nil {
		return nil, err
	}
	if err := s.requireAcknowledgement(ctx, s.store, r, &c.Case); err != nil {
		return nil, err
	}
	if in.Length < 0 {
		return nil, desk.Invalid("length", "support.uploads.length")
	}
	now := s.now()
	u := &desk.Upload{
		ID: newUploadID(), CaseID: c.ID, UserID: r.Actor.User.ID, Name: cleanPathName(in.Name),
		ContentType: in.ContentType, Length: in.Length, HashState: marshalHash(sha256.New()), Partial: in.Partial,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(UploadLifetime),
	}
	if err := s.files.Uploads().Create(u.ID); err != nil {
		return nil, err
	}
	var readErr error
	if first != nil {
		if readErr, err = s.receive(ctx, u, *first); err != nil {
			_ = s.files.Uploads().Remove(u.ID)
			return nil, err
		}
	}
	err = s.store.Write(ctx, func(tx *store.Tx) error {
		if _, err := s.sendableCaseTx(ctx, tx, r, u.CaseID); err != nil {
			return err
		}
		if err := tx.CreateUpload(ctx, u); err != nil {
			return err
		}
		return s.scheduleExpiry(ctx, tx, u)
	})
	if err != nil {
		_ = s.files.Uploads().Remove(u.ID)
		return nil, err
	}
	if readErr != nil {
		return u, readErr
	}
	if u.Allows(desk.UploadFinish, s.now()) {
		done, err := s.finishUpload(ctx, r, u)
		if err != nil {
			return u, err // recorded: the next request to it finishes it
		}
		return done, nil
	}
	return u, nil
}

func (s *core) scheduleExpiry(ctx context.Context, tx *store.Tx, u *desk.Upload) error {
	_, err := tx.ScheduleJob(ctx, &desk.Job{
		Kind: JobUploadExpiry, Key: uploadKey(u.ID), CaseID: u.CaseID, Payload: u.ID, RunAt: u.ExpiresAt,
	}, s.now())
	return err
}

// Upload returns one of the actor's own uploads. Nobody else's exists for
// them.
func (s *Transfers) Upload(ctx context.Context, r Request, uploadID string) (*desk.Upload, error) {
	if r.Actor == nil || r.Actor.User == nil {
		return nil, desk.ErrUnauthenticated
	}
	u, err := s.store.Upload(ctx, uploadID)
	if err != nil {
		return nil, err
	}
	if u.UserID != r.Actor.User.ID {
		return nil, fmt.Errorf("upload: %w", desk.ErrNotFound)
	}
	st := u.State(s.now())
	if st == desk.UploadExpired {
		return nil, ErrUploadExpired
	}
	if _, err := s.transferCase(ctx, r, u.CaseID); err != nil && st != desk.UploadFiled {
		return nil, err
	}
	return u, nil
}

// WriteUpload adds a chunk to an upload at its offset. A chunk cut short
// by its sender keeps what arrived (unless it carried a checksum, which
// can then not be verified); a chunk whose checksum does not match is
// discarded with ErrChecksumMismatch. The last byte makes the upload a
// case file.
func (s *Transfers) WriteUpload(ctx context.Context, r Request, uploadID string, ch Chunk) (*desk.Upload, error) {
	if _, err := s.Upload(ctx, r, uploadID); err != nil {
		return nil, err
	}
	release, err := s.lockUpload(ctx, uploadID, ch.Interrupt)
	if err != nil {
		return nil, err
	}
	defer release()
	u, err := s.Upload(ctx, r, uploadID) // again: it may have moved while we waited
	if err != nil {
		return nil, err
	}
	if ch.Offset != u.Received {
		return nil, desk.Refuse(desk.ErrConflict, "support.uploads.the_upload_is_at", "Received", u.Received, "Offset", ch.Offset)
	}
	if ch.Length > 0 && ch.Offset+ch.Length > u.Length {
		return nil, desk.Refuse(ErrChunkTooLarge, "support.uploads.chunk_too_large", "End", ch.Offset+ch.Length, "Length", u.Length)
	}
	if !u.Allows(desk.UploadWrite, s.now()) {
		if u.Allows(desk.UploadFinish, s.now()) {
			return s.finishUpload(ctx, r, u) // a finish cut short before: do it now
		}
		return u, nil // every byte is here: the sender reads where it stands
	}
	from := u.Received
	readErr, err := s.receive(ctx, u, ch)
	if err != nil {
		return nil, err
	}
	if u.Received == from && readErr != nil {
		return nil, readErr
	}
	now := s.now()
	u.UpdatedAt, u.ExpiresAt = now, now.Add(UploadLifetime)
	err = s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SaveUploadProgress(ctx, u, from); err != nil {
			return err
		}
		return s.scheduleExpiry(ctx, tx, u)
	})
	if err != nil {
		return nil, err
	}
	if readErr != nil {
		return u, readErr // what arrived counts; the sender resumes from here
	}
	if u.Allows(desk.UploadFinish, now) {
		return s.finishUpload(ctx, r, u)
	}
	return u, nil
}

// receive writes a chunk to the staged upload at u.Received and moves u on
// (Received, HashState) by the bytes kept; recording that is the caller's.
// A chunk whose checksum does not match is cut off again and refused with
// ErrChecksumMismatch; one cut short while it carried a checksum keeps
// nothing, since it cannot be verified. readErr is the sender's, after
// which what arrived (without a checksum) still counts.
func (s *core) receive(ctx context.Context, u *desk.Upload, ch Chunk) (readErr, err error) {
	whole, err := restoreHash(u.HashState)
	if err != nil {
		return nil, err
	}
	var sink io.Writer = whole
	if ch.Check != nil {
		sink = io.MultiWriter(whole, ch.Check.Hash)
	}
	body := io.TeeReader(io.LimitReader(ch.Body, u.Length-u.Received), sink)
	n, readErr := s.files.Uploads().Write(ctx, u.ID, u.Received, body)
	if errors.Is(readErr, files.ErrWrite) || errors.Is(readErr, files.ErrNotFound) {
		return nil, fileGone(readErr) // ours, not the sender's
	}
	if ch.Check != nil {
		bad := readErr == nil && !bytes.Equal(ch.Check.Hash.Sum(nil), ch.Check.Want)
		if readErr != nil || bad {
			if err := s.files.Uploads().Truncate(u.ID, u.Received); err != nil {
				return nil, err
			}
			if bad {
				return nil, ErrChecksumMismatch
			}
			return readErr, nil
		}
	}
	if n > 0 {
		u.Received += n
		u.HashState = marshalHash(whole)
	}
	return readErr, nil
}

// storageKey is where an upload's file lives in the store: known from the
// upload alone, so a finish that was cut short can be done again.
func storageKey(caseID int64, uploadID string) string {
	return fmt.Sprintf("cases/%d/%s", caseID, uploadID)
}

// finishUpload moves a complete upload into the store and records it as a
// file of its case. It can run again after a failure at any step.
func (s *core) finishUpload(ctx context.Context, r Request, u *desk.Upload) (*desk.Upload, error) {
	sum, err := UploadSHA256(u)
	if err != nil {
		return nil, err
	}
	f := &desk.CaseFile{
		CaseID: u.CaseID, Name: u.Name, Size: u.Length, SHA256: sum, ContentType: u.ContentType,
		Source: "upload", Direction: "customer", UploadedBy: u.UserID,
	}
	if r.Actor.IsStaff() {
		f.Direction = "support"
	}
	err = s.importFile(ctx, r, u.ID, f, func(tx *store.Tx) error { return tx.SetUploadFile(ctx, u.ID, f.ID) })
	if err != nil {
		return nil, err
	}
	s.forgetUploadLock(u.ID)
	u.FileID = f.ID
	return u, nil
}

// importFile moves a finished upload into the store under a key known
// from the upload alone and records f (its name, size, SHA-256 and origin)
// as a file of its case, with also in the same transaction. A move done
// by an earlier try that failed later counts as done. Whether the case
// still takes the file is decided in the transaction that adds it: a case
// closed (or, for a person, no longer theirs to send to) since the upload
// began refuses it, and the moved file is deleted, since nobody will
// finish it.
func (s *core) importFile(ctx context.Context, r Request, uploadID string, f *desk.CaseFile, also func(*store.Tx) error) error {
	f.StorageKey, f.CreatedAt = storageKey(f.CaseID, uploadID), s.now()
	if err := s.files.Import(ctx, f.StorageKey, uploadID); err != nil {
		stored, oerr := s.files.Open(ctx, f.StorageKey)
		if oerr != nil {
			return fileGone(err) // not moved before either
		}
		stored.Close()
	}
	var refused error
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, f.CaseID)
		if err != nil {
			return err
		}
		if r.Actor == nil { // an SFTP account: its login checked whom it serves
			refused = s.canReceive(c)
		} else {
			refused = s.mayTransfer(r, c)
		}
		if refused != nil {
			return refused
		}
		if f.ID, err = tx.AddCaseFile(ctx, f); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		return s.fileArrived(ctx, tx, r, c, f)
	})
	if refused != nil {
		if derr := s.files.Delete(ctx, f.StorageKey); derr != nil {
			s.log.WarnContext(ctx, "delete refused file", "key", f.StorageKey, "err", derr)
		}
	}
	return err
}

// UploadSHA256 is the SHA-256 of the bytes an upload received so far, in
// hex: of the whole file once it is complete.
func UploadSHA256(u *desk.Upload) (string, error) {
	h, err := restoreHash(u.HashState)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileArrived tells the case feed (and, for a file support shares, the
// customer) that a file arrived.
func (s *core) fileArrived(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, f *desk.CaseFile) error {
	what := desk.Msg("support.files.what", "Name", f.Name, "Size", desk.Size(f.Size), "SHA256", f.SHA256)
	if f.Direction == "support" {
		if err := s.event(ctx, tx, r, c, "Support shared a file: "+what.String()+"."); err != nil { //i18n:stored
			return err
		}
		if err := s.notifyContact(ctx, tx, c, "file_shared", desk.Msg("mail.file_shared.subject", "Number", c.Number()),
			desk.Msg("mail.file_shared.text", "Number", c.Number(), "What", what)); err != nil {
			return err
		}
	} else if err := s.event(ctx, tx, r, c, "File received: "+what.String()+"."); err != nil { //i18n:stored
		return err
	}
	return s.audit(ctx, tx, r, "file_received", c.Number(), f.Name+" "+f.SHA256)
}

// ConcatUploads joins complete partial uploads, in order, into one file of
// a case (tus concatenation: a large file sent in parallel parts).
func (s *Transfers) ConcatUploads(ctx context.Context, r Request, in NewUpload, parts []string) (*desk.Upload, error) {
	c, err := s.transferCase(ctx, r, in.CaseID)
	if err != nil {
		return nil, err
	}
	if err := s.requireAcknowledgement(ctx, s.store, r, &c.Case); err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, desk.Invalid("Upload-Concat", "support.uploads.upload_concat")
	}
	var length int64
	for _, id := range parts {
		p, err := s.Upload(ctx, r, id)
		if err != nil {
			return nil, fmt.Errorf("partial upload %s: %w", id, err)
		}
		if !p.Partial || p.CaseID != c.ID {
			return nil, desk.Invalid("Upload-Concat", "support.uploads.concat_other_case")
		}
		if err := p.Check(desk.UploadJoin, s.now()); err != nil {
			return nil, err
		}
		length += p.Length
	}
	now := s.now()
	u := &desk.Upload{
		ID: newUploadID(), CaseID: c.ID, UserID: r.Actor.User.ID, Name: cleanPathName(in.Name),
		ContentType: in.ContentType, Length: length, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(UploadLifetime),
	}
	h := sha256.New()
	n, err := s.files.Uploads().Concat(ctx, u.ID, parts, h)
	if err != nil {
		return nil, fileGone(err)
	}
	if n != length {
		_ = s.files.Uploads().Remove(u.ID)
		return nil, fmt.Errorf("joined %d bytes of %d: a part is damaged", n, length)
	}
	u.Received, u.HashState = length, marshalHash(h)
	err = s.store.Write(ctx, func(tx *store.Tx) error {
		if _, err := s.sendableCaseTx(ctx, tx, r, u.CaseID); err != nil {
			return err
		}
		if err := tx.CreateUpload(ctx, u); err != nil {
			return err
		}
		if err := s.scheduleExpiry(ctx, tx, u); err != nil {
			return err
		}
		for _, id := range parts {
			if err := tx.DeleteUpload(ctx, id); err != nil {
				return err
			}
			if _, err := tx.CancelJob(ctx, uploadKey(id), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = s.files.Uploads().Remove(u.ID)
		return nil, err
	}
	for _, id := range parts {
		if err := s.files.Uploads().Remove(id); err != nil {
			s.log.WarnContext(ctx, "remove joined part", "upload", id, "err", err)
		}
		s.forgetUploadLock(id)
	}
	return s.finishUpload(ctx, r, u)
}

// TerminateUpload stops an upload and deletes what arrived. A finished
// upload's file stays: delete is not how files leave a case.
func (s *Transfers) TerminateUpload(ctx context.Context, r Request, uploadID string) error {
	u, err := s.Upload(ctx, r, uploadID)
	if err != nil {
		return err
	}
	release, err := s.lockUpload(ctx, uploadID, nil)
	if err != nil {
		return err
	}
	defer release()
	if err := u.Check(desk.UploadTerminate, s.now()); err != nil {
		return err
	}
	return s.removeUpload(ctx, u)
}

func (s *core) removeUpload(ctx context.Context, u *desk.Upload) error {
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteUpload(ctx, u.ID); err != nil {
			return err
		}
		_, err := tx.CancelJob(ctx, uploadKey(u.ID), s.now())
		return err
	})
	if err != nil {
		return err
	}
	s.forgetUploadLock(u.ID)
	return s.files.Uploads().Remove(u.ID)
}

func (s *core) finishJob(ctx context.Context, j *desk.Job) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.FinishJob(ctx, j.ID, s.now())
		return err
	})
}

// Upload locks: one request writes to an upload at a time. A newer request
// interrupts the older one (whose sender has usually gone: a dropped
// connection, a reloaded page) and takes over once it has saved what it
// received.

type uploadLock struct {
	held      chan struct{}
	mu        sync.Mutex
	interrupt func()
}

// uploadTakeover is how long a request waits for an older one to stop.
const uploadTakeover = 10 * time.Second

func (s *core) lockUpload(ctx context.Context, uploadID string, interrupt func()) (func(), error) {
	v, _ := s.uploadLocks.LoadOrStore(uploadID, &uploadLock{held: make(chan struct{}, 1)})
	l := v.(*uploadLock)
	select {
	case l.held <- struct{}{}:
	default:
		l.mu.Lock()
		if l.interrupt != nil {
			l.interrupt()
		}
		l.mu.Unlock()
		t := time.NewTimer(uploadTakeover)
		defer t.Stop()
		select {
		case l.held <- struct{}{}:
		case <-t.C:
			return nil, desk.Refuse(desk.ErrConflict, "support.uploads.another_request_is_still")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l.mu.Lock()
	l.interrupt = interrupt
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.interrupt = nil
		l.mu.Unlock()
		<-l.held
	}, nil
}

func (s *core) forgetUploadLock(uploadID string) { s.uploadLocks.Delete(uploadID) }
