package web

import "net/http"

// apiRoute is one call of the JSON API. The mux and the OpenAPI document
// are both made from this table, so the document cannot drift from what
// is served.
type apiRoute struct {
	Method, Path string
	Summary      string
	Tag          string
	Query        []apiParam
	// Body is the request body's type (a zero value), nil for none;
	// BodyMedia its media type when it is not JSON.
	Body      any
	BodyMedia string
	// Fields names, for each problem field the use case reports under its
	// form name, the body's own JSON field, so a problem names what the
	// client sent ("sold_to" is "sold_to_org_id" in an access request).
	Fields map[string]string
	// Answer is the success body's type, nil for 204 No Content;
	// AnswerMedia its media type when it is not JSON. Status is the
	// success status.
	Answer      any
	AnswerMedia string
	Status      int
	Handle      apiHandler
}

// apiParam is a documented query parameter.
type apiParam struct {
	Name, Doc string
	Integer   bool
}

var caseListParams = []apiParam{
	{Name: "list", Doc: "mine (default for contacts), group, closed, or queue (staff; the default for staff)"},
	{Name: "q", Doc: "a 10-digit case number, or keywords that must all occur in the summary or description"},
	{Name: "end_user", Doc: "only this End User's cases", Integer: true},
	{Name: "status", Doc: "queue: one status (default: every status but closed)"},
	{Name: "closed", Doc: "queue: on to include closed cases when no status is given"},
	{Name: "priority", Doc: "queue: one priority"},
	{Name: "product", Doc: "queue: one product", Integer: true},
	{Name: "company", Doc: "queue: cases where this company is Sold To or End User", Integer: true},
	{Name: "owner", Doc: "queue: me, none, or a staff member's id"},
	{Name: "sort", Doc: "queue: deadline for the soonest service-level deadline first (time to breach)"},
	{Name: "limit", Doc: "page size, 25 by default, at most 100", Integer: true},
	{Name: "cursor", Doc: "next_cursor of the previous page"},
}

// The problem fields of the account calls, by their JSON names.
var (
	companyFields  = map[string]string{"parent": "parent_id", "calendar": "calendar_id"}
	contractFields = map[string]string{
		"sold_to": "sold_to_id", "end_user": "end_user_id", "support_owner": "support_owner_id",
		"products": "product_ids", "calendar": "calendar_id",
	}
	contactFields = map[string]string{"company": "company_id"}
)

