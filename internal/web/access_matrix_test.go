package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
)

// httpMatrixActors are the columns of httpMatrix, in its order, every
// kind of user of desk's accessMatrix: signed out, a user disabled after
// signing in, a Basic contact, a Read-Only contact, a Designated Contact,
// a Designated Contact who approves for their Sold To, an agent, a
// product support manager, an escalation owner, a knowledge editor, a
// portal admin.
var httpMatrixActors = []string{
	"signed out", "disabled", demo.Basic, demo.ReadOnly, demo.Designated2, demo.Designated,
	demo.Agent, demo.ProductManager, demo.EscalationOwner, demo.Editor, demo.Admin,
}

// probe is one request: an API call (body as JSON) or a page (form
// posted, or nil for a GET). With marker, a 200 or 422 answer counts as
// allowed only when it shows the marker (a button, a flag, a field; one
// of several separated by |).
type probe struct {
	method, path string
	body         any
	form         url.Values
	marker       string
	// field marks a 422 answer that refuses through a form field (a
	// combination the contact may not choose) as V rather than Y.
	field string
	// refused marks a 422 answer that names it (the field a rule refuses:
	// a priority only staff set) as F.
	refused string
	// tus sends an API probe as a tus request with these headers.
	tus map[string]string
}

// httpMatrix is the expected outcome of every action through one API
// route and one page, written out by hand like desk's accessMatrix: Y
// allowed (whatever the answer, it was not a refusal), F forbidden (403),
// N not found (404), U not signed in (401, or sent to the sign-in page),
// V refused as a form field's message (422).
// "own" is ABC Testing Co's (the contacts' company; Dana approves for
// it), "other" Northwind's and Contoso's; an empty "other" is the same
// as "own". Console pages answer "not found" to contacts.
var httpMatrix = []struct {
	act                desk.Action
	api, page          probe
	apiOwn, apiOther   string
	pageOwn, pageOther string
}{
	// Letters per column: signed out, disabled, basic, ro, dc, approver, agent, psm, escalation owner, admin.
	{
		desk.ListCases,
		probe{method: "GET", path: "/api/v1/cases?list=mine"},
		probe{method: "GET", path: "/cases"},
		"U U Y Y Y Y Y Y Y Y Y", "", "U U Y Y Y Y Y Y Y Y Y", "",
	},
	{
		desk.ViewQueue,
		probe{method: "GET", path: "/api/v1/cases?list=queue"},
		probe{method: "GET", path: "/console"},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.ViewCase,
		probe{method: "GET", path: "/api/v1/cases/{n}"},
		probe{method: "GET", path: "/cases/{n}"},
		"U U N Y Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N Y Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.OpenCase,
		probe{method: "POST", path: "/api/v1/cases", body: map[string]any{"sold_to_id": "{soldto}", "end_user_id": "{enduser}"}, field: `"field":"combination"`},
		probe{method: "POST", path: "/cases", form: url.Values{"combination": {"{combo}"}}, field: `id="combination-error"`},
		"U U V F Y Y Y Y Y Y Y", "U U V V V V Y Y Y Y Y", "U U V F Y Y Y Y Y Y Y", "U U V V V V Y Y Y Y Y",
	},
	{
		// The caller (Riley, Read-Only) is not a Designated Contact: whoever
		// may open a case for a caller is told so; a contact's case is
		// their own, whoever they name.
		desk.OpenCaseForCaller,
		probe{
			method: "POST", path: "/api/v1/cases", body: map[string]any{"sold_to_id": "{soldto}", "end_user_id": "{enduser}", "contact_id": "{contact}"},
			field: `"field":"combination"`, marker: `"field":"contact_id"`,
		},
		probe{
			method: "POST", path: "/cases", form: url.Values{"combination": {"{combo}"}, "contact": {"{contact}"}},
			field: `id="combination-error"`, marker: "is not a Designated Contact of this combination.",
		},
		"U U V F F F Y Y Y Y Y", "U U V V V V Y Y Y Y Y", "U U V F F F Y Y Y Y Y", "U U V V V V Y Y Y Y Y",
	},
	{
		desk.SetAnyPriority,
		probe{
			method: "POST", path: "/api/v1/cases", body: map[string]any{"sold_to_id": "{soldto}", "end_user_id": "{enduser}", "priority": "critical"},
			field: `"field":"combination"`, refused: `"field":"priority"`,
		},
		probe{
			method: "POST", path: "/cases", form: url.Values{"combination": {"{combo}"}, "priority": {"critical"}},
			field: `id="combination-error"`, refused: `id="priority-error"`,
		},
		"U U V F F F Y Y Y Y Y", "U U V V V V Y Y Y Y Y", "U U V F F F Y Y Y Y Y", "U U V V V V Y Y Y Y Y",
	},
	{
		desk.CommentCase,
		probe{method: "GET", path: "/api/v1/cases/{n}", marker: `"can_comment":true`},
		probe{method: "GET", path: "/cases/{n}", marker: `id="comment-form"|id="work-form"`},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.CloseCase,
		probe{method: "GET", path: "/api/v1/cases/{n}", marker: `"can_close":true`},
		probe{method: "GET", path: "/cases/{n}", marker: `id="close-form"`},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ReopenCase,
		probe{method: "GET", path: "/api/v1/cases/{closed}", marker: `"can_reopen":true`},
		probe{method: "GET", path: "/cases/{closed}", marker: `id="reopen-form"`},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ReopenAnyCase,
		probe{method: "GET", path: "/api/v1/cases/{old}", marker: `"can_reopen":true`},
		probe{method: "GET", path: "/cases/{old}", marker: `id="reopen-form"`},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.WorkCase,
		probe{method: "PATCH", path: "/api/v1/cases/{n}", body: map[string]any{}},
		probe{method: "POST", path: "/cases/{n}/update", form: url.Values{"status": {"bogus"}}},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.WriteInternalNote,
		probe{method: "POST", path: "/api/v1/cases/{n}/comments", body: map[string]any{"body": "A note of the access matrix.", "internal": true}},
		probe{method: "POST", path: "/cases/{n}/comments", form: url.Values{"body": {"A note of the access matrix."}, "visibility": {"internal"}}},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ViewInternalNotes,
		probe{method: "GET", path: "/api/v1/cases/{n}", marker: "An internal probe note"},
		probe{method: "GET", path: "/cases/{n}", marker: "An internal probe note"},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.VerifyCaller,
		probe{method: "POST", path: "/api/v1/caller-verification", body: map[string]any{"pin": "12"}},
		probe{method: "GET", path: "/console/caller"},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.EscalateCase,
		probe{method: "GET", path: "/api/v1/cases/{n}/escalation", marker: `"can_escalate":true|"refusal":"`},
		probe{method: "GET", path: "/cases/{n}", marker: `id="escalate-form"|id="escalate-why"`},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ManageEscalations,
		probe{method: "GET", path: "/api/v1/escalations"},
		probe{method: "GET", path: "/console/escalations"},
		"U U F F F F F F Y F Y", "", "U U N N N N F F Y F Y", "",
	},
	{
		desk.NoteEscalation,
		probe{method: "POST", path: "/api/v1/cases/{esc}/escalation/note", body: map[string]any{"text": "An escalation probe."}},
		probe{method: "POST", path: "/cases/{esc}/escalation/note", form: url.Values{"text": {"An escalation probe."}}},
		"U U N F Y Y F F Y F Y", "U U N N N N F F Y F Y", "U U N F Y Y F F Y F Y", "U U N N N N F F Y F Y",
	},
	{
		// Before the TransferFiles row, whose API call acknowledges the
		// notice for the contacts: a new upload, and the Transfer Files
		// page's uploader rather than its notice.
		desk.SkipAcknowledgement,
		probe{method: "POST", path: "/api/v1/uploads", tus: map[string]string{"Upload-Length": "5", "Upload-Metadata": "case {n64},filename " + b64("probe.txt")}},
		probe{method: "GET", path: "/cases/{n}/files", marker: `id="uploader"`},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.SaveQueueView,
		probe{method: "GET", path: "/api/v1/me", marker: `"queue.view_save"`},
		probe{method: "GET", path: "/console", marker: `id="save-view-form"`},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.ShareQueueView,
		probe{method: "GET", path: "/api/v1/me", marker: `"queue.view_share"`},
		probe{method: "GET", path: "/console", marker: `name="shared"`},
		"U U F F F F F Y F F Y", "", "U U N N N N F Y F F Y", "",
	},
	{
		// Each staff member has a view of their own (made below).
		desk.DeleteQueueView,
		probe{method: "GET", path: "/api/v1/queue/views", marker: `"can_delete":true`},
		probe{method: "GET", path: "/console", marker: `class="view-delete"`},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		// Merging nothing into the case: whoever may merge is told to
		// name a duplicate (422).
		desk.MergeCases,
		probe{method: "POST", path: "/api/v1/cases/{n}/merge", body: map[string]any{"duplicates": []string{}}},
		probe{method: "GET", path: "/console", marker: `name="action" value="merge"`},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.ViewNotices,
		probe{method: "GET", path: "/api/v1/notifications"},
		probe{method: "GET", path: "/console/notifications"},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.TransferFiles,
		probe{method: "POST", path: "/api/v1/cases/{n}/files/acknowledgement", body: map[string]any{}},
		probe{method: "GET", path: "/cases/{n}/files"},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.CreateSFTPAccount,
		probe{method: "POST", path: "/api/v1/cases/{n}/sftp", body: map[string]any{}},
		probe{method: "GET", path: "/cases/{n}", marker: `id="create-sftp"`},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ViewSFTPPassword,
		probe{method: "GET", path: "/api/v1/cases/{n}/sftp", marker: `"password"`},
		probe{method: "GET", path: "/cases/{n}", marker: `id="sftp-password"`},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ManageFileSettings,
		probe{method: "GET", path: "/api/v1/settings/files"},
		probe{method: "GET", path: "/console/settings/files"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ViewAccounts,
		probe{method: "GET", path: "/api/v1/companies"},
		probe{method: "GET", path: "/console/companies"},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.ManageCompanies,
		probe{method: "POST", path: "/api/v1/companies", body: map[string]any{}},
		probe{method: "POST", path: "/console/companies", form: url.Values{}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageContracts,
		probe{method: "POST", path: "/api/v1/contracts", body: map[string]any{"starts": "2026-01-01", "ends": "2027-01-01"}},
		probe{method: "GET", path: "/console/companies/{soldto}", marker: `id="new-contract"`},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageContacts,
		probe{method: "POST", path: "/api/v1/contacts", body: map[string]any{}},
		probe{method: "POST", path: "/console/contacts", form: url.Values{}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageStaff,
		probe{method: "POST", path: "/api/v1/staff", body: map[string]any{}},
		probe{method: "POST", path: "/console/staff", form: url.Values{}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageProducts,
		probe{method: "POST", path: "/api/v1/products", body: map[string]any{}},
		probe{method: "POST", path: "/console/products", form: url.Values{}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ImportAccounts,
		probe{method: "POST", path: "/api/v1/imports?kind=companies&dry_run=true", body: map[string]any{}},
		probe{method: "GET", path: "/console/import"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.RequestAccess,
		probe{method: "POST", path: "/api/v1/access-requests", body: map[string]any{"level": "read_write"}},
		probe{method: "POST", path: "/profile/access", form: url.Values{}},
		"U U Y Y Y Y F F F F F", "", "U U Y Y Y Y F F F F F", "",
	},
	{
		desk.DecideAccessRequest,
		probe{method: "POST", path: "/api/v1/access-requests/{req}/decision", body: map[string]any{"approve": false, "note": "A probe."}},
		probe{method: "GET", path: "/access-requests/{req}", marker: `name="decision"`},
		"U U N N N Y N N N N Y", "U U N N N N N N N N Y", "U U N F N Y F F F F Y", "U U N N N N F F F F Y",
	},
	{
		desk.ViewAccessRequest,
		probe{method: "GET", path: "/api/v1/access-requests/{req}"},
		probe{method: "GET", path: "/access-requests/{req}"},
		"U U N Y N Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N Y N Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ViewAccessMatch,
		probe{method: "GET", path: "/api/v1/access-requests/{req}", marker: `"sold_to":{`},
		probe{method: "GET", path: "/access-requests/{req}", marker: "{soldtoname}"},
		"U U N F N Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F N Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ViewServiceLevels,
		probe{method: "GET", path: "/api/v1/settings/service-levels"},
		probe{method: "GET", path: "/console/service-levels"},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.ManageSLATargets,
		probe{method: "PUT", path: "/api/v1/settings/service-levels/targets", body: map[string]any{}},
		probe{method: "GET", path: "/console/service-levels", marker: `action="/console/service-levels/targets"`},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageCalendars,
		probe{method: "POST", path: "/api/v1/calendars", body: map[string]any{}},
		probe{method: "POST", path: "/console/calendars", form: url.Values{}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageSLASettings,
		probe{method: "PUT", path: "/api/v1/settings/service-levels", body: map[string]any{}},
		probe{method: "GET", path: "/console/service-levels", marker: `>Save settings</button>`},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageEmailTemplates,
		probe{method: "GET", path: "/api/v1/settings/email-templates"},
		probe{method: "GET", path: "/console/settings/templates"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.TriageMail,
		probe{method: "GET", path: "/api/v1/inbound"},
		probe{method: "GET", path: "/console/mail"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ViewOutbox,
		probe{method: "GET", path: "/api/v1/outbox"},
		probe{method: "GET", path: "/console/outbox"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageEmailRules,
		probe{method: "GET", path: "/api/v1/settings/email-rules"},
		probe{method: "GET", path: "/console/settings/email"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ViewAudit,
		probe{method: "GET", path: "/api/v1/audit"},
		probe{method: "GET", path: "/console/audit"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageJobs,
		probe{method: "GET", path: "/api/v1/jobs/dead"},
		probe{method: "GET", path: "/console/jobs"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageOwnProfile,
		probe{method: "GET", path: "/api/v1/me"},
		probe{method: "GET", path: "/profile"},
		"U U Y Y Y Y Y Y Y Y Y", "", "U U Y Y Y Y Y Y Y Y Y", "",
	},
	{
		desk.UseConsole,
		probe{method: "GET", path: "/api/v1/me", marker: `"console.use"`},
		probe{method: "GET", path: "/console/caller"},
		"U U F F F F Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.ReadKnowledge,
		probe{method: "GET", path: "/api/v1/kb/search?q=probe"},
		probe{method: "GET", path: "/knowledge?q=probe"},
		"U U Y Y Y Y Y Y Y Y Y", "", "U U Y Y Y Y Y Y Y Y Y", "",
	},
	{
		desk.ReadStaffKnowledge,
		probe{method: "GET", path: "/api/v1/kb/items/{kbinternal}"},
		probe{method: "GET", path: "/knowledge/{kbinternal}"},
		"U U N N N N Y Y Y Y Y", "", "U U N N N N Y Y Y Y Y", "",
	},
	{
		desk.EditKnowledge,
		probe{method: "POST", path: "/api/v1/kb/items/{kbinternal}/retire", body: map[string]any{"version": 999}},
		probe{method: "GET", path: "/console/knowledge/new"},
		"U U F F F F F F F Y Y", "", "U U N N N N F F F Y Y", "",
	},
	{
		desk.FollowKnowledge,
		probe{method: "GET", path: "/api/v1/kb/alerts"},
		probe{method: "GET", path: "/knowledge/alerts"},
		"U U Y Y Y Y Y Y Y Y Y", "", "U U Y Y Y Y Y Y Y Y Y", "",
	},
	{
		desk.ManageAnnouncements,
		probe{method: "POST", path: "/api/v1/announcements", body: map[string]any{"title": ""}},
		probe{method: "GET", path: "/console/announcements"},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageMacros,
		probe{method: "GET", path: "/api/v1/macros"},
		probe{method: "GET", path: "/console/macros"},
		"U U F F F F F Y F F Y", "", "U U N N N N F Y F F Y", "",
	},
}

// inputMatrix is the policy before the input: forms and API calls sent
// with input an allowed user is told is wrong (a 422, which counts as Y),
// so that someone the policy refuses is seen to get the refusal (F, N,
// U), never field messages about a form they may not send. Same columns
// and letters as httpMatrix.
var inputMatrix = []struct {
	act                desk.Action
	api, page          probe
	apiOwn, apiOther   string
	pageOwn, pageOther string
}{
	{
		desk.CommentCase,
		probe{method: "POST", path: "/api/v1/cases/{n}/comments", body: map[string]any{"body": ""}},
		probe{method: "POST", path: "/cases/{n}/comments", form: url.Values{"body": {""}}},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.EditKnowledge,
		probe{method: "POST", path: "/api/v1/kb/items", body: map[string]any{"title": ""}},
		probe{method: "POST", path: "/console/knowledge", form: url.Values{"title": {""}}},
		"U U F F F F F F F Y Y", "", "U U N N N N F F F Y Y", "",
	},
	{
		desk.WriteInternalNote, // asked for by a contact too
		probe{method: "POST", path: "/api/v1/cases/{n}/comments", body: map[string]any{"body": "", "internal": true}},
		probe{method: "POST", path: "/cases/{n}/comments", form: url.Values{"body": {" "}, "visibility": {"internal"}}},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.WorkCase,
		probe{method: "PATCH", path: "/api/v1/cases/{n}", body: map[string]any{"substatus": "investigation"}},
		probe{method: "POST", path: "/cases/{n}/update", form: url.Values{"priority": {"bogus"}}},
		"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.WorkCase, // the agent's one form
		probe{method: "POST", path: "/api/v1/macros", body: map[string]any{"name": ""}},
		probe{method: "POST", path: "/cases/{n}/work", form: url.Values{"tags": {"not a tag!"}}},
		"U U F F F F F Y F F Y", "", "U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.CloseCase,
		probe{method: "POST", path: "/api/v1/cases/{n}/close", body: map[string]any{"reason": "bogus", "comment": ""}},
		probe{method: "POST", path: "/cases/{n}/close", form: url.Values{"reason": {"bogus"}}},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.ReopenCase,
		probe{method: "POST", path: "/api/v1/cases/{closed}/reopen", body: map[string]any{"reason": ""}},
		probe{method: "POST", path: "/cases/{closed}/reopen", form: url.Values{"reason": {""}}},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.EscalateCase,
		probe{method: "POST", path: "/api/v1/cases/{n}/escalation", body: map[string]any{"reason": "bogus", "details": ""}},
		probe{method: "POST", path: "/cases/{n}/escalate", form: url.Values{"reason": {"bogus"}}},
		"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y", "U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y",
	},
	{
		desk.NoteEscalation,
		probe{method: "POST", path: "/api/v1/cases/{esc}/escalation/note", body: map[string]any{"text": ""}},
		probe{method: "POST", path: "/cases/{esc}/escalation/note", form: url.Values{"text": {""}}},
		"U U N F Y Y F F Y F Y", "U U N N N N F F Y F Y", "U U N F Y Y F F Y F Y", "U U N N N N F F Y F Y",
	},
	{
		desk.ManageContracts,
		probe{method: "POST", path: "/api/v1/contracts", body: map[string]any{"starts": "soon", "ends": "later"}},
		probe{method: "POST", path: "/console/contracts", form: url.Values{"starts": {"soon"}, "ends": {"later"}}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageContacts, // a grant's level
		probe{method: "PUT", path: "/api/v1/contacts/{contact}/grants", body: map[string]any{"level": "bogus"}},
		probe{method: "POST", path: "/console/contacts/{contact}/grants", form: url.Values{"level": {"bogus"}}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.RequestAccess,
		probe{method: "POST", path: "/api/v1/access-requests", body: map[string]any{"level": "bogus"}},
		probe{method: "POST", path: "/profile/access", form: url.Values{"level": {"bogus"}, "reason": {""}}},
		"U U Y Y Y Y F F F F F", "", "U U Y Y Y Y F F F F F", "",
	},
	{
		// The requests were rejected by httpMatrix's row: approving one
		// again is a conflict for whoever may decide.
		desk.DecideAccessRequest,
		probe{method: "POST", path: "/api/v1/access-requests/{req}/decision", body: map[string]any{"approve": true}},
		probe{method: "POST", path: "/access-requests/{req}/decision", form: url.Values{"decision": {"bogus"}}},
		"U U N N N Y N N N N Y", "U U N N N N N N N N Y", "U U N N N Y N N N N Y", "U U N N N N N N N N Y",
	},
	{
		desk.ManageSLASettings,
		probe{method: "PUT", path: "/api/v1/settings/service-levels", body: map[string]any{"warning_lead_minutes": -5}},
		probe{method: "POST", path: "/console/service-levels", form: url.Values{"lead": {"soon"}}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageSLATargets,
		probe{method: "PUT", path: "/api/v1/settings/service-levels/targets", body: map[string]any{"amount": -1}},
		probe{method: "POST", path: "/console/service-levels/targets", form: url.Values{"amount": {"many"}}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
	{
		desk.ManageCalendars,
		probe{method: "POST", path: "/api/v1/calendars", body: map[string]any{"holidays": []string{"someday"}}},
		probe{method: "POST", path: "/console/calendars", form: url.Values{"holidays": {"someday"}}},
		"U U F F F F F F F F Y", "", "U U N N N N F F F F Y", "",
	},
}

// TestAccessMatrixThroughHTTP asks every action of the policy through an
// API route and a page, as every kind of user, on their own company's
// objects and another's, on both engines, against httpMatrix, and the
// forms of inputMatrix with input that is wrong. A new action without a
// row fails it.
func TestAccessMatrixThroughHTTP(t *testing.T) {
	t.Parallel()
	rows := map[desk.Action]bool{}
	for _, row := range httpMatrix {
		rows[row.act] = true
	}
	for _, act := range desk.Actions() {
		if !rows[act] {
			t.Errorf("action %s has no row in httpMatrix: name an API route and a page that ask it", act)
		}
	}
	sftp := func(d *support.Deps) { d.SFTPAddress = "127.0.0.1:2222" }
	eachDemoWith(t, sftp, func(t *testing.T, e *env) {
		ctx := context.Background()
		w := e.world
		admin := support.Request{Actor: e.actor(demo.Admin)}
		agent := support.Request{Actor: e.actor(demo.Agent)}
		if err := e.svc.Transfers().SetSFTPForContacts(ctx, admin, true); err != nil {
			t.Fatal(err)
		}
		sides := map[string]map[string]string{
			"own": {
				"n": number(w.Cases["abc-investigation"]), "closed": number(w.Cases["abc-resolved"]), "old": number(w.Cases["abc-cancelled-old"]),
				"soldto": itoa(w.ABC), "enduser": itoa(w.ABC), "combo": itoa(w.ABC) + "-" + itoa(w.ABC), "soldtoname": "ABC Testing Co",
			},
			"other": {
				"n": number(w.Cases["contoso-open"]), "closed": number(w.Cases["fabrikam-closed"]), "old": number(w.Cases["fabrikam-closed"]),
				"soldto": itoa(w.Northwind), "enduser": itoa(w.Contoso), "combo": itoa(w.Northwind) + "-" + itoa(w.Contoso), "soldtoname": "Northwind",
			},
		}
		for side, who := range map[string]string{"own": demo.ReadOnly, "other": demo.EndUserRO} {
			v := sides[side]
			v["n64"] = b64(v["n"])
			v["contact"] = itoa(w.Users[demo.ReadOnly])
			caseID, _ := desk.ParseCaseNumber(v["n"])
			if err := e.svc.Cases().Reply(ctx, agent, caseID, "An internal probe note.", true); err != nil {
				t.Fatal(err)
			}
			combo := w.ABCCombo()
			if side == "other" {
				combo = w.ContosoCombo()
			}
			req, err := e.svc.Access().RequestAccess(ctx, support.Request{Actor: e.actor(who)}, combo, desk.ReadWrite, "To work on our cases.")
			if err != nil {
				t.Fatalf("access request for %s: %v", side, err)
			}
			v["req"] = itoa(req.ID)
		}
		// A case of each side with an escalation, for its feed.
		for side, who := range map[string]string{"own": demo.Designated, "other": demo.Partner} {
			for _, key := range []string{"abc-awaiting", "abc-proposed", "contoso-proposed", "contoso-third-party"} {
				if (side == "own") != strings.HasPrefix(key, "abc") {
					continue
				}
				id := w.Cases[key]
				if _, err := e.svc.Cases().Escalate(ctx, support.Request{Actor: e.actor(who)}, id, desk.ReasonBusinessImpact, "All agents affected."); err == nil {
					sides[side]["esc"] = number(id)
					break
				}
			}
			if sides[side]["esc"] == "" {
				t.Fatalf("no %s case could be escalated", side)
			}
		}
		// An Internal Tech Article: for staff only, on both sides.
		internal, err := e.kb.Create(ctx, admin, desk.KBItemInput{
			Source: desk.KBArticles, Type: desk.KBInternalTech,
			Title: "Probe internals", Body: "For staff.",
		}, true)
		if err != nil {
			t.Fatal(err)
		}
		sides["own"]["kbinternal"], sides["other"]["kbinternal"] = itoa(internal.ID), itoa(internal.ID)
		for _, email := range []string{demo.Agent, demo.ProductManager, demo.EscalationOwner, demo.Editor, demo.Admin} {
			if _, err := e.svc.Cases().SaveView(ctx, support.Request{Actor: e.actor(email)}, "Probe view", "owner=me", false); err != nil {
				t.Fatal(err)
			}
		}
		type clients struct{ api, page *client }
		users := map[string]clients{"signed out": {e.anonymous(), e.anonymous()}}
		for _, email := range httpMatrixActors[2:] {
			users[email] = clients{e.apiClient(email), e.signIn(email)}
		}
		users["disabled"] = clients{e.apiClient(demo.Partner2), e.signIn(demo.Partner2)}
		if err := disable(ctx, e, demo.Partner2); err != nil {
			t.Fatal(err)
		}
		for _, row := range slices.Concat(httpMatrix, inputMatrix) {
			for _, side := range []string{"own", "other"} {
				// The page first: the API's write may take away the button.
				for _, kind := range []string{"page", "api"} {
					p, wantRow := row.api, pick(row.apiOwn, row.apiOther, side)
					if kind == "page" {
						p, wantRow = row.page, pick(row.pageOwn, row.pageOther, side)
					}
					want := strings.Fields(wantRow)
					if len(want) != len(httpMatrixActors) {
						t.Fatalf("httpMatrix %s %s %s has %d columns, want %d", row.act, kind, side, len(want), len(httpMatrixActors))
					}
					for i, name := range httpMatrixActors {
						c := users[name].api
						if kind == "page" {
							c = users[name].page
						}
						got, res := send(c, kind, p, sides[side])
						if got != want[i] {
							t.Errorf("%s as %s via %s %s %s (%s): %s (%d), want %s\n%.300s",
								row.act, name, kind, p.method, fill(p.path, sides[side]), side, got, res.StatusCode, want[i], res.Body)
						}
					}
				}
			}
		}
	})
}

func pick(own, other, side string) string {
	if side == "other" && other != "" {
		return other
	}
	return own
}

// fill puts the side's values into {placeholders}.
func fill(s string, v map[string]string) string {
	for k, val := range v {
		s = strings.ReplaceAll(s, "{"+k+"}", val)
	}
	return s
}

// send makes the probe's request and reads the answer as a letter of
// httpMatrix.
func send(c *client, kind string, p probe, v map[string]string) (string, *response) {
	var res *response
	switch {
	case kind == "api" && p.tus != nil:
		headers := map[string]string{}
		for k, val := range p.tus {
			headers[k] = fill(val, v)
		}
		res = c.tusCall(p.method, fill(p.path, v), headers, "")
	case kind == "api":
		var body any
		if m, ok := p.body.(map[string]any); ok {
			b := map[string]any{}
			for k, val := range m {
				if s, ok := val.(string); ok && strings.HasPrefix(s, "{") {
					n, _ := strconv.ParseInt(fill(s, v), 10, 64) // IDs as numbers
					b[k] = n
					continue
				}
				b[k] = val
			}
			body = b
		}
		res = c.apiCall(p.method, fill(p.path, v), body)
	case p.method == "GET":
		res = c.get(fill(p.path, v))
	default:
		form := url.Values{}
		for k, vals := range p.form {
			for _, val := range vals {
				form.Add(k, fill(val, v))
			}
		}
		res = c.post(fill(p.path, v), form)
	}
	switch {
	case res.StatusCode == http.StatusUnauthorized,
		res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin"):
		return "U", res
	case res.StatusCode == http.StatusForbidden:
		return "F", res
	case res.StatusCode == http.StatusNotFound:
		return "N", res
	case p.field != "" && res.StatusCode == http.StatusUnprocessableEntity && strings.Contains(res.Body, p.field):
		return "V", res
	case p.refused != "" && res.StatusCode == http.StatusUnprocessableEntity && strings.Contains(res.Body, p.refused):
		return "F", res
	case p.marker != "" && (res.StatusCode == http.StatusOK || res.StatusCode == http.StatusUnprocessableEntity):
		for m := range strings.SplitSeq(p.marker, "|") {
			if strings.Contains(res.Body, fill(m, v)) {
				return "Y", res
			}
		}
		return "F", res
	}
	return "Y", res
}

// disable marks a user disabled behind the back of their session and token.
func disable(ctx context.Context, e *env, email string) error {
	u, err := e.store.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	u.Disabled = true
	return e.store.Write(ctx, func(tx *store.Tx) error { return tx.UpdateProfile(ctx, u) })
}

// TestTemplatesAskKnownActions: every {{… .Perms.Can "action"}} in a
// template names an action of the policy, so a typo cannot hide a button
// from everyone; and no template asks whether someone holds a role
// (forbidigo does not read templates): HasRole is never called, and a
// user's Roles are only listed ({{range .Roles}}), never compared.
func TestTemplatesAskKnownActions(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, act := range desk.Actions() {
		known[string(act)] = true
	}
	files, err := filepath.Glob("assets/templates/*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	layout, _ := filepath.Glob("assets/templates/*.html")
	actions := regexp.MustCompile(`(?s)\{\{(.*?)\}\}`)
	roles := regexp.MustCompile(`\.Roles\b`)
	listing := regexp.MustCompile(`^-?\s*range\s+(\$\w+\s*(,\s*\$\w+\s*)?:=\s*)?[$\w.]*\.Roles\s*-?$`)
	asked := 0
	for _, f := range append(files, layout...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`\.Perms\.Can "([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
			asked++
			if !known[m[1]] {
				t.Errorf("%s asks .Perms.Can %q, which is not an action of the policy (desk.Actions)", f, m[1])
			}
		}
		for _, m := range actions.FindAllStringSubmatch(string(b), -1) {
			action := strings.TrimSpace(m[1])
			switch {
			case strings.Contains(action, "HasRole"):
				t.Errorf("%s: {{%s}} asks for a role: ask .Perms.Can for an action, or give the page data the policy's answer", f, action)
			case roles.MatchString(action) && !listing.MatchString(action):
				t.Errorf("%s: {{%s}} reads a user's roles other than to list them: ask .Perms.Can for an action", f, action)
			}
		}
	}
	if asked == 0 {
		t.Error("no template asks .Perms.Can: the walk found no templates")
	}
}
