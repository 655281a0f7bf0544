package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// caseColumns are the columns of desk.Case, in the order scanCase reads
// them, for a query that names the cases table c.
const caseColumns = `c.id, c.sold_to_id, c.end_user_id, c.contact_id, c.owner_id, c.type, c.sub_type,
	c.product_id, c.component_id, c.summary, c.description, c.priority, c.severity, c.status,
	c.substatus, c.stage, c.security_threat, c.business_impact, c.agents_affected, c.external_ref,
	c.linked_case_id, c.close_comment, c.created_at, c.updated_at, c.closed_at, c.reopened_count, c.auto_closed,
	COALESCE(c.reference_id, ''), c.origin, c.version, c.merged_into_id`

// caseDest returns the scan destinations of caseColumns.
func caseDest(c *desk.Case) []any {
	return []any{
		&c.ID, &c.SoldToID, &c.EndUserID, &c.ContactID,
		nullInt{&c.OwnerID},
		&c.Type, &c.SubType,
		&c.ProductID, &c.ComponentID, &c.Summary, &c.Description, &c.Priority, &c.Severity, &c.Status,
		&c.SubStatus, &c.Stage, &c.SecurityThreat, &c.BusinessImpact, &c.AgentsAffected, &c.ExternalRef,
		nullInt{&c.LinkedCaseID},
		&c.CloseComment,
		nullTime{&c.CreatedAt},
		nullTime{&c.UpdatedAt},
		nullTime{&c.ClosedAt},
		&c.ReopenedCount,
		&c.AutoClosed,
		&c.ReferenceID,
		&c.Origin,
		&c.Version,
		nullInt{&c.MergedIntoID},
	}
}

// caseRowSelect selects caseColumns and the case's deadline. The names
// shown beside a case come from the facts in memory (withNames): joining
// the six tables they live in made PostgreSQL search the join orders of
// seven tables for every list request, and reading them by key in the
// statement cost a list as much as its cases.
const caseRowSelect = `SELECT ` + caseColumns + `, c.sla_due_at`

// caseRowQuery reads CaseRows; a WHERE clause follows.
const caseRowQuery = caseRowSelect + `
FROM cases c`

// caseRowDest returns the scan destinations of caseRowQuery.
func caseRowDest(r *desk.CaseRow) []any {
	return append(caseDest(&r.Case), nullTime{&r.SLADueAt})
}

// withNames fills in the names shown beside the cases: companies, contact
// and owner, product and component, from the facts in memory, read at one
// version for the whole page.
func withNames(ctx context.Context, on q, rows []desk.CaseRow) error {
	if len(rows) == 0 {
		return nil
	}
	if on.memo == nil {
		on.memo = &factsMemo{} // one version for the page
	}
	cat, err := fact(ctx, on, factKey{kind: "catalog"}, same[*desk.Catalog], readCatalog) // read, not changed
	if err != nil {
		return err
	}
	companies, users := map[int64]string{}, map[int64]string{0: ""}
	companyName := func(id int64) (string, error) {
		if n, ok := companies[id]; ok {
			return n, nil
		}
		c, err := company(ctx, on, id)
		if err != nil {
			return "", err
		}
		companies[id] = c.Name
		return c.Name, nil
	}
	userName := func(id int64) (string, error) {
		if n, ok := users[id]; ok {
			return n, nil
		}
		n, err := fact(ctx, on, factKey{kind: "user name", a: id}, same[string], func(ctx context.Context, q q) (string, error) {
			var n string
			err := q.row(ctx, `SELECT first_name || ' ' || last_name FROM users WHERE id = ?`, id).Scan(&n)
			return n, notFoundOrNil(err, fmt.Sprintf("user %d", id))
		})
		if err != nil {
			return "", err
		}
		users[id] = n
		return n, nil
	}
	for i := range rows {
		r := &rows[i]
		if r.SoldToName, err = companyName(r.SoldToID); err != nil {
			return err
		}
		if r.EndUserName, err = companyName(r.EndUserID); err != nil {
			return err
		}
		if r.ContactName, err = userName(r.ContactID); err != nil {
			return err
		}
		if r.OwnerName, err = userName(r.OwnerID); err != nil {
			return err
		}
		p, _ := cat.Product(r.ProductID)
		comp, _ := cat.Component(r.ComponentID)
		r.ProductName, r.ComponentName = p.Name, comp.Name
	}
	return nil
}

