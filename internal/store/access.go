package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// SetGrant gives a contact a level on a combination, replacing any earlier
// level; NoAccess removes the grant.
func (tx *Tx) SetGrant(ctx context.Context, g desk.Grant, grantedBy int64) error {
	if g.Level == desk.NoAccess {
		_, err := tx.q().exec(ctx, `DELETE FROM grants WHERE contact_id = ? AND sold_to_id = ? AND end_user_id = ?`,
			g.ContactID, g.SoldToID, g.EndUserID)
		if err != nil {
			return fmt.Errorf("remove grant: %w", err)
		}
		return nil
	}
	_, err := tx.q().exec(ctx, `INSERT INTO grants (contact_id, sold_to_id, end_user_id, level, granted_at, granted_by)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (contact_id, sold_to_id, end_user_id)
		DO UPDATE SET level = excluded.level, granted_at = excluded.granted_at, granted_by = excluded.granted_by`,
		g.ContactID, g.SoldToID, g.EndUserID, g.Level.String(), ts(g.GrantedAt), id(grantedBy))
	if err != nil {
		return fmt.Errorf("grant %s to contact %d: %w", g.Level, g.ContactID, err)
	}
	return nil
}

// GrantFilter selects grants. Zero fields do not filter.
type GrantFilter struct {
	ContactID int64
	desk.Combination
}

// Grants lists grants.
func (s *Store) Grants(ctx context.Context, f GrantFilter) ([]desk.Grant, error) {
	return grants(ctx, s.read(), f)
}

// Grants lists grants inside the transaction.
func (tx *Tx) Grants(ctx context.Context, f GrantFilter) ([]desk.Grant, error) {
	return grants(ctx, tx.q(), f)
}

