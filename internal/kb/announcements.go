package kb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Announcements are Customer Care news: portal admins write them
// (ManageAnnouncements) for everyone or for the contacts of a product
// line, a support level or a company; each reader sees those in force for
// them (ReadKnowledge), at sign-in once, and on the My Support home page.

// Announcements lists every announcement, for those who manage them.
func (s *Service) Announcements(ctx context.Context, actor *desk.Actor) ([]desk.Announcement, error) {
	if err := desk.Authorize(actor, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Announcements(ctx)
}

// Announcement reads one announcement, for those who manage them.
func (s *Service) Announcement(ctx context.Context, actor *desk.Actor, announcementID int64) (*desk.Announcement, error) {
	if err := desk.Authorize(actor, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Announcement(ctx, announcementID)
}

// CreateAnnouncement writes a new announcement.
func (s *Service) CreateAnnouncement(ctx context.Context, r desk.Request, in desk.AnnouncementInput) (*desk.Announcement, error) {
	return s.saveAnnouncement(ctx, r, 0, in)
}

// UpdateAnnouncement changes an announcement. Who has already been shown
// it at sign-in is not shown it again.
func (s *Service) UpdateAnnouncement(ctx context.Context, r desk.Request, announcementID int64, in desk.AnnouncementInput) (*desk.Announcement, error) {
	if announcementID <= 0 {
		return nil, fmt.Errorf("announcement %d: %w", announcementID, desk.ErrNotFound)
	}
	return s.saveAnnouncement(ctx, r, announcementID, in)
}

func (s *Service) saveAnnouncement(ctx context.Context, r desk.Request, announcementID int64, in desk.AnnouncementInput) (*desk.Announcement, error) {
	if err := desk.Authorize(r.Actor, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return nil, err
	}
	now := s.now()
	a := in.Announcement()
	a.ID, a.CreatedAt, a.UpdatedAt, a.UpdatedBy = announcementID, now, now, r.ActorID()
	err := s.write(ctx, r, func(tx *store.Tx) error {
		if announcementID != 0 {
			old, err := s.store.Announcement(ctx, announcementID)
			if err != nil {
				return err
			}
			a.CreatedAt = old.CreatedAt
		}
		cat, err := tx.Catalog(ctx)
		if err != nil {
			return err
		}
		// What the edge could not read comes first (a moment it could
		// not parse is not a missing one).
		p := desk.Problems{}
		for field, m := range r.Problems {
			p.Add(field, m)
		}
		checked := in.Check(cat, func(companyID int64) bool {
			_, err := tx.Company(ctx, companyID)
			return err == nil
		})
		for field, m := range checked {
			p.Add(field, m)
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := tx.SaveAnnouncement(ctx, &a); err != nil {
			return err
		}
		action := "announcement_created"
		if announcementID != 0 {
			action = "announcement_updated"
		}
		return tx.Audit(ctx, desk.AuditEntry{
			At: now, ActorID: r.ActorID(), Action: action, Subject: fmt.Sprintf("announcement:%d", a.ID), Detail: a.Title, Address: r.Address,
		})
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// DeleteAnnouncement removes an announcement.
func (s *Service) DeleteAnnouncement(ctx context.Context, r desk.Request, announcementID int64) error {
	if err := desk.Authorize(r.Actor, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteAnnouncement(ctx, announcementID); err != nil {
			return err
		}
		return tx.Audit(ctx, desk.AuditEntry{
			At: s.now(), ActorID: r.ActorID(), Action: "announcement_deleted", Subject: fmt.Sprintf("announcement:%d", announcementID), Address: r.Address,
		})
	})
}

// InForce lists the announcements in force now for the actor, the latest
// start first: those of their audience (every one for staff).
func (s *Service) InForce(ctx context.Context, actor *desk.Actor) ([]desk.Announcement, error) {
	if err := desk.Authorize(actor, desk.ReadKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	all, err := s.store.AnnouncementsInForce(ctx, s.now())
	if err != nil {
		return nil, err
	}
	reader, err := s.reader(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := []desk.Announcement{}
	for i := range all {
		if all[i].Reaches(actor, reader) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// Unseen lists the announcements in force for the actor that they have
// not been shown at sign-in yet.
func (s *Service) Unseen(ctx context.Context, actor *desk.Actor) ([]desk.Announcement, error) {
	list, err := s.InForce(ctx, actor)
	if err != nil || len(list) == 0 {
		return list, err
	}
	seen, err := s.store.SeenAnnouncements(ctx, actor.User.ID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(a desk.Announcement) bool { return seen[a.ID] }), nil
}

// MarkSeen records that the actor has been shown these announcements (of
// those in force for them; others are left alone), so sign-in does not
// show them again.
func (s *Service) MarkSeen(ctx context.Context, actor *desk.Actor, announcementIDs []int64) error {
	list, err := s.InForce(ctx, actor)
	if err != nil {
		return err
	}
	now := s.now()
	return s.store.Write(ctx, func(tx *store.Tx) error {
		for _, a := range list {
			if !slices.Contains(announcementIDs, a.ID) {
				continue
			}
			if err := tx.MarkAnnouncementSeen(ctx, actor.User.ID, a.ID, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// reader is what the actor's audience is: the product lines and support
// levels of the contracts in force on their combinations, and the
// companies of those combinations and their employer.
func (s *Service) reader(ctx context.Context, actor *desk.Actor) (desk.AnnouncementReader, error) {
	var r desk.AnnouncementReader
	if actor == nil || actor.User == nil {
		return r, nil
	}
	if actor.User.CompanyID != 0 {
		r.Companies = append(r.Companies, actor.User.CompanyID)
	}
	combos := actor.Combinations(desk.Basic)
	if len(combos) == 0 {
		return r, nil
	}
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return r, err
	}
	lineOf := map[int64]int64{}
	for _, p := range cat.Products {
		lineOf[p.ID] = p.LineID
	}
	now := s.now()
	add := func(list []int64, v int64) []int64 {
		if v == 0 || slices.Contains(list, v) {
			return list
		}
		return append(list, v)
	}
	for _, c := range combos {
		r.Companies = add(add(r.Companies, c.SoldToID), c.EndUserID)
		contracts, err := s.store.Contracts(ctx, desk.ContractFilter{SoldToID: c.SoldToID, EndUserID: c.EndUserID})
		if err != nil && !errors.Is(err, desk.ErrNotFound) {
			return r, err
		}
		for i := range contracts {
			if !contracts[i].ActiveAt(now) {
				continue
			}
			if !slices.Contains(r.Levels, contracts[i].Level) {
				r.Levels = append(r.Levels, contracts[i].Level)
			}
			for _, p := range contracts[i].ProductIDs {
				r.Lines = add(r.Lines, lineOf[p])
			}
		}
	}
	return r, nil
}
