package support_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/inbound"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// BenchmarkInboundMail measures mail in, end to end: each operation is
// one SMTP session on loopback that delivers a customer's reply (with the
// case's Reference ID, quoted history to strip) to the listener, which
// keeps it; afterwards the worker files every reply on its case, and the
// filing rate is reported as filed/s.
//
// Run: go test ./internal/support -run '^$' -bench InboundMail -benchtime 2000x
func BenchmarkInboundMail(b *testing.B) {
	for _, eng := range storetest.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, eng)
			fx := fixture.New(b, s)
			acme := fx.Company("Acme Corp")
			combo := fixture.Combination(fx.Contract(acme))
			dana := fx.Contact(acme, desk.ReadWrite)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			svc := support.New(support.Deps{Store: s, Log: log, BaseURL: "https://support.example", MailDomain: "vendor.example"})
			a, err := s.Actor(ctx, dana.ID, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			p := fx.DefaultProduct()
			c, err := svc.Cases().Open(ctx, support.Request{Actor: a}, desk.NewCase{
				Combination: combo, Type: desk.TypeSupport, SubType: "Problem",
				ProductID: p.ID, ComponentID: p.Components[0],
				Summary: "Calls drop", Description: "Every call on trunk 3 drops after thirty seconds since this morning.",
				Priority: desk.PriorityMedium, Stage: desk.StageProduction,
			})
			if err != nil {
				b.Fatal(err)
			}
			row, err := s.Case(ctx, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			l := inbound.NewListener("support.vendor.example", false, log, svc.Mail().ReceiveMail)
			var lc net.ListenConfig
			ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			go l.Serve(ln) //nolint:errcheck // ends with Close
			defer l.Close()
			i := 0
			for b.Loop() {
				msg := fmt.Sprintf("From: Dana Designated <%s>\r\nTo: support@vendor.example\r\nSubject: Re: Case %s (%d)\r\n"+
					"X-Caseport-Reference: %s\r\n\r\nUpdate %d: the trace from node 2 is attached below.\r\n\r\n"+
					"On Mon, Support <support@vendor.example> wrote:\r\n> Please send the trace.\r\n> --\r\n> Reference ID: %s\r\n",
					dana.Email, row.Number(), i, row.ReferenceID, i, row.ReferenceID)
				if err := smtp.SendMail(ln.Addr().String(), nil, dana.Email, []string{"support@vendor.example"}, []byte(msg)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.StopTimer()
			wk := worker.New(worker.Config{Store: s, Log: log})
			wk.Handle(desk.JobInbound, svc.Jobs().ProcessInbound)
			wk.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
			start := time.Now()
			if _, err := wk.RunDue(ctx); err != nil {
				b.Fatal(err)
			}
			took := time.Since(start)
			filed, err := s.InboundList(ctx, desk.InboundAppended, 500)
			if err != nil || len(filed) < min(i, 500) {
				b.Fatalf("filed %d of %d: %v", len(filed), i, err)
			}
			b.ReportMetric(float64(i)/took.Seconds(), "filed/s")
		})
	}
}
