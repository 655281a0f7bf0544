package support

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// AgentCase is what the agent's case page shows beside the case: its
// tags and followers, the customer (the combination with its contracts,
// the other open cases of the combination, whether the contact's PIN was
// checked on the phone lately) and the saved replies.
type AgentCase struct {
	Tags      []string
	Followers []desk.User
	Customer  Combo
	// Contract is the combination's active contract that counts (the
	// first active one); nil when none is active.
	Contract *desk.Contract
	// OtherOpen are the combination's other open cases, newest activity
	// first, at most MaxOtherOpen.
	OtherOpen []desk.CaseRow
	// Similar are cases of any customer whose words are the summary's
	// (SimilarByWords), newest first, or when none is, the open cases on
	// the same component, newest activity first; at most MaxOtherOpen:
	// where the same problem may have been met.
	Similar        []desk.CaseRow
	SimilarByWords bool
	// VerifiedAt is when staff last checked the contact's PIN on the
	// phone, within CallerVerifiedFor; VerifiedBy who did.
	VerifiedAt time.Time
	VerifiedBy string
	// Macros are the saved replies, filled in for this case.
	Macros []AppliedMacro
	// Components are those the case may move to: of the products the
	// combination's active contracts cover (and the case's own).
	Components []desk.Component
	Products   []desk.Product
	// LastEntry is the newest Case Feed entry the page shows.
	LastEntry int64
}

// MaxOtherOpen is how many of the combination's other open cases the
// agent's page lists.
const MaxOtherOpen = 5

// CallerVerifiedFor is how long a PIN checked on the phone marks the
// contact as verified on their cases' pages: the length of a call and its
// follow-up work.
const CallerVerifiedFor = 12 * time.Hour

// Agent returns what the agent's page shows beside the case view v, for
// whoever may work the case.
func (s *Cases) Agent(ctx context.Context, r Request, v *CaseView) (*AgentCase, error) {
	c := v.Case
	if err := askOn(r, &c.Case, desk.WorkCase); err != nil {
		return nil, err
	}
	out := &AgentCase{}
	var err error
	if out.Tags, err = s.store.CaseTags(ctx, c.ID); err != nil {
		return nil, err
	}
	if out.Followers, err = s.store.CaseFollowers(ctx, c.ID); err != nil {
		return nil, err
	}
	for i := range out.Followers {
		out.Followers[i].PIN = ""
	}
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	if out.Customer, err = s.combo(ctx, c.Combination(), cat); err != nil {
		return nil, err
	}
	for i := range out.Customer.Contracts {
		if out.Customer.Contracts[i].ActiveAt(v.Now) {
			out.Contract = &out.Customer.Contracts[i]
			break
		}
	}
	out.Products = out.Customer.Products
	if !slices.ContainsFunc(out.Products, func(p desk.Product) bool { return p.ID == c.ProductID }) {
		if p, ok := cat.Product(c.ProductID); ok {
			out.Products = append(out.Products, p)
		}
	}
	for _, p := range out.Products {
		out.Components = append(out.Components, cat.ComponentsOf(p.ID)...)
	}
	page, err := s.store.Cases(ctx, desk.CaseFilter{
		List: desk.Queue, Scope: r.Actor.Scope(), CompanyID: c.SoldToID, EndUserID: c.EndUserID,
		Statuses: []desk.Status{desk.StatusOpen, desk.StatusAwaitingInformation, desk.StatusSolutionProposed},
		Limit:    MaxOtherOpen + 1,
	})
	if err != nil {
		return nil, err
	}
	for _, o := range page.Cases {
		if o.ID != c.ID && o.SoldToID == c.SoldToID && len(out.OtherOpen) < MaxOtherOpen {
			out.OtherOpen = append(out.OtherOpen, o)
		}
	}
	if out.Similar, out.SimilarByWords, err = s.similar(ctx, r, c); err != nil {
		return nil, err
	}
	contact, err := s.store.User(ctx, c.ContactID)
	if err != nil {
		return nil, err
	}
	if out.VerifiedAt, out.VerifiedBy, err = s.store.CallerVerified(ctx, contact.Email, v.Now.Add(-CallerVerifiedFor)); err != nil {
		return nil, err
	}
	macros, err := s.store.Macros(ctx)
	if err != nil {
		return nil, err
	}
	values := macroValues(c, contact, r.Actor.User)
	for _, m := range macros {
		out.Macros = append(out.Macros, AppliedMacro{Macro: m, Body: m.Expand(values)})
	}
	for _, e := range v.Feed {
		out.LastEntry = max(out.LastEntry, e.ID)
	}
	return out, nil
}

