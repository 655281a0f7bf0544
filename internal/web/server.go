// Package web serves Caseport over HTTP: the customer portal, the staff
// console and the JSON API. Pages and API handlers call the same support
// service; neither holds rules of its own.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/store"
)

// Server answers HTTP requests. Its dependencies are fields; it holds no
// other state.
type Server struct {
	Store *store.Store
	Log   *slog.Logger
	// Now is the clock; tests set it, production leaves time.Now.
	Now func() time.Time
}

// Handler returns the route table wrapped in the middleware every request
// passes through.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	return mux
}

// healthz answers 200 once the store is reachable and fully migrated.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	ok, err := s.Store.Migrated(ctx)
	if err != nil || !ok {
		http.Error(w, "store not ready", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
