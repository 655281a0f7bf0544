package kb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Alerts (Search Alerts): a reader follows a query or an item, and a
// durable job per delivery time (JobAlerts, keyed by the delivery)
// sends each user one email that lists the items new or updated since
// their last alert, that they may read when it is sent.

// JobAlerts is the kind of the alert jobs; the payload is the delivery.
const JobAlerts = "kb_alerts"

// MailAlert is the kind of the alert email.
const MailAlert = "kb_alert"

// Mailer queues an email to a user in tx, through the portal's outbox
// and its email templates (support's mail funnel, given by the wiring).
type Mailer func(ctx context.Context, tx *store.Tx, to *desk.User, kind string, subject, text desk.Message, link string) error

// MaxDescription is the longest description of a followed query.
const MaxDescription = 200

// maxAlertItems is the most items one alert email lists.
const maxAlertItems = 200

const stopTokenPrefix = "cpk_"

// Followed is a follow with what it shows on Manage Alerts: a followed
// item's title (empty when the reader may no longer read it).
type Followed struct {
	desk.KBFollow
	Title string
}

// EncodeQuery writes a query as a follow keeps it.
func EncodeQuery(q Query) string {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	for _, s := range q.Sources {
		v.Add("source", string(s))
	}
	for _, t := range q.Types {
		v.Add("type", string(t))
	}
	for _, l := range q.ProductLines {
		v.Add("product_line", strconv.FormatInt(l, 10))
	}
	for _, p := range q.Products {
		v.Add("product", strconv.FormatInt(p, 10))
	}
	if q.Sort != "" && q.Sort != desk.KBByRelevance {
		v.Set("sort", string(q.Sort))
	}
	return v.Encode()
}

// DecodeQuery reads a query as a follow keeps it.
func DecodeQuery(s string) Query {
	v, _ := url.ParseQuery(s)
	q := Query{Q: v.Get("q"), Sort: desk.KBSort(v.Get("sort"))}
	for _, s := range v["source"] {
		q.Sources = append(q.Sources, desk.KBSource(s))
	}
	for _, t := range v["type"] {
		q.Types = append(q.Types, desk.KBArticleType(t))
	}
	for _, l := range v["product_line"] {
		if n, err := strconv.ParseInt(l, 10, 64); err == nil {
			q.ProductLines = append(q.ProductLines, n)
		}
	}
	for _, p := range v["product"] {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			q.Products = append(q.Products, n)
		}
	}
	return q
}

// FollowQuery follows a query: search is the results page's query string
// (for the link back), description what the reader calls it (the words
// when empty). Following a query already followed returns that follow.
func (s *Service) FollowQuery(ctx context.Context, r desk.Request, q Query, search, description string) (*desk.KBFollow, error) {
	if err := desk.Authorize(r.Actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	if _, err := desk.ParseKBQuery(q.Q); err != nil {
		return nil, err
	}
	if err := s.checkFilters(ctx, q); err != nil {
		return nil, err
	}
	description = strings.TrimSpace(description)
	if description == "" {
		description = strings.TrimSpace(q.Q)
	}
	if err := checkDescription(description); err != nil {
		return nil, err
	}
	q.Offset, q.Limit = 0, 0
	return s.follow(ctx, r, desk.KBFollow{Kind: desk.KBFollowQuery, Query: EncodeQuery(q), Search: search, Description: description})
}

// checkFilters refuses a followed query whose filters name product
// lines or products the catalogue does not hold: its alerts would never
// find anything.
func (s *Service) checkFilters(ctx context.Context, q Query) error {
	if len(q.ProductLines) == 0 && len(q.Products) == 0 {
		return nil
	}
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return err
	}
	p := desk.Problems{}
	for _, id := range q.ProductLines {
		if !slices.ContainsFunc(cat.Lines, func(l desk.ProductLine) bool { return l.ID == id }) {
			p.AddMessage("product_lines", "desk.kb.item.line_unknown")
		}
	}
	for _, id := range q.Products {
		if !slices.ContainsFunc(cat.Products, func(pr desk.Product) bool { return pr.ID == id }) {
			p.AddMessage("products", "desk.kb.item.product_unknown", "ID", id)
		}
	}
	return p.Err()
}

func checkDescription(d string) error {
	if utf8.RuneCountInString(d) > MaxDescription {
		return desk.Invalid("description", "desk.kb.follow.description_too_long", "Max", MaxDescription)
	}
	return nil
}

