package kb

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// sentMail is an alert email as the fake mail funnel received it.
type sentMail struct {
	to      int64
	count   int
	items   string
	stopURL string
}

// alertWorld is a store with a contact and an agent, a clock the test
// moves, and the alert emails queued.
type alertWorld struct {
	t       *testing.T
	s       *store.Store
	k       *Service
	now     time.Time
	mails   []sentMail
	contact *desk.Actor
	agent   *desk.Actor
}

func newAlertWorld(t *testing.T, s *store.Store) *alertWorld {
	ctx := context.Background()
	w := &alertWorld{t: t, s: s, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	mail := func(_ context.Context, _ *store.Tx, to *desk.User, kind string, subject, text desk.Message, link string) error {
		if kind != MailAlert || link != "https://portal.example/knowledge/alerts" || subject.ID != "mail.kb_alert.subject" {
			t.Errorf("alert email kind %q, link %q, subject %v", kind, link, subject)
		}
		w.mails = append(w.mails, sentMail{to: to.ID, count: text.Args["Count"].(int), items: text.Args["Items"].(string), stopURL: text.Args["Stop"].(string)})
		return nil
	}
	clock := func() time.Time { return w.now }
	w.k = New(Deps{Store: s, Clock: clock, BaseURL: "https://portal.example", Mail: mail})
	var cid, aid int64
	err := s.Write(ctx, func(tx *store.Tx) error {
		var err error
		if cid, err = tx.CreateUser(ctx, &desk.User{Kind: desk.KindContact, Email: "basic@customer.example", FirstName: "Bo"}, "123456", "", w.now); err != nil {
			return err
		}
		aid, err = tx.CreateUser(ctx, &desk.User{Kind: desk.KindStaff, Email: "agent@caseport.example", FirstName: "Al", Roles: []desk.Role{desk.RoleAgent}}, "", "", w.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.contact, w.agent = w.actor(cid), w.actor(aid)
	if err := w.k.ScheduleAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *alertWorld) actor(userID int64) *desk.Actor {
	a, err := w.s.Actor(context.Background(), userID, w.now)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *alertWorld) publish(in desk.KBItemInput) *desk.KBItem {
	it, err := w.k.Create(context.Background(), desk.Request{Actor: editor}, in, true)
	if err != nil {
		w.t.Fatal(err)
	}
	return it
}

func (w *alertWorld) edit(it *desk.KBItem, body string) {
	in := desk.KBItemInput{Source: it.Source, Type: it.Type, Title: it.Title, Body: body}
	got, err := w.k.Update(context.Background(), desk.Request{Actor: editor}, it.ID, it.Version, in, "")
	if err != nil {
		w.t.Fatal(err)
	}
	*it = *got
}

// run runs the pending alert job of a delivery and returns the emails
// it queued.
func (w *alertWorld) run(d desk.KBDelivery) []sentMail {
	ctx := context.Background()
	j, err := w.s.PendingJob(ctx, alertKey(d))
	if err != nil {
		w.t.Fatalf("the %s alert job: %v", d, err)
	}
	if !j.RunAt.After(w.now.Add(-24*time.Hour)) || j.RunAt.After(w.now.AddDate(0, 1, 1)) {
		w.t.Fatalf("the %s alert job runs at %v (now %v)", d, j.RunAt, w.now)
	}
	w.mails = nil
	if err := w.k.RunAlerts(ctx, j); err != nil {
		w.t.Fatal(err)
	}
	next, err := w.s.PendingJob(ctx, alertKey(d))
	if err != nil || next.ID == j.ID || !next.RunAt.After(w.now) {
		w.t.Fatalf("after a run, the next %s job: %+v, %v", d, next, err)
	}
	return w.mails
}

func (w *alertWorld) tick() { w.now = w.now.Add(time.Hour) }

// TestAlerts: a contact follows a query and an item; the daily job sends
// one email with the items changed since, never an Internal Tech Article,
// never the same update twice, nothing when nothing changed; a weekly
// follow waits for the weekly job; the stop link stops them.
func TestAlerts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newAlertWorld(t, s)
		a := w.publish(article("Queue overflow", "Calls overflow to the backup queue."))
		other := w.publish(article("Greeting prompts", "Record the greeting."))
		internal := w.publish(desk.KBItemInput{Source: desk.KBArticles, Type: desk.KBInternalTech, Title: "Overflow internals", Body: "The overflow engine."})
		w.tick()

		rc, ra := desk.Request{Actor: w.contact}, desk.Request{Actor: w.agent}
		qf, err := w.k.FollowQuery(ctx, rc, Query{Q: "overflow", Sort: desk.KBNewest}, "q=overflow&sort=date", "")
		if err != nil || qf.Description != "overflow" || qf.Delivery != desk.KBDaily {
			t.Fatalf("follow query: %+v, %v", qf, err)
		}
		if again, err := w.k.FollowQuery(ctx, rc, Query{Q: "overflow", Sort: desk.KBNewest}, "q=overflow&sort=date", "x"); err != nil || again.ID != qf.ID {
			t.Fatalf("following the same query again: %+v, %v", again, err)
		}
		itf, err := w.k.FollowItem(ctx, rc, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.k.FollowItem(ctx, rc, internal.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("a contact follows an Internal Tech Article: %v", err)
		}
		if _, err := w.k.FollowQuery(ctx, ra, Query{Q: "overflow"}, "q=overflow", "Overflow, all of it"); err != nil {
			t.Fatal(err)
		}
		follows, err := w.k.Follows(ctx, w.contact)
		if err != nil || len(follows) != 2 || follows[1].Title != "Greeting prompts" {
			t.Fatalf("Manage Alerts: %+v, %v", follows, err)
		}

		w.tick()
		if got := w.run(desk.KBDaily); len(got) != 0 {
			t.Fatalf("nothing changed, yet %d emails", len(got))
		}

		w.tick()
		w.edit(a, "Calls overflow to the second queue.")
		w.edit(other, "Record the greeting in two languages.")
		w.edit(internal, "The overflow engine, revised.")
		fresh := w.publish(article("Overflow limits", "How many calls overflow."))
		w.tick()
		got := w.run(desk.KBDaily)
		if len(got) != 2 {
			t.Fatalf("%d emails, want one per user: %+v", len(got), got)
		}
		for _, m := range got {
			switch m.to {
			case w.contact.User.ID:
				if m.count != 3 || !strings.Contains(m.items, "Queue overflow") || !strings.Contains(m.items, "Overflow limits") ||
					!strings.Contains(m.items, "Greeting prompts") || strings.Contains(m.items, "internals") ||
					!strings.Contains(m.items, "https://portal.example/knowledge/"+strconv.FormatInt(fresh.ID, 10)) {
					t.Errorf("the contact's alert: %+v", m)
				}
			case w.agent.User.ID:
				if m.count != 3 || !strings.Contains(m.items, "Overflow internals") || strings.Contains(m.items, "Greeting") {
					t.Errorf("the agent's alert: %+v", m)
				}
			}
		}
		w.tick()
		if got := w.run(desk.KBDaily); len(got) != 0 {
			t.Fatalf("the same updates again: %+v", got)
		}

		// Weekly: the daily job leaves the follow to the weekly one.
		weekly := desk.KBWeekly
		if _, err := w.k.UpdateFollow(ctx, rc, itf.ID, FollowChange{Delivery: &weekly}); err != nil {
			t.Fatal(err)
		}
		desc := "Overflow articles"
		if f, err := w.k.UpdateFollow(ctx, rc, qf.ID, FollowChange{Description: &desc}); err != nil || f.Description != desc || f.Query != qf.Query {
			t.Fatalf("a new description: %+v, %v", f, err)
		}
		bad := desk.KBDelivery("hourly")
		if _, err := w.k.UpdateFollow(ctx, rc, itf.ID, FollowChange{Delivery: &bad, Description: &desc}); desk.AsValidation(err)["delivery"] == "" || desk.AsValidation(err)["description"] == "" {
			t.Fatalf("a bad delivery and a description of an item: %v", err)
		}
		if _, err := w.k.UpdateFollow(ctx, ra, itf.ID, FollowChange{Delivery: &weekly}); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("the agent changes the contact's alert: %v", err)
		}
		if err := w.k.Unfollow(ctx, ra, itf.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("the agent stops the contact's alert: %v", err)
		}
		w.tick()
		w.edit(other, "Record the greeting in three languages.")
		w.tick()
		if got := w.run(desk.KBDaily); len(got) != 0 {
			t.Fatalf("a weekly follow in the daily alert: %+v", got)
		}
		got = w.run(desk.KBWeekly)
		if len(got) != 1 || got[0].to != w.contact.User.ID || got[0].count != 1 || !strings.Contains(got[0].items, "Greeting prompts") {
			t.Fatalf("the weekly alert: %+v", got)
		}

		// The stop link stops the follows of that email, without signing in.
		token := got[0].stopURL[strings.Index(got[0].stopURL, "token=")+len("token="):]
		if n, err := w.k.StopAlerts(ctx, token); err != nil || n != 1 {
			t.Fatalf("stop link: %d, %v", n, err)
		}
		if n, err := w.k.StopAlerts(ctx, token); err != nil || n != 0 {
			t.Fatalf("stop link again: %d, %v", n, err)
		}
		if _, err := w.k.StopAlerts(ctx, "cpk_forged"); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("a forged stop link: %v", err)
		}
		follows, _ = w.k.Follows(ctx, w.contact)
		if len(follows) != 1 || follows[0].ID != qf.ID {
			t.Fatalf("after the stop link: %+v", follows)
		}
		if err := w.k.Unfollow(ctx, rc, qf.ID); err != nil {
			t.Fatal(err)
		}
		if follows, _ = w.k.Follows(ctx, w.contact); len(follows) != 0 {
			t.Fatalf("after Stop Following: %+v", follows)
		}
	})
}

