// Package demo loads the demo world: the vendor's staff, a direct customer,
// a partner with two End Users (one with an expired contract), contacts at
// every access level, products in product lines, cases in every status, and
// knowledge items of every source and type (knowledge/*.md, loaded through
// the knowledge importer). `caseport serve --demo` loads it into an empty
// store, and tests build on it.
package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
)

// Password is every demo user's password.
const Password = "caseport-demo"

// Login is a demo sign-in, as README and the start-up banner list them.
type Login struct {
	Email string
	Name  string
	Role  string
}

// Demo staff and contacts, by email.
const (
	Agent           = "agent@caseport.example"
	EscalationOwner = "escalations@caseport.example"
	Admin           = "admin@caseport.example"
	ProductManager  = "psm@caseport.example"
	Editor          = "editor@caseport.example"

	Designated  = "dana.designated@abc-testing.example" // Read-Write, Designated Approver of ABC Testing Co
	Designated2 = "sam.second@abc-testing.example"      // Read-Write
	ReadOnly    = "riley.readonly@abc-testing.example"  // Read-Only
	Basic       = "bailey.basic@abc-testing.example"    // Basic
	Partner     = "pat.partner@northwind.example"       // Read-Write for Contoso and Fabrikam, approver of Northwind
	Partner2    = "nico.northwind@northwind.example"    // Read-Write for Contoso
	EndUserRO   = "casey.contoso@contoso.example"       // Contoso employee, Read-Only
	ExpiredRO   = "frankie.fabrikam@fabrikam.example"   // Fabrikam employee, Read-Only, contract expired
)

// Logins lists every demo user with their role.
var Logins = []Login{
	{Agent, "Alex Agent", "staff: agent"},
	{EscalationOwner, "Erin Escalation", "staff: escalation owner, agent"},
	{Admin, "Ada Admin", "staff: portal admin, agent"},
	{ProductManager, "Parker Manager", "staff: product support manager"},
	{Editor, "Kim Knowledge", "staff: knowledge editor"},
	{Designated, "Dana Designated", "ABC Testing Co: Designated Contact (Read-Write), Designated Approver"},
	{Designated2, "Sam Second", "ABC Testing Co: Designated Contact (Read-Write)"},
	{ReadOnly, "Riley Readonly", "ABC Testing Co: Read-Only"},
	{Basic, "Bailey Basic", "ABC Testing Co: Basic (knowledge only)"},
	{Partner, "Pat Partner", "Northwind Partners: Designated Contact for Contoso and Fabrikam (Fabrikam's contract expired: Read-Only there), Designated Approver"},
	{Partner2, "Nico Northwind", "Northwind Partners: Designated Contact for Contoso"},
	{EndUserRO, "Casey Contoso", "Contoso (End User of Northwind): Read-Only"},
	{ExpiredRO, "Frankie Fabrikam", "Fabrikam (End User of Northwind, contract expired): Read-Only"},
}

// World holds the IDs of what Load created, for tests.
type World struct {
	Users     map[string]int64 // by email
	ABC       int64
	Northwind int64
	Contoso   int64
	Fabrikam  int64
	Products  map[string]int64   // by name
	Lines     map[string]int64   // product lines by name
	Comps     map[string][]int64 // component IDs by product name
	// Cases by a short key: abc-new, abc-investigation, abc-awaiting,
	// abc-proposed, abc-resolved, abc-cancelled-old, abc-escalated (its
	// escalation accepted), contoso-open, contoso-proposed,
	// contoso-third-party, fabrikam-closed.
	Cases map[string]int64
}

// ABCCombo and the others name the demo combinations.
func (w *World) ABCCombo() desk.Combination {
	return desk.Combination{SoldToID: w.ABC, EndUserID: w.ABC}
}

// ContosoCombo is Northwind (Sold To) / Contoso (End User).
func (w *World) ContosoCombo() desk.Combination {
	return desk.Combination{SoldToID: w.Northwind, EndUserID: w.Contoso}
}

// FabrikamCombo is Northwind (Sold To) / Fabrikam (End User).
func (w *World) FabrikamCombo() desk.Combination {
	return desk.Combination{SoldToID: w.Northwind, EndUserID: w.Fabrikam}
}

// Load creates the demo world at now in one transaction.
func Load(ctx context.Context, s *store.Store, now time.Time) (*World, error) {
	return load(ctx, s, now, false)
}

