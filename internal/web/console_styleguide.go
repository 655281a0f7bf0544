package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// pageStyleGuide shows every component of the pages (buttons, badges,
// tables with their phone cards, forms with their messages, panels,
// notices, tabs, details, key-value lists), made with the partials and
// classes the pages use, so a new page takes them from here. It is a
// console page (staff, who build and review pages) rather than a
// development-only one, so it is there to compare with on the same
// server and the browser tests check it like any other page.
var pageStyleGuide = page[styleGuideData]{"console-style-guide"}

type styleGuideData struct {
	// Cases are the rows of the sample table, made of real statuses and
	// priorities, as the status-badge partial takes them.
	Cases      []styleGuideCase
	Priorities []desk.Priority
	Now        time.Time
}

type styleGuideCase struct {
	Number    string
	Status    desk.Status
	SubStatus desk.SubStatus
	Priority  desk.Priority
	UpdatedAt time.Time
}

// styleGuide is GET /console/style-guide. The sample form shows its
// messages as a refused form does: beside their fields and in the error
// summary.
func (s *Server) styleGuide(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	l := s.loc(r)
	now := s.now()
	data := styleGuideData{
		Cases: []styleGuideCase{
			{desk.FormatCaseNumber(1000010), desk.StatusOpen, desk.SubInvestigation, desk.PriorityHigh, now.Add(-3 * time.Hour)},
			{desk.FormatCaseNumber(1000011), desk.StatusAwaitingInformation, desk.SubInfoFromCustomer, desk.PriorityMedium, now.Add(-26 * time.Hour)},
			{desk.FormatCaseNumber(1000012), desk.StatusSolutionProposed, desk.SubReplied, desk.PriorityCritical, now.Add(-20 * time.Minute)},
			{desk.FormatCaseNumber(1000013), desk.StatusClosed, desk.SubResolved, desk.PriorityLow, now.AddDate(0, -2, 0)},
		},
		Priorities: []desk.Priority{desk.PriorityLow, desk.PriorityMedium, desk.PriorityHigh, desk.PriorityCritical},
		Now:        now,
	}
	v := &view{
		Title: l.T("page.styleguide.title"), User: a.User,
		Errors: map[string]string{
			"sg_summary": l.T("page.styleguide.error_summary_field"),
			"sg_email":   l.T("page.styleguide.error_email_field"),
		},
		Form: url.Values{"sg_summary": {""}, "sg_email": {"dana@"}, "sg_priority": {string(desk.PriorityHigh)}},
	}
	render(s, w, r, http.StatusOK, pageStyleGuide, v, data)
	return nil
}