// CaseVersion is the case's version now, for a page that is open and
// asks whether the case changed.
func (s *Cases) CaseVersion(ctx context.Context, r Request, caseID int64) (int64, error) {
	c, err := s.viewableCase(ctx, r, caseID)
	if err != nil {
		return 0, err
	}
	return c.Version, nil
}

// Attachment is a file sent with a reply.
type Attachment struct {
	Name        string
	ContentType string
	Content     []byte
}

// Work is what the agent's page sends in one submit: a reply or an
// internal note (optional), the files attached to it, and a change of
// the case's fields, all saved in one transaction or none.
type Work struct {
	Body     string
	Internal bool
	Files    []Attachment
	Change   CaseChange
}

// Work saves the agent's reply (or note), its files and the change of the
// case's fields together: all of it, or, on any problem, nothing. A change
// made on a version of the case that is no longer its own is refused with
// what changed meanwhile (desk.StaleError). It returns the kind of entry
// it added ("" for none).
func (s *Cases) Work(ctx context.Context, r Request, caseID int64, w Work) (desk.EntryKind, error) {
	if err := s.askCase(ctx, r, caseID, desk.WorkCase); err != nil {
		return "", err
	}
	var kind desk.EntryKind
	p := desk.Problems{}
	if strings.TrimSpace(w.Body) != "" || len(w.Files) > 0 {
		kind = desk.EntryReply
		if w.Internal {
			kind = desk.EntryNote
			if err := s.askCase(ctx, r, caseID, desk.WriteInternalNote); err != nil {
				return "", err
			}
		}
		if err := p.Merge(desk.ValidateComment("body", w.Body)); err != nil {
			return "", err
		}
	}
	if len(w.Files) > 0 {
		if err := s.askCase(ctx, r, caseID, desk.TransferFiles); err != nil {
			return "", err
		}
		if s.files == nil {
			p.AddMessage("files", "support.agent_case.no_file_store")
		}
	}
	if err := p.Merge(checkTags(w.Change.Tags)); err != nil {
		return "", err
	}
	if kind == "" && w.Change.None() {
		// Nothing to send and nothing changed: say what is missing.
		p.AddMessage("body", "desk.comment.empty")
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	return kind, s.writeCase(ctx, r, caseID, desk.WorkCase, func(tx *store.Tx, c *desk.Case) error {
		if err := s.checkSeen(ctx, tx, c, w.Change.Seen); err != nil {
			return err
		}
		if kind != "" {
			if c.Status == desk.StatusClosed && w.Change.Status == nil {
				return closedErr(c)
			}
			if err := s.addReply(ctx, r, w.Body, kind)(tx, c); err != nil {
				return err
			}
		}
		for _, f := range w.Files {
			if err := s.keepFile(ctx, tx, &desk.CaseFile{
				CaseID: c.ID, Name: f.Name, ContentType: f.ContentType, Source: "upload", Direction: desk.FromSupport,
				UploadedBy: r.ActorID(),
			}, f.Content); err != nil {
				return err
			}
		}
		return s.applyChange(ctx, r, w.Change)(tx, c)
	})
}

// checkSeen refuses a change made on a version of the case that is no
// longer its own, saying what differs now from what the author saw.
func (s *core) checkSeen(ctx context.Context, tx *store.Tx, c *desk.Case, seen *desk.CaseSeen) error {
	if seen == nil || seen.Version == c.Version {
		return nil
	}
	stale := &desk.StaleError{Number: c.Number(), Seen: seen.Version, Now: c.Version}
	tags, err := tx.CaseTags(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, field := range seen.Differences(c, tags) {
		was, is, err := s.changeValues(ctx, tx, field, seen, c, tags)
		if err != nil {
			return err
		}
		stale.Changes = append(stale.Changes, desk.Change{Field: field, Seen: was, Now: is})
	}
	if seen.Known {
		entries, err := s.store.Entries(ctx, c.ID, true)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.ID > seen.LastEntry && e.Kind != desk.EntryEvent {
				stale.Entries = append(stale.Entries, e.Author)
			}
		}
	}
	return stale
}

// changeValues are the words for what was seen and what is there now of
// one field Differences named.
func (s *core) changeValues(ctx context.Context, tx *store.Tx, field string, seen *desk.CaseSeen, c *desk.Case, tags []string) (was, is any, err error) {
	switch field {
	case "status":
		return desk.Msg("desk.stale.status_value", "Status", seen.Status, "SubStatus", seen.SubStatus),
			desk.Msg("desk.stale.status_value", "Status", c.Status, "SubStatus", c.SubStatus), nil
	case "priority":
		return seen.Priority, c.Priority, nil
	case "severity":
		return severityWords(seen.Severity), severityWords(c.Severity), nil
	case "owner", "contact":
		ids := [2]int64{seen.OwnerID, c.OwnerID}
		if field == "contact" {
			ids = [2]int64{seen.ContactID, c.ContactID}
		}
		var names [2]any
		for i, id := range ids {
			names[i] = desk.Msg("desk.stale.nobody")
			if id == 0 {
				continue
			}
			u, err := tx.User(ctx, id)
			if err != nil && !errors.Is(err, desk.ErrNotFound) {
				return nil, nil, err
			}
			if err == nil {
				names[i] = u.Name()
			}
		}
		return names[0], names[1], nil
	case "component":
		cat, err := s.store.Catalog(ctx)
		if err != nil {
			return nil, nil, err
		}
		return componentName(cat, seen.ComponentID), componentName(cat, c.ComponentID), nil
	}
	return tagWords(seen.Tags), tagWords(tags), nil
}

func severityWords(n int) any {
	if n == 0 {
		return desk.Msg("desk.stale.not_assessed")
	}
	return n
}

func tagWords(tags []string) any {
	if len(tags) == 0 {
		return desk.Msg("desk.stale.none")
	}
	return strings.Join(tags, ", ")
}

func componentName(cat *desk.Catalog, componentID int64) string {
	comp, _ := cat.Component(componentID)
	p, _ := cat.Product(comp.ProductID)
	return p.Name + " / " + comp.Name
}

// MaxTags is how many tags a case holds at most.
const MaxTags = 10

// tagPattern is what a tag is: a short word of letters, digits, - and _.
var tagPattern = regexp.MustCompile(`^[\p{L}\p{N}_-]{1,30}$`)

// checkTags checks the tags of a change (nil: not changed).
func checkTags(tags *[]string) error {
	if tags == nil {
		return nil
	}
	p := desk.Problems{}
	for _, t := range *tags {
		if !tagPattern.MatchString(t) {
			p.AddMessage("tags", "support.agent_case.tag")
		}
	}
	if len(*tags) > MaxTags {
		p.AddMessage("tags", "support.agent_case.too_many_tags", "Max", MaxTags)
	}
	return p.Err()
}

// ParseTags reads tags typed in one field, separated by commas or spaces,
// in lower case, each once.
func ParseTags(s string) []string {
	out := []string{}
	for _, t := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// changeTags sets the case's tags when they change, with a feed event.
func (s *core) changeTags(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, tags *[]string) error {
	if tags == nil {
		return nil
	}
	old, err := tx.CaseTags(ctx, c.ID)
	if err != nil {
		return err
	}
	want := ParseTags(strings.Join(*tags, " "))
	if slices.Equal(old, want) {
		return nil
	}
	if err := tx.SetCaseTags(ctx, c.ID, want); err != nil {
		return err
	}
	text := "Tags removed." //i18n:stored
	if len(want) > 0 {
		text = "Tags set to " + strings.Join(want, ", ") + "." //i18n:stored
	}
	return s.event(ctx, tx, r, c, text)
}

// changeComponent moves the case to another component, of a product the
// combination's active contracts cover (or the case's own product).
func (s *core) changeComponent(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, componentID *int64, p desk.Problems) error {
	if componentID == nil || *componentID == c.ComponentID {
		return nil
	}
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return err
	}
	comp, ok := cat.Component(*componentID)
	if !ok {
		p.AddMessage("component", "support.agent_case.component")
		return nil
	}
	if comp.ProductID != c.ProductID {
		contracts, err := s.store.Contracts(ctx, desk.ContractFilter{SoldToID: c.SoldToID, EndUserID: c.EndUserID})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(coveredProducts(contracts, cat, s.now()), func(p desk.Product) bool { return p.ID == comp.ProductID }) {
			p.AddMessage("component", "support.agent_case.component")
			return nil
		}
	}
	if err := s.event(ctx, tx, r, c, fmt.Sprintf("Product changed from %s to %s.", componentName(cat, c.ComponentID), componentName(cat, comp.ID))); err != nil { //i18n:stored
		return err
	}
	c.ProductID, c.ComponentID = comp.ProductID, comp.ID
	return nil
}

// None reports whether the change changes nothing the form can.
func (ch *CaseChange) None() bool {
	return ch.Status == nil && ch.SubStatus == nil && ch.Priority == nil && ch.Severity == nil && ch.OwnerID == nil &&
		ch.ContactID == nil && ch.ComponentID == nil && ch.Tags == nil && !ch.InfoComplete && !ch.RCADelivered
}