// LoadIfEmpty creates the demo world at now when the store holds no users
// yet, and returns nil when it already held some. The check and the load
// are one transaction that takes turns with other starts, so instances
// started at once on a new store load it once and all come up.
func LoadIfEmpty(ctx context.Context, s *store.Store, now time.Time) (*World, error) {
	return load(ctx, s, now, true)
}

func load(ctx context.Context, s *store.Store, now time.Time, ifEmpty bool) (*World, error) {
	now = now.UTC().Truncate(time.Microsecond)
	w := &World{
		Users: map[string]int64{}, Products: map[string]int64{}, Lines: map[string]int64{}, Comps: map[string][]int64{},
		Cases: map[string]int64{},
	}
	hash := auth.HashPassword(Password) // one hash for every demo user: hashing is slow on purpose
	loaded := true
	err := s.Write(ctx, func(tx *store.Tx) error {
		if ifEmpty {
			if err := tx.TakeTurn(ctx, "demo world"); err != nil {
				return err
			}
			us, err := tx.Users(ctx, desk.UserFilter{Limit: 1})
			if err != nil || len(us) > 0 {
				loaded = false
				return err
			}
		}
		l := loader{ctx: ctx, s: s, tx: tx, now: now, hash: hash, w: w}
		l.products()
		l.companies()
		l.staff()
		l.contacts()
		l.cases()
		l.macros()
		l.knowledge()
		l.follows()
		l.announcements()
		return l.err
	})
	if err != nil {
		return nil, fmt.Errorf("load demo world: %w", err)
	}
	if !loaded {
		return nil, nil
	}
	return w, nil
}

// loader keeps the first error, so the world reads as a list of facts.
type loader struct {
	ctx  context.Context //nolint:containedctx // lives for one Load call
	s    *store.Store
	tx   *store.Tx
	now  time.Time
	hash string
	w    *World
	err  error
}

func (l *loader) check(err error) {
	if l.err == nil && err != nil {
		l.err = err
	}
}

func (l *loader) products() {
	catalog := []struct {
		name  string
		comps []string
	}{
		{"ACD Server", []string{"Routing Engine", "Agent State", "Configuration"}},
		{"Signalling Server", []string{"Call Control", "Registrar", "Media Gateway"}},
		{"Routing Server", []string{"Strategies", "Skills", "Queues"}},
		{"IVR", []string{"Voice Applications", "Speech Recognition"}},
		{"Agent Desktop", []string{"Login", "Softphone", "Plugins"}},
		{"Reporting", []string{"Real-time Dashboards", "Historical Reports"}},
	}
	for _, p := range catalog {
		pid, err := l.tx.CreateProduct(l.ctx, p.name)
		l.check(err)
		l.w.Products[p.name] = pid
		for _, c := range p.comps {
			cid, err := l.tx.CreateComponent(l.ctx, pid, c)
			l.check(err)
			l.w.Comps[p.name] = append(l.w.Comps[p.name], cid)
		}
	}
}

func (l *loader) company(org, name, country string, parent int64) int64 {
	cid, err := l.tx.CreateCompany(l.ctx, &desk.Company{OrgID: org, Name: name, Country: country, ParentID: parent}, l.now)
	l.check(err)
	return cid
}

func (l *loader) contract(number string, soldTo, endUser int64, level desk.SupportLevel, dep desk.Deployment,
	starts, ends time.Time, products ...string,
) {
	var pids []int64
	for _, p := range products {
		pids = append(pids, l.w.Products[p])
	}
	_, err := l.tx.CreateContract(l.ctx, &desk.Contract{
		Number: number, SoldToID: soldTo, EndUserID: endUser, SupportOwnerID: soldTo, Level: level, Deployment: dep,
		ProductIDs: pids, Starts: starts, Ends: ends, State: desk.ContractActive,
	}, l.now)
	l.check(err)
}

