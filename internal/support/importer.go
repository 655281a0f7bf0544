package support

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// ImportKind names what a CSV file holds.
type ImportKind string

// Import kinds, in the order an installation loads them: a contract names
// companies and products, a contact names companies and combinations.
const (
	ImportCompanies ImportKind = "companies"
	ImportProducts  ImportKind = "products"
	ImportContracts ImportKind = "contracts"
	ImportContacts  ImportKind = "contacts"
)

// ImportColumns lists each kind's columns; the first row of a file must
// name them (in any order; optional columns may be left out).
var ImportColumns = map[ImportKind][]string{
	ImportCompanies: {"org_id", "name", "country", "parent_org_id"},
	ImportProducts:  {"product", "component"},
	ImportContracts: {
		"number", "sold_to_org_id", "end_user_org_id", "support_owner_org_id", "level", "flex_care",
		"deployment", "products", "starts", "ends", "state",
	},
	ImportContacts: {"email", "first_name", "last_name", "employer_org_id", "country", "phone", "mobile", "access", "approver_of"},
}

// required are the columns a file must have.
var required = map[ImportKind][]string{
	ImportCompanies: {"org_id", "name", "country"},
	ImportProducts:  {"product", "component"},
	ImportContracts: {"number", "sold_to_org_id", "end_user_org_id", "level", "deployment", "starts", "ends"},
	ImportContacts:  {"email", "first_name", "last_name", "employer_org_id", "country"},
}

// MaxImportRows bounds one file, so a mistaken upload cannot hold the write
// lock for long.
const MaxImportRows = 50_000

// ImportProblem is a bad row: its line in the file and, by column, what
// is wrong (messages the edge shows in the reader's language).
type ImportProblem struct {
	Line   int
	Fields []ImportField
}

// ImportField is what is wrong with one column of a bad row.
type ImportField struct {
	Column  string
	Message desk.Message
}

// Reason is the problem in English, for logs and tests: "column: message"
// for each column.
func (p ImportProblem) Reason() string {
	parts := make([]string, 0, len(p.Fields))
	for _, f := range p.Fields {
		parts = append(parts, f.Column+": "+f.Message.String())
	}
	return strings.Join(parts, " ")
}

// ImportReport says what an import did or, for a dry run, would do.
type ImportReport struct {
	Kind     ImportKind
	DryRun   bool
	Rows     int
	Created  int
	Updated  int
	Problems []ImportProblem
	// Applied is true when the rows were written: a real run without
	// problems.
	Applied bool
}

// errBadRows stops a real run that found bad rows, rolling back every row.
var errBadRows = errors.New("the file has bad rows")

// Import loads companies, products, contracts or contacts from CSV (portal
// admins). Rows are created, or updated when their key (Org ID, product and
// component, contract number, email) exists. A dry run checks every row
// inside a transaction that is then rolled back; a real run writes all rows
// or, when any row is bad, none.
func (s *Importer) Import(ctx context.Context, r Request, kind ImportKind, src io.Reader, dryRun bool) (*ImportReport, error) {
	if err := desk.Authorize(r.Actor, desk.ImportAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	cols, ok := ImportColumns[kind]
	if !ok {
		return nil, desk.Invalid("kind", "support.importer.kind")
	}
	rows, err := readCSV(src, kind, cols)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Kind: kind, DryRun: dryRun, Rows: len(rows)}
	work := func(tx *store.Tx) error {
		for _, row := range rows {
			err := tx.Savepoint(ctx, func() error {
				created, err := s.importRow(ctx, tx, r, kind, row)
				if err != nil {
					return err
				}
				if created {
					rep.Created++
				} else {
					rep.Updated++
				}
				return nil
			})
			if err != nil {
				fields, ok := rowProblems(err)
				if !ok {
					return err
				}
				rep.Problems = append(rep.Problems, ImportProblem{Line: row.line, Fields: fields})
			}
		}
		if len(rep.Problems) > 0 {
			return errBadRows
		}
		return s.audit(ctx, tx, r, "import_"+string(kind), "", fmt.Sprintf("%d rows: %d created, %d updated", rep.Rows, rep.Created, rep.Updated))
	}
	if dryRun {
		err = s.store.DryRun(ctx, work)
	} else {
		err = s.store.Write(ctx, work)
	}
	if err != nil && !errors.Is(err, errBadRows) {
		return nil, err
	}
	rep.Applied = !dryRun && len(rep.Problems) == 0
	if !rep.Applied {
		rep.Created, rep.Updated = createdIfAny(rep)
	}
	if rep.Applied && rep.Created+rep.Updated >= analyzeAfterRows {
		if err := s.store.Analyze(ctx); err != nil {
			// The import is in; stale statistics only slow plans down.
			s.log.WarnContext(ctx, "analyze after import", "err", err)
		}
	}
	return rep, nil
}

