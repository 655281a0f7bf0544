package web

import (
	"net/http"
)

// Handler returns every route of the portal, the console and the API in
// one table, wrapped in the middleware every request passes through.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /static/{name}", s.static.serve)

	// Sign-in and self-service without a session.
	mux.Handle("GET /{$}", s.public(s.root))
	mux.Handle("GET /signin", s.public(s.signinForm))
	mux.Handle("POST /signin", s.public(s.signin))
	mux.Handle("POST /signout", s.public(s.signout))
	mux.Handle("GET /forgot-password", s.public(s.forgotForm))
	mux.Handle("POST /forgot-password", s.public(s.forgot))
	mux.Handle("GET /reset-password", s.public(s.resetForm))
	mux.Handle("POST /reset-password", s.public(s.reset))
	mux.Handle("GET /register", s.public(s.registerForm))
	mux.Handle("POST /register", s.public(s.register))
	mux.Handle("GET /register/complete", s.public(s.registerCompleteForm))
	mux.Handle("POST /register/complete", s.public(s.registerComplete))

	// The portal.
	mux.Handle("GET /cases", s.page(s.caseList))
	mux.Handle("GET /cases/new", s.page(s.newCase))
	mux.Handle("POST /cases/new", s.page(s.newCaseDetails))
	mux.Handle("POST /cases", s.page(s.createCase))
	mux.Handle("GET /cases/{number}", s.page(s.casePage))
	mux.Handle("POST /cases/{number}/comments", s.page(s.commentForm(s.caseAction(s.commentOrReply))))
	mux.Handle("POST /cases/{number}/close", s.page(s.caseAction(s.closeCase)))
	mux.Handle("POST /cases/{number}/reopen", s.page(s.caseAction(s.reopenCase)))
	mux.Handle("POST /cases/{number}/accept-solution", s.page(s.caseAction(s.acceptSolution)))
	mux.Handle("POST /cases/{number}/reject-solution", s.page(s.caseAction(s.rejectSolution)))
	mux.Handle("POST /cases/{number}/update", s.page(s.caseAction(s.updateCase)))
	mux.Handle("POST /cases/{number}/escalate", s.page(s.caseAction(s.escalateCase)))
	mux.Handle("POST /cases/{number}/follow", s.page(s.caseAction(s.followCase)))
	mux.Handle("GET /cases/{number}/files", s.page(s.transferFiles))
	mux.Handle("POST /cases/{number}/sftp", s.page(s.caseAction(s.createSFTP)))
	mux.Handle("POST /cases/{number}/files/acknowledge", s.page(s.acknowledgeFiles()))
	mux.Handle("GET /cases/{number}/files/{id}", s.page(s.caseFile))
	mux.Handle("POST /cases/{number}/escalation/{step}", s.page(s.caseAction(s.workEscalation)))
	mux.Handle("POST /cases/{number}/work", s.page(s.workCase))
	mux.Handle("POST /cases/{number}/macro", s.page(s.applyMacro))
	mux.Handle("GET /cases/{number}/version", s.page(s.caseVersion))
	mux.Handle("POST /markdown/preview", s.page(s.markdownPreview))

	// Knowledge.
	mux.Handle("GET /knowledge", s.page(s.knowledgeSearch))
	mux.Handle("GET /knowledge/search-tips", s.page(s.knowledgeTips))
	mux.Handle("GET /knowledge/{id}", s.page(s.knowledgeItem))
	mux.Handle("POST /knowledge/follow", s.page(s.post(s.showKnowledgeAlerts, s.followQuery)))
	mux.Handle("POST /knowledge/{id}/follow", s.page(s.post(s.showKnowledgeAlerts, s.followItem(false))))
	mux.Handle("POST /knowledge/{id}/unfollow", s.page(s.post(s.showKnowledgeAlerts, s.followItem(true))))
	mux.Handle("GET /knowledge/alerts", s.page(s.knowledgeAlerts))
	mux.Handle("POST /knowledge/alerts/{id}/save", s.page(s.post(s.showKnowledgeAlerts, s.updateAlert)))
	mux.Handle("POST /knowledge/alerts/{id}/stop", s.page(s.post(s.showKnowledgeAlerts, s.stopAlert)))
	mux.Handle("GET /knowledge/alerts/stop", s.public(s.stopAlertsLink))
	mux.Handle("GET /knowledge/{id}/files/{name}", s.page(s.knowledgeFile))

	// The My Support home page and the announcements shown after sign-in.
	mux.Handle("GET /home", s.page(s.homePage))
	mux.Handle("GET /announcements", s.page(s.announcements))
	mux.Handle("POST /announcements/seen", s.page(s.post(s.showAnnouncements, s.markAnnouncementsSeen)))
	mux.Handle("GET /coming/{area}", s.page(s.comingSoon))

	// Profile and access.
	mux.Handle("GET /profile", s.page(s.profile))
	mux.Handle("POST /profile", s.page(s.post(s.showProfile, s.updateProfile)))
	mux.Handle("POST /profile/terms", s.page(s.post(s.showProfile, s.acceptTerms)))
	mux.Handle("POST /profile/notices", s.page(s.post(s.showProfile, s.saveNoticePrefs)))
	mux.Handle("POST /profile/password", s.page(s.post(s.showProfile, s.changePassword)))
	mux.Handle("POST /profile/access", s.page(s.post(s.showProfile, s.requestAccess)))
	mux.Handle("POST /profile/tokens", s.page(s.createToken))
	mux.Handle("POST /profile/tokens/{id}/revoke", s.page(s.post(s.showProfile, s.revokeToken)))
	mux.Handle("POST /profile/time-zone", s.page(s.post(s.showProfile, s.setTimeZone)))
	mux.Handle("POST /profile/advisories", s.page(s.post(s.showProfile, s.setAdvisories)))
	mux.Handle("GET /access-requests", s.page(s.accessRequests))
	mux.Handle("GET /access-requests/{id}", s.page(s.accessRequest))
	mux.Handle("POST /access-requests/{id}/decision", s.page(s.post(s.showAccessRequest, s.decideAccessRequest)))

	// The staff console.
	mux.Handle("GET /console", s.staffPage(s.queue))
	mux.Handle("POST /console/views", s.staffPage(s.post(s.showQueue, s.saveView)))
	mux.Handle("POST /console/views/{id}/delete", s.staffPage(s.post(s.showQueue, s.deleteView)))
	mux.Handle("POST /console/bulk", s.staffPage(s.post(s.showQueue, s.bulk)))
	mux.Handle("GET /console/search", s.staffPage(s.search))
	mux.Handle("GET /console/notifications", s.staffPage(s.notifications))
	mux.Handle("POST /console/notifications/read", s.staffPage(s.post(s.showNotifications, s.markNoticesRead)))
	mux.Handle("POST /console/notifications/{id}/read", s.staffPage(s.post(s.showNotifications, s.markNoticesRead)))
	mux.Handle("GET /console/import", s.staffPage(s.importForm))
	mux.Handle("POST /console/import", s.staffPage(s.importCSV))
	mux.Handle("GET /console/escalations", s.staffPage(s.escalationQueue))
	mux.Handle("GET /console/service-levels", s.staffPage(s.serviceLevels))
	mux.Handle("POST /console/service-levels", s.staffPage(s.post(s.showServiceLevels, s.saveSLASettings)))
	mux.Handle("POST /console/service-levels/targets", s.staffPage(s.post(s.showServiceLevels, s.saveSLATargets)))
	mux.Handle("GET /console/calendars/new", s.staffPage(s.calendarPage))
	mux.Handle("POST /console/calendars", s.staffPage(s.post(s.showCalendar, s.saveCalendar)))
	mux.Handle("GET /console/calendars/{id}", s.staffPage(s.calendarPage))
	mux.Handle("POST /console/calendars/{id}", s.staffPage(s.post(s.showCalendar, s.saveCalendar)))
	mux.Handle("POST /console/calendars/{id}/holidays", s.staffPage(s.importHolidays))
	mux.Handle("GET /console/caller", s.staffPage(s.callerForm))
	mux.Handle("POST /console/caller", s.staffPage(s.verifyCaller))
	mux.Handle("POST /console/caller/case", s.staffPage(s.openCaseByNumber))
	mux.Handle("POST /console/caller/cases", s.staffPage(s.openCaseForCaller))
	mux.Handle("GET /console/companies", s.staffPage(s.companies))
	mux.Handle("POST /console/companies", s.staffPage(s.post(s.showCompanies, s.createCompany)))
	mux.Handle("GET /console/companies/{id}", s.staffPage(s.company))
	mux.Handle("POST /console/companies/{id}", s.staffPage(s.post(s.showCompany, s.updateCompany)))
	mux.Handle("POST /console/companies/{id}/approvers", s.staffPage(s.post(s.showCompany, s.setApprover)))
	mux.Handle("GET /console/contracts/new", s.staffPage(s.contractForm))
	mux.Handle("GET /console/contracts/{id}", s.staffPage(s.contractForm))
	mux.Handle("POST /console/contracts", s.staffPage(s.post(s.showContract, s.saveContract)))
	mux.Handle("GET /console/contacts/new", s.staffPage(s.contactForm))
	mux.Handle("POST /console/contacts", s.staffPage(s.post(s.showContact, s.createContact)))
	mux.Handle("GET /console/contacts/{id}", s.staffPage(s.contact))
	mux.Handle("POST /console/contacts/{id}", s.staffPage(s.post(s.showContact, s.updateContact)))
	mux.Handle("POST /console/contacts/{id}/grants", s.staffPage(s.post(s.showContact, s.setGrant)))
	mux.Handle("GET /console/products", s.staffPage(s.products))
	mux.Handle("POST /console/products", s.staffPage(s.post(s.showProducts, s.createProduct)))
	mux.Handle("POST /console/products/{id}/components", s.staffPage(s.post(s.showProducts, s.addComponent)))
	mux.Handle("GET /console/staff", s.staffPage(s.staff))
	mux.Handle("POST /console/staff", s.staffPage(s.post(s.showStaff, s.createStaff)))
	mux.Handle("GET /console/audit", s.staffPage(s.auditLog))
	mux.Handle("GET /console/audit.csv", s.staffPage(s.auditCSV))
	mux.Handle("GET /console/outbox", s.staffPage(s.outbox))
	mux.Handle("GET /console/jobs", s.staffPage(s.deadJobs))
	mux.Handle("POST /console/jobs/{id}", s.staffPage(s.post(s.showDeadJobs, s.workDeadJob)))
	mux.Handle("GET /console/jobs/{id}/discard", s.staffPage(s.confirmDiscardJob))
	mux.Handle("POST /console/jobs/{id}/discard", s.staffPage(s.post(s.showDeadJobs, s.discardDeadJob)))
	mux.Handle("GET /console/mail", s.staffPage(s.inboundMail))
	mux.Handle("GET /console/mail/{id}", s.staffPage(s.inboundMessage))
	mux.Handle("POST /console/mail/{id}", s.staffPage(s.post(s.showInbound, s.linkInbound)))
	mux.Handle("GET /console/settings/templates", s.staffPage(s.emailTemplates))
	mux.Handle("POST /console/settings/templates", s.staffPage(s.post(s.showEmailTemplates, s.saveEmailTemplate)))
	mux.Handle("GET /console/settings/email", s.staffPage(s.emailSettings))
	mux.Handle("POST /console/settings/email", s.staffPage(s.post(s.showEmailSettings, s.saveEmailSettings)))
	mux.Handle("GET /console/settings/files", s.staffPage(s.fileSettings))
	mux.Handle("GET /console/style-guide", s.staffPage(s.styleGuide))
	mux.Handle("POST /console/settings/files", s.staffPage(s.post(s.showFileSettings, s.saveFileSettings)))
	mux.Handle("GET /console/macros", s.staffPage(s.macros))
	mux.Handle("POST /console/macros", s.staffPage(s.post(s.showMacros, s.saveMacro)))
	mux.Handle("GET /console/macros/{id}", s.staffPage(s.macros))
	mux.Handle("POST /console/macros/{id}", s.staffPage(s.post(s.showMacros, s.saveMacro)))
	mux.Handle("POST /console/macros/{id}/delete", s.staffPage(s.post(s.showMacros, s.deleteMacro)))

	mux.Handle("GET /console/knowledge/new", s.staffPage(s.knowledgeEditor))
	mux.Handle("POST /console/knowledge", s.staffPage(s.post(s.showKnowledgeEditor, s.createKnowledgeItem)))
	mux.Handle("GET /console/knowledge/{id}", s.staffPage(s.knowledgeEditor))
	mux.Handle("POST /console/knowledge/{id}", s.staffPage(s.post(s.showKnowledgeEditor, s.updateKnowledgeItem)))
	mux.Handle("POST /console/knowledge/{id}/state", s.staffPage(s.post(s.showKnowledgeEditor, s.setKnowledgeState)))
	mux.Handle("GET /console/knowledge/{id}/versions", s.staffPage(s.knowledgeVersions))
	mux.Handle("POST /console/knowledge/{id}/files", s.staffPage(s.addKnowledgeFile))
	mux.Handle("POST /console/knowledge/{id}/files/remove", s.staffPage(s.post(s.showKnowledgeEditor, s.removeKnowledgeFile)))
	mux.Handle("GET /console/announcements", s.staffPage(s.consoleAnnouncements))
	mux.Handle("POST /console/announcements", s.staffPage(s.post(s.showConsoleAnnouncements, s.saveAnnouncement)))
	mux.Handle("GET /console/announcements/{id}", s.staffPage(s.consoleAnnouncements))
	mux.Handle("POST /console/announcements/{id}", s.staffPage(s.post(s.showConsoleAnnouncements, s.saveAnnouncement)))
	mux.Handle("POST /console/announcements/{id}/delete", s.staffPage(s.post(s.showConsoleAnnouncements, s.deleteAnnouncement)))

	// The JSON API, from its one table (apiRoutes: each area's rows in its
	// api_*.go file), and its manual.
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.Method+" "+rt.Path, s.api(renameProblems(rt.Fields, rt.Handle)))
	}
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPIJSON)
	mux.HandleFunc("OPTIONS "+uploadsPath, tusOptions)
	mux.HandleFunc("OPTIONS "+uploadsPath+"/{upload}", tusOptions)

	return s.middleware(s.notFoundPages(mux))
}

// middleware adds what every response needs: CSRF protection for
// state-changing browser requests, security headers, and recovery from a
// handler's panic.
func (s *Server) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	protected := csrf.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = withRequestID(w, r)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // recover returns the value as panicked
					panic(v)
				}
				id := requestIDFrom(r.Context())
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "request_id", id, "value", v)
				http.Error(w, "internal error (request "+id+")", http.StatusInternalServerError)
			}
		}()
		r = s.withClientAddress(r)
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy("script-src 'self'"))
		if s.secure {
			// Served over HTTPS (--base-url https://…): browsers should
			// never try plain HTTP for this host again.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		protected.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is every page's policy with the given script-src.
func contentSecurityPolicy(scriptSrc string) string {
	return "default-src 'self'; img-src 'self' data:; style-src 'self'; " + scriptSrc + "; frame-ancestors 'none'; form-action 'self'"
}