func (l *loader) companies() {
	day := func(d int) time.Time {
		return time.Date(l.now.Year(), l.now.Month(), l.now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, d)
	}
	w := l.w
	w.ABC = l.company("ORG-1001", "ABC Testing Co", "United States", 0)
	w.Northwind = l.company("ORG-2001", "Northwind Partners", "United Kingdom", 0)
	w.Contoso = l.company("ORG-3001", "Contoso", "Germany", 0)
	w.Fabrikam = l.company("ORG-3002", "Fabrikam", "France", 0)
	l.contract("SC-1001", w.ABC, w.ABC, desk.BusinessCarePlus, desk.Premise, day(-400), day(330),
		"ACD Server", "Signalling Server", "Routing Server", "IVR", "Agent Desktop", "Reporting")
	l.contract("SC-3001", w.Northwind, w.Contoso, desk.BusinessCare, desk.Cloud, day(-200), day(165),
		"ACD Server", "Signalling Server", "Agent Desktop", "Reporting")
	l.contract("SC-3002", w.Northwind, w.Fabrikam, desk.BusinessCare, desk.Premise, day(-430), day(-60),
		"Routing Server", "IVR")
}

// user adds a demo user: a contact with a PIN drawn as support draws one
// (again on the rare clash), staff with none.
func (l *loader) user(u *desk.User) int64 {
	for {
		pin := ""
		if u.Kind == desk.KindContact {
			pin = auth.NewPIN()
		}
		uid, err := l.tx.CreateUser(l.ctx, u, pin, l.hash, l.now)
		if desk.ConflictOn(err, store.UniqueUserPIN) {
			continue
		}
		l.check(err)
		l.w.Users[u.Email] = uid
		return uid
	}
}

func (l *loader) staff() {
	for _, s := range []struct {
		email, first, last string
		roles              []desk.Role
	}{
		{Agent, "Alex", "Agent", []desk.Role{desk.RoleAgent}},
		{EscalationOwner, "Erin", "Escalation", []desk.Role{desk.RoleEscalationOwner, desk.RoleAgent}},
		{Admin, "Ada", "Admin", []desk.Role{desk.RolePortalAdmin, desk.RoleAgent}},
		{ProductManager, "Parker", "Manager", []desk.Role{desk.RoleProductSupportManager}},
		{Editor, "Kim", "Knowledge", []desk.Role{desk.RoleKnowledgeEditor}},
	} {
		l.user(&desk.User{Kind: desk.KindStaff, Email: s.email, FirstName: s.first, LastName: s.last, Roles: s.roles})
	}
}

func (l *loader) contacts() {
	w := l.w
	contact := func(email, first, last string, company int64, country string, terms bool) int64 {
		u := &desk.User{
			Kind: desk.KindContact, Email: email, FirstName: first, LastName: last, CompanyID: company,
			Country: country, Phone: "+1 555 0100",
		}
		if terms {
			u.TermsAcceptedAt, u.TermsVersion = l.now.AddDate(0, -6, 0), desk.TermsVersion
		}
		return l.user(u)
	}
	grant := func(contactID int64, c desk.Combination, lvl desk.AccessLevel) {
		l.check(l.tx.SetGrant(l.ctx, desk.Grant{ContactID: contactID, Combination: c, Level: lvl, GrantedAt: l.now}, 0))
	}
	dana := contact(Designated, "Dana", "Designated", w.ABC, "United States", true)
	sam := contact(Designated2, "Sam", "Second", w.ABC, "United States", true)
	riley := contact(ReadOnly, "Riley", "Readonly", w.ABC, "United States", false)
	bailey := contact(Basic, "Bailey", "Basic", w.ABC, "United States", false)
	pat := contact(Partner, "Pat", "Partner", w.Northwind, "United Kingdom", true)
	nico := contact(Partner2, "Nico", "Northwind", w.Northwind, "United Kingdom", true)
	casey := contact(EndUserRO, "Casey", "Contoso", w.Contoso, "Germany", false)
	frankie := contact(ExpiredRO, "Frankie", "Fabrikam", w.Fabrikam, "France", false)
	grant(dana, w.ABCCombo(), desk.ReadWrite)
	grant(sam, w.ABCCombo(), desk.ReadWrite)
	grant(riley, w.ABCCombo(), desk.ReadOnly)
	grant(bailey, w.ABCCombo(), desk.Basic)
	grant(pat, w.ContosoCombo(), desk.ReadWrite)
	grant(pat, w.FabrikamCombo(), desk.ReadWrite)
	grant(nico, w.ContosoCombo(), desk.ReadWrite)
	grant(casey, w.ContosoCombo(), desk.ReadOnly)
	grant(frankie, w.FabrikamCombo(), desk.ReadOnly)
	l.check(l.tx.SetApprover(l.ctx, w.ABC, dana, true))
	l.check(l.tx.SetApprover(l.ctx, w.Northwind, pat, true))
}