// analyzeAfterRows is the size of an import after which the planner's
// statistics are refreshed at once (Store.Analyze).
const analyzeAfterRows = 1000

// createdIfAny keeps a dry run's counts; a failed real run wrote nothing.
func createdIfAny(rep *ImportReport) (int, int) {
	if rep.DryRun {
		return rep.Created, rep.Updated
	}
	return 0, 0
}

// rowProblems turns a row's error into what the report shows of it, by
// column, or reports false for an error that is not the row's fault.
func rowProblems(err error) ([]ImportField, bool) {
	if fields := desk.FieldMessages(err); fields != nil {
		out := make([]ImportField, 0, len(fields))
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			out = append(out, ImportField{Column: k, Message: fields[k]})
		}
		return out, true
	}
	return nil, false
}

// csvRow is one data row, by column name, with its line in the file.
type csvRow struct {
	line   int
	values map[string]string
}

func (r csvRow) get(col string) string { return strings.TrimSpace(r.values[col]) }

// readCSV reads the header and rows. A file that is not CSV, lacks a
// required column, names an unknown one, or is too long is refused whole.
func readCSV(src io.Reader, kind ImportKind, cols []string) ([]csvRow, error) {
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, desk.Invalid("file", "support.importer.file")
	}
	if err != nil {
		return nil, desk.Invalid("file", "support.importer.not_csv", "Problem", csvProblem(err))
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a byte-order mark from spreadsheet exports
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(cols, h) {
			return nil, desk.Invalid("file", "support.importer.unknown_column", "Column", strconv.Quote(h), "Kind", string(kind), "Columns", strings.Join(cols, ", "))
		}
		idx[h] = i
	}
	for _, c := range required[kind] {
		if _, ok := idx[c]; !ok {
			return nil, desk.Invalid("file", "support.importer.missing_column", "Column", strconv.Quote(c))
		}
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, desk.Invalid("file", "support.importer.bad_csv", "Problem", csvProblem(err))
		}
		line, _ := cr.FieldPos(0)
		if len(rows) == MaxImportRows {
			return nil, desk.Invalid("file", "support.importer.too_many_rows", "Max", MaxImportRows)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := csvRow{line: line, values: map[string]string{}}
		for c, i := range idx {
			if i < len(rec) {
				row.values[c] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, desk.Invalid("file", "support.importer.no_rows")
	}
	return rows, nil
}

// importRow creates or updates one row's record inside tx and reports
// whether it was created.
func (s *core) importRow(ctx context.Context, tx *store.Tx, r Request, kind ImportKind, row csvRow) (bool, error) {
	p := desk.Problems{}
	for col, v := range row.values {
		p.CheckText(col, v)
	}
	if err := p.Err(); err != nil {
		return false, err
	}
	switch kind {
	case ImportCompanies:
		return s.importCompany(ctx, tx, r, row)
	case ImportProducts:
		return importProduct(ctx, tx, row)
	case ImportContracts:
		return s.importContract(ctx, tx, row)
	case ImportContacts:
		return s.importContact(ctx, tx, r, row)
	}
	return false, fmt.Errorf("import kind %q", kind)
}

func invalid(field, id string, kv ...any) error {
	return desk.Invalid(field, id, kv...)
}

// csvProblem says where and how a file is not CSV, in the catalogue's
// words rather than encoding/csv's.
func csvProblem(err error) desk.Message {
	pe, ok := errors.AsType[*csv.ParseError](err)
	switch {
	case !ok:
		return desk.Msg("support.importer.csv_unreadable")
	case errors.Is(err, csv.ErrBareQuote):
		return desk.Msg("support.importer.csv_bare_quote", "Line", pe.Line, "Column", pe.Column)
	case errors.Is(err, csv.ErrQuote):
		return desk.Msg("support.importer.csv_quote", "Line", pe.Line, "Column", pe.Column)
	}
	return desk.Msg("support.importer.csv_line", "Line", pe.Line, "Column", pe.Column)
}

// companyByOrg finds a company by Org ID, as a row problem when missing.
func companyByOrg(ctx context.Context, tx *store.Tx, field, org string) (*desk.Company, error) {
	if org == "" {
		return nil, invalid(field, "support.importer.row_is_empty")
	}
	c, err := tx.CompanyByOrgID(ctx, org)
	if errors.Is(err, desk.ErrNotFound) {
		return nil, invalid(field, "support.importer.row_no_company", "OrgID", strconv.Quote(org))
	}
	return c, err
}

func (s *core) importCompany(ctx context.Context, tx *store.Tx, r Request, row csvRow) (bool, error) {
	c := &desk.Company{OrgID: row.get("org_id"), Name: row.get("name"), Country: row.get("country")}
	if org := row.get("parent_org_id"); org != "" {
		parent, err := companyByOrg(ctx, tx, "parent_org_id", org)
		if err != nil {
			return false, err
		}
		c.ParentID = parent.ID
	}
	if err := desk.ValidateCompany(c); err != nil {
		return false, err
	}
	old, err := tx.CompanyByOrgID(ctx, c.OrgID)
	if errors.Is(err, desk.ErrNotFound) {
		_, err = tx.CreateCompany(ctx, c, s.now())
		return true, fieldConflict(err)
	}
	if err != nil {
		return false, err
	}
	c.ID = old.ID
	if err := checkParentChain(ctx, tx, c, "parent_org_id"); err != nil {
		return false, err
	}
	return false, fieldConflict(tx.UpdateCompany(ctx, c))
}

func importProduct(ctx context.Context, tx *store.Tx, row csvRow) (bool, error) {
	name, comp := row.get("product"), row.get("component")
	if name == "" {
		return false, invalid("product", "support.importer.row_is_empty")
	}
	if comp == "" {
		return false, invalid("component", "support.importer.row_is_empty")
	}
	p, err := tx.ProductByName(ctx, name)
	if errors.Is(err, desk.ErrNotFound) {
		if p.ID, err = tx.CreateProduct(ctx, name); err != nil {
			return false, fieldConflict(err)
		}
	} else if err != nil {
		return false, err
	}
	cat, err := tx.Catalog(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range cat.ComponentsOf(p.ID) {
		if c.Name == comp {
			return false, nil
		}
	}
	_, err = tx.CreateComponent(ctx, p.ID, comp)
	return true, fieldConflict(err)
}

// listCell splits a cell of ;-separated values.
func listCell(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (s *core) importContract(ctx context.Context, tx *store.Tx, row csvRow) (bool, error) {
	c := &desk.Contract{
		Number: row.get("number"), Level: desk.SupportLevel(row.get("level")), Deployment: desk.Deployment(row.get("deployment")),
		State: desk.ContractState(row.get("state")),
	}
	if c.State == "" {
		c.State = desk.ContractActive
	}
	p := desk.Problems{}
	for col, dst := range map[string]*int64{"sold_to_org_id": &c.SoldToID, "end_user_org_id": &c.EndUserID, "support_owner_org_id": &c.SupportOwnerID} {
		org := row.get(col)
		if org == "" && col == "support_owner_org_id" {
			continue
		}
		company, err := companyByOrg(ctx, tx, col, org)
		if err != nil {
			if err := p.Merge(err); err != nil {
				return false, err
			}
			continue
		}
		*dst = company.ID
	}
	if c.SupportOwnerID == 0 {
		c.SupportOwnerID = c.SoldToID
	}
	for _, f := range listCell(row.get("flex_care")) {
		c.FlexCare = append(c.FlexCare, desk.FlexCare(f))
	}
	for _, name := range listCell(row.get("products")) {
		prod, err := tx.ProductByName(ctx, name)
		if errors.Is(err, desk.ErrNotFound) {
			p.AddMessage("products", "support.importer.row_no_product", "Name", strconv.Quote(name))
			continue
		}
		if err != nil {
			return false, err
		}
		c.ProductIDs = append(c.ProductIDs, prod.ID)
	}
	for col, dst := range map[string]*time.Time{"starts": &c.Starts, "ends": &c.Ends} {
		v := row.get(col)
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			p.AddMessage(col, "support.importer.row_not_a_date", "Value", strconv.Quote(v))
			continue
		}
		*dst = t
	}
	if err := p.Err(); err != nil {
		return false, err
	}
	if err := desk.ValidateContract(c); err != nil {
		return false, err
	}
	old, err := tx.ContractByNumber(ctx, c.Number)
	if errors.Is(err, desk.ErrNotFound) {
		_, err = tx.CreateContract(ctx, c, s.now())
		return true, fieldConflict(err)
	}
	if err != nil {
		return false, err
	}
	c.ID = old.ID
	return false, fieldConflict(tx.UpdateContract(ctx, c))
}

// importContact creates or updates a contact. The access column lists
// grants as SOLDTO_ORG/ENDUSER_ORG=level separated by semicolons; the
// approver_of column lists Sold To Org IDs.
func (s *core) importContact(ctx context.Context, tx *store.Tx, r Request, row csvRow) (bool, error) {
	employer, err := companyByOrg(ctx, tx, "employer_org_id", row.get("employer_org_id"))
	if err != nil {
		return false, err
	}
	in := ContactInput{ProfileInput: desk.ProfileInput{
		Email: row.get("email"), FirstName: row.get("first_name"), LastName: row.get("last_name"), CompanyID: employer.ID,
		Country: row.get("country"), Phone: row.get("phone"), Mobile: row.get("mobile"),
	}}
	created := false
	var contactID int64
	old, err := tx.UserByEmail(ctx, in.Email)
	switch {
	case errors.Is(err, desk.ErrNotFound):
		if contactID, err = s.createContact(ctx, tx, r, in, ""); err != nil {
			return false, err
		}
		created = true
	case err != nil:
		return false, err
	case old.Kind != desk.KindContact:
		return false, invalid("email", "support.importer.row_belongs_to_a")
	default:
		u, err := s.contactFromInput(ctx, tx, r, in)
		if err != nil {
			return false, err
		}
		u.ID, contactID = old.ID, old.ID
		if err := tx.UpdateProfile(ctx, u); err != nil {
			return false, fieldConflict(err)
		}
	}
	for _, g := range listCell(row.get("access")) {
		combo, level, ok := strings.Cut(g, "=")
		soldOrg, endOrg, ok2 := strings.Cut(combo, "/")
		lvl, ok3 := desk.ParseAccessLevel(strings.TrimSpace(level))
		if !ok || !ok2 || !ok3 {
			return false, invalid("access", "support.importer.row_bad_access", "Value", strconv.Quote(g))
		}
		soldTo, err := companyByOrg(ctx, tx, "access", strings.TrimSpace(soldOrg))
		if err != nil {
			return false, err
		}
		endUser, err := companyByOrg(ctx, tx, "access", strings.TrimSpace(endOrg))
		if err != nil {
			return false, err
		}
		if err := s.grant(ctx, tx, r, desk.Grant{ContactID: contactID, Combination: desk.Combination{SoldToID: soldTo.ID, EndUserID: endUser.ID}, Level: lvl}); err != nil {
			return false, err
		}
	}
	for _, org := range listCell(row.get("approver_of")) {
		soldTo, err := companyByOrg(ctx, tx, "approver_of", org)
		if err != nil {
			return false, err
		}
		if soldTo.ID != employer.ID {
			return false, invalid("approver_of", "support.importer.row_approver_elsewhere", "OrgID", org)
		}
		if err := tx.SetApprover(ctx, soldTo.ID, contactID, true); err != nil {
			return false, err
		}
	}
	return created, nil
}