// CreateCase inserts c (c.ID is ignored) and returns the new ID, which is
// also the case number.
func (tx *Tx) CreateCase(ctx context.Context, c *desk.Case) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO cases (sold_to_id, end_user_id, contact_id, owner_id, type,
			sub_type, product_id, component_id, summary, description, priority, severity, status,
			substatus, stage, security_threat, business_impact, agents_affected, external_ref,
			linked_case_id, close_comment, created_at, updated_at, closed_at, reopened_count, reference_id, origin)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		c.SoldToID, c.EndUserID, c.ContactID, id(c.OwnerID), string(c.Type),
		c.SubType, c.ProductID, c.ComponentID, c.Summary, c.Description, string(c.Priority), c.Severity, string(c.Status),
		string(c.SubStatus), string(c.Stage), c.SecurityThreat, c.BusinessImpact, c.AgentsAffected, c.ExternalRef,
		id(c.LinkedCaseID), c.CloseComment, ts(c.CreatedAt), ts(c.UpdatedAt), ts(c.ClosedAt), c.ReopenedCount,
		referenceID(c), string(originOf(c)),
	).Scan(&newID)
	if err != nil {
		return 0, fmt.Errorf("create case: %w", err)
	}
	return newID, nil
}

// originOf is how c was opened, the portal when not said.
func originOf(c *desk.Case) desk.Origin {
	if c.Origin == "" {
		c.Origin = desk.OriginPortal
	}
	return c.Origin
}

// referenceID is the case's Reference ID, made at creation when not given.
func referenceID(c *desk.Case) string {
	if c.ReferenceID == "" {
		c.ReferenceID = desk.NewReferenceID()
	}
	return c.ReferenceID
}