// demoCase describes one demo case and the story of its feed.
type demoCase struct {
	key       string
	combo     desk.Combination
	contact   string
	product   string
	comp      int
	summary   string
	desc      string
	priority  desk.Priority
	status    desk.Status
	sub       desk.SubStatus
	ageDays   int
	closedAgo int // days since closure, for closed cases
	feed      []demoEntry
	// closing is who closed a closed case, and their closure comment:
	// the case closes through Close's own steps at closed_at.
	closing *demoClosing
	// owner is the staff member working the case; empty for the agent.
	owner string
}

type demoEntry struct {
	kind   desk.EntryKind
	author string
	body   string
}

type demoClosing struct {
	author  string
	comment string
}

func (l *loader) cases() {
	w := l.w
	list := []demoCase{
		{
			"abc-new", w.ABCCombo(), Designated, "Signalling Server", 0, "Calls drop after 30 seconds on SIP trunk 4",
			"Since this morning every inbound call on trunk 4 drops after about 30 seconds. Other trunks are fine. We restarted the Signalling Server process without change.",
			desk.PriorityHigh, desk.StatusOpen, desk.SubNew, 0, 0, nil, nil, "",
		},
		{
			"abc-investigation", w.ABCCombo(), Designated, "Routing Server", 1, "Skill-based routing ignores agent proficiency",
			"Calls for the Spanish skill go to agents with proficiency 1 while agents with proficiency 10 are idle. Strategy attached. Started after the weekend maintenance window.",
			desk.PriorityMedium, desk.StatusOpen, desk.SubInvestigation, 3, 0,
			[]demoEntry{
				{desk.EntryReply, Agent, "Thank you, we are looking at the strategy you attached. Could you tell us the exact version of Routing Server?"},
				{desk.EntryComment, Designated, "It is 8.5.102.04 on both nodes."},
				{desk.EntryNote, Agent, "Looks like the proficiency sort regression fixed in 8.5.103. Checking with engineering."},
			},
			nil, "",
		},
		{
			"abc-awaiting", w.ABCCombo(), Designated2, "Reporting", 1, "Historical report for October is empty",
			"The monthly historical report for October shows no rows although the real-time dashboards showed traffic all month.",
			desk.PriorityLow, desk.StatusAwaitingInformation, desk.SubInfoFromCustomer, 6, 0,
			[]demoEntry{
				{desk.EntryReply, Agent, "Please send us the report server log from the night of November 1st."},
			},
			nil, "",
		},
		{
			"abc-proposed", w.ABCCombo(), Designated, "Agent Desktop", 1, "Softphone shows no audio devices after upgrade",
			"After upgrading Agent Desktop, the softphone lists no microphones or headsets on Windows 11 machines.",
			desk.PriorityMedium, desk.StatusSolutionProposed, desk.SubReplied, 9, 0,
			[]demoEntry{
				{desk.EntryReply, Agent, "This is a known issue with the new audio driver permissions. Set 'Allow desktop apps to access your microphone' in Windows privacy settings; the article explains the group policy for all machines."},
			},
			nil, "",
		},
		{
			"abc-resolved", w.ABCCombo(), Designated, "ACD Server", 2, "Configuration changes take minutes to apply",
			"Changes made in configuration take up to 10 minutes to reach the ACD Server.",
			desk.PriorityLow, desk.StatusClosed, desk.SubResolved, 20, 10,
			[]demoEntry{
				{desk.EntryReply, Agent, "The notification channel was disabled by a firewall rule; enable port 2020 between the servers."},
			},
			&demoClosing{Designated, "That fixed it, thank you."}, "",
		},
		{
			"abc-cancelled-old", w.ABCCombo(), Designated2, "IVR", 0, "Voice application prompt plays twice",
			"The welcome prompt plays twice on the main number.",
			desk.PriorityLow, desk.StatusClosed, desk.SubCancelled, 70, 45,
			nil, &demoClosing{Designated2, "Our own script error, sorry."}, "",
		},
		{
			"contoso-open", w.ContosoCombo(), Partner, "ACD Server", 1, "Agents stuck in Not Ready after logout",
			"At Contoso, agents who log out of the desktop remain in Not Ready in the ACD and keep receiving no calls after logging in again.",
			desk.PriorityHigh, desk.StatusOpen, desk.SubInvestigation, 2, 0,
			[]demoEntry{
				{desk.EntryReply, Agent, "We reproduced this in the lab and are preparing a fix."},
			},
			nil, "",
		},
		{
			"contoso-proposed", w.ContosoCombo(), Partner2, "Reporting", 0, "Dashboard tiles refresh slowly",
			"Real-time dashboard tiles take 30 seconds to refresh instead of 5.",
			desk.PriorityLow, desk.StatusSolutionProposed, desk.SubFixedSoftware, 12, 0,
			[]demoEntry{
				{desk.EntryReply, Agent, "Fixed in Reporting 9.0.1, available in Software Downloads."},
			},
			nil, "",
		},
		{
			"contoso-third-party", w.ContosoCombo(), Partner, "Signalling Server", 2, "Media gateway rejects G.722",
			"The third-party media gateway rejects G.722 offers from Signalling Server.",
			desk.PriorityMedium, desk.StatusAwaitingInformation, desk.SubThirdPartyPending, 15, 0,
			[]demoEntry{
				{desk.EntryReply, Agent, "We asked the gateway vendor to confirm their codec support."},
			},
			nil, "",
		},
		{
			"fabrikam-closed", w.FabrikamCombo(), Partner, "IVR", 1, "Speech recognition misses account numbers",
			"Account numbers spoken digit by digit are recognised wrongly about one time in five.",
			desk.PriorityMedium, desk.StatusClosed, desk.SubResolved, 120, 90,
			[]demoEntry{
				{desk.EntryReply, Agent, "Please install IVR 8.1.4: its digit grammar no longer merges repeated digits. Tell us whether the account numbers are recognised after the upgrade."},
				{desk.EntryComment, Partner, "Fabrikam installed 8.1.4 last night; no misrecognised account number since."},
			},
			&demoClosing{Agent, "Resolved by IVR 8.1.4, as Fabrikam confirmed."}, "",
		},
		{
			"abc-escalated", w.ABCCombo(), Designated, "Agent Desktop", 1, "Softphone logs agents out every 20 minutes",
			"Since Monday's certificate renewal, every agent at the Denver site is logged out of the softphone about every 20 minutes and loses the call in progress. About 120 agents are affected on every shift. Logs of two desktops attached.",
			desk.PriorityHigh, desk.StatusOpen, desk.SubEngineeringRequest, 4, 0,
			[]demoEntry{
				{desk.EntryReply, Admin, "Thank you for the logs. The session renewals fail with a certificate chain error. Could you confirm that the new intermediate certificate is installed on both desktop gateways?"},
				{desk.EntryComment, Designated, "Yes, on both gateways. The logouts go on; supervisors log agents back in by hand after every drop."},
				{desk.EntryNote, Admin, "Reproduced in the lab with the renewed certificate: the token refresh ignores the new intermediate. Engaged engineering (ENG-4821)."},
			},
			nil, Admin,
		},
	}
	for _, dc := range list {
		l.addCase(dc)
	}
	// The queue's deadline column shows every state in the demo: the new
	// case's first response is near its deadline, the cases being worked
	// run towards their root-cause analysis (one near breach, one past
	// it), two waiting on the customer are paused, and one answered and
	// waiting has its response met.
	for key, d := range map[string]struct {
		kind desk.ClockKind
		in   time.Duration
	}{
		"abc-new":             {desk.ClockResponse, 45 * time.Minute},
		"abc-investigation":   {desk.ClockRCA, 3 * 24 * time.Hour},
		"contoso-open":        {desk.ClockRCA, 90 * time.Minute},
		"contoso-third-party": {desk.ClockRCA, -20 * time.Minute},
		"abc-awaiting":        {desk.ClockRCA, 0}, // paused: it waits on the customer
		"abc-proposed":        {desk.ClockRCA, 0},
		"abc-escalated":       {desk.ClockRCA, 2 * 24 * time.Hour},
	} {
		if l.err != nil {
			return
		}
		c, err := l.tx.CaseForUpdate(l.ctx, l.w.Cases[key])
		l.check(err)
		if l.err == nil {
			l.check(support.DemoDeadline(l.ctx, l.tx, c, d.kind, l.now.Add(d.in), l.now))
		}
	}
	// The cases waiting on the customer have their follow-ups running, so
	// their pages say when they close if nobody answers.
	for _, key := range slices.Sorted(maps.Keys(l.w.Cases)) {
		if l.err != nil {
			return
		}
		c, err := l.tx.CaseForUpdate(l.ctx, l.w.Cases[key])
		l.check(err)
		if l.err == nil {
			l.check(support.DemoFollowUp(l.ctx, l.tx, c, l.now))
		}
	}
	l.escalation()
}

