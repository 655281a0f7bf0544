package support

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// The staff queue's views (saved filters with their counts), its deadline
// column and its bulk actions.

// maxViewQuery is the longest query string a view keeps: the queue's
// filters take far less.
const maxViewQuery = 2000

// Views lists the queue's views for the actor: the built-in ones, the
// shared ones, then the actor's own.
func (s *Cases) Views(ctx context.Context, r Request) ([]desk.QueueView, error) {
	if err := desk.Authorize(r.Actor, desk.ViewQueue, desk.Target{}); err != nil {
		return nil, err
	}
	saved, err := s.store.QueueViews(ctx, r.Actor.User.ID)
	if err != nil {
		return nil, err
	}
	return append(append([]desk.QueueView{}, desk.BuiltInViews...), saved...), nil
}

// Count counts the queue's cases under f, up to desk.CountLimit, for a
// view's badge.
func (s *Cases) Count(ctx context.Context, r Request, f desk.CaseFilter) (int, error) {
	if err := desk.Authorize(r.Actor, desk.ViewQueue, desk.Target{}); err != nil {
		return 0, err
	}
	f.List, f.Scope = desk.Queue, r.Actor.Scope()
	if f.DueWithin > 0 {
		f.DueBefore = s.now().Add(f.DueWithin)
	}
	return s.store.CountCases(ctx, f)
}

// SaveView saves the queue's query string under a name: a personal view,
// or one every staff member sees (shared), which only those who may
// ShareQueueView save.
func (s *Cases) SaveView(ctx context.Context, r Request, name, query string, shared bool) (int64, error) {
	act := desk.SaveQueueView
	if shared {
		act = desk.ShareQueueView
	}
	if err := desk.Authorize(r.Actor, act, desk.Target{}); err != nil {
		return 0, err
	}
	if r.Problems == nil {
		r.Problems = desk.Problems{}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		r.Problems.AddMessage("name", "support.views.name")
	}
	if len(query) > maxViewQuery {
		r.Problems.AddMessage("query", "support.views.query_too_long", "Max", maxViewQuery)
	}
	v := desk.QueueView{Name: name, Query: query, CreatedAt: s.now()}
	if !shared {
		v.OwnerID = r.Actor.User.ID
	}
	var viewID int64
	err := s.write(ctx, r, func(tx *store.Tx) error {
		if err := r.Problems.Err(); err != nil {
			return err
		}
		n, err := tx.CountQueueViews(ctx, v.OwnerID)
		if err != nil {
			return err
		}
		if n >= desk.MaxQueueViews {
			return desk.Invalid("name", "support.views.too_many", "Max", desk.MaxQueueViews)
		}
		viewID, err = tx.CreateQueueView(ctx, &v)
		if desk.ConflictOn(err, store.UniquePersonalView) || desk.ConflictOn(err, store.UniqueSharedView) {
			return desk.Invalid("name", "support.views.name_taken", "Name", name)
		}
		if err != nil {
			return err
		}
		what := "queue_view_saved"
		if shared {
			what = "queue_view_shared"
		}
		return s.audit(ctx, tx, r, what, name, query)
	})
	return viewID, err
}

// DeleteView removes a saved view: one's own personal view, or a shared
// one for whoever may ShareQueueView. Another person's view does not
// exist for the actor.
func (s *Cases) DeleteView(ctx context.Context, r Request, viewID int64) error {
	if err := desk.Authorize(r.Actor, desk.ViewQueue, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		v, err := tx.QueueView(ctx, viewID)
		if err != nil {
			return err
		}
		if v.Shared() {
			err = desk.Authorize(r.Actor, desk.ShareQueueView, desk.Target{})
		} else {
			err = desk.Authorize(r.Actor, desk.DeleteQueueView, desk.Target{OwnerID: v.OwnerID})
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteQueueView(ctx, viewID); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "queue_view_deleted", v.Name, strconv.FormatInt(viewID, 10))
	})
}

// withDeadlines fills in each case's next deadline from its clocks, at
// the page's time.
func (s *core) withDeadlines(ctx context.Context, page *desk.CasePage) error {
	clocks, err := s.store.PageClocks(ctx, page.Cases)
	if err != nil {
		return err
	}
	for i := range page.Cases {
		page.Cases[i].Deadline = desk.NextDeadlineOf(clocks[page.Cases[i].ID], page.Now)
	}
	return nil
}