// CaseForUpdate reads a case inside a write transaction. On PostgreSQL it
// locks the row until the transaction ends, so two agents changing the same
// case take turns instead of overwriting each other; SQLite's write
// transaction already excludes other writers.
func (tx *Tx) CaseForUpdate(ctx context.Context, caseID int64) (*desk.Case, error) {
	var c desk.Case
	err := tx.q().row(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`+tx.d.forUpdate, caseID).
		Scan(caseDest(&c)...)
	if err != nil {
		return nil, notFound(err, "case "+desk.FormatCaseNumber(caseID))
	}
	return &c, nil
}

// Case reads one case with the names shown beside it.
func (s *Store) Case(ctx context.Context, caseID int64) (*desk.CaseRow, error) {
	var r desk.CaseRow
	err := s.read().row(ctx, caseRowQuery+` WHERE c.id = ?`, caseID).Scan(caseRowDest(&r)...)
	if err != nil {
		return nil, notFound(err, "case "+desk.FormatCaseNumber(caseID))
	}
	rows := []desk.CaseRow{r}
	if err := withNames(ctx, s.read(), rows); err != nil {
		return nil, fmt.Errorf("case %s: %w", desk.FormatCaseNumber(caseID), err)
	}
	return &rows[0], nil
}

// UpdateCase moves the case's version (c.Version is the new one) and writes every field that changes during a case's life: owner,
// contact, type and sub type, product and component, priority, severity,
// status and substatus, the form fields, the link to an earlier case,
// closure (and whether follow-ups closed it), reopen count and UpdatedAt. The combination, what the customer
// wrote (summary and description) and CreatedAt stay as they were created.
func (tx *Tx) UpdateCase(ctx context.Context, c *desk.Case) error {
	err := tx.q().row(ctx, `UPDATE cases SET owner_id = ?, contact_id = ?, type = ?, sub_type = ?,
			product_id = ?, component_id = ?, priority = ?, severity = ?, status = ?, substatus = ?,
			stage = ?, security_threat = ?, business_impact = ?, agents_affected = ?, external_ref = ?,
			linked_case_id = ?, close_comment = ?, updated_at = ?, closed_at = ?, reopened_count = ?,
			auto_closed = ?, version = version + 1
		WHERE id = ?
		RETURNING version`,
		id(c.OwnerID), c.ContactID, string(c.Type), c.SubType,
		c.ProductID, c.ComponentID, string(c.Priority), c.Severity, string(c.Status), string(c.SubStatus),
		string(c.Stage), c.SecurityThreat, c.BusinessImpact, c.AgentsAffected, c.ExternalRef,
		id(c.LinkedCaseID), c.CloseComment, ts(c.UpdatedAt), ts(c.ClosedAt), c.ReopenedCount,
		c.AutoClosed, c.ID).Scan(&c.Version)
	if err != nil {
		return notFound(err, "update case "+c.Number())
	}
	return nil
}

// touchCase moves a case's version for a change kept beside it (a Case
// Feed entry, a file, a tag), in the transaction that makes it.
func (tx *Tx) touchCase(ctx context.Context, caseID int64) error {
	if _, err := tx.q().exec(ctx, `UPDATE cases SET version = version + 1 WHERE id = ?`, caseID); err != nil {
		return fmt.Errorf("case %s: version: %w", desk.FormatCaseNumber(caseID), err)
	}
	return nil
}

// CaseVersion reads a case's version, the cheap question a page that is
// open asks to learn whether the case changed.
func (s *Store) CaseVersion(ctx context.Context, caseID int64) (int64, error) {
	var v int64
	err := s.read().row(ctx, `SELECT version FROM cases WHERE id = ?`, caseID).Scan(&v)
	return v, notFoundOrNil(err, "case "+desk.FormatCaseNumber(caseID))
}

// Cases lists one page of cases, newest activity first (ClosedCases:
// latest closure first; a keyword search: newest case first; the queue in
// the order it asks). Pages are cut by keyset, never by offset or a count,
// so every page costs the same however deep the reader goes.
func (s *Store) Cases(ctx context.Context, f desk.CaseFilter) (*desk.CasePage, error) {
	path, err := s.searchPath(ctx, f)
	if err != nil {
		return nil, err
	}
	limit := pageSize(f.Limit)
	page, err := s.casesPage(ctx, f, path)
	if err == nil && path.recent > 0 && len(page.Cases) <= limit {
		// The newest cases held less than a page: the matches are fewer
		// than the planner thought, so they are counted after all.
		if path, err = s.countedPath(ctx, f); err == nil {
			page, err = s.casesPage(ctx, f, path)
		}
	}
	if err == nil && len(page.Cases) <= limit && goesOnWithoutClock(f, path) {
		// The deadlines ran out: the page goes on with the cases that
		// have no running clock, which the order never hides.
		if rest, err2 := s.casesPage(ctx, withoutClock(f, page), path); err2 == nil {
			page.Cases = append(page.Cases, rest.Cases...)
		} else {
			err = err2
		}
	}
	if err != nil || len(page.Cases) <= limit {
		return page, err
	}
	page.Cases = page.Cases[:limit]
	last := &page.Cases[limit-1]
	page.Next = nextCursor(f, path, last)
	return page, nil
}

// nextCursor is the cursor after the last case of a page.
func nextCursor(f desk.CaseFilter, path searchPath, last *desk.CaseRow) desk.Cursor {
	switch o := queueOrder(f, path); {
	case path.how != noSearch, o == desk.OrderNumber, o == desk.OrderNumberAsc:
		return cursor(time.Time{}, last.ID) // by case number alone
	case o == desk.OrderDeadline && last.SLADueAt.IsZero():
		return noClockCursor(last.UpdatedAt, last.ID)
	case o == desk.OrderDeadline:
		return cursor(last.SLADueAt, last.ID)
	case f.List == desk.ClosedCases:
		return cursor(last.ClosedAt, last.ID)
	}
	return cursor(last.UpdatedAt, last.ID)
}

// queueOrder is the order of f's list: the queue's own, none for the
// other lists and for a keyword search.
func queueOrder(f desk.CaseFilter, path searchPath) desk.CaseOrder {
	if f.List != desk.Queue || path.how != noSearch {
		return desk.OrderUpdated
	}
	return f.Order
}

// goesOnWithoutClock reports whether a page of f that ran out of
// deadlines goes on with the cases that have none.
func goesOnWithoutClock(f desk.CaseFilter, path searchPath) bool {
	return queueOrder(f, path) == desk.OrderDeadline && f.DueBefore.IsZero() && !isNoClockCursor(f.After)
}

// withoutClock is f for the rest of a deadline page: the cases without a
// running clock, from the first, as many as the page lacks.
func withoutClock(f desk.CaseFilter, page *desk.CasePage) desk.CaseFilter {
	f.After = noClockCursor(time.Time{}, 0)
	f.Limit = max(pageSize(f.Limit)-len(page.Cases), 1)
	return f
}

// casesPage reads the rows of a page of Cases, one more than a page when
// another follows.
func (s *Store) casesPage(ctx context.Context, f desk.CaseFilter, path searchPath) (*desk.CasePage, error) {
	query, args, err := s.casesQuery(f, path)
	if err != nil || query == "" {
		return &desk.CasePage{}, err
	}
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	page := &desk.CasePage{Cases: make([]desk.CaseRow, 0, pageSize(f.Limit)+1)}
	for rows.Next() {
		var r desk.CaseRow
		if err := rows.Scan(caseRowDest(&r)...); err != nil {
			return nil, fmt.Errorf("list cases: %w", err)
		}
		page.Cases = append(page.Cases, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	if err := withNames(ctx, s.read(), page.Cases); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return page, nil
}

// listWhere writes the conditions of f's list, scope and filters (the
// keywords' too, unless path tests them on the newest cases only: then
// they come back as words). It reports false when nothing can match.
func (s *Store) listWhere(f desk.CaseFilter, path searchPath) (w, words where, ok bool, err error) {
	if !f.Scope.All && len(f.Scope.Combinations) == 0 {
		return w, words, false, nil
	}
	switch f.List {
	case desk.MyCases:
		if f.ContactID == 0 {
			return w, words, false, errors.New("my cases: no contact given")
		}
		w.add("c.contact_id = ?", f.ContactID)
		w.add("c.status <> 'closed'")
	case desk.GroupCases:
		w.add("c.status <> 'closed'")
	case desk.ClosedCases:
		w.add("c.status = 'closed'")
	case desk.Queue:
		// The status condition is a literal, not a parameter, so that the
		// partial indexes on status match whatever plan the server caches.
		switch closed := countClosed(f.Statuses); {
		case closed == 0:
			w.add("c.status <> 'closed'")
		case closed == len(f.Statuses):
			w.add("c.status = 'closed'")
		}
	default:
		return w, words, false, fmt.Errorf("case list %d: unknown list", f.List)
	}
	if !f.Scope.All {
		ors := make([]string, len(f.Scope.Combinations))
		args := make([]any, 0, 2*len(f.Scope.Combinations))
		// My Cases walks the contact's open cases (cases_contact_open)
		// and tests each for the scope; the unary + keeps SQLite's planner,
		// which has no statistics, from walking the combination's cases
		// instead (all of them, closed ones too, testing each for the
		// contact). PostgreSQL plans the same either way.
		combo := "(c.sold_to_id = ? AND c.end_user_id = ?)"
		if f.List == desk.MyCases {
			combo = "(+c.sold_to_id = ? AND +c.end_user_id = ?)"
		}
		for i, cb := range f.Scope.Combinations {
			ors[i] = combo
			args = append(args, cb.SoldToID, cb.EndUserID)
		}
		w.add("("+strings.Join(ors, " OR ")+")", args...)
	}
	equal(&w, "c.id", f.Number)
	if strings.TrimSpace(f.Keywords) != "" {
		terms := searchTerms(f.Keywords)
		if len(terms) == 0 {
			return w, words, false, nil // only punctuation: no word to find
		}
		cond, args := s.dialect.searchMatch(terms, scopeOf(f))
		if path.recent > 0 {
			words = where{conds: []string{cond}, args: args} // tested on the newest cases only
		} else {
			w.add(cond, args...)
		}
	}
	equal(&w, "c.end_user_id", f.EndUserID)
	if len(f.Statuses) > 0 && !everyStatus(f.Statuses) && !everyOpenStatus(f.Statuses) {
		addIn(&w, "c.status", f.Statuses)
	}
	if len(f.Priorities) > 0 {
		addIn(&w, "c.priority", f.Priorities)
	}
	equal(&w, "c.product_id", f.ProductID)
	equal(&w, "c.owner_id", f.OwnerID)
	if f.Unassigned {
		w.add("c.owner_id IS NULL")
	}
	if f.CompanyID != 0 {
		w.add("(c.sold_to_id = ? OR c.end_user_id = ?)", f.CompanyID, f.CompanyID)
	}
	if f.Escalated {
		// Active escalations are few (escalations_active): the planner
		// reads them and looks each case up.
		w.add("c.id IN (SELECT e.case_id FROM escalations e WHERE e.state IN ('requested', 'accepted'))")
	}
	if !f.DueBefore.IsZero() {
		w.add("c.sla_due_at < ?", ts(f.DueBefore)) // cases_sla_due
	}
	return w, words, true, nil
}

// casesQuery writes the query of Cases: caseRowQuery, the conditions of f
// and the keyset, asking for one row more than a page to learn whether
// another page follows. It returns an empty query when nothing can match.
func (s *Store) casesQuery(f desk.CaseFilter, path searchPath) (string, []any, error) {
	w, words, ok, err := s.listWhere(f, path)
	if err != nil || !ok {
		return "", nil, err
	}
	sortCol := "c.updated_at"
	if f.List == desk.ClosedCases {
		sortCol = "c.closed_at"
	}
	from, sortAt, order, dir := "cases c", sortCol, sortCol+" DESC, c.id DESC", "DESC"
	after := "(" + sortCol + ", c.id) < (?, ?)"
	byNumber := false
	switch o := queueOrder(f, path); {
	case path.how != noSearch:
		from, sortAt, order = s.dialect.searchFrom, "c.id", s.dialect.searchOrder+" DESC"
		after = s.dialect.searchOrder + " < ?"
		byNumber = true
	case o == desk.OrderDeadline && isNoClockCursor(f.After):
		// The rest of the order: cases without a running clock, latest
		// activity first (cases_open_no_clock).
		w.add("c.sla_due_at IS NULL")
	case o == desk.OrderDeadline:
		w.add("c.sla_due_at IS NOT NULL")
		sortCol = "c.sla_due_at"
		sortAt, order, dir = sortCol, "c.sla_due_at, c.id", "ASC"
		after = "(c.sla_due_at, c.id) > (?, ?)"
	case o == desk.OrderUpdatedAsc:
		order, dir = "c.updated_at, c.id", "ASC"
		after = "(c.updated_at, c.id) > (?, ?)"
	case o == desk.OrderNumber:
		sortAt, order, after, byNumber = "c.id", "c.id DESC", "c.id < ?", true
	case o == desk.OrderNumberAsc:
		sortAt, order, dir, after, byNumber = "c.id", "c.id", "ASC", "c.id > ?", true
	}
	if f.After != "" {
		at, afterID, err := parseCursor(f.After)
		if err != nil {
			return "", nil, err
		}
		switch {
		case afterID == 0: // the first of the cases without a clock
		case byNumber:
			w.add(after, afterID)
		default:
			w.add(after, ts(at), afterID)
		}
	}
	// The page is chosen from the cases table alone, then joined with the
	// names: planning a seven-table join with the filters and the order
	// costs PostgreSQL more than running it, and each engine picks the
	// list's index more surely on one table.
	page := `SELECT c.id, ` + sortAt + ` AS sort_at FROM ` + from + `
		WHERE ` + w.String() + `
		ORDER BY ` + order + `
		LIMIT ?`
	switch {
	case path.recent > 0:
		// The newest cases that meet the other conditions, at most
		// path.recent of them, tested for the words as they are read.
		page = `SELECT id, sort_at FROM (SELECT c.id, c.id AS sort_at, c.search FROM cases c
			WHERE ` + w.String() + `
			ORDER BY c.id DESC
			LIMIT ?) c
		WHERE ` + words.String() + `
		ORDER BY sort_at DESC
		LIMIT ?`
		w.args = append(append(w.args, path.recent), words.args...)
	case path.how == searchSorted:
		page = `SELECT id, sort_at FROM (SELECT c.id, ` + sortAt + ` AS sort_at FROM ` + from + `
			WHERE ` + w.String() + s.dialect.fence + `) hits
		ORDER BY sort_at DESC
		LIMIT ?`
	}
	query := caseRowSelect + `
		FROM (` + page + `) page
		JOIN cases c ON c.id = page.id
		ORDER BY page.sort_at ` + dir + `, page.id ` + dir
	return query, append(w.args, pageSize(f.Limit)+1), nil
}

// CountCases counts the cases of f's list and filters (not its order or
// cursor), up to CountLimit: each count walks the index its filters would
// page by and stops there, so the sidebar of views costs the same at a
// million cases as at a thousand.
func (s *Store) CountCases(ctx context.Context, f desk.CaseFilter) (int, error) {
	path, err := s.searchPath(ctx, f)
	if err != nil {
		return 0, err
	}
	path.recent = 0 // counting tests every match, up to the limit
	w, _, ok, err := s.listWhere(f, path)
	if err != nil || !ok {
		return 0, err
	}
	from := "cases c"
	if path.how != noSearch {
		from = s.dialect.searchFrom
	}
	order := countOrder(f, path)
	var n int
	err = s.read().row(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+from+` WHERE `+w.String()+order+` LIMIT ?) counted`,
		append(w.args, desk.CountLimit)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// countOrder is the order a count walks its cases in: the list's own
// (latest activity first) when no other index leads (the deadlines',
// the escalations', a status's), so the walk is down the list's index
// (the open cases', an owner's). Without it SQLite reads the table from
// its oldest cases, most of them closed, to find the open ones.
func countOrder(f desk.CaseFilter, path searchPath) string {
	if path.how == noSearch && f.DueBefore.IsZero() && !f.Escalated &&
		(len(f.Statuses) == 0 || everyStatus(f.Statuses) || everyOpenStatus(f.Statuses)) {
		return ` ORDER BY c.updated_at DESC, c.id DESC`
	}
	return ""
}

// PageClocks reads the service-level clocks of a page's cases in one
// statement (by the clocks' primary key), for the queue's deadline column.
func (s *Store) PageClocks(ctx context.Context, rows []desk.CaseRow) (map[int64][]desk.Clock, error) {
	out := map[int64][]desk.Clock{}
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]any, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	res, err := s.read().query(ctx, `SELECT `+clockColumns+` FROM case_clocks WHERE case_id IN (`+marks+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("page clocks: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var c desk.Clock
		if err := scanClock(res, &c); err != nil {
			return nil, fmt.Errorf("page clocks: %w", err)
		}
		out[c.CaseID] = append(out[c.CaseID], c)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("page clocks: %w", err)
	}
	return out, nil
}

// searchPath is how a keyword search finds its cases; see dialect.
type searchPath struct {
	how searchHow
	// recent, when not 0, bounds a walk in order to the cases whose
	// number is at most this far below the newest (or the cursor's).
	recent int64
}

type searchHow int

const (
	noSearch      searchHow = iota
	searchInOrder           // walk the cases newest first, testing each
	searchSorted            // collect every match, then sort
)

// fewMatches is where PostgreSQL stops counting a search's matches: below
// it, sorting every match costs less than walking the table for them.
const fewMatches = 2000

// A walk of the newest cases (searchPath.recent) spans recentMargin times
// the cases that should hold a page by the planner's estimate, at least
// minRecentWalk and at most maxRecentWalk cases; words fewer than that ask
// for a count. The bound keeps a wrong estimate cheap: the planner guesses
// a word its statistics do not list (rarer than every word they do) at
// half a percent of the cases, which asks for more than maxRecentWalk.
const (
	recentMargin  = 3
	minRecentWalk = 1_000
	maxRecentWalk = 10_000
)

// searchPath chooses how a list query finds the cases that match its
// keywords within its scope (see dialect).
func (s *Store) searchPath(ctx context.Context, f desk.CaseFilter) (searchPath, error) {
	terms := searchTerms(f.Keywords)
	switch {
	case len(terms) == 0:
		return searchPath{how: noSearch}, nil
	case s.dialect.countMatches == "":
		return searchPath{how: searchInOrder}, nil
	}
	sc := scopeOf(f)
	if len(sc.words()) > 0 {
		return s.countedPath(ctx, f) // the scope's own cases, never many
	}
	cases, from, err := s.casesEstimate(ctx)
	if err != nil || cases < from {
		return s.countedPath(ctx, f) // counting costs little in a small table
	}
	cond, args := s.dialect.searchMatch(terms, sc)
	matches, err := s.estimateMatches(ctx, cond, args)
	if err != nil {
		return searchPath{}, err
	}
	if matches >= fewMatches {
		walk := int64(recentMargin * float64(pageSize(f.Limit)+1) * cases / matches)
		if walk <= maxRecentWalk {
			return searchPath{how: searchInOrder, recent: max(walk, minRecentWalk)}, nil
		}
	}
	return s.countedPath(ctx, f)
}

// countedPath chooses the path by counting the matches up to fewMatches.
func (s *Store) countedPath(ctx context.Context, f desk.CaseFilter) (searchPath, error) {
	cond, args := s.dialect.searchMatch(searchTerms(f.Keywords), scopeOf(f))
	var n int
	if err := s.read().row(ctx, fmt.Sprintf(s.dialect.countMatches, cond), append(args, fewMatches)...).Scan(&n); err != nil {
		return searchPath{}, fmt.Errorf("count search matches: %w", err)
	}
	if n < fewMatches {
		return searchPath{how: searchSorted}, nil
	}
	return searchPath{how: searchInOrder}, nil
}

// estimateMatches asks PostgreSQL's planner how many cases meet cond:
// nothing is read but the statistics.
func (s *Store) estimateMatches(ctx context.Context, cond string, args []any) (float64, error) {
	var plan []byte
	if err := s.read().row(ctx, fmt.Sprintf(s.dialect.estimateMatches, cond), args...).Scan(&plan); err != nil {
		return 0, fmt.Errorf("estimate search matches: %w", err)
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) == 0 {
		return 0, fmt.Errorf("estimate search matches: the plan %.80q: %w", plan, err)
	}
	return out[0].Plan.Rows, nil
}

// estimateFrom is the number of cases from which a search first asks the
// planner (estimateMatches): below it, counting is cheap for any word.
const estimateFrom = 100_000

// casesEstimate is PostgreSQL's estimate of the number of cases (-1
// before the first ANALYZE), read at most once a minute, and the number
// from which a search asks the planner first.
func (s *Store) casesEstimate(ctx context.Context) (cases, from float64, err error) {
	s.cases.mu.Lock()
	defer s.cases.mu.Unlock()
	if now := time.Now(); now.Sub(s.cases.at) > time.Minute {
		if err := s.read().row(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'cases'::regclass`).Scan(&s.cases.n); err != nil {
			return 0, 0, fmt.Errorf("estimate the cases: %w", err)
		}
		s.cases.at = now
	}
	return s.cases.n, s.cases.estimateFrom, nil
}

