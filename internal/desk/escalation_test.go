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
		got := CheckEscalation(tt.c, tt.reason, tt.f, now)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: CheckEscalation = %q, want %q", tt.name, got, tt.want)
		}
	}
}
