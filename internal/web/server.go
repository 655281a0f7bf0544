// Package web serves Caseport over HTTP: the customer portal, the staff
// console and the JSON API. Pages and API handlers call the same support
// service; neither holds rules of its own.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/support"
)

// Server answers HTTP requests. Its dependencies are fields; it holds no
// other state but the templates parsed at start-up.
type Server struct {
	// The support desk's areas this server's pages and API call.
	cases     *support.Cases
	accounts  *support.Accounts
	access    *support.Access
	sessions  *support.Sessions
	sla       *support.ServiceLevels
	transfers *support.Transfers
	mail      *support.Mail
	jobs      *support.Jobs
	importer  *support.Importer
	audit     *support.Audit
	knowledge *kb.Service
	ready     func(context.Context) error

	log *slog.Logger
	// secure marks cookies Secure; on when the portal is served over
	// HTTPS (directly or behind a proxy).
	secure bool
	// trustedProxies are the peers whose Forwarded and X-Forwarded-For
	// headers name the client (clientAddress).
	trustedProxies []netip.Prefix
	// pages are the parsed templates by language, then by page name.
	pages     map[string]map[string]*template.Template
	catalogue *i18n.Catalogue
	// static is the files under /static/, read and compressed at start-up.
	static staticAssets
	// now is the service's clock.
	now func() time.Time
	// zoned are the pages parsed for readers outside UTC.
	zoned zonedPages
}

// Config holds what New needs.
type Config struct {
	// Service hands out the areas the server calls; New keeps the areas,
	// not the service.
	Service *support.Service
	// Knowledge is the knowledge area.
	Knowledge *kb.Service
	Log       *slog.Logger
	// SecureCookies marks cookies Secure and sends Strict-Transport-Security:
	// on when the base URL is https. Leave it off only for plain-HTTP
	// development on localhost.
	SecureCookies bool
	// TrustedProxies are the reverse proxies in front of Caseport; only
	// their forwarding headers are believed (ParseTrustedProxies).
	TrustedProxies []netip.Prefix
	// Catalogue holds the messages in every language; nil is the
	// embedded one (i18n.Default).
	Catalogue *i18n.Catalogue
}

// New parses every template, so a broken template fails the start, not a
// user's request.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil || cfg.Knowledge == nil {
		return nil, errors.New("web: the support desk and the knowledge area are both needed")
	}
	cat := cfg.Catalogue
	if cat == nil {
		cat = i18n.Default()
	}
	static, err := loadStatic()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(cat, static, cfg.Service.Now)
	if err != nil {
		return nil, err
	}
	svc := cfg.Service
	return &Server{
		cases: svc.Cases(), accounts: svc.Accounts(), access: svc.Access(), sessions: svc.Sessions(),
		sla: svc.ServiceLevels(), transfers: svc.Transfers(), mail: svc.Mail(), jobs: svc.Jobs(),
		importer: svc.Importer(), audit: svc.Audit(), knowledge: cfg.Knowledge, ready: svc.Ready,
		log: cfg.Log, secure: cfg.SecureCookies, trustedProxies: cfg.TrustedProxies, pages: pages, catalogue: cat,
		static: static, now: svc.Now,
	}, nil
}

// healthz is liveness: the process answers HTTP. It asks nothing of the
// store, so a restart is not ordered for a database that is briefly away.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	_, _ = w.Write([]byte("ok\n"))
}

// readyz is readiness: 200 once the store is migrated and commits a write
// and the file store keeps a file, 503 naming the part that cannot.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err)
		part := "store"
		if nr, ok := errors.AsType[*support.NotReadyError](err); ok {
			part = nr.Part
		}
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "not ready: "+part, http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
