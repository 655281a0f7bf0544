package kb

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// write runs fn in one transaction; problems the edge found roll it back
// after fn made its own checks, so a form shows every problem at once.
func (s *Service) write(ctx context.Context, r desk.Request, fn func(*store.Tx) error) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return r.Problems.Err()
	})
}

// audit writes an audit line for the request inside tx.
func (s *Service) audit(ctx context.Context, tx *store.Tx, r desk.Request, action string, it *desk.KBItem, detail string) error {
	return tx.Audit(ctx, desk.AuditEntry{
		At: s.now(), ActorID: r.ActorID(), Action: action, Subject: fmt.Sprintf("kb_item:%d", it.ID), Detail: detail, Address: r.Address,
	})
}

// Item reads one item for the actor: a staff-only item (a draft, a
// retired item, an Internal Tech Article) is not found for anyone else.
func (s *Service) Item(ctx context.Context, actor *desk.Actor, itemID int64) (*desk.KBItem, error) {
	if err := desk.Authorize(actor, desk.ReadKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	it, err := s.store.KBItem(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if it.StaffOnly() {
		if err := desk.Authorize(actor, desk.ReadStaffKnowledge, desk.Target{}); err != nil {
			return nil, fmt.Errorf("knowledge item %d: %w", itemID, desk.ErrNotFound)
		}
	}
	return it, nil
}

// Create writes a new item, a draft, or published at once when publish is
// set.
func (s *Service) Create(ctx context.Context, r desk.Request, in desk.KBItemInput, publish bool) (*desk.KBItem, error) {
	if err := desk.Authorize(r.Actor, desk.EditKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	now := s.now()
	it := &desk.KBItem{State: desk.KBDraft, CreatedAt: now, CreatedBy: r.ActorID(), UpdatedAt: now, UpdatedBy: r.ActorID()}
	fill(it, in)
	if publish {
		it.State, it.PublishedAt = desk.KBPublished, now
	}
	err := s.write(ctx, r, func(tx *store.Tx) error {
		if err := s.check(ctx, tx, r, in); err != nil {
			return err
		}
		if err := tx.SaveKBItem(ctx, it, Index(*it), ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "kb_item_created", it, string(it.State))
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// check validates an input against the catalogue, joined with what the
// edge found.
func (s *Service) check(ctx context.Context, tx *store.Tx, r desk.Request, in desk.KBItemInput) error {
	cat, err := tx.Catalog(ctx)
	if err != nil {
		return err
	}
	p := in.Check(cat)
	for field, m := range r.Problems {
		p.Add(field, m)
	}
	return p.Err()
}

func fill(it *desk.KBItem, in desk.KBItemInput) {
	it.Source, it.Type, it.ProductLineID, it.ProductIDs = in.Source, in.Type, in.ProductLineID, in.ProductIDs
	it.Title, it.Summary, it.Body = in.Title, in.Summary, in.Body
}

// Update writes a new version of an item seen at version seen; a change
// made meanwhile refuses it (desk.ErrStale). The item keeps its state.
func (s *Service) Update(ctx context.Context, r desk.Request, itemID int64, seen int, in desk.KBItemInput, note string) (*desk.KBItem, error) {
	return s.change(ctx, r, itemID, seen, "kb_item_updated", func(tx *store.Tx, it *desk.KBItem) error {
		if err := s.check(ctx, tx, r, in); err != nil {
			return err
		}
		fill(it, in)
		return nil
	}, note)
}

// SetState publishes, retires or publishes again an item seen at version
// seen.
func (s *Service) SetState(ctx context.Context, r desk.Request, itemID int64, seen int, to desk.KBState) (*desk.KBItem, error) {
	action := "kb_item_published"
	if to == desk.KBRetired {
		action = "kb_item_retired"
	}
	return s.change(ctx, r, itemID, seen, action, func(_ *store.Tx, it *desk.KBItem) error {
		if !it.State.CanBecome(to) {
			return desk.Invalid("state", "desk.kb.item.cannot_become", "From", it.State, "To", to)
		}
		it.State = to
		if to == desk.KBPublished {
			it.PublishedAt = s.now()
		}
		return nil
	}, "")
}

// change reads an item in a transaction, lets edit change it and writes
// the new version with its audit line.
func (s *Service) change(ctx context.Context, r desk.Request, itemID int64, seen int, action string,
	edit func(*store.Tx, *desk.KBItem) error, note string,
) (*desk.KBItem, error) {
	if err := desk.Authorize(r.Actor, desk.EditKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	var out *desk.KBItem
	err := s.write(ctx, r, func(tx *store.Tx) error {
		it, err := tx.KBItem(ctx, itemID)
		if err != nil {
			return err
		}
		if seen != 0 && it.Version != seen {
			return desk.Refuse(desk.ErrStale, "desk.kb.item.stale")
		}
		if err := edit(tx, it); err != nil {
			return err
		}
		it.UpdatedAt, it.UpdatedBy = s.now(), r.ActorID()
		if err := tx.SaveKBItem(ctx, it, Index(*it), note); err != nil {
			return err
		}
		out = it
		return s.audit(ctx, tx, r, action, it, cmp.Or(note, string(it.State)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Versions lists an item's versions, newest first, for whoever may read
// the item.
func (s *Service) Versions(ctx context.Context, actor *desk.Actor, itemID int64) ([]desk.KBVersion, error) {
	if _, err := s.Item(ctx, actor, itemID); err != nil {
		return nil, err
	}
	return s.store.KBVersions(ctx, itemID)
}

// IsStale reports whether err refused a change made on an old version.
func IsStale(err error) bool { return errors.Is(err, desk.ErrStale) }