// TestAdvisories: the profile's switch sends each new or updated
// Security Advisory in the next daily alert, and only those.
func TestAdvisories(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newAlertWorld(t, s)
		rc := desk.Request{Actor: w.contact}
		if on, err := w.k.Advisories(ctx, w.contact); err != nil || on {
			t.Fatalf("subscribed before asking: %v, %v", on, err)
		}
		if err := w.k.SetAdvisories(ctx, rc, true); err != nil {
			t.Fatal(err)
		}
		if err := w.k.SetAdvisories(ctx, rc, true); err != nil {
			t.Fatal(err)
		}
		if on, _ := w.k.Advisories(ctx, w.contact); !on {
			t.Fatal("the switch does not stay on")
		}
		w.tick()
		sa := w.publish(desk.KBItemInput{Source: desk.KBArticles, Type: desk.KBSecurityAdvisory, Title: "SA-2026-01 TLS renegotiation", Body: "Upgrade."})
		w.publish(article("Not an advisory", "Nothing to see."))
		w.tick()
		got := w.run(desk.KBDaily)
		if len(got) != 1 || got[0].count != 1 || !strings.Contains(got[0].items, "SA-2026-01") {
			t.Fatalf("the advisory alert: %+v", got)
		}
		w.tick()
		w.edit(sa, "Upgrade to 8.5.2.")
		w.tick()
		if got := w.run(desk.KBDaily); len(got) != 1 || got[0].count != 1 {
			t.Fatalf("the updated advisory: %+v", got)
		}
		follows, _ := w.k.Follows(ctx, w.contact)
		weekly := desk.KBWeekly
		if _, err := w.k.UpdateFollow(ctx, rc, follows[0].ID, FollowChange{Delivery: &weekly}); desk.AsValidation(err)["delivery"] == "" {
			t.Fatalf("advisories weekly: %v", err)
		}
		if err := w.k.SetAdvisories(ctx, rc, false); err != nil {
			t.Fatal(err)
		}
		if on, _ := w.k.Advisories(ctx, w.contact); on {
			t.Fatal("the switch does not turn off")
		}
	})
}