// scopeOf is what of f's conditions the text index decides (searchScope):
// the same cases as f's SQL conditions, which still test each.
func scopeOf(f desk.CaseFilter) searchScope {
	sc := searchScope{companyID: f.CompanyID}
	if !f.Scope.All {
		sc.combinations = f.Scope.Combinations
	}
	if f.List == desk.MyCases {
		sc.contactID = f.ContactID
	}
	return sc
}

// pageSize is the page size a CaseFilter.Limit asks for.
func pageSize(limit int) int {
	switch {
	case limit <= 0:
		return desk.DefaultPageSize
	case limit > desk.MaxPageSize:
		return desk.MaxPageSize
	}
	return limit
}

// countClosed counts the closed statuses in statuses.
// everyStatus reports whether statuses names every status: that is no
// condition, and leaves the planner the queue's order index.
func everyStatus(statuses []desk.Status) bool {
	for _, st := range desk.Statuses {
		if !slices.Contains(statuses, st) {
			return false
		}
	}
	return true
}

// everyOpenStatus reports whether statuses names every status but
// closed: the literal "c.status <> 'closed'" says as much, and an IN of
// equalities would lead SQLite's planner to the status index instead of
// the filter's own (an owner's, the deadlines').
func everyOpenStatus(statuses []desk.Status) bool {
	for _, st := range desk.Statuses {
		if slices.Contains(statuses, st) == (st == desk.StatusClosed) {
			return false
		}
	}
	return true
}