// BulkAction is what the queue's bulk form does to the cases it selects.
type BulkAction string

// Bulk actions: assign (or unassign), change status, add an internal
// note, merge duplicates into one case.
const (
	BulkAssign BulkAction = "assign"
	BulkStatus BulkAction = "status"
	BulkNote   BulkAction = "note"
	BulkMerge  BulkAction = "merge"
)

// BulkActions lists the bulk actions in the form's order.
var BulkActions = []BulkAction{BulkAssign, BulkStatus, BulkNote, BulkMerge}

// MaxBulk is how many cases one bulk action changes: a page of the queue.
const MaxBulk = desk.MaxPageSize

// Bulk is one bulk action on the cases selected.
type Bulk struct {
	Action  BulkAction
	CaseIDs []int64
	// OwnerID is the owner an assignment sets (0 unassigns).
	OwnerID int64
	// Status and SubStatus are what a status change sets.
	Status    desk.Status
	SubStatus desk.SubStatus
	// Note is the internal note's text.
	Note string
	// IntoID is the case a merge keeps: one of CaseIDs; the others are
	// its duplicates.
	IntoID int64
}

// Bulk does one action to every case selected (fields "cases", "action",
// "bulk_owner", "bulk_status", "note", "into"), all or nothing, in one
// transaction: the policy is asked on each case (and each is checked)
// before anything is written, and when any is refused or invalid nothing
// is, and the error names each such case (a field "case-<number>") and
// why.
func (s *Cases) Bulk(ctx context.Context, r Request, b Bulk) error {
	if err := desk.Authorize(r.Actor, desk.ViewQueue, desk.Target{}); err != nil {
		return err
	}
	if r.Problems == nil {
		r.Problems = desk.Problems{}
	}
	p := r.Problems
	ids := uniqueIDs(b.CaseIDs)
	switch {
	case len(ids) == 0:
		p.AddMessage("cases", "support.bulk.none_selected")
	case len(ids) > MaxBulk:
		p.AddMessage("cases", "support.bulk.too_many", "Max", MaxBulk)
	}
	act, change := desk.WorkCase, CaseChange{}
	switch b.Action {
	case BulkAssign:
		change.OwnerID = &b.OwnerID
	case BulkStatus:
		if !slices.Contains(desk.SubStatuses[b.Status], b.SubStatus) {
			p.AddMessage("bulk_status", "support.bulk.status")
		}
		change.Status, change.SubStatus = &b.Status, &b.SubStatus
	case BulkNote:
		act = desk.WriteInternalNote
		if err := p.Merge(desk.ValidateComment("note", b.Note)); err != nil {
			return err
		}
	case BulkMerge:
		act = desk.MergeCases
		if !slices.Contains(ids, b.IntoID) {
			p.AddMessage("into", "support.bulk.merge_into")
		} else if len(ids) < 2 {
			p.AddMessage("cases", "support.bulk.merge_two")
		}
	default:
		p.AddMessage("action", "support.bulk.action")
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := p.Err(); err != nil {
			return err
		}
		if b.Action == BulkAssign && b.OwnerID != 0 {
			owner, err := tx.User(ctx, b.OwnerID)
			if err != nil && !errors.Is(err, desk.ErrNotFound) {
				return err
			}
			if err != nil || !owner.IsStaff() || owner.Disabled {
				return desk.Invalid("bulk_owner", "support.cases.owner")
			}
		}
		// Every case is asked and checked before the first write.
		var into *desk.Case
		if b.Action == BulkMerge {
			var err error
			if into, err = tx.CaseForUpdate(ctx, b.IntoID); err != nil {
				return err
			}
		}
		for _, id := range ids {
			c, err := tx.CaseForUpdate(ctx, id)
			if errors.Is(err, desk.ErrNotFound) {
				p.AddMessage(bulkField(id), "support.bulk.refused", "Number", desk.FormatCaseNumber(id), "Reason", desk.Msg("support.bulk.no_such_case"))
				continue
			}
			if err != nil {
				return err
			}
			if why := bulkRefusal(r, c, act, b, into); why != nil {
				p.AddMessage(bulkField(id), "support.bulk.refused", "Number", c.Number(), "Reason", *why)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			var err error
			switch b.Action {
			case BulkNote:
				err = s.writeCaseTx(ctx, tx, r, id, act, s.addReply(ctx, r, b.Note, desk.EntryNote))
			case BulkMerge:
				if id != b.IntoID {
					err = s.writeCaseTx(ctx, tx, r, id, act, s.mergeInto(ctx, r, into))
				}
			default:
				err = s.writeCaseTx(ctx, tx, r, id, act, s.applyChange(ctx, r, change))
			}
			if err != nil {
				return err
			}
		}
		if b.Action == BulkMerge {
			return s.writeCaseTx(ctx, tx, r, into.ID, act, func(tx *store.Tx, c *desk.Case) error { return nil })
		}
		return nil
	})
}

