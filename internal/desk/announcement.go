package desk

import (
	"slices"
	"strings"
	"time"
)

// AnnouncementAudience says who an announcement is for.
type AnnouncementAudience string

// Audiences: every contact, the contacts of a product line's products,
// of a support level, or of one company.
const (
	AudienceEveryone     AnnouncementAudience = "everyone"
	AudienceProductLine  AnnouncementAudience = "product_line"
	AudienceSupportLevel AnnouncementAudience = "support_level"
	AudienceCompany      AnnouncementAudience = "company"
)

// AnnouncementAudiences lists the audiences in the order forms show them.
var AnnouncementAudiences = []AnnouncementAudience{AudienceEveryone, AudienceProductLine, AudienceSupportLevel, AudienceCompany}

// Valid reports whether a is one of AnnouncementAudiences.
func (a AnnouncementAudience) Valid() bool { return slices.Contains(AnnouncementAudiences, a) }

// MessageID is the catalogue ID of the audience's label.
func (a AnnouncementAudience) MessageID() string { return "label.audience." + string(a) }

// Announcement is Customer Care news shown to its audience at sign-in
// (once per user) and on the My Support home page while it is in force.
type Announcement struct {
	ID       int64
	Title    string
	Body     string // Markdown
	Audience AnnouncementAudience
	// ProductLineID, Level and CompanyID name the audience of that kind;
	// the others are zero.
	ProductLineID int64
	Level         SupportLevel
	CompanyID     int64
	// Starts is the first moment it is in force, Ends the moment it
	// stops (zero: it does not end).
	Starts, Ends time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	UpdatedBy    int64
}

// InForce reports whether the announcement is shown at now.
func (a *Announcement) InForce(now time.Time) bool {
	return !now.Before(a.Starts) && (a.Ends.IsZero() || now.Before(a.Ends))
}

// AnnouncementReader is what an announcement's audience is matched
// against: the product lines and support levels of the contracts in force
// of a contact's combinations, and the companies of those combinations
// and the contact's employer.
type AnnouncementReader struct {
	Lines     []int64
	Levels    []SupportLevel
	Companies []int64
}

// Reaches reports whether the announcement is for the actor: staff read
// every announcement (they answer the customers who got it); a contact
// those of their audience.
func (a *Announcement) Reaches(actor *Actor, r AnnouncementReader) bool {
	if actor == nil || actor.User == nil {
		return false
	}
	if actor.IsStaff() {
		return true
	}
	switch a.Audience {
	case AudienceEveryone:
		return true
	case AudienceProductLine:
		return slices.Contains(r.Lines, a.ProductLineID)
	case AudienceSupportLevel:
		return slices.Contains(r.Levels, a.Level)
	case AudienceCompany:
		return slices.Contains(r.Companies, a.CompanyID)
	}
	return false
}

// Limits of an announcement's fields.
const (
	MaxAnnouncementTitle = 200
	MaxAnnouncementBody  = 20_000
)

// AnnouncementInput is an announcement as a form or the API sends it.
type AnnouncementInput struct {
	Title         string
	Body          string
	Audience      AnnouncementAudience
	ProductLineID int64
	Level         SupportLevel
	CompanyID     int64
	Starts, Ends  time.Time
}

// Check reports every problem of the input: the catalogue names the
// product lines, companyExists the companies.
func (in AnnouncementInput) Check(cat *Catalog, companyExists func(int64) bool) Problems {
	p := Problems{}
	if msg := textProblem(textKind{max: MaxAnnouncementTitle}, in.Title); msg.ID != "" {
		p.Add("title", msg)
	} else if strings.TrimSpace(in.Title) == "" {
		p.AddMessage("title", "desk.announcement.title_required")
	}
	if msg := textProblem(textKind{max: MaxAnnouncementBody, lines: true}, in.Body); msg.ID != "" {
		p.Add("body", msg)
	} else if strings.TrimSpace(in.Body) == "" {
		p.AddMessage("body", "desk.announcement.body_required")
	}
	switch in.Audience {
	case AudienceEveryone:
	case AudienceProductLine:
		if !slices.ContainsFunc(cat.Lines, func(l ProductLine) bool { return l.ID == in.ProductLineID }) {
			p.AddMessage("product_line", "desk.announcement.line_unknown")
		}
	case AudienceSupportLevel:
		if !in.Level.Valid() {
			p.AddMessage("level", "desk.announcement.level_unknown")
		}
	case AudienceCompany:
		if in.CompanyID <= 0 || !companyExists(in.CompanyID) {
			p.AddMessage("company", "desk.announcement.company_unknown")
		}
	default:
		p.AddMessage("audience", "desk.announcement.audience_unknown")
	}
	if in.Starts.IsZero() {
		p.AddMessage("starts", "desk.announcement.starts_required")
	}
	if !in.Ends.IsZero() && !in.Starts.IsZero() && !in.Ends.After(in.Starts) {
		p.AddMessage("ends", "desk.announcement.ends_before_start")
	}
	return p
}

// Announcement returns the announcement the input describes, its audience
// fields other than its kind's cleared.
func (in AnnouncementInput) Announcement() Announcement {
	a := Announcement{Title: strings.TrimSpace(in.Title), Body: in.Body, Audience: in.Audience, Starts: in.Starts, Ends: in.Ends}
	switch in.Audience {
	case AudienceProductLine:
		a.ProductLineID = in.ProductLineID
	case AudienceSupportLevel:
		a.Level = in.Level
	case AudienceCompany:
		a.CompanyID = in.CompanyID
	}
	return a
}
