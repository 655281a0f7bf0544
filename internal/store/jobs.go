package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Job is work due at RunAt. Jobs are scheduled inside the transaction of
// the change that causes them and claimed by a worker with a lease: while
// LockedUntil is ahead no other worker takes the job, and a worker that
// dies leaves it to be claimed again when the lease runs out.
type Job struct {
	ID          int64
	Kind        string
	Key         string // optional: a name to replace or cancel the job by
	CaseID      int64
	Payload     string
	RunAt       time.Time
	Attempts    int
	LockedUntil time.Time
	LastError   string
	CreatedAt   time.Time
	DoneAt      time.Time
	CancelledAt time.Time
}

const jobColumns = `id, kind, COALESCE(key, ''), case_id, payload, run_at, attempts, locked_until, last_error,
	created_at, done_at, cancelled_at`

func scanJob(row interface{ Scan(...any) error }, j *Job) error {
	return row.Scan(&j.ID, &j.Kind, &j.Key, nullInt{&j.CaseID}, &j.Payload, nullTime{&j.RunAt}, &j.Attempts,
		nullTime{&j.LockedUntil}, &j.LastError, nullTime{&j.CreatedAt}, nullTime{&j.DoneAt}, nullTime{&j.CancelledAt})
}

// ScheduleJob adds a job. A job with a key replaces the pending job of
// that key, if there is one (a timer set again moves), and returns its ID.
func (tx *Tx) ScheduleJob(ctx context.Context, j *Job, now time.Time) (int64, error) {
	var key any
	if j.Key != "" {
		key = j.Key
	}
	var jobID int64
	err := tx.q().row(ctx, `INSERT INTO jobs (kind, key, case_id, payload, run_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) WHERE done_at IS NULL AND cancelled_at IS NULL
		DO UPDATE SET kind = excluded.kind, case_id = excluded.case_id, payload = excluded.payload,
			run_at = excluded.run_at, attempts = 0, locked_until = NULL, last_error = ''
		RETURNING id`,
		j.Kind, key, id(j.CaseID), j.Payload, ts(j.RunAt), ts(now)).Scan(&jobID)
	if err != nil {
		return 0, fmt.Errorf("schedule %s job: %w", j.Kind, err)
	}
	return jobID, nil
}

// CancelJob cancels the pending job of a key: one row update. It reports
// whether there was one.
func (tx *Tx) CancelJob(ctx context.Context, key string, now time.Time) (bool, error) {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET cancelled_at = ?
		WHERE key = ? AND done_at IS NULL AND cancelled_at IS NULL`, ts(now), key)
	if err != nil {
		return false, fmt.Errorf("cancel job %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// PendingJob returns the pending job of a key.
func (s *Store) PendingJob(ctx context.Context, key string) (*Job, error) {
	var j Job
	err := scanJob(s.read().row(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE key = ? AND done_at IS NULL AND cancelled_at IS NULL`, key), &j)
	if err != nil {
		return nil, notFound(err, "job "+key)
	}
	return &j, nil
}

// NextJobAt returns when the next pending job is due, from the index of
// pending jobs: a worker sleeps until then.
func (s *Store) NextJobAt(ctx context.Context) (time.Time, bool, error) {
	var at nullTimeValue
	err := s.read().row(ctx, `SELECT run_at FROM jobs WHERE done_at IS NULL AND cancelled_at IS NULL
		ORDER BY run_at LIMIT 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next job: %w", err)
	}
	return at.t, true, nil
}

// nullTimeValue scans a timestamp into itself.
type nullTimeValue struct{ t time.Time }

func (n *nullTimeValue) Scan(v any) error { return nullTime{&n.t}.Scan(v) }

// ClaimJob takes the oldest due job that no live lease holds, and leases
// it until now+lease. Another worker, in this process or another on the
// same database, skips it while the lease lasts. It returns nil when
// nothing is due.
func (s *Store) ClaimJob(ctx context.Context, now time.Time, lease time.Duration) (*Job, error) {
	var j *Job
	err := s.Write(ctx, func(tx *Tx) error {
		var cand Job
		err := scanJob(tx.q().row(ctx, `SELECT `+jobColumns+` FROM jobs
			WHERE done_at IS NULL AND cancelled_at IS NULL AND run_at <= ?
				AND (locked_until IS NULL OR locked_until <= ?)
			ORDER BY run_at LIMIT 1`+tx.d.skipLocked, ts(now), ts(now)), &cand)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		cand.Attempts++
		cand.LockedUntil = now.Add(lease)
		if _, err := tx.q().exec(ctx, `UPDATE jobs SET attempts = ?, locked_until = ? WHERE id = ?`,
			cand.Attempts, ts(cand.LockedUntil), cand.ID); err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		j = &cand
		return nil
	})
	return j, err
}

// FinishJob marks a job done. It is idempotent, and reports whether this
// call finished it: a handler that finishes the job inside the
// transaction of its effect makes that effect happen once.
func (tx *Tx) FinishJob(ctx context.Context, jobID int64, now time.Time) (bool, error) {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET done_at = ?, locked_until = NULL
		WHERE id = ? AND done_at IS NULL AND cancelled_at IS NULL`, ts(now), jobID)
	if err != nil {
		return false, fmt.Errorf("finish job %d: %w", jobID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RetryJob releases a failed job to run again at next, keeping the error.
func (s *Store) RetryJob(ctx context.Context, jobID int64, next time.Time, cause string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.q().exec(ctx, `UPDATE jobs SET run_at = ?, locked_until = NULL, last_error = ?
			WHERE id = ? AND done_at IS NULL`, ts(next), cause, jobID)
		if err != nil {
			return fmt.Errorf("retry job %d: %w", jobID, err)
		}
		return nil
	})
}

// JobFilter selects jobs for the console.
type JobFilter struct {
	Kind    string
	CaseID  int64
	Pending bool
	Failing bool // pending jobs that have failed at least once
	Limit   int
}

// Jobs lists jobs, the next due first for pending ones.
func (s *Store) Jobs(ctx context.Context, f JobFilter) ([]Job, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	query := `SELECT ` + jobColumns + ` FROM jobs WHERE (CAST(? AS BIGINT) = 0 OR case_id = ?) AND (? = '' OR kind = ?)`
	if f.Pending || f.Failing {
		query += ` AND done_at IS NULL AND cancelled_at IS NULL`
	}
	if f.Failing {
		query += ` AND last_error <> ''`
	}
	query += ` ORDER BY run_at, id LIMIT ?`
	rows, err := s.read().query(ctx, query, f.CaseID, f.CaseID, f.Kind, f.Kind, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		if err := scanJob(rows, &j); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