// escalation escalates the case whose business impact grew, through the
// escalation use case at the times it happened, so the queue's Escalated
// view, the escalation owners' queue and the case's Escalation Feed show
// a real one: the Designated Contact asked yesterday, the escalation owner
// accepted it with next steps, and the customer added to its feed since.
func (l *loader) escalation() {
	if l.err != nil {
		return
	}
	caseID := l.w.Cases["abc-escalated"]
	escID, err := support.DemoEscalate(l.ctx, l.tx, l.w.Users[Designated], caseID, desk.ReasonBusinessImpact,
		"About 120 agents at the Denver site lose the call in progress every 20 minutes, on every shift, and supervisors "+
			"log them back in by hand. We need a workaround or a date for the fix this week.", l.now.Add(-26*time.Hour))
	l.check(err)
	if l.err != nil {
		return
	}
	l.check(support.DemoWorkEscalation(l.ctx, l.tx, l.w.Users[EscalationOwner], escID, support.StepAccept,
		"Engineering reproduced the fault (ENG-4821) and builds a workaround release, due in two days. "+
			"Ada Admin updates the case every morning until it is installed.", l.now.Add(-22*time.Hour)))
	if l.err == nil {
		l.check(support.DemoWorkEscalation(l.ctx, l.tx, l.w.Users[Designated], escID, support.StepNote,
			"Our Denver site manager joins the morning updates from tomorrow.", l.now.Add(-3*time.Hour)))
	}
}