func countClosed(statuses []desk.Status) int {
	n := 0
	for _, st := range statuses {
		if st == desk.StatusClosed {
			n++
		}
	}
	return n
}

// where collects the conditions of a query and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// equal adds "col = ?" for an optional filter: only when v is given (not
// its zero value), so that each engine reads the condition from an index
// (the form "? = 0 OR col = ?" reads every row).
func equal[T comparable](w *where, col string, v T) {
	var zero T
	if v != zero {
		w.add(col+" = ?", v)
	}
}

// addIn adds "col IN (?, …)" for a list of string-valued domain constants.
func addIn[T ~string](w *where, col string, values []T) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
	w.conds = append(w.conds, col+" IN ("+marks+")")
	for _, v := range values {
		w.args = append(w.args, string(v))
	}
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return "1 = 1" // the staff queue of every case, unfiltered
	}
	return strings.Join(w.conds, " AND ")
}

// A cursor is the sort time and ID of the last case of a page, in
// base64url so that it travels in a query string untouched. A deadline
// order's cursor among the cases without a clock starts with noClock.
func cursor(at time.Time, caseID int64) desk.Cursor {
	raw := at.UTC().Format(time.RFC3339Nano) + " " + strconv.FormatInt(caseID, 10)
	return desk.Cursor(base64.RawURLEncoding.EncodeToString([]byte(raw)))
}

