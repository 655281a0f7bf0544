package support_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

func TestImport(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		admin := f.staff(t, desk.RolePortalAdmin)
		f.fx.Product("IVR")
		f.fx.Product("Reporting") // the products the contracts file names
		companies := "org_id,name,country,parent_org_id\n" +
			"ORG-5001,Globex,Canada,\n" +
			"ORG-5002,Globex Labs,Canada,ORG-5001\n" +
			",Nameless,Chile,\n" + // line 4: no Org ID
			"ORG-5003,Initech,USA,ORG-9999\n" // line 5: unknown parent

		rep, err := f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader(companies), true)
		if err != nil {
			t.Fatal(err)
		}
		want := []problem{
			{Line: 4, Reason: "org_id: Enter the Org ID."},
			{Line: 5, Reason: `parent_org_id: no company has the Org ID "ORG-9999".`},
		}
		if diff := cmp.Diff(want, problems(rep)); diff != "" {
			t.Errorf("dry run problems (-want +got):\n%s", diff)
		}
		if rep.Applied || rep.Created != 2 {
			t.Errorf("dry run = applied %v, created %d; want not applied, 2 would be created", rep.Applied, rep.Created)
		}
		// A real run with bad rows writes nothing.
		rep, err = f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader(companies), false)
		if err != nil || rep.Applied || len(rep.Problems) != 2 {
			t.Fatalf("real run with bad rows = %+v, %v", rep, err)
		}
		all, err := f.store.Companies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if c.OrgID == "ORG-5001" {
				t.Fatal("a failed real run left ORG-5001 behind")
			}
		}
		// The good rows alone go in; a second run updates.
		good := strings.Join(strings.Split(companies, "\n")[:3], "\n") + "\n"
		rep, err = f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader(good), false)
		if err != nil || !rep.Applied || rep.Created != 2 {
			t.Fatalf("real run = %+v, %v; want 2 created", rep, err)
		}
		rep, err = f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader(strings.Replace(good, "Globex,", "Globex Corporation,", 1)), false)
		if err != nil || !rep.Applied || rep.Updated != 2 || rep.Created != 0 {
			t.Fatalf("second run = %+v, %v; want 2 updated", rep, err)
		}
		// Globex made a division of its own division is refused, as on the
		// console; so is a company its own parent.
		for _, row := range []string{"ORG-5001,Globex,Canada,ORG-5002", "ORG-5002,Globex Labs,Canada,ORG-5002"} {
			rep, err = f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader("org_id,name,country,parent_org_id\n"+row+"\n"), false)
			if err != nil || rep.Applied || len(rep.Problems) != 1 || !strings.HasPrefix(problems(rep)[0].Reason, "parent_org_id: ") {
				t.Errorf("import %s = %+v, %v; want the row refused on parent_org_id", row, problems(rep), err)
			}
		}

		contracts := "number,sold_to_org_id,end_user_org_id,level,deployment,products,starts,ends,flex_care\n" +
			"SC-5001,ORG-5001,ORG-5002,premium_care,cloud,IVR;Reporting,2026-01-01,2027-12-31,technical_account_manager\n"
		if rep, err = f.svc.Importer().Import(ctx, admin, support.ImportContracts, strings.NewReader(contracts), false); err != nil || !rep.Applied {
			t.Fatalf("contracts = %+v, %v", rep, err)
		}
		contacts := "email,first_name,last_name,employer_org_id,country,access,approver_of\n" +
			"gina@globex.example,Gina,Globex,ORG-5001,Canada,ORG-5001/ORG-5002=read_write,ORG-5001\n" +
			"leo@globexlabs.example,Leo,Labs,ORG-5002,Canada,ORG-5001/ORG-5002=read_write,\n" + // subsidiary employee: allowed
			"someone@gmail.com,Free,Mail,ORG-5001,Canada,,\n" +
			"casey@globex.example,Casey,Globex,ORG-5001,Canada,ORG-5001/ORG-5002=owner,\n"
		rep, err = f.svc.Importer().Import(ctx, admin, support.ImportContacts, strings.NewReader(contacts), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 2 || rep.Problems[0].Line != 4 || rep.Problems[1].Line != 5 ||
			!strings.Contains(rep.Problems[0].Reason(), "corporate") || !strings.Contains(rep.Problems[1].Reason(), "read_only") {
			t.Errorf("contact problems = %+v, want lines 4 (free mail) and 5 (bad level)", rep.Problems)
		}

		// Only portal admins import; a broken file is refused whole.
		if _, err := f.svc.Importer().Import(ctx, f.staff(t, desk.RoleAgent), support.ImportCompanies, strings.NewReader(companies), true); kind(err) != "forbidden" {
			t.Errorf("agent import: %s, want forbidden", kind(err))
		}
		for name, file := range map[string]string{
			"empty":          "",
			"unknown column": "org_id,name,country,colour\nX,Y,Z,red\n",
			"missing column": "org_id,name\nX,Y\n",
			"no rows":        "org_id,name,country\n",
			"bad quoting":    "org_id,name,country\n\"X,Y,Z\n",
		} {
			_, err := f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader(file), true)
			if desk.AsValidation(err)["file"] == "" {
				t.Errorf("%s file: %v, want a message on file", name, err)
			}
		}
	})
}

// TestImportChecksText: a cell with a NUL, bytes that are not UTF-8 or
// more than its field holds is the row's problem, and a real run with it
// writes nothing.
func TestImportChecksText(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		admin := f.staff(t, desk.RolePortalAdmin)
		companies := "org_id,name,country\n" +
			"ORG-6001,Good Co,Canada\n" +
			"ORG-6002,Nul\x00 Co,Canada\n" +
			"ORG-6003,Bad\xff Co,Canada\n" +
			strings.Repeat("9", desk.MaxOrgID+1) + ",Long Co,Canada\n"
		rep, err := f.svc.Importer().Import(ctx, admin, support.ImportCompanies, strings.NewReader(companies), false)
		if err != nil {
			t.Fatal(err)
		}
		want := []problem{
			{Line: 3, Reason: "name: Remove the control characters (such as NUL) from this."},
			{Line: 4, Reason: "name: This is not valid text (UTF-8): type it again rather than pasting it."},
			{Line: 5, Reason: "org_id: Use at most 64 characters (you used 65)."},
		}
		if diff := cmp.Diff(want, problems(rep)); diff != "" || rep.Applied {
			t.Errorf("import applied %v, problems (-want +got):\n%s", rep.Applied, diff)
		}
		all, err := f.store.Companies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if strings.HasPrefix(c.OrgID, "ORG-600") {
				t.Errorf("a refused import left %s behind", c.OrgID)
			}
		}
	})
}

// problem is a bad row as the report says it in English.
type problem struct {
	Line   int
	Reason string
}

func problems(rep *support.ImportReport) []problem {
	out := make([]problem, 0, len(rep.Problems))
	for _, p := range rep.Problems {
		out = append(out, problem{Line: p.Line, Reason: p.Reason()})
	}
	return out
}