// bulkField is the problem field of one case of a bulk action.
func bulkField(caseID int64) string { return "case-" + desk.FormatCaseNumber(caseID) }

// bulkRefusal is why the bulk action may not be done to c, or nil: the
// policy's answer on the case first, then the action's own rules.
func bulkRefusal(r Request, c *desk.Case, act desk.Action, b Bulk, into *desk.Case) *desk.Message {
	if err := desk.Authorize(r.Actor, act, desk.On(c.Combination())); err != nil {
		if m, ok := desk.AsMessage(err); ok {
			return &m
		}
		m := desk.Msg("support.bulk.no_such_case")
		return &m
	}
	refuse := func(id string, kv ...any) *desk.Message { m := desk.Msg(id, kv...); return &m }
	switch b.Action {
	case BulkStatus:
		if c.Status == b.Status && c.SubStatus == b.SubStatus {
			return nil // already so: nothing to change
		}
		if err := desk.CheckTransition(c.Status, c.SubStatus, b.Status, b.SubStatus); err != nil {
			for _, m := range desk.FieldMessages(err) {
				return &m
			}
			if m, ok := desk.AsMessage(err); ok {
				return &m
			}
			return refuse("support.bulk.status")
		}
	case BulkMerge:
		switch {
		case c.ID == into.ID && c.Closed():
			return refuse("support.bulk.merge_into_closed")
		case c.ID == into.ID:
		case c.Closed():
			return refuse("support.bulk.merge_closed")
		case c.Combination() != into.Combination():
			return refuse("support.bulk.merge_other_customer", "Number", into.Number())
		}
	}
	return nil
}

// mergeInto closes a duplicate into the case that goes on: its Case Feed
// moves there, it is closed as Cancelled pointing at that case, and both
// feeds say so.
func (s *core) mergeInto(ctx context.Context, r Request, into *desk.Case) func(tx *store.Tx, c *desk.Case) error {
	return func(tx *store.Tx, c *desk.Case) error {
		if err := tx.MoveEntries(ctx, c.ID, into.ID); err != nil {
			return err
		}
		if err := tx.SetMergedInto(ctx, c.ID, into.ID); err != nil {
			return err
		}
		c.MergedIntoID = into.ID
		c.CloseComment = "Merged into case " + into.Number() + "."                                                                       //i18n:stored
		if err := s.setStatus(ctx, tx, r, c, desk.StatusClosed, desk.SubCancelled, "(merged into case "+into.Number()+")"); err != nil { //i18n:stored
			return err
		}
		if _, err := tx.AddEntry(ctx, &desk.Entry{
			CaseID: into.ID, Kind: desk.EntryEvent, AuthorID: r.ActorID(), CreatedAt: s.now(),
			Body: "Case " + c.Number() + " was merged into this case as a duplicate; its Case Feed is here now.", //i18n:stored
		}); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "case_merged", c.Number(), into.Number())
	}
}

// uniqueIDs is ids without repeats or non-positive IDs, in their order.
func uniqueIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// SearchResults is the console's global search, by kind: the case of a
// number, cases whose text has the words, companies and contacts whose
// name (or email, Org ID) starts with the text. Each kind holds at most
// SearchLimit; CaseCount says whether more cases match (the queue lists
// them all).
type SearchResults struct {
	Case      *desk.CaseRow
	Cases     []desk.CaseRow
	MoreCases bool
	Companies []desk.Company
	Contacts  []desk.User
	// Accounts says companies and contacts were searched: for whoever
	// may ViewAccounts.
	Accounts bool
	Now      time.Time
}

