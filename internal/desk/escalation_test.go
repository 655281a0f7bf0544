package desk

import (
	"strings"
	"testing"
	"time"
)

func TestCheckEscalation(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	open := func(p Priority) *Case { return &Case{Status: StatusOpen, SubStatus: SubInvestigation, Priority: p} }
	tests := []struct {
		name   string
		c      *Case
		reason EscalationReason
		f      EscalationFacts
		want   string // a part of the refusal, "" when allowed
	}{
		{"medium, any time", open(PriorityMedium), ReasonNoProgress, EscalationFacts{LastUpdate: now.Add(-time.Minute)}, ""},
		{"critical", open(PriorityCritical), ReasonBusinessImpact, EscalationFacts{LastUpdate: now}, ""},
		{"closed", &Case{Status: StatusClosed, SubStatus: SubResolved, Priority: PriorityMedium}, ReasonNoProgress, EscalationFacts{}, "closed case"},
		{"one active escalation", open(PriorityMedium), ReasonNoProgress, EscalationFacts{Active: &Escalation{State: EscalationAccepted, CreatedAt: now.Add(-time.Hour)}}, "already escalated on 20 May 2026; the escalation is accepted"},
		{"low never", open(PriorityLow), ReasonBusinessImpact, EscalationFacts{LastUpdate: now.AddDate(0, -1, 0)}, "ask for it in a comment"},
		{"high too soon", open(PriorityHigh), ReasonNoProgress, EscalationFacts{LastUpdate: now.Add(-23 * time.Hour)}, "no update for 24 hours"},
		{"high after a quiet day", open(PriorityHigh), ReasonNoProgress, EscalationFacts{LastUpdate: now.Add(-24 * time.Hour)}, ""},
		{"rca before information", open(PriorityMedium), ReasonRCA, EscalationFacts{Deployment: Premise}, "not marked the information complete"},
		{"rca premise too soon", open(PriorityMedium), ReasonRCA, EscalationFacts{Deployment: Premise, InfoProvidedAt: now.AddDate(0, 0, -8), BusinessDaysSinceInfo: 6}, "7 business days"},
		{"rca premise in time", open(PriorityMedium), ReasonRCA, EscalationFacts{Deployment: Premise, InfoProvidedAt: now.AddDate(0, 0, -9), BusinessDaysSinceInfo: 7}, ""},
		{"rca cloud sooner", open(PriorityMedium), ReasonRCA, EscalationFacts{Deployment: Cloud, InfoProvidedAt: now.AddDate(0, 0, -7), BusinessDaysSinceInfo: 5}, ""},
		{"rca cloud too soon", open(PriorityMedium), ReasonRCA, EscalationFacts{Deployment: Cloud, InfoProvidedAt: now.AddDate(0, 0, -5), BusinessDaysSinceInfo: 4}, "5 business days"},
	}
	for _, tt := range tests {
		got := CheckEscalation(nil, tt.c, tt.reason, tt.f, now)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: CheckEscalation = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestNoContractReasonByReader: a case without an active Service Contract
// is refused to the customer with their words and to staff with what is
// wrong with the contracts and what they can do.
func TestNoContractReasonByReader(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	c := &Case{Status: StatusOpen, SubStatus: SubInvestigation, Priority: PriorityMedium}
	staff := &Actor{User: &User{Kind: KindStaff}}
	contact := &Actor{User: &User{Kind: KindContact}}
	contract := func(state ContractState, starts, ends string) *Contract {
		s, _ := time.Parse(time.DateOnly, starts)
		e, _ := time.Parse(time.DateOnly, ends)
		return &Contract{Number: "SC-7", State: state, Starts: s, Ends: e}
	}
	tests := []struct {
		name   string
		reader *Actor
		last   *Contract
		want   []string
		not    string
	}{
		{"the customer", contact, contract(ContractActive, "2025-01-01", "2026-05-01"), []string{"Your account manager can renew"}, "SC-7"},
		{"staff, ended", staff, contract(ContractActive, "2025-01-01", "2026-05-01"), []string{"SC-7 ended on 1 May 2026.", "Renew it, or add a Service Contract", "in the console"}, "Your account manager"},
		{"staff, terminated", staff, contract(ContractTerminated, "2025-01-01", "2026-12-31"), []string{"SC-7 is terminated (it ran from 1 January 2025 to 31 December 2026)", "Renew it"}, "Your account manager"},
		{"staff, not started", staff, contract(ContractActive, "2026-06-01", "2027-05-31"), []string{"SC-7 starts on 1 June 2026.", "Change its start"}, "Your account manager"},
		{"staff, none", staff, nil, []string{"have no Service Contract", "Add one in the console"}, "Your account manager"},
	}
	for _, tt := range tests {
		got := CheckEscalation(tt.reader, c, ReasonNoProgress, EscalationFacts{NoActiveContract: true, LastContract: tt.last}, now)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q does not say %q", tt.name, got, w)
			}
		}
		if strings.Contains(got, tt.not) {
			t.Errorf("%s: %q says %q", tt.name, got, tt.not)
		}
	}
}