func grants(ctx context.Context, q q, f GrantFilter) ([]desk.Grant, error) {
	// Only the filter's own conditions, so that a contact's grants (read
	// for their actor on every request) come from the key, not a scan.
	var w where
	equal(&w, "contact_id", f.ContactID)
	equal(&w, "sold_to_id", f.SoldToID)
	equal(&w, "end_user_id", f.EndUserID)
	rows, err := q.query(ctx, `SELECT contact_id, sold_to_id, end_user_id, level, granted_at FROM grants
		WHERE `+w.String()+`
		ORDER BY contact_id, sold_to_id, end_user_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	defer rows.Close()
	var out []desk.Grant
	for rows.Next() {
		var g desk.Grant
		var level string
		if err := rows.Scan(&g.ContactID, &g.SoldToID, &g.EndUserID, &level, nullTime{&g.GrantedAt}); err != nil {
			return nil, fmt.Errorf("grants: %w", err)
		}
		g.Level, _ = desk.ParseAccessLevel(level)
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetApprover makes a contact a Designated Approver of a Sold To, or stops
// them being one.
func (tx *Tx) SetApprover(ctx context.Context, soldTo, contactID int64, on bool) error {
	query := `INSERT INTO approvers (sold_to_id, contact_id) VALUES (?, ?) ON CONFLICT DO NOTHING`
	if !on {
		query = `DELETE FROM approvers WHERE sold_to_id = ? AND contact_id = ?`
	}
	if _, err := tx.q().exec(ctx, query, soldTo, contactID); err != nil {
		return fmt.Errorf("approver %d of %d: %w", contactID, soldTo, err)
	}
	return nil
}

// Approvers lists the Designated Approvers of a Sold To.
func (s *Store) Approvers(ctx context.Context, soldTo int64) ([]desk.User, error) {
	return approvers(ctx, s.read(), soldTo)
}

// Approvers lists the Designated Approvers of a Sold To inside the
// transaction.
func (tx *Tx) Approvers(ctx context.Context, soldTo int64) ([]desk.User, error) {
	return approvers(ctx, tx.q(), soldTo)
}

func approvers(ctx context.Context, q q, soldTo int64) ([]desk.User, error) {
	rows, err := q.query(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM approvers a JOIN users u ON u.id = a.contact_id
		WHERE a.sold_to_id = ? ORDER BY u.last_name, u.first_name`, soldTo)
	if err != nil {
		return nil, fmt.Errorf("approvers of %d: %w", soldTo, err)
	}
	defer rows.Close()
	var out []desk.User
	for rows.Next() {
		var u desk.User
		if err := scanUser(rows, &u); err != nil {
			return nil, fmt.Errorf("approvers of %d: %w", soldTo, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Actor builds the request's view of a user: the effective access level
// per combination at now and the Sold To companies they approve for. It is
// the only place effective levels are computed from grants and contracts.
func (s *Store) Actor(ctx context.Context, userID int64, now time.Time) (*desk.Actor, error) {
	return actor(ctx, s.read(), userID, now)
}

// Actor builds an actor inside the transaction.
func (tx *Tx) Actor(ctx context.Context, userID int64, now time.Time) (*desk.Actor, error) {
	return actor(ctx, tx.q(), userID, now)
}

func actor(ctx context.Context, on q, userID int64, now time.Time) (*desk.Actor, error) {
	f, err := fact(ctx, on, factKey{kind: "actor", a: userID}, same[*actorFacts],
		func(ctx context.Context, q q) (*actorFacts, error) { return readActorFacts(ctx, q, userID) })
	if err != nil {
		return nil, err
	}
	a := &desk.Actor{User: cloneUser(f.user), Levels: map[desk.Combination]desk.AccessLevel{}, Approves: slices.Clone(f.approves)}
	for i, g := range f.grants {
		a.Levels[g.Combination] = desk.EffectiveLevel(g, a.User, f.combinations[i].at(now), now)
	}
	return a, nil
}

// actorFacts is what an actor is made of, but the time: the user, their
// grants with the facts of each grant's combination, and the Sold Tos they
// approve for. It is kept in memory as read (facts.go) and never handed
// out: actor copies what it gives.
type actorFacts struct {
	user         *desk.User
	grants       []desk.Grant
	combinations []combinationRead // one a grant
	approves     []int64
}

func readActorFacts(ctx context.Context, q q, userID int64) (*actorFacts, error) {
	u, err := user(ctx, q, `id = ?`, userID)
	if err != nil {
		return nil, err
	}
	f := &actorFacts{user: u}
	if u.IsStaff() {
		return f, nil
	}
	if f.grants, err = grants(ctx, q, GrantFilter{ContactID: userID}); err != nil {
		return nil, err
	}
	for _, g := range f.grants {
		c, err := readCombination(ctx, q, g.Combination)
		if err != nil {
			return nil, err
		}
		f.combinations = append(f.combinations, c)
	}
	rows, err := q.query(ctx, `SELECT sold_to_id FROM approvers WHERE contact_id = ? ORDER BY sold_to_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("approver of: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var soldTo int64
		if err := rows.Scan(&soldTo); err != nil {
			return nil, fmt.Errorf("approver of: %w", err)
		}
		f.approves = append(f.approves, soldTo)
	}
	return f, rows.Err()
}

// CombinationFacts reads what desk.EffectiveLevel needs about a
// combination.
func (tx *Tx) CombinationFacts(ctx context.Context, c desk.Combination, now time.Time) (desk.CombinationFacts, error) {
	r, err := fact(ctx, tx.q(), factKey{kind: "combination", a: c.SoldToID, b: c.EndUserID}, same[combinationRead],
		func(ctx context.Context, q q) (combinationRead, error) { return readCombination(ctx, q, c) })
	if err != nil {
		return desk.CombinationFacts{}, err
	}
	return r.at(now), nil
}

// combinationRead is what CombinationFacts reads of a combination; the
// End User's own contracts say whether it is a direct customer at a time.
type combinationRead struct {
	facts  desk.CombinationFacts
	direct []desk.Contract
}

// at returns the combination's facts at a time, for its caller to keep.
func (r combinationRead) at(now time.Time) desk.CombinationFacts {
	f := r.facts
	f.Contracts = cloneContracts(r.facts.Contracts)
	for i := range r.direct {
		if r.direct[i].ActiveAt(now) {
			f.EndUserDirect = true
		}
	}
	return f
}

func readCombination(ctx context.Context, q q, c desk.Combination) (combinationRead, error) {
	var r combinationRead
	var err error
	if r.facts.Contracts, err = readContracts(ctx, q, desk.ContractFilter{SoldToID: c.SoldToID, EndUserID: c.EndUserID}); err != nil {
		return r, err
	}
	soldTo, err := readCompany(ctx, q, c.SoldToID)
	if err != nil {
		return r, err
	}
	endUser := soldTo // a direct customer is its own End User
	if c.EndUserID != c.SoldToID {
		if endUser, err = readCompany(ctx, q, c.EndUserID); err != nil {
			return r, err
		}
	}
	r.facts.SoldTo, r.facts.EndUser = *soldTo, *endUser
	if c.SoldToID != c.EndUserID {
		if r.direct, err = readContracts(ctx, q, desk.ContractFilter{SoldToID: c.EndUserID, EndUserID: c.EndUserID}); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CreateAccessRequest records a request and returns its ID.
func (tx *Tx) CreateAccessRequest(ctx context.Context, r *desk.AccessRequest) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO access_requests (contact_id, sold_to_id, end_user_id, sold_to_org, end_user_org,
			level, reason, state, requested_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.ContactID, id(r.SoldToID), id(r.EndUserID), r.SoldToOrgID, r.EndUserOrgID, r.Level.String(), r.Reason,
		string(r.State), r.RequestedBy, ts(r.CreatedAt)).Scan(&newID)
	if err != nil {
		return 0, fmt.Errorf("create access request: %w", err)
	}
	return newID, nil
}

// AccessRequestsSince counts the requests a user filed after since, and
// returns when the oldest of them was filed, for the rate limit.
func (tx *Tx) AccessRequestsSince(ctx context.Context, requestedBy int64, since time.Time) (int, time.Time, error) {
	rows, err := tx.q().query(ctx, `SELECT created_at FROM access_requests WHERE requested_by = ? AND created_at > ?
		ORDER BY created_at`, requestedBy, ts(since))
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("recent access requests: %w", err)
	}
	defer rows.Close()
	n, oldest := 0, time.Time{}
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(nullTime{&at}); err != nil {
			return 0, time.Time{}, fmt.Errorf("recent access requests: %w", err)
		}
		if n == 0 {
			oldest = at
		}
		n++
	}
	return n, oldest, rows.Err()
}

// ErrAlreadyDecided is an access request that is no longer pending: one
// answer suffices. It is a desk.ErrConflict too.
var ErrAlreadyDecided = errors.New("the access request is decided")

// DecideAccessRequest records a decision on a pending request. A request
// already decided is ErrAlreadyDecided.
func (tx *Tx) DecideAccessRequest(ctx context.Context, r *desk.AccessRequest) error {
	res, err := tx.q().exec(ctx, `UPDATE access_requests SET state = ?, decided_by = ?, decided_at = ?, decision = ?
		WHERE id = ? AND state = 'pending'`,
		string(r.State), r.DecidedBy, ts(r.DecidedAt), r.Decision, r.ID)
	if err != nil {
		return fmt.Errorf("decide access request %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("access request %d: %w: %w", r.ID, ErrAlreadyDecided, desk.ErrConflict)
	}
	return nil
}

// AccessRequestFilter selects access requests. Zero fields do not filter.
type AccessRequestFilter struct {
	ID        int64
	ContactID int64
	// SoldToIDs limits to requests for these Sold To companies; nil means
	// all (portal admins), an empty non-nil slice means none.
	SoldToIDs []int64
	State     desk.RequestState
}

// AccessRequests lists requests, newest first.
func (s *Store) AccessRequests(ctx context.Context, f AccessRequestFilter) ([]desk.AccessRequestRow, error) {
	return accessRequests(ctx, s.read(), f)
}

// AccessRequestForUpdate reads one request inside the transaction.
func (tx *Tx) AccessRequestForUpdate(ctx context.Context, requestID int64) (*desk.AccessRequest, error) {
	rs, err := accessRequests(ctx, tx.q(), AccessRequestFilter{ID: requestID})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("access request %d: %w", requestID, desk.ErrNotFound)
	}
	return &rs[0].AccessRequest, nil
}

func accessRequests(ctx context.Context, q q, f AccessRequestFilter) ([]desk.AccessRequestRow, error) {
	if f.SoldToIDs != nil && len(f.SoldToIDs) == 0 {
		return nil, nil
	}
	query := `SELECT r.id, r.contact_id, r.sold_to_id, r.end_user_id, r.sold_to_org, r.end_user_org, r.level, r.reason,
			r.state, r.requested_by, r.decided_by, r.decided_at, r.decision, r.created_at,
			u.first_name || ' ' || u.last_name, u.email, COALESCE(st.name, ''), COALESCE(eu.name, '')
		FROM access_requests r
		JOIN users u ON u.id = r.contact_id
		LEFT JOIN companies st ON st.id = r.sold_to_id
		LEFT JOIN companies eu ON eu.id = r.end_user_id`
	// Only the filter's own conditions, so that each is read by its index.
	var w where
	equal(&w, "r.id", f.ID)
	equal(&w, "r.contact_id", f.ContactID)
	equal(&w, "r.state", string(f.State))
	if f.SoldToIDs != nil {
		args := make([]any, len(f.SoldToIDs))
		for i, s := range f.SoldToIDs {
			args[i] = s
		}
		w.add(`r.sold_to_id IN (`+placeholders(len(f.SoldToIDs))+`)`, args...)
	}
	query += ` WHERE ` + w.String() + ` ORDER BY r.id DESC LIMIT 500`
	rows, err := q.query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("access requests: %w", err)
	}
	defer rows.Close()
	var out []desk.AccessRequestRow
	for rows.Next() {
		var r desk.AccessRequestRow
		var level, state string
		if err := rows.Scan(&r.ID, &r.ContactID, nullInt{&r.SoldToID}, nullInt{&r.EndUserID}, &r.SoldToOrgID,
			&r.EndUserOrgID, &level, &r.Reason, &state,
			&r.RequestedBy, nullInt{&r.DecidedBy}, nullTime{&r.DecidedAt}, &r.Decision, nullTime{&r.CreatedAt},
			&r.ContactName, &r.ContactEmail, &r.SoldToName, &r.EndUserName); err != nil {
			return nil, fmt.Errorf("access requests: %w", err)
		}
		r.Level, _ = desk.ParseAccessLevel(level)
		r.State = desk.RequestState(state)
		out = append(out, r)
	}
	return out, rows.Err()
}