func (s *Server) apiRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/me", Tag: "profile", Summary: "Your own profile, with your PIN and the console-wide actions you may take (the only answer that has them)",
			Answer: apiUser{}, Status: http.StatusOK, Handle: s.apiMe,
		},
		{
			Method: "PATCH", Path: "/api/v1/me", Tag: "profile", Summary: "Change your own details (contacts); your email and employer are an admin's to change. The answer has no PIN",
			Body: apiProfileInput{}, Answer: apiUser{}, Status: http.StatusOK, Handle: s.apiUpdateMe,
		},
		{
			Method: "POST", Path: "/api/v1/me/terms", Tag: "profile", Summary: "Accept the current Designated Contact terms",
			Status: http.StatusNoContent, Handle: s.apiAcceptTerms,
		},
		{
			Method: "PUT", Path: "/api/v1/me/password", Tag: "profile", Summary: "Change your password; with sign_out_everywhere, every session and API token of the account ends (this one too)",
			Body: apiPasswordChange{}, Status: http.StatusNoContent, Handle: s.apiChangePassword,
		},
		{
			Method: "GET", Path: "/api/v1/combinations", Tag: "cases", Summary: "Your Sold To / End User combinations, the level that counts now, and the products their active contracts cover",
			Answer: []apiCombination{}, Status: http.StatusOK, Handle: s.apiCombinations,
		},
		{
			Method: "GET", Path: "/api/v1/products", Tag: "cases", Summary: "Products and their components",
			Answer: []apiProduct{}, Status: http.StatusOK, Handle: s.apiProducts,
		},

		{
			Method: "GET", Path: "/api/v1/cases", Tag: "cases", Summary: "A page of cases you may see: My Cases, Group Cases, Closed Cases or (staff) the queue",
			Query: caseListParams, Answer: apiCaseList{}, Status: http.StatusOK, Handle: s.apiCases,
		},
		{
			Method: "POST", Path: "/api/v1/cases", Tag: "cases", Summary: "Open a case (Designated Contacts; staff on a caller's behalf with contact_id)",
			Body: apiNewCase{}, Answer: apiCaseDetail{}, Status: http.StatusCreated, Handle: s.apiOpenCase, Fields: map[string]string{"contact": "contact_id", "product": "product_id", "component": "component_id"},
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}", Tag: "cases", Summary: "A case and its Case Feed",
			Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: s.apiCase,
		},
		{
			Method: "PATCH", Path: "/api/v1/cases/{number}", Tag: "cases", Summary: "Change status, priority, severity, owner or contact (staff)",
			Body: apiCaseChange{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiUpdateCase), Fields: map[string]string{"owner": "owner_id", "contact": "contact_id"},
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/comments", Tag: "cases", Summary: "Add an update (customers) or a public reply or internal note (staff)",
			Body: apiComment{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiComment),
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/close", Tag: "cases", Summary: "Close a case as resolved or cancelled, with a closure comment",
			Body: apiClose{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiCloseCase),
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/reopen", Tag: "cases", Summary: "Request to re-open a closed case (customers within 30 days; staff always)",
			Body: apiReopen{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiReopenCase),
		},

		{
			Method: "GET", Path: "/api/v1/cases/{number}/escalation", Tag: "escalations", Summary: "The case's escalation with its feed, and whether you may escalate now (and why not)",
			Answer: apiEscalationView{}, Status: http.StatusOK, Handle: s.apiEscalation,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/escalation", Tag: "escalations", Summary: "Escalate a case with a reason and details (Designated Contacts); each refusal says why",
			Body: apiNewEscalation{}, Answer: apiEscalationView{}, Status: http.StatusCreated, Handle: s.apiEscalate,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/escalation/{step}", Tag: "escalations", Summary: "accept (next steps), reject (reasons), close, or note on the case's escalation (escalation owners; the case's Designated Contacts may add notes; other staff may not)",
			Body: apiEscalationStep{}, Answer: apiEscalationView{}, Status: http.StatusOK, Handle: s.apiWorkEscalation,
		},
		{
			Method: "GET", Path: "/api/v1/escalations", Tag: "escalations", Summary: "Active escalations, oldest first (escalation owners)",
			Answer: []apiEscalation{}, Status: http.StatusOK, Handle: s.apiEscalationQueue,
		},
		{
			Method: "PUT", Path: "/api/v1/cases/{number}/follow", Tag: "cases", Summary: "Follow a case you may see: its emails come to you too",
			Status: http.StatusNoContent, Handle: s.apiFollow(true),
		},
		{
			Method: "DELETE", Path: "/api/v1/cases/{number}/follow", Tag: "cases", Summary: "Stop following a case",
			Status: http.StatusNoContent, Handle: s.apiFollow(false),
		},
		{
			Method: "GET", Path: "/api/v1/settings/email-templates", Tag: "admin", Summary: "The email templates, by kind (portal admins)",
			Answer: []apiEmailTemplate{}, Status: http.StatusOK, Handle: s.apiEmailTemplates,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/email-templates/{kind}", Tag: "admin", Summary: "Set a kind's templates; empty texts restore the built-in layout (portal admins)",
			Body: apiEmailTemplateInput{}, Answer: []apiEmailTemplate{}, Status: http.StatusOK, Handle: s.apiSetEmailTemplate,
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}/files", Tag: "files", Summary: "The case's files: name, size, SHA-256, who sent them and when",
			Answer: []apiFile{}, Status: http.StatusOK, Handle: s.apiCaseFiles,
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}/files/{id}/content", Tag: "files", Summary: "A file's content, with Range requests and its SHA-256 in Repr-Digest; 410 Gone once purged",
			Answer: "", AnswerMedia: "application/octet-stream", Status: http.StatusOK, Handle: s.caseFile,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/files/acknowledgement", Tag: "files",
			Summary: "Acknowledge the data-protection notice of a case's file transfers (once per case, before a contact's first upload)",
			Status:  http.StatusNoContent, Handle: s.apiAcknowledgeFiles,
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}/sftp", Tag: "files",
			Summary: "The case's temporary SFTP accounts, with the password while one is active (staff, Read-Write contacts)",
			Answer:  []apiSFTPAccount{}, Status: http.StatusOK, Handle: s.apiSFTPAccounts,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/sftp", Tag: "files",
			Summary: "Create a temporary SFTP account for the case, valid 120 hours (staff; Read-Write contacts when allowed)",
			Answer:  apiSFTPAccount{}, Status: http.StatusCreated, Handle: s.apiCreateSFTP,
		},
		{
			Method: "GET", Path: "/api/v1/settings/files", Tag: "admin",
			Summary: "File transfer settings (portal admins)",
			Answer:  apiFileSettings{}, Status: http.StatusOK, Handle: s.apiFileSettings,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/files", Tag: "admin",
			Summary: "File transfer settings: whether Read-Write contacts may create temporary SFTP accounts (portal admins)",
			Body:    apiFileSettings{}, Answer: apiFileSettings{}, Status: http.StatusOK, Handle: s.apiSetFileSettings,
		},
		{
			Method: "POST", Path: "/api/v1/uploads", Tag: "files",
			Summary: "tus 1.0.0 creation: start a resumable upload. Headers: Tus-Resumable: 1.0.0, Upload-Length, Upload-Metadata " +
				"with case (the 10-digit number) and filename, optionally Upload-Concat (partial, or final;<upload URLs>) and, " +
				"with a body of application/offset+octet-stream, the first chunk (creation-with-upload) with Upload-Checksum",
			Body: "", BodyMedia: tusChunkMedia, Status: http.StatusCreated, Handle: tus(s.apiCreateUpload),
		},
		{
			Method: "HEAD", Path: "/api/v1/uploads/{upload}", Tag: "files",
			Summary: "tus 1.0.0: an upload's Upload-Offset, Upload-Length and Upload-Expires; once complete, Caseport-File and Caseport-Sha256",
			Status:  http.StatusOK, Handle: tus(s.apiUploadStatus),
		},
		{
			Method: "PATCH", Path: "/api/v1/uploads/{upload}", Tag: "files",
			Summary: "tus 1.0.0: add a chunk at Upload-Offset, optionally with Upload-Checksum (sha256, sha512, sha1, md5); " +
				"460 when the checksum does not match, 409 when the offset is not the upload's",
			Body: "", BodyMedia: tusChunkMedia, Status: http.StatusNoContent, Handle: tus(s.apiWriteUpload),
		},
		{
			Method: "DELETE", Path: "/api/v1/uploads/{upload}", Tag: "files",
			Summary: "tus 1.0.0 termination: stop an unfinished upload and delete what arrived",
			Status:  http.StatusNoContent, Handle: tus(s.apiTerminateUpload),
		},
		{
			Method: "GET", Path: "/api/v1/access-requests", Tag: "access", Summary: "Access requests you may decide, or your own",
			Query: []apiParam{{Name: "state", Doc: "pending, approved or rejected"}}, Answer: []apiAccessRequest{}, Status: http.StatusOK, Handle: s.apiAccessRequests,
		},
		{
			Method: "POST", Path: "/api/v1/access-requests", Tag: "access", Summary: "Request a different access level for the Sold To and End User Org IDs on a Service Contract: the answer is the same (201, the Org IDs as sent) whether or not they name companies a contract joins; the Sold To's Designated Approvers decide, or support staff help. At most 5 requests an hour per contact (then 429 with Retry-After)",
			Body: apiNewAccessRequest{}, Answer: apiAccessRequest{}, Status: http.StatusCreated, Handle: s.apiRequestAccess, Fields: map[string]string{"sold_to": "sold_to_org_id", "end_user": "end_user_org_id"},
		},
		{
			Method: "GET", Path: "/api/v1/access-requests/{id}", Tag: "access", Summary: "One access request",
			Answer: apiAccessRequest{}, Status: http.StatusOK, Handle: s.apiAccessRequest,
		},
		{
			Method: "POST", Path: "/api/v1/access-requests/{id}/decision", Tag: "access", Summary: "Approve or reject a pending request (Designated Approvers of the Sold To, portal admins)",
			Body: apiDecision{}, Answer: apiAccessRequest{}, Status: http.StatusOK, Handle: s.apiDecide,
		},

		{
			Method: "GET", Path: "/api/v1/tokens", Tag: "profile", Summary: "Your API tokens (never their secrets)",
			Answer: []apiToken{}, Status: http.StatusOK, Handle: s.apiTokens,
		},
		{
			Method: "POST", Path: "/api/v1/tokens", Tag: "profile", Summary: "Create an API token; the answer shows its secret this once",
			Body: apiNewToken{}, Answer: apiTokenSecret{}, Status: http.StatusCreated, Handle: s.apiCreateToken,
		},
		{
			Method: "DELETE", Path: "/api/v1/tokens/{id}", Tag: "profile", Summary: "Revoke one of your API tokens",
			Status: http.StatusNoContent, Handle: s.apiRevokeToken,
		},

		{
			Method: "POST", Path: "/api/v1/caller-verification", Tag: "staff", Summary: "Who has this PIN, and for which combinations are they a Designated Contact (staff)",
			Body: apiCallerQuery{}, Answer: apiCaller{}, Status: http.StatusOK, Handle: s.apiVerifyCaller,
		},
		{
			Method: "GET", Path: "/api/v1/companies", Tag: "accounts", Summary: "Every company (staff)",
			Answer: []apiCompany{}, Status: http.StatusOK, Handle: s.apiCompanies,
		},
		{
			Method: "POST", Path: "/api/v1/companies", Tag: "accounts", Summary: "Add a company (portal admins)",
			Body: apiCompanyInput{}, Answer: apiCompanyDetail{}, Status: http.StatusCreated, Handle: s.apiCreateCompany, Fields: companyFields,
		},
		{
			Method: "GET", Path: "/api/v1/companies/{id}", Tag: "accounts", Summary: "A company with its contracts, contacts, approvers and warnings (staff)",
			Answer: apiCompanyDetail{}, Status: http.StatusOK, Handle: s.apiCompany,
		},
		{
			Method: "PATCH", Path: "/api/v1/companies/{id}", Tag: "accounts", Summary: "Change a company (portal admins)",
			Body: apiCompanyInput{}, Answer: apiCompanyDetail{}, Status: http.StatusOK, Handle: s.apiUpdateCompany, Fields: companyFields,
		},
		{
			Method: "PUT", Path: "/api/v1/companies/{id}/approvers/{contact}", Tag: "accounts", Summary: "Make a contact of the company a Designated Approver (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiSetApprover(true),
		},
		{
			Method: "DELETE", Path: "/api/v1/companies/{id}/approvers/{contact}", Tag: "accounts", Summary: "Remove a Designated Approver (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiSetApprover(false),
		},
		{
			Method: "GET", Path: "/api/v1/contracts", Tag: "accounts", Summary: "Service Contracts (staff)",
			Query: []apiParam{
				{Name: "company", Doc: "contracts naming this company as Sold To, End User or Support Owner", Integer: true},
				{Name: "sold_to", Doc: "contracts of this Sold To", Integer: true},
				{Name: "end_user", Doc: "contracts of this End User", Integer: true},
			},
			Answer: []apiContract{}, Status: http.StatusOK, Handle: s.apiContracts,
		},
		{
			Method: "POST", Path: "/api/v1/contracts", Tag: "accounts", Summary: "Add a Service Contract (portal admins)",
			Body: apiContract{}, Answer: apiContract{}, Status: http.StatusCreated, Handle: s.apiSaveContract, Fields: contractFields,
		},
		{
			Method: "PUT", Path: "/api/v1/contracts/{id}", Tag: "accounts", Summary: "Replace a Service Contract (portal admins)",
			Body: apiContract{}, Answer: apiContract{}, Status: http.StatusOK, Handle: s.apiSaveContract, Fields: contractFields,
		},
		{
			Method: "GET", Path: "/api/v1/contacts", Tag: "accounts", Summary: "Contacts (staff)",
			Query:  []apiParam{{Name: "company", Doc: "contacts of this company", Integer: true}, {Name: "q", Doc: "start of the email, first or last name"}},
			Answer: []apiUser{}, Status: http.StatusOK, Handle: s.apiContacts,
		},
		{
			Method: "POST", Path: "/api/v1/contacts", Tag: "accounts", Summary: "Add a contact (portal admins); they get a PIN and an email with a link to set a password, valid 7 days (none when added disabled)",
			Body: apiContactInput{}, Answer: apiContact{}, Status: http.StatusCreated, Handle: s.apiCreateContact, Fields: contactFields,
		},
		{
			Method: "GET", Path: "/api/v1/contacts/{id}", Tag: "accounts", Summary: "A contact with their grants and the level each counts for now (staff)",
			Answer: apiContact{}, Status: http.StatusOK, Handle: s.apiContact,
		},
		{
			Method: "PATCH", Path: "/api/v1/contacts/{id}", Tag: "accounts", Summary: "Change a contact (portal admins)",
			Body: apiContactInput{}, Answer: apiContact{}, Status: http.StatusOK, Handle: s.apiUpdateContact, Fields: contactFields,
		},
		{
			Method: "PUT", Path: "/api/v1/contacts/{id}/grants", Tag: "accounts", Summary: "Set a contact's level on a combination; none removes it (portal admins)",
			Body: apiGrant{}, Answer: apiContact{}, Status: http.StatusOK, Handle: s.apiSetGrant,
		},
		{
			Method: "POST", Path: "/api/v1/products", Tag: "accounts", Summary: "Add a product with its components (portal admins)",
			Body: apiNewProduct{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiCreateProduct,
		},
		{
			Method: "POST", Path: "/api/v1/products/{id}/components", Tag: "accounts", Summary: "Add a component to a product (portal admins)",
			Body: apiNewComponent{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiAddComponent,
		},
		{
			Method: "GET", Path: "/api/v1/inbound", Tag: "admin", Summary: "Mail received for the support address, newest first, with what became of it (portal admins)",
			Query:  []apiParam{{Name: "state", Doc: "triage, appended, ignored, linked, discarded or pending; all when left out"}},
			Answer: []apiInbound{}, Status: http.StatusOK, Handle: s.apiInboundList,
		},
		{
			Method: "POST", Path: "/api/v1/inbound/{id}/link", Tag: "admin", Summary: "Add a message from triage to a case as an internal note, or discard it (portal admins)",
			Body: apiInboundLink{}, Answer: apiInbound{}, Status: http.StatusOK, Handle: s.apiLinkInbound,
		},
		{
			Method: "GET", Path: "/api/v1/calendars", Tag: "service levels", Summary: "Business-hours calendars (staff)",
			Answer: []apiCalendar{}, Status: http.StatusOK, Handle: s.apiCalendars,
		},
		{
			Method: "POST", Path: "/api/v1/calendars", Tag: "service levels", Summary: "Add a calendar (portal admins)",
			Body: apiCalendar{}, Answer: apiCalendar{}, Status: http.StatusCreated, Handle: s.apiSaveCalendar,
		},
		{
			Method: "PUT", Path: "/api/v1/calendars/{id}", Tag: "service levels", Summary: "Replace a calendar: hours, zone, holidays (portal admins)",
			Body: apiCalendar{}, Answer: apiCalendar{}, Status: http.StatusOK, Handle: s.apiSaveCalendar,
		},
		{
			Method: "GET", Path: "/api/v1/settings/service-levels", Tag: "service levels", Summary: "The service-level targets and settings (staff)",
			Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiServiceLevels,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/service-levels", Tag: "service levels", Summary: "Set the default calendar, the warning lead and how follow-up days count (portal admins)",
			Body: apiServiceLevelSettings{}, Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiSetServiceLevelSettings, Fields: map[string]string{"calendar": "default_calendar", "lead": "warning_lead_minutes"},
		},
		{
			Method: "PUT", Path: "/api/v1/settings/service-levels/targets", Tag: "service levels", Summary: "Set one target of the table (portal admins)",
			Body: apiSLATarget{}, Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiSetSLATarget,
		},
		{
			Method: "GET", Path: "/api/v1/staff", Tag: "admin", Summary: "Staff members and their roles (staff)",
			Answer: []apiUser{}, Status: http.StatusOK, Handle: s.apiStaff,
		},
		{
			Method: "POST", Path: "/api/v1/staff", Tag: "admin", Summary: "Add a staff member (portal admins)",
			Body: apiNewStaff{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiCreateStaff,
		},
		{
			Method: "GET", Path: "/api/v1/audit", Tag: "admin", Summary: "The audit log, newest first (portal admins)",
			Query: []apiParam{
				{Name: "action", Doc: "only this action, e.g. sign_in_failed"},
				{Name: "before", Doc: "lines older than this id, for the next page", Integer: true},
				{Name: "limit", Doc: "at most this many lines (100 by default, 500 at most)", Integer: true},
			},
			Answer: []apiAuditEntry{}, Status: http.StatusOK, Handle: s.apiAudit,
		},
		{
			Method: "GET", Path: "/api/v1/outbox", Tag: "admin", Summary: "The emails Caseport wrote, newest first (portal admins)",
			Query:  []apiParam{{Name: "to", Doc: "only emails to this address"}, {Name: "limit", Doc: "at most this many (100 by default)", Integer: true}},
			Answer: []apiMail{}, Status: http.StatusOK, Handle: s.apiOutbox,
		},
		{
			Method: "GET", Path: "/api/v1/jobs/dead", Tag: "admin", Summary: "The jobs that stopped after their last attempt or a permanent failure, the last to stop first (portal admins)",
			Answer: []apiDeadJob{}, Status: http.StatusOK, Handle: s.apiDeadJobs,
		},
		{
			Method: "POST", Path: "/api/v1/jobs/{id}/retry", Tag: "admin", Summary: "Run a dead job again now, its attempts counted afresh (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiWorkDeadJob(s.jobs.RetryJob),
		},
		{
			Method: "POST", Path: "/api/v1/jobs/{id}/discard", Tag: "admin", Summary: "Give up a dead job for good (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiWorkDeadJob(s.jobs.DiscardJob),
		},
		{
			Method: "GET", Path: "/api/v1/settings/email-rules", Tag: "admin", Summary: "The free-mail domains and role aliases refused as work emails (portal admins)",
			Answer: apiEmailRules{}, Status: http.StatusOK, Handle: s.apiEmailRules,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/email-rules", Tag: "admin", Summary: "Replace the work email rules: both lists, each with at least one entry; each domain a domain name (Unicode or punycode, kept as punycode), each alias the part of an address before the @; an entry given twice is kept once (portal admins)",
			Body: apiEmailRules{}, Answer: apiEmailRules{}, Status: http.StatusOK, Handle: s.apiSetEmailRules,
		},
		{
			Method: "POST", Path: "/api/v1/imports", Tag: "admin", Summary: "Import companies, products, contracts or contacts from CSV: a dry run reports every bad row; a real run (dry_run=false) is all or nothing (portal admins)",
			Query: []apiParam{
				{Name: "kind", Doc: "companies, products, contracts or contacts"},
				{Name: "dry_run", Doc: "false to apply; a dry run otherwise"},
			},
			Body: "", BodyMedia: "text/csv", Answer: apiImportReport{}, Status: http.StatusOK, Handle: s.apiImport,
		},
	}
}