// SearchLimit is how many results of each kind the global search shows.
const SearchLimit = 5

// minFind is the shortest text the search of names takes: a letter
// would list names by the alphabet, which the lists do better.
const minFind = 2

// Search is the console's global search (ViewQueue): a case number, the
// queue's keyword search (closed cases too), and for whoever may
// ViewAccounts the companies and contacts whose names start with text.
func (s *Cases) Search(ctx context.Context, r Request, text string) (*SearchResults, error) {
	if err := desk.Authorize(r.Actor, desk.ViewQueue, desk.Target{}); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	out := &SearchResults{Now: s.now()}
	if text == "" {
		return out, nil
	}
	if n, ok := desk.ParseCaseNumber(text); ok {
		c, err := s.viewableCase(ctx, r, n)
		switch {
		case err == nil:
			out.Case = c
		case !errors.Is(err, desk.ErrNotFound):
			return nil, err
		}
	}
	page, err := s.List(ctx, r, desk.CaseFilter{List: desk.Queue, Keywords: text, Statuses: desk.Statuses, Limit: SearchLimit})
	if err != nil {
		return nil, err
	}
	out.Cases, out.MoreCases = page.Cases, page.Next != ""
	if desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}) != nil || len([]rune(text)) < minFind {
		return out, nil
	}
	out.Accounts = true
	if out.Companies, err = s.store.FindCompanies(ctx, text, SearchLimit); err != nil {
		return nil, err
	}
	if out.Contacts, err = s.store.FindContacts(ctx, text, SearchLimit); err != nil {
		return nil, err
	}
	return out, nil
}

// notice tells u of event on c in the console (the bell) and, as u
// chose for the event's kind, by the email m: whoever may ViewNotices, never of
// their own doing.
func (s *core) notice(ctx context.Context, tx *store.Tx, r Request, u *desk.User, event desk.NoticeEvent, c *desk.Case, detail string, m *mail) error {
	if u == nil || u.ID == r.ActorID() || desk.Authorize(&desk.Actor{User: u}, desk.ViewNotices, desk.Target{}) != nil {
		return nil
	}
	if err := tx.AddNotice(ctx, &desk.Notice{
		UserID: u.ID, Kind: event.Kind(), Event: event, CaseID: c.ID, ActorID: r.ActorID(), Detail: detail, CreatedAt: s.now(),
	}); err != nil {
		return err
	}
	if m == nil {
		return nil
	}
	prefs, err := tx.NoticePrefs(ctx, u.ID)
	if err != nil || !prefs.Email(event.Kind()) {
		return err
	}
	m.To = u
	return s.queueMail(ctx, tx, *m)
}

// noticeAssigned tells a case's new owner it is theirs.
func (s *core) noticeAssigned(ctx context.Context, tx *store.Tx, r Request, c *desk.Case) error {
	if c.OwnerID == 0 {
		return nil
	}
	owner, err := tx.User(ctx, c.OwnerID)
	if err != nil {
		return err
	}
	return s.notice(ctx, tx, r, owner, desk.EventAssigned, c, "", &mail{
		Kind: "case_assigned", Case: c, Subject: desk.Msg("mail.case_assigned.subject", "Number", c.Number()),
		Text: desk.Msg("mail.case_assigned.text", "Name", r.Actor.User.Name(), "Number", c.Number(), "Summary", c.Summary), Link: s.caseLink(c),
	})
}

// noticeCustomerUpdate tells a case's owner the customer wrote.
func (s *core) noticeCustomerUpdate(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, body string) error {
	if c.OwnerID == 0 {
		return nil
	}
	owner, err := tx.User(ctx, c.OwnerID)
	if err != nil {
		return err
	}
	name := ""
	if r.Actor != nil && r.Actor.User != nil {
		name = r.Actor.User.Name()
	}
	return s.notice(ctx, tx, r, owner, desk.EventCustomerUpdate, c, "", &mail{
		Kind: "customer_update", Case: c, Subject: desk.Msg("mail.customer_update.subject", "Number", c.Number()),
		Text: desk.Msg("mail.customer_update.text", "Name", name, "Number", c.Number(), "Summary", c.Summary, "Body", strings.TrimSpace(body)),
		Link: s.caseLink(c),
	})
}

