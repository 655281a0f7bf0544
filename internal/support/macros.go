package support

import (
	"context"
	"errors"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Macros lists the saved replies, for the console page that keeps them
// (ManageMacros). The agent's page gets them with the case (Agent).
func (s *Cases) Macros(ctx context.Context, r Request) ([]desk.Macro, error) {
	if err := desk.Authorize(r.Actor, desk.ManageMacros, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Macros(ctx)
}

// Macro reads one saved reply, for its edit form (ManageMacros).
func (s *Cases) Macro(ctx context.Context, r Request, macroID int64) (*desk.Macro, error) {
	if err := desk.Authorize(r.Actor, desk.ManageMacros, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Macro(ctx, macroID)
}

// SaveMacro creates a saved reply (m.ID zero) or changes one, and records
// it in the audit log.
func (s *Cases) SaveMacro(ctx context.Context, r Request, m *desk.Macro) error {
	if err := desk.Authorize(r.Actor, desk.ManageMacros, desk.Target{}); err != nil {
		return err
	}
	if err := m.Check(); err != nil {
		return err
	}
	m.UpdatedBy, m.UpdatedAt = r.ActorID(), s.now()
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.SaveMacro(ctx, m); err != nil {
			if desk.ConflictOn(err, store.UniqueMacroName) {
				return fmt.Errorf("%s: %w", store.UniqueMacroName, desk.Invalid("name", "support.macros.name_taken"))
			}
			return err
		}
		return s.audit(ctx, tx, r, "macro_saved", m.Name, "")
	})
}

// DeleteMacro removes a saved reply, and records it in the audit log.
func (s *Cases) DeleteMacro(ctx context.Context, r Request, macroID int64) error {
	if err := desk.Authorize(r.Actor, desk.ManageMacros, desk.Target{}); err != nil {
		return err
	}
	m, err := s.store.Macro(ctx, macroID)
	if err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.DeleteMacro(ctx, macroID); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "macro_deleted", m.Name, "")
	})
}

// AppliedMacro is a saved reply filled in for one case: the text to
// insert in the reply and the status it offers to set.
type AppliedMacro struct {
	Macro desk.Macro
	Body  string
}

// ApplyMacro fills a saved reply's placeholders for a case the actor may
// work (WorkCase): the contact's and the agent's names, the case's number,
// summary, product and companies.
func (s *Cases) ApplyMacro(ctx context.Context, r Request, caseID, macroID int64) (*AppliedMacro, error) {
	c, err := s.viewableCase(ctx, r, caseID)
	if err != nil {
		return nil, err
	}
	if err := askOn(r, &c.Case, desk.WorkCase); err != nil {
		return nil, err
	}
	m, err := s.store.Macro(ctx, macroID)
	if errors.Is(err, desk.ErrNotFound) {
		return nil, desk.Invalid("macro", "support.macros.gone")
	}
	if err != nil {
		return nil, err
	}
	contact, err := s.store.User(ctx, c.ContactID)
	if err != nil {
		return nil, err
	}
	values := macroValues(c, contact, r.Actor.User)
	return &AppliedMacro{Macro: *m, Body: m.Expand(values)}, nil
}

// macroValues are the values of the placeholders for a case, its contact
// and the agent who applies a macro.
func macroValues(c *desk.CaseRow, contact, agent *desk.User) map[string]string {
	return map[string]string{
		"contact.first_name": contact.FirstName, "contact.last_name": contact.LastName, "contact.name": contact.Name(),
		"contact.email": contact.Email, "case.number": c.Number(), "case.summary": c.Summary,
		"case.product": c.ProductName + " / " + c.ComponentName, "case.sold_to": c.SoldToName, "case.end_user": c.EndUserName,
		"agent.first_name": agent.FirstName, "agent.name": agent.Name(),
	}
}
