package kb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
)

// Alert run benchmark sizes: 10,000 followed queries (issue 13 §8), four
// each for 2,500 contacts, all delivered daily; each simulated day an
// editor updates 250 of the items (a quarter of a percent: each item about
// once a year), then the daily alert job runs.
const (
	alertContacts     = 2500
	alertFollowsEach  = 4
	alertUpdatesOfDay = 250
)

// BenchmarkKBAlertRun measures one daily alert run over the knowledge data
// set of BenchmarkKBSearch, on a copy of the kept store (the run writes
// what it sent). See docs/benchmarks.md.
func BenchmarkKBAlertRun(b *testing.B) {
	ctx := context.Background()
	eachKBDataSet(b, true, func(b *testing.B, s *store.Store, n int, sh *benchdata.KBShape, _ *benchdata.KBCatalog) {
		now := time.Now().UTC().Truncate(time.Second)
		var mails, listed int
		mail := func(_ context.Context, _ *store.Tx, _ *desk.User, _ string, _, text desk.Message, _ string) error {
			mails++
			listed += text.Args["Count"].(int)
			return nil
		}
		svc := kb.New(kb.Deps{Store: s, Clock: func() time.Time { return now }, BaseURL: "https://portal.example", Mail: mail})
		if err := followQueries(ctx, s, sh, now); err != nil {
			b.Fatal(err)
		}
		if err := svc.ScheduleAlerts(ctx); err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(13, 8))
		editor := &desk.Actor{User: &desk.User{Kind: desk.KindStaff, Roles: []desk.Role{desk.RoleKnowledgeEditor}}}
		days := 0
		b.ResetTimer()
		for b.Loop() {
			b.StopTimer()
			now = now.Add(24 * time.Hour)
			days++
			for range alertUpdatesOfDay {
				if err := updateItem(ctx, svc, editor, int64(1+r.IntN(n)), days); err != nil {
					b.Fatal(err)
				}
			}
			now = now.Add(time.Hour)
			j, err := s.PendingJob(ctx, kb.JobAlerts+":"+string(desk.KBDaily))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := svc.RunAlerts(ctx, j); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if mails == 0 {
			b.Fatal("no alert email went out")
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(days), "s/run")
		b.ReportMetric(float64(mails)/float64(days), "emails/run")
		b.ReportMetric(float64(listed)/float64(days), "listed/run")
	})
}

// updateItem has the editor change an item's body, as a day's edit would.
func updateItem(ctx context.Context, svc *kb.Service, editor *desk.Actor, id int64, day int) error {
	it, err := svc.Item(ctx, editor, id)
	if err != nil {
		return fmt.Errorf("item %d: %w", id, err)
	}
	in := desk.KBItemInput{
		Source: it.Source, Type: it.Type, ProductLineID: it.ProductLineID, ProductIDs: it.ProductIDs,
		Title: it.Title, Summary: it.Summary, Body: it.Body + "\n\nReviewed on day " + strconv.Itoa(day) + ".",
	}
	if _, err := svc.Update(ctx, desk.Request{Actor: editor}, id, it.Version, in, "reviewed"); err != nil {
		return fmt.Errorf("update item %d: %w", id, err)
	}
	return nil
}

// followQueries adds the contacts and their followed queries, made of the
// words of the articles' titles in every class of the language: a word,
// two words, a phrase, NEAR:5 and a trailing wildcard, a quarter of them
// with a source filter.
func followQueries(ctx context.Context, s *store.Store, sh *benchdata.KBShape, now time.Time) error {
	var words [][]string
	for _, t := range sh.Titles() {
		var ws []string
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(w) >= 4 {
				ws = append(ws, w)
			}
		}
		if len(ws) >= 2 {
			words = append(words, ws)
		}
	}
	r := rand.New(rand.NewPCG(10, 0))
	sources := []desk.KBSource{desk.KBDocumentation, desk.KBArticles, desk.KBReleaseNotes}
	return s.Write(ctx, func(tx *store.Tx) error {
		for u := range alertContacts {
			user := &desk.User{Kind: desk.KindContact, Email: fmt.Sprintf("alerts-%d@customer.example", u), FirstName: "Reader"}
			id, err := tx.CreateUser(ctx, user, "", "", now)
			if err != nil {
				return err
			}
			for f := range alertFollowsEach {
				ws := words[r.IntN(len(words))]
				i := r.IntN(len(ws) - 1)
				a, c := ws[i], ws[i+1]
				var q kb.Query
				switch (u*alertFollowsEach + f) % 5 {
				case 0:
					q.Q = a
				case 1:
					q.Q = a + " " + c
				case 2:
					q.Q = `"` + a + " " + c + `"`
				case 3:
					q.Q = a + " NEAR:5 " + c
				default:
					q.Q = a[:4] + "*"
				}
				if r.IntN(4) == 0 {
					q.Sources = []desk.KBSource{sources[r.IntN(len(sources))]}
				}
				err := tx.AddKBFollow(ctx, &desk.KBFollow{
					UserID: id, Kind: desk.KBFollowQuery, Query: kb.EncodeQuery(q), Search: "q=" + q.Q,
					Description: q.Q, Delivery: desk.KBDaily, CreatedAt: now, LastAlertAt: now,
				})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}