// firstReply is how soon after the entry before it support's first public
// reply comes: inside the response target of every demo case (the
// shortest, of its High and Cloud cases, is 2 business hours), so their
// service levels show the first response met on time.
const firstReply = 40 * time.Minute

func (l *loader) addCase(dc demoCase) {
	w := l.w
	created := l.now.AddDate(0, 0, -dc.ageDays).Add(-time.Hour)
	// The case as it was opened: its status changes later in its story.
	c := &desk.Case{
		SoldToID: dc.combo.SoldToID, EndUserID: dc.combo.EndUserID, ContactID: w.Users[dc.contact],
		Type: desk.TypeSupport, SubType: "Problem", ProductID: w.Products[dc.product], ComponentID: w.Comps[dc.product][dc.comp],
		Summary: dc.summary, Description: dc.desc, Priority: dc.priority, Status: desk.StatusOpen, SubStatus: desk.SubNew,
		Stage: desk.StageProduction, AgentsAffected: 25, CreatedAt: created, UpdatedAt: created,
	}
	owner := w.Users[Agent]
	if dc.owner != "" {
		owner = w.Users[dc.owner]
	}
	if dc.status != desk.StatusOpen || dc.sub != desk.SubNew {
		c.OwnerID = owner
	}
	caseID, err := l.tx.CreateCase(l.ctx, c)
	l.check(err)
	if l.err != nil {
		return
	}
	c.ID = caseID
	w.Cases[dc.key] = caseID
	// The story: the case opens when it is created, support's first
	// public reply follows within firstReply, each other entry follows
	// the one before by step, and the status changes through the use
	// case's own step (a closed case through Close's, with its closure
	// comment, at closed_at).
	at := created
	step := 3 * time.Hour
	if dc.ageDays == 0 {
		step = 10 * time.Minute // a case from today: its story fits in the last hour
	}
	var responded time.Time // the first public reply, which meets the response clock
	add := func(at time.Time, kind desk.EntryKind, author int64, body string) {
		_, err := l.tx.AddEntry(l.ctx, &desk.Entry{CaseID: caseID, Kind: kind, AuthorID: author, Body: body, CreatedAt: at})
		l.check(err)
		if kind == desk.EntryReply && responded.IsZero() {
			responded = at
		}
	}
	add(at, desk.EntryEvent, c.ContactID, "Case opened on the portal.")
	for _, e := range dc.feed {
		gap := step
		if e.kind == desk.EntryReply && responded.IsZero() {
			gap = min(step, firstReply)
		}
		at = at.Add(gap)
		add(at, e.kind, w.Users[e.author], e.body)
	}
	switch {
	case dc.status == desk.StatusClosed:
		if dc.closing == nil {
			l.check(fmt.Errorf("demo case %s is closed without a closing", dc.key))
			return
		}
		at = l.now.AddDate(0, 0, -dc.closedAgo)
		l.check(support.DemoClose(l.ctx, l.tx, w.Users[dc.closing.author], c, dc.sub, dc.closing.comment, at))
	case dc.sub != desk.SubNew:
		at = at.Add(step)
		l.check(support.DemoSetStatus(l.ctx, l.tx, owner, c, dc.status, dc.sub, at))
	}
	if l.err != nil {
		return
	}
	c.UpdatedAt = at
	l.check(l.tx.UpdateCase(l.ctx, c))
	if l.err == nil {
		l.check(support.StartClocks(l.ctx, l.tx, c, responded, l.now))
	}
}

