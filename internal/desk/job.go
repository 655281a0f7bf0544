package desk

import (
	"strconv"
	"time"
)

// Job is work due at RunAt. Jobs are scheduled inside the transaction of
// the change that causes them and claimed by a worker with a lease: while
// LockedUntil is ahead no other worker takes the job, and a worker that
// dies leaves it to be claimed again when the lease runs out. A job that
// has used up its attempts is dead (DeadAt) until a portal admin tries it
// again or discards it.
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
	DeadAt      time.Time
}

// Kinds of job that more than one package schedules or runs.
const (
	// JobMail sends one queued email (the notification in its payload).
	JobMail = "mail"
	// JobInbound processes one received message (its id in the payload).
	JobInbound = "inbound"
)

// MailJob is the job that sends the queued email notificationID, due at
// queued: it is scheduled in the transaction that queues the email.
func MailJob(notificationID, caseID int64, queued time.Time) *Job {
	return &Job{Kind: JobMail, CaseID: caseID, Payload: strconv.FormatInt(notificationID, 10), RunAt: queued}
}

// InboundJob is the job that processes the received message inboundID,
// due at once: it is scheduled in the transaction that keeps the message.
func InboundJob(inboundID int64, received time.Time) *Job {
	return &Job{Kind: JobInbound, Payload: strconv.FormatInt(inboundID, 10), RunAt: received}
}