// TestDeliveryNext: each choice falls on its days, at the alert hour.
func TestDeliveryNext(t *testing.T) {
	wed := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // a Wednesday
	for d, want := range map[desk.KBDelivery]time.Time{
		desk.KBDaily:    time.Date(2026, 3, 5, desk.KBAlertHour, 0, 0, 0, time.UTC),
		desk.KBWeekly:   time.Date(2026, 3, 9, desk.KBAlertHour, 0, 0, 0, time.UTC),
		desk.KBMonthly:  time.Date(2026, 4, 1, desk.KBAlertHour, 0, 0, 0, time.UTC),
		desk.KBTuesday:  time.Date(2026, 3, 10, desk.KBAlertHour, 0, 0, 0, time.UTC),
		desk.KBThursday: time.Date(2026, 3, 5, desk.KBAlertHour, 0, 0, 0, time.UTC),
		desk.KBSunday:   time.Date(2026, 3, 8, desk.KBAlertHour, 0, 0, 0, time.UTC),
	} {
		if got := d.Next(wed); !got.Equal(want) {
			t.Errorf("%s after %v = %v, want %v", d, wed, got, want)
		}
	}
	if !slices.ContainsFunc(desk.KBDeliveries, func(d desk.KBDelivery) bool { return d == desk.KBWednesday }) {
		t.Error("no Wednesday")
	}
}