// macros are the saved replies the demo's agents insert in their replies.
func (l *loader) macros() {
	for _, m := range []desk.Macro{
		{
			Name: "Ask for logs", Status: desk.StatusAwaitingInformation, SubStatus: desk.SubInfoFromCustomer,
			Body: "Hello {{contact.first_name}},\n\nto go on with case {{case.number}} we need the logs of {{case.product}} " + //i18n:stored
				"from the time of the problem. Please attach them to the case or send them through Transfer Files.\n\n{{agent.name}}", //i18n:stored
		},
		{
			Name: "Solution: upgrade", Status: desk.StatusSolutionProposed, SubStatus: desk.SubReplied,
			Body: "Hello {{contact.first_name}},\n\nthe problem of case {{case.number}} is fixed in the latest release of " + //i18n:stored
				"{{case.product}}. Please upgrade and tell us whether it solves it for you.\n\n{{agent.name}}", //i18n:stored
		},
	} {
		m.UpdatedAt = l.now
		if l.err == nil {
			l.check(l.tx.SaveMacro(l.ctx, &m))
		}
	}
}

// knowledgeFiles are the demo's knowledge items: Markdown files with front
// matter, in the format of `caseport kb import`.
//
//go:embed knowledge/*.md
var knowledgeFiles embed.FS

// ProductLines puts the demo's products in lines, by line name.
var ProductLines = map[string][]string{
	"Voice Platform":       {"ACD Server", "Signalling Server", "IVR"},
	"Routing & Engagement": {"Routing Server", "Agent Desktop"},
	"Analytics":            {"Reporting"},
}

// knowledge creates the product lines and imports the knowledge items
// through the importer, as the portal admin.
func (l *loader) knowledge() {
	if l.err != nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(ProductLines)) {
		lineID, err := l.tx.CreateProductLine(l.ctx, name)
		l.check(err)
		l.w.Lines[name] = lineID
		for _, p := range ProductLines[name] {
			l.check(l.tx.SetProductLine(l.ctx, l.w.Products[p], lineID))
		}
	}
	if l.err != nil {
		return
	}
	files, err := fs.Sub(knowledgeFiles, "knowledge")
	l.check(err)
	admin := &desk.Actor{User: &desk.User{ID: l.w.Users[Admin], Kind: desk.KindStaff, Roles: []desk.Role{desk.RolePortalAdmin, desk.RoleAgent}}}
	rep, err := kb.New(kb.Deps{Store: l.s, Clock: func() time.Time { return l.now }}).ImportIn(l.ctx, l.tx, desk.Request{Actor: admin},
		kb.ImportSource{Format: kb.ImportMarkdown, Files: files}, kb.ImportOptions{})
	l.check(err)
	if err == nil && rep.Refused() {
		var b strings.Builder
		for _, p := range rep.Problems {
			fmt.Fprintf(&b, "\n  %s: %s: %s", p.Where(), p.Field, p.Text)
		}
		l.check(errors.New("demo knowledge items:" + b.String()))
	}
}

