package desk

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from    Status
		fromSub SubStatus
		to      Status
		toSub   SubStatus
		want    string // "", "conflict", "invalid"
	}{
		{StatusOpen, SubNew, StatusOpen, SubInvestigation, ""},
		{StatusOpen, SubNew, StatusAwaitingInformation, SubInfoFromCustomer, ""},
		{StatusOpen, SubInvestigation, StatusSolutionProposed, SubFixedSoftware, ""},
		{StatusSolutionProposed, SubReplied, StatusOpen, SubInvestigation, ""},
		{StatusAwaitingInformation, SubThirdPartyPending, StatusClosed, SubResolved, ""},
		{StatusClosed, SubResolved, StatusOpen, SubInvestigation, ""},
		{StatusClosed, SubResolved, StatusSolutionProposed, SubReplied, "conflict"},
		{StatusClosed, SubResolved, StatusClosed, SubCancelled, "conflict"},
		{StatusOpen, SubNew, StatusOpen, SubReplied, "invalid"},
		{StatusOpen, SubNew, StatusClosed, SubNew, "invalid"},
		{StatusOpen, SubNew, Status("bogus"), SubNew, "invalid"},
	}
	for _, tt := range tests {
		err := CheckTransition(tt.from, tt.fromSub, tt.to, tt.toSub)
		got := ""
		switch {
		case err == nil:
		case errors.Is(err, ErrConflict):
			got = "conflict"
		case AsValidation(err) != nil:
			got = "invalid"
		default:
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckTransition(%s/%s → %s/%s) = %q, want %q", tt.from, tt.fromSub, tt.to, tt.toSub, got, tt.want)
		}
	}
	// Every substatus belongs to exactly one status.
	seen := map[SubStatus]Status{}
	for st, subs := range SubStatuses {
		for _, sub := range subs {
			if prev, ok := seen[sub]; ok {
				t.Errorf("substatus %s belongs to %s and %s", sub, prev, st)
			}
			seen[sub] = st
		}
	}
}

func TestNewCaseValidate(t *testing.T) {
	t.Parallel()
	good := func() NewCase {
		return NewCase{
			Combination: Combination{SoldToID: 1, EndUserID: 1}, Type: TypeSupport, SubType: "Problem",
			ProductID: 1, ComponentID: 2, Summary: "Calls drop", Description: "Every call drops after thirty seconds.",
			Priority: PriorityHigh, Stage: StageProduction,
		}
	}
	// The author: a Designated Contact on the portal, or an agent, who
	// may SetAnyPriority.
	tests := []struct {
		name   string
		change func(*NewCase)
		author string
		fields []string
	}{
		{"valid", func(*NewCase) {}, "designated", nil},
		{"empty", func(n *NewCase) { *n = NewCase{} }, "designated", []string{"combination", "type", "product", "component", "summary", "description", "priority", "stage"}},
		{"summary too long", func(n *NewCase) { n.Summary = strings.Repeat("x", MaxSummary+1) }, "designated", []string{"summary"}},
		{"summary at the limit", func(n *NewCase) { n.Summary = strings.Repeat("é", MaxSummary) }, "designated", nil},
		{"critical from the portal", func(n *NewCase) { n.Priority = PriorityCritical }, "designated", []string{"priority"}},
		{"critical by staff", func(n *NewCase) { n.Priority = PriorityProductionDown }, "agent", nil},
		{"sub type of another type", func(n *NewCase) { n.SubType = "Password reset" }, "designated", []string{"sub_type"}},
		{"negative agents", func(n *NewCase) { n.AgentsAffected = -1 }, "designated", []string{"agents_affected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := good()
			tt.change(&n)
			fields := AsValidation(n.Validate(Allowed(matrixActor(tt.author), On(n.Combination))))
			if len(fields) != len(tt.fields) {
				t.Fatalf("Validate() fields = %v, want %v", fields, tt.fields)
			}
			for _, f := range tt.fields {
				if fields[f] == "" {
					t.Errorf("Validate() has no message for %s; got %v", f, fields)
				}
			}
		})
	}
}

func TestCaseNumbers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0001000042": 1000042, "1000042": 1000042, " 0001000042 ": 1000042} {
		if got, ok := ParseCaseNumber(in); !ok || got != want {
			t.Errorf("ParseCaseNumber(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "abc", "00010000421", "-5", "1e5", "0x10"} {
		if got, ok := ParseCaseNumber(in); ok {
			t.Errorf("ParseCaseNumber(%q) = %d, true; want false", in, got)
		}
	}
	if got := FormatCaseNumber(1000042); got != "0001000042" {
		t.Errorf("FormatCaseNumber(1000042) = %q", got)
	}
}

func FuzzParseCaseNumber(f *testing.F) {
	for _, s := range []string{"0001000042", "", "99999999999", "１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseCaseNumber(s)
		if !ok {
			return
		}
		if id <= 0 {
			t.Fatalf("ParseCaseNumber(%q) = %d, true", s, id)
		}
		back, ok := ParseCaseNumber(FormatCaseNumber(id))
		if !ok || back != id {
			t.Fatalf("round trip of %d gave %d, %v", id, back, ok)
		}
	})
}

func TestReopenable(t *testing.T) {
	t.Parallel()
	closed := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	c := &Case{Status: StatusClosed, ClosedAt: closed}
	if !c.Reopenable(closed.Add(ReopenWindow - time.Second)) {
		t.Error("Reopenable a second before 30 days = false, want true")
	}
	if c.Reopenable(closed.Add(ReopenWindow)) {
		t.Error("Reopenable at 30 days = true, want false")
	}
	if (&Case{Status: StatusOpen}).Reopenable(closed) {
		t.Error("an open case is reopenable")
	}
}

func TestCheckWorkEmail(t *testing.T) {
	t.Parallel()
	rules := DefaultEmailRules()
	for addr, ok := range map[string]bool{
		"dana.designated@abc-testing.example": true,
		"Dana@ABC-Testing.example":            true,
		"someone@gmail.com":                   false,
		"support@abc-testing.example":         false,
		"noreply@abc-testing.example":         false,
		"sales+eu@abc-testing.example":        false,
		"not an email":                        false,
		"Dana <dana@abc.example>":             false,
		"dana@localhost":                      false,
		"":                                    false,
	} {
		_, msg := rules.CheckWorkEmail(addr, Yourself)
		if (msg.String() == "") != ok {
			t.Errorf("CheckWorkEmail(%q) = %q, want ok=%v", addr, msg, ok)
		}
	}
}

func TestSuggestComponent(t *testing.T) {
	t.Parallel()
	products := []Product{{ID: 1, Name: "SIP Server"}, {ID: 2, Name: "Reporting"}}
	comps := []Component{
		{ID: 10, ProductID: 1, Name: "Call Control"},
		{ID: 11, ProductID: 1, Name: "Registrar"},
		{ID: 20, ProductID: 2, Name: "Historical Reports"},
		{ID: 30, ProductID: 3, Name: "Not Offered"},
	}
	tests := []struct {
		text     string
		wantComp int64
	}{
		{"Historical reports are empty for October", 20},
		{"call control drops calls on the sip server", 10},
		{"the registrar rejects phones", 11},
		{"nothing matches here", 0},
		{"not offered component", 0},
	}
	for _, tt := range tests {
		if _, got := SuggestComponent(tt.text, products, comps); got != tt.wantComp {
			t.Errorf("SuggestComponent(%q) = %d, want %d", tt.text, got, tt.wantComp)
		}
	}
}
