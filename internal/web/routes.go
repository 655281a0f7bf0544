package web

import (
	"io/fs"
	"net/http"
)

// Handler returns every route of the portal, the console and the API in
// one table, wrapped in the middleware every request passes through.
func (s *Server) Handler() http.Handler {
	static, _ := fs.Sub(assets, "assets/static") // a constant path inside the embedded tree
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	// Sign-in and self-service without a session.
	mux.Handle("GET /{$}", s.public(s.root))
	mux.Handle("GET /signin", s.public(s.signinForm))
	mux.Handle("POST /signin", s.public(s.signin))
	mux.Handle("POST /signout", s.public(s.signout))
	mux.Handle("GET /forgot-password", s.public(s.forgotForm))
	mux.Handle("POST /forgot-password", s.public(s.forgot))
	mux.Handle("GET /reset-password", s.public(s.resetForm))
	mux.Handle("POST /reset-password", s.public(s.reset))

	// The portal.
	mux.Handle("GET /cases", s.page(s.caseList))
	mux.Handle("GET /cases/new", s.page(s.newCase))
	mux.Handle("POST /cases/new", s.page(s.newCaseDetails))
	mux.Handle("POST /cases", s.page(s.createCase))
	mux.Handle("GET /cases/{number}", s.page(s.casePage))
	mux.Handle("POST /cases/{number}/comments", s.page(s.caseAction(s.commentOrReply)))
	mux.Handle("POST /cases/{number}/close", s.page(s.caseAction(s.closeCase)))
	mux.Handle("POST /cases/{number}/reopen", s.page(s.caseAction(s.reopenCase)))
	mux.Handle("POST /cases/{number}/update", s.page(s.caseAction(s.updateCase)))

	// The staff console.
	mux.Handle("GET /console", s.staffPage(s.queue))
	mux.Handle("GET /console/import", s.staffPage(s.importForm))
	mux.Handle("POST /console/import", s.staffPage(s.importCSV))

	// The JSON API.
	mux.Handle("GET /api/v1/me", s.api(s.me))

	return s.middleware(mux)
}

// middleware adds what every response needs: CSRF protection for
// state-changing browser requests, security headers, and recovery from a
// handler's panic.
func (s *Server) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	protected := csrf.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // recover returns the value as panicked
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "value", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		protected.ServeHTTP(w, r)
	})
}
