package desk

import "time"

// InboundState is where a received message stands.
type InboundState string

// Inbound mail states.
const (
	InboundPending  InboundState = "pending"  // received, not processed yet
	InboundAppended InboundState = "appended" // added to a case's feed
	InboundTriage   InboundState = "triage"   // waits for a portal admin, with the reason
	InboundIgnored  InboundState = "ignored"  // an automatic message: kept, not appended
	InboundLinked   InboundState = "linked"   // a portal admin added it to a case
	InboundDiscard  InboundState = "discarded"
)

// MessageID is the catalogue ID of the InboundState's label.
func (s InboundState) MessageID() string { return "label.inbound_state." + string(s) }

// InboundMail is a received message.
type InboundMail struct {
	ID       int64
	Source   string // smtp, lmtp, imap
	MailFrom string // the envelope sender
	RcptTo   string
	Raw      []byte
	// Key names the message for keeping it once (inbound.Key): a resend
	// with the same key is the message kept already.
	Key         string
	ReceivedAt  time.Time
	State       InboundState
	Reason      string
	Sender      string // the From address, once parsed
	Subject     string
	CaseID      int64
	ProcessedAt time.Time
}