const noClock = "noclock "

// noClockCursor is a deadline order's cursor past its deadlines, among
// the cases without a running clock (ID 0: from the first of them).
func noClockCursor(at time.Time, caseID int64) desk.Cursor {
	raw := noClock + at.UTC().Format(time.RFC3339Nano) + " " + strconv.FormatInt(caseID, 10)
	return desk.Cursor(base64.RawURLEncoding.EncodeToString([]byte(raw)))
}

// isNoClockCursor reports whether c continues a deadline order among
// the cases without a running clock.
func isNoClockCursor(c desk.Cursor) bool {
	raw, err := base64.RawURLEncoding.DecodeString(string(c))
	return err == nil && strings.HasPrefix(string(raw), noClock)
}

// ErrBadCursor is a CaseFilter.After that is no cursor of a list: it
// arrives in a link the user could have edited.
var ErrBadCursor = errors.New("not a cursor of a case list")

// parseCursor reads a cursor; anything else is ErrBadCursor.
func parseCursor(s desk.Cursor) (time.Time, int64, error) {
	bad := fmt.Errorf("case list after %q: %w", s, ErrBadCursor)
	raw, err := base64.RawURLEncoding.DecodeString(string(s))
	if err != nil {
		return time.Time{}, 0, bad
	}
	text, first := strings.CutPrefix(string(raw), noClock)
	atText, idText, ok := strings.Cut(text, " ")
	if !ok {
		return time.Time{}, 0, bad
	}
	at, err := time.Parse(time.RFC3339Nano, atText)
	if err != nil {
		return time.Time{}, 0, bad
	}
	caseID, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || caseID < 0 || (caseID == 0 && !first) {
		return time.Time{}, 0, bad
	}
	return at, caseID, nil
}

// CaseIDByReference finds the case of a Reference ID.
func (tx *Tx) CaseIDByReference(ctx context.Context, ref string) (int64, error) {
	var caseID int64
	if err := tx.q().row(ctx, `SELECT id FROM cases WHERE reference_id = ?`, ref).Scan(&caseID); err != nil {
		return 0, notFound(err, "case reference "+ref)
	}
	return caseID, nil
}
