package support

import (
	"context"
	"strconv"
	"strings"

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