// FollowItem follows one item the reader may read.
func (s *Service) FollowItem(ctx context.Context, r desk.Request, itemID int64) (*desk.KBFollow, error) {
	if err := desk.Authorize(r.Actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	if _, err := s.Item(ctx, r.Actor, itemID); err != nil {
		return nil, err
	}
	return s.follow(ctx, r, desk.KBFollow{Kind: desk.KBFollowItem, ItemID: itemID})
}

// follow writes f for the reader unless they follow the same already.
func (s *Service) follow(ctx context.Context, r desk.Request, f desk.KBFollow) (*desk.KBFollow, error) {
	now := s.now()
	f.UserID, f.Delivery, f.CreatedAt, f.LastAlertAt = r.ActorID(), desk.KBDaily, now, now
	err := s.write(ctx, r, func(tx *store.Tx) error {
		have, err := tx.KBFollows(ctx, f.UserID)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.Kind == f.Kind && h.ItemID == f.ItemID && h.Query == f.Query {
				f = h
				return nil
			}
		}
		return tx.AddKBFollow(ctx, &f)
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// Follows lists the reader's follows, the oldest first, with the titles
// of the items they follow.
func (s *Service) Follows(ctx context.Context, actor *desk.Actor) ([]Followed, error) {
	if err := desk.Authorize(actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	list, err := s.store.KBFollows(ctx, actor.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Followed, 0, len(list))
	for _, f := range list {
		d := Followed{KBFollow: f}
		if f.Kind == desk.KBFollowItem {
			if it, err := s.Item(ctx, actor, f.ItemID); err == nil {
				d.Title = it.Title
			} else if !errors.Is(err, desk.ErrNotFound) {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// FollowsItem returns the reader's follow of an item, nil when they do
// not follow it.
func (s *Service) FollowsItem(ctx context.Context, actor *desk.Actor, itemID int64) (*desk.KBFollow, error) {
	if desk.Authorize(actor, desk.FollowKnowledge, desk.Target{}) != nil {
		return nil, nil
	}
	list, err := s.store.KBFollows(ctx, actor.User.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range list {
		if f.Kind == desk.KBFollowItem && f.ItemID == itemID {
			return &f, nil
		}
	}
	return nil, nil
}

// FollowChange is a change of a follow on Manage Alerts: nil fields stay.
type FollowChange struct {
	Delivery    *desk.KBDelivery
	Description *string
}

// UpdateFollow changes a follow's delivery or a followed query's
// description (never its query).
func (s *Service) UpdateFollow(ctx context.Context, r desk.Request, followID int64, c FollowChange) (*desk.KBFollow, error) {
	if err := desk.Authorize(r.Actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	var out desk.KBFollow
	err := s.write(ctx, r, func(tx *store.Tx) error {
		f, err := ownFollow(ctx, tx, r.ActorID(), followID)
		if err != nil {
			return err
		}
		problems := desk.Problems{}
		if c.Delivery != nil {
			if !c.Delivery.Valid() {
				problems.Add("delivery", desk.Msg("desk.kb.follow.bad_delivery"))
			} else if f.Kind == desk.KBFollowAdvisories && *c.Delivery != desk.KBDaily {
				problems.Add("delivery", desk.Msg("desk.kb.follow.advisories_daily"))
			} else {
				f.Delivery = *c.Delivery
			}
		}
		if c.Description != nil {
			d := strings.TrimSpace(*c.Description)
			switch {
			case f.Kind != desk.KBFollowQuery:
				problems.Add("description", desk.Msg("desk.kb.follow.description_query_only"))
			case d == "":
				problems.Add("description", desk.Msg("desk.kb.follow.description_missing"))
			case utf8.RuneCountInString(d) > MaxDescription:
				problems.Add("description", desk.Msg("desk.kb.follow.description_too_long", "Max", MaxDescription))
			default:
				f.Description = d
			}
		}
		if err := problems.Err(); err != nil {
			return err
		}
		out = *f
		return tx.UpdateKBFollow(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ownFollow reads one of the user's follows; anyone else's is not found.
func ownFollow(ctx context.Context, tx *store.Tx, userID, followID int64) (*desk.KBFollow, error) {
	list, err := tx.KBFollows(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, f := range list {
		if f.ID == followID {
			return &f, nil
		}
	}
	return nil, fmt.Errorf("alert %d: %w", followID, desk.ErrNotFound)
}

// Unfollow stops one of the reader's follows.
func (s *Service) Unfollow(ctx context.Context, r desk.Request, followID int64) error {
	if err := desk.Authorize(r.Actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		n, err := tx.DeleteKBFollows(ctx, r.ActorID(), []int64{followID})
		if err == nil && n == 0 {
			err = fmt.Errorf("alert %d: %w", followID, desk.ErrNotFound)
		}
		return err
	})
}

// UnfollowItem stops following an item (nothing when not followed).
func (s *Service) UnfollowItem(ctx context.Context, r desk.Request, itemID int64) error {
	f, err := s.FollowsItem(ctx, r.Actor, itemID)
	if err != nil || f == nil {
		return err
	}
	return s.Unfollow(ctx, r, f.ID)
}

// Advisories reports whether the reader subscribed to the security
// advisories.
func (s *Service) Advisories(ctx context.Context, actor *desk.Actor) (bool, error) {
	if err := desk.Authorize(actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return false, err
	}
	list, err := s.store.KBFollows(ctx, actor.User.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(f desk.KBFollow) bool { return f.Kind == desk.KBFollowAdvisories }), nil
}

// SetAdvisories subscribes the reader to the security advisories (each
// new or updated Security Advisory, the day it is published) or ends it.
func (s *Service) SetAdvisories(ctx context.Context, r desk.Request, on bool) error {
	if err := desk.Authorize(r.Actor, desk.FollowKnowledge, desk.Target{}); err != nil {
		return err
	}
	if on {
		_, err := s.follow(ctx, r, desk.KBFollow{Kind: desk.KBFollowAdvisories, Query: EncodeQuery(advisoriesQuery())})
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		list, err := tx.KBFollows(ctx, r.ActorID())
		if err != nil {
			return err
		}
		for _, f := range list {
			if f.Kind == desk.KBFollowAdvisories {
				_, err = tx.DeleteKBFollows(ctx, r.ActorID(), []int64{f.ID})
				return err
			}
		}
		return nil
	})
}

func advisoriesQuery() Query {
	return Query{Types: []desk.KBArticleType{desk.KBSecurityAdvisory}, Sort: desk.KBNewest}
}

// StopAlerts stops the follows an alert email was for, by its stop
// link's token, without signing in. It reports how many it stopped (zero
// when they were stopped already); an unknown token is not found.
func (s *Service) StopAlerts(ctx context.Context, token string) (int, error) {
	var n int
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		userID, follows, err := tx.KBAlertStop(ctx, auth.HashToken(token))
		if err != nil {
			return err
		}
		n, err = tx.DeleteKBFollows(ctx, userID, follows)
		return err
	})
	return n, err
}

// ScheduleAlerts sets the alert job of every delivery time unless it is
// set already (at start-up).
func (s *Service) ScheduleAlerts(ctx context.Context) error {
	now := s.now()
	return s.store.Write(ctx, func(tx *store.Tx) error {
		for _, d := range desk.KBDeliveries {
			err := tx.ScheduleJobOnce(ctx, &desk.Job{Kind: JobAlerts, Key: alertKey(d), Payload: string(d), RunAt: d.Next(now)}, now)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func alertKey(d desk.KBDelivery) string { return JobAlerts + ":" + string(d) }

// RunAlerts is the alert job of one delivery time: for each user with
// follows due, one email listing the items new or updated since their
// last alert that they may read now, each version of an item once; then
// the job of the next time.
func (s *Service) RunAlerts(ctx context.Context, j *desk.Job) error {
	d := desk.KBDelivery(j.Payload)
	if !d.Valid() {
		return fmt.Errorf("alert job %d: payload %q", j.ID, j.Payload)
	}
	follows, err := s.store.KBFollowsDue(ctx, d)
	if err != nil {
		return err
	}
	byUser := map[int64][]desk.KBFollow{}
	var users []int64
	var earliest time.Time
	for i, f := range follows {
		if _, ok := byUser[f.UserID]; !ok {
			users = append(users, f.UserID)
		}
		byUser[f.UserID] = append(byUser[f.UserID], f)
		if i == 0 || f.LastAlertAt.Before(earliest) {
			earliest = f.LastAlertAt
		}
	}
	changed, err := s.changesAfter(ctx, earliest)
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := s.alertUser(ctx, u, byUser[u], changed); err != nil {
			return err
		}
	}
	now := s.now()
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, now); err != nil || !done {
			return err
		}
		_, err := tx.ScheduleJob(ctx, &desk.Job{Kind: JobAlerts, Key: alertKey(d), Payload: string(d), RunAt: d.Next(now)}, now)
		return err
	})
}

// alertUser sends one user's alert for their follows due now, the
// followed queries matched against changed (nil: searched for).
func (s *Service) alertUser(ctx context.Context, userID int64, follows []desk.KBFollow, changed *changeSet) error {
	now := s.now()
	actor, err := s.store.Actor(ctx, userID, now)
	if errors.Is(err, desk.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if desk.Authorize(actor, desk.FollowKnowledge, desk.Target{}) != nil {
		return nil // disabled: nothing goes out, the follows wait
	}
	items, err := s.changes(ctx, actor, follows, func(f desk.KBFollow) time.Time { return f.LastAlertAt }, maxAlertItems, changed)
	if err != nil {
		return err
	}
	ids := make([]int64, len(follows))
	for i, f := range follows {
		ids[i] = f.ID
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		told, err := tx.MarkKBAlertsSent(ctx, userID, items, now)
		if err != nil {
			return err
		}
		var fresh []desk.KBItem
		for _, it := range items {
			if told[it.ID] {
				fresh = append(fresh, it)
			}
		}
		for _, f := range follows {
			f.LastAlertAt = now
			if err := tx.UpdateKBFollow(ctx, &f); err != nil && !errors.Is(err, desk.ErrNotFound) {
				return err
			}
		}
		if len(fresh) == 0 || s.mail == nil {
			return nil
		}
		token := auth.NewToken(stopTokenPrefix)
		if err := tx.AddKBAlertStop(ctx, auth.HashToken(token), userID, ids, now); err != nil {
			return err
		}
		lines := make([]string, len(fresh))
		for i, it := range fresh {
			lines[i] = "- " + it.Title + "\n  " + s.baseURL + "/knowledge/" + strconv.FormatInt(it.ID, 10)
		}
		manage := s.baseURL + "/knowledge/alerts"
		text := desk.Msg("mail.kb_alert.text", "Count", len(fresh), "Items", strings.Join(lines, "\n"),
			"Manage", manage, "Stop", s.baseURL+"/knowledge/alerts/stop?token="+token)
		return s.mail(ctx, tx, actor.User, MailAlert, desk.Msg("mail.kb_alert.subject", "Count", len(fresh)), text, manage)
	})
}

// changes are the items the actor may read now that are new or updated,
// for one of follows, after since(follow): each item once, at most limit.
// The followed queries are matched against changed, or searched for when
// it is nil.
func (s *Service) changes(ctx context.Context, actor *desk.Actor, follows []desk.KBFollow, since func(desk.KBFollow) time.Time, limit int, changed *changeSet) ([]desk.KBItem, error) {
	var items []desk.KBItem
	seen := map[int64]bool{}
	add := func(it desk.KBItem) {
		if !seen[it.ID] && len(items) < limit {
			seen[it.ID] = true
			items = append(items, it)
		}
	}
	for _, f := range follows {
		switch f.Kind {
		case desk.KBFollowItem:
			it, err := s.Item(ctx, actor, f.ItemID)
			if errors.Is(err, desk.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if it.UpdatedAt.After(since(f)) {
				add(*it)
			}
		default:
			find := s.changedSince
			if changed != nil {
				find = changed.matching
			}
			found, err := find(ctx, actor, DecodeQuery(f.Query), since(f))
			if err != nil {
				return nil, err
			}
			for _, it := range found {
				add(it)
			}
		}
	}
	return items, nil
}

// RecentWindow is how far back the home page looks for the items updated
// for the reader's alerts.
const RecentWindow = 30 * 24 * time.Hour

// AlertUpdates are the items new or updated for the reader's follows in
// the last RecentWindow (and since each follow began), newest first, at
// most limit: the home page's "Updated for your alerts", whether or not
// an alert email has listed them already.
func (s *Service) AlertUpdates(ctx context.Context, actor *desk.Actor, limit int) ([]desk.KBItem, error) {
	if desk.Authorize(actor, desk.FollowKnowledge, desk.Target{}) != nil {
		return nil, nil
	}
	follows, err := s.store.KBFollows(ctx, actor.User.ID)
	if err != nil || len(follows) == 0 {
		return nil, err
	}
	from := s.now().Add(-RecentWindow)
	since := func(f desk.KBFollow) time.Time {
		if f.CreatedAt.After(from) {
			return f.CreatedAt
		}
		return from
	}
	// Every follow's changes, then the newest of them all.
	items, err := s.changes(ctx, actor, follows, since, maxAlertItems, nil)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(items, func(a, b desk.KBItem) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return items[:min(limit, len(items))], nil
}

// changedSince runs a followed query as the actor, newest first, and
// returns the items updated after since. The search looks at those
// items alone, so a daily run of many followed queries costs what the
// day changed, not what the queries match in all.
func (s *Service) changedSince(ctx context.Context, actor *desk.Actor, q Query, since time.Time) ([]desk.KBItem, error) {
	q.Sort, q.Limit, q.UpdatedAfter = desk.KBNewest, MaxPage, since
	var out []desk.KBItem
	for q.Offset = 0; q.Offset < maxAlertItems; q.Offset += MaxPage {
		res, err := s.Search(ctx, actor, q)
		if err != nil {
			var me *desk.MessageError
			if errors.As(err, &me) {
				return nil, nil // a query that no longer reads finds nothing
			}
			return nil, err
		}
		for _, h := range res.Hits {
			out = append(out, h.Item)
		}
		if len(res.Hits) < MaxPage {
			break
		}
	}
	return out, nil
}

// maxChanges is the most changed items an alert run matches the followed
// queries against in memory (their words' positions take an estimated 30 KB an
// item); after more changes (a large import) each query is searched for.
const maxChanges = 2000

// changeSet is what an alert run knows of the items changed since the
// earliest last alert of its follows, newest first, each with its words'
// positions: every followed query is matched against the changes in
// memory, so a run costs what changed, not what the queries match in all
// the items.
type changeSet struct {
	s     *Service
	items []changedItem
	// matches are the queries read so far, by their text: many readers
	// follow the same words.
	matches map[string]desk.KBMatch
}

type changedItem struct {
	desk.KBItem
	at desk.KBPositions
}

// changesAfter reads the items changed after since: nil when there are
// too many to hold.
func (s *Service) changesAfter(ctx context.Context, since time.Time) (*changeSet, error) {
	items, more, err := s.store.KBItemsUpdatedAfter(ctx, since, maxChanges)
	if err != nil || more {
		return nil, err
	}
	set := &changeSet{s: s, matches: map[string]desk.KBMatch{}}
	for _, it := range items {
		set.items = append(set.items, changedItem{KBItem: it, at: Index(it).Positions()})
	}
	return set, nil
}

// matching are the changed items updated after since that q finds and
// the actor may read, newest first: what changedSince finds, without
// searching.
func (c *changeSet) matching(ctx context.Context, actor *desk.Actor, q Query, since time.Time) ([]desk.KBItem, error) {
	if desk.Authorize(actor, desk.ReadKnowledge, desk.Target{}) != nil {
		return nil, nil
	}
	match, ok := c.matches[q.Q]
	if !ok {
		tree, err := desk.ParseKBQuery(q.Q)
		var me *desk.MessageError
		switch {
		case errors.As(err, &me):
			match = desk.KBMatchOr{} // a query that no longer reads finds nothing
		case err != nil:
			return nil, err
		case tree != nil:
			if match, _, err = expand(ctx, c.s.store, tree); err != nil {
				return nil, err
			}
			if match == nil {
				match = desk.KBMatchOr{} // words the index does not hold
			}
		}
		c.matches[q.Q] = match // nil: no words, every item
	}
	staff := desk.Authorize(actor, desk.ReadStaffKnowledge, desk.Target{}) == nil
	filters := desk.KBSearch{Sources: q.Sources, Types: q.Types, ProductLines: q.ProductLines, Products: q.Products}
	var out []desk.KBItem
	for _, it := range c.items {
		if !it.UpdatedAt.After(since) {
			break
		}
		if (it.StaffOnly() && !staff) || !filters.Keeps(it.Source, it.Type, it.ProductLineID, it.ProductIDs, "") {
			continue
		}
		if match == nil || it.at.Matches(match) {
			out = append(out, it.KBItem)
		}
	}
	return out, nil
}

// FollowedItems maps the items the reader follows to their follows, for
// the results' Follow and Stop following.
func (s *Service) FollowedItems(ctx context.Context, actor *desk.Actor) (map[int64]int64, error) {
	if desk.Authorize(actor, desk.FollowKnowledge, desk.Target{}) != nil {
		return nil, nil
	}
	list, err := s.store.KBFollows(ctx, actor.User.ID)
	if err != nil {
		return nil, err
	}
	out := map[int64]int64{}
	for _, f := range list {
		if f.Kind == desk.KBFollowItem {
			out[f.ItemID] = f.ID
		}
	}
	return out, nil
}