// follows are the demo contacts' alerts: Bailey Basic follows a query
// (weekly) and an item (daily), Dana Designated a query, all begun weeks
// ago and last sent a few days ago; then an editor updates what they
// follow, so the home page's "Updated for your alerts" and the next alert
// runs have something to show.
func (l *loader) follows() {
	if l.err != nil {
		return
	}
	byTitle := map[string]*desk.KBItem{}
	// The followed item is one of the edited ones.
	for id := int64(1); l.err == nil && len(byTitle) < len(demoEdits); id++ {
		it, err := l.tx.KBItem(l.ctx, id)
		if errors.Is(err, desk.ErrNotFound) {
			if id > 1000 {
				l.check(errors.New("demo follows: the followed items are not there"))
			}
			continue
		}
		l.check(err)
		if err == nil && demoEdits[it.Title] != "" {
			byTitle[it.Title] = it
		}
	}
	if l.err != nil {
		return
	}
	days := 1
	for _, title := range slices.Sorted(maps.Keys(demoEdits)) {
		it := byTitle[title]
		it.Body += "\n\n" + demoEdits[title]
		it.UpdatedAt, it.UpdatedBy = l.now.AddDate(0, 0, -days), l.w.Users[Editor]
		days++
		l.check(l.tx.SaveKBItem(l.ctx, it, kb.Index(*it), "Added what the latest release changes"))
	}
	begun, sent := l.now.AddDate(0, 0, -40), l.now.AddDate(0, 0, -5)
	for _, f := range []desk.KBFollow{
		{
			UserID: l.w.Users[Basic], Kind: desk.KBFollowQuery, Query: kb.EncodeQuery(kb.Query{Q: "calls drop"}),
			Search: "q=calls+drop", Description: "Dropped calls", Delivery: desk.KBWeekly,
		},
		{UserID: l.w.Users[Basic], Kind: desk.KBFollowItem, ItemID: byTitle[demoFollowedItem].ID, Delivery: desk.KBDaily},
		{
			UserID: l.w.Users[Designated], Kind: desk.KBFollowQuery, Query: kb.EncodeQuery(kb.Query{Q: "upgrade*"}),
			Search: "q=upgrade%2A", Description: "Upgrades", Delivery: desk.KBDaily,
		},
	} {
		f.CreatedAt, f.LastAlertAt = begun, sent
		l.check(l.tx.AddKBFollow(l.ctx, &f))
	}
}

// demoFollowedItem is the item Bailey Basic follows; demoEdits are the
// lately updated items, by title, with what the update added.
const demoFollowedItem = "Why do calls drop after exactly 30 seconds?"

var demoEdits = map[string]string{
	demoFollowedItem: "**Update:** Signalling Server 9.1.4 resends the final `200 OK` until the ACK arrives " +
		"even behind a NAT that rewrites the Contact header; upgrade before you change the session timers.",
	"Upgrading a redundant pair in a maintenance window": "**Update:** from 9.1.4 the backup takes over the " +
		"registrations of the primary without a restart; skip step 5 when both run 9.1.4 or later.",
}

// announcements are Customer Care's news in force: one for everyone, one
// for the Voice Platform's customers (ABC Testing Co and Contoso hold
// its products), one for ABC Testing Co alone.
func (l *loader) announcements() {
	if l.err != nil {
		return
	}
	for _, a := range []desk.Announcement{
		{
			Title: "Customer Care hours over the holidays", Audience: desk.AudienceEveryone,
			Body: "Between **24 December and 2 January** Customer Care answers Critical and Production Down cases " +
				"around the clock as always; other cases are answered on business days only.\n\n" +
				"Call the support line for anything that stops production, and see the " +
				"[knowledge base](/knowledge) for answers in the meantime.",
			Starts: l.now.AddDate(0, 0, -3), Ends: l.now.AddDate(0, 0, 40),
		},
		{
			Title: "Signalling Server 9.1.4: maintenance release for dropped transfers", Audience: desk.AudienceProductLine,
			ProductLineID: l.w.Lines["Voice Platform"],
			Body: "Signalling Server 9.1.4 fixes audio lost on calls transferred between sites and a memory leak of the call " +
				"recorder interface.\n\n- Upgrade from 9.1.0 or later without downtime\n- Read the release notes before you plan the upgrade",
			Starts: l.now.AddDate(0, 0, -1), Ends: l.now.AddDate(0, 0, 30),
		},
		{
			Title: "ABC Testing Co: your Service Contract renewal", Audience: desk.AudienceCompany, CompanyID: l.w.ABC,
			Body: "Your contract SC-1001 (Business Care Plus) renews in the coming months. Your account team will " +
				"contact the Designated Approver; nothing changes for open cases.",
			Starts: l.now.AddDate(0, 0, -2),
		},
	} {
		a.CreatedAt, a.UpdatedAt, a.UpdatedBy = l.now, l.now, l.w.Users[Admin]
		l.check(l.tx.SaveAnnouncement(l.ctx, &a))
	}
}