// noticeEscalation tells of a new escalation those who work escalations
// (emailed as before, unless they chose otherwise) and the case's owner.
func (s *core) noticeEscalation(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, reason desk.EscalationReason, details string) error {
	staff, err := s.staffWhoMay(ctx, tx, desk.ManageEscalations)
	if err != nil {
		return err
	}
	if c.OwnerID != 0 && !slices.ContainsFunc(staff, func(u desk.User) bool { return u.ID == c.OwnerID }) {
		owner, err := tx.User(ctx, c.OwnerID)
		if err != nil {
			return err
		}
		staff = append(staff, *owner)
	}
	for i := range staff {
		if err := s.notice(ctx, tx, r, &staff[i], desk.EventEscalation, c, reason.Label(), &mail{
			Kind: "escalation_requested", Case: c, Subject: desk.Msg("mail.escalation_requested.staff_subject", "Number", c.Number(), "Reason", reason),
			Text: desk.Msg("mail.escalation_requested.staff_text", "Number", c.Number(), "Summary", c.Summary, "Details", details,
				"Queue", s.baseURL+"/console/escalations"),
			Link: s.caseLink(c),
		}); err != nil {
			return err
		}
	}
	return nil
}

// Notices lists the actor's notifications of the console, newest first:
// a page of desk.DefaultPageSize before the notice before (0: the
// newest).
func (s *Cases) Notices(ctx context.Context, r Request, before int64) ([]desk.Notice, error) {
	if err := desk.Authorize(r.Actor, desk.ViewNotices, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Notices(ctx, r.Actor.User.ID, before, desk.DefaultPageSize)
}

// UnreadNotices counts the actor's unread notifications (the bell), up
// to desk.MaxUnread; 0 for whoever has none to read.
func (s *Cases) UnreadNotices(ctx context.Context, r Request) (int, error) {
	if desk.Authorize(r.Actor, desk.ViewNotices, desk.Target{}) != nil {
		return 0, nil
	}
	return s.store.UnreadNotices(ctx, r.Actor.User.ID)
}

// MarkNoticesRead marks one of the actor's notifications read, or all of
// them when noticeID is 0; another's does not exist for them.
func (s *Cases) MarkNoticesRead(ctx context.Context, r Request, noticeID int64) error {
	if err := desk.Authorize(r.Actor, desk.ViewNotices, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if noticeID != 0 {
			if err := tx.NoticeExists(ctx, r.Actor.User.ID, noticeID); err != nil {
				return err
			}
		}
		_, err := tx.MarkNoticesRead(ctx, r.Actor.User.ID, noticeID, s.now())
		return err
	})
}

// NoticePrefs is what the actor chose to be emailed, by kind.
func (s *Cases) NoticePrefs(ctx context.Context, r Request) (desk.NoticePrefs, error) {
	if err := desk.Authorize(r.Actor, desk.ViewNotices, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.NoticePrefs(ctx, r.Actor.User.ID)
}

// SetNoticePrefs records which kinds are emailed to the actor: every
// kind, on when prefs says so.
func (s *Cases) SetNoticePrefs(ctx context.Context, r Request, prefs desk.NoticePrefs) error {
	if err := desk.Authorize(r.Actor, desk.ViewNotices, desk.Target{}); err != nil {
		return err
	}
	for k := range prefs {
		if !k.Valid() {
			return desk.Invalid("notices", "support.notices.kind", "Kind", string(k))
		}
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		var on []string
		for _, k := range desk.NoticeKinds {
			if err := tx.SetNoticePref(ctx, r.Actor.User.ID, k, prefs[k]); err != nil {
				return err
			}
			if prefs[k] {
				on = append(on, string(k))
			}
		}
		return s.audit(ctx, tx, r, "notice_prefs_saved", r.Actor.User.Email, strings.Join(on, ", "))
	})
}
