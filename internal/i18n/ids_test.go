package i18n_test

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/support"
)

// messageID is the shape of a catalogue ID in Go code (a prefix ending in
// a dot, such as "label.status.", is not one).
var messageID = regexp.MustCompile(`^(mail|notice|title|nav|error|label|desk|support|hours|page|partial|layout|format)\.[a-z0-9_.-]*[a-z0-9_]$`)

// notIDs are literals of that shape that are not IDs.
var notIDs = map[string]bool{"mail.com": true, "mail.ru": true}

// Every catalogue ID that Go code names is in English.
func TestGoMessageIDsAreInCatalogue(t *testing.T) {
	c := i18n.Default()
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		// The policy's actions ("mail.triage") are names, not messages.
		actions := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(node ast.Node) bool {
			if v, ok := node.(*ast.ValueSpec); ok {
				if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Action" {
					for _, e := range v.Values {
						if l, ok := e.(*ast.BasicLit); ok {
							actions[l] = true
						}
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(node ast.Node) bool {
			lit, ok := node.(*ast.BasicLit)
			if ok && actions[lit] {
				return true
			}
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !messageID.MatchString(s) || notIDs[s] {
				return true
			}
			n++
			if !c.Has(s) {
				t.Errorf("%s names %s, which English lacks", path, s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no message IDs in Go code")
	}
}

// messageCalls are the calls that render or make a message: where the
// message ID is among their arguments, and where its name, value pairs of
// arguments start.
var messageCalls = map[string]struct{ id, args int }{
	"T": {0, 1}, "N": {0, 2}, "Msg": {0, 1}, "webMessage": {0, 1}, "parseError": {0, 1},
	"Refuse": {1, 2}, "refuse": {1, 2}, "Invalid": {1, 2}, "invalid": {1, 2}, "AddMessage": {1, 2},
}

// An argument's name is a literal: the message's text names it
// ({{.Number}}), in every language. A name that is itself translated
// ("Nummer" in German) leaves the message without its value.
func TestMessageArgumentNamesAreLiterals(t *testing.T) {
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || call.Ellipsis.IsValid() {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			at, ok := messageCalls[name]
			if !ok || len(call.Args) <= at.args {
				return true
			}
			if id, ok := call.Args[at.id].(*ast.BasicLit); !ok || id.Kind != token.STRING || !strings.Contains(id.Value, ".") {
				return true // no message ID (testing's T, say)
			}
			for i := at.args; i < len(call.Args); i += 2 {
				n++
				if l, ok := call.Args[i].(*ast.BasicLit); !ok || l.Kind != token.STRING {
					t.Errorf("%s: %s(…) names an argument with %s, not a literal", fset.Position(call.Args[i].Pos()), name, types.ExprString(call.Args[i]))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no message arguments")
	}
}

// labelled are desk's enums that people read, each with how to make a value
// of it from a constant of its type.
var labelled = map[string]func(constant.Value) desk.Labelled{
	"AccessLevel": func(v constant.Value) desk.Labelled {
		n, _ := constant.Int64Val(v)
		return desk.AccessLevel(n)
	},
	"CaseType":             named[desk.CaseType],
	"ClockKind":            named[desk.ClockKind],
	"DeadlineState":        named[desk.DeadlineState],
	"NoticeKind":           named[desk.NoticeKind],
	"NoticeEvent":          named[desk.NoticeEvent],
	"ContractState":        named[desk.ContractState],
	"ContractStatus":       named[desk.ContractStatus],
	"Deployment":           named[desk.Deployment],
	"EntryKind":            named[desk.EntryKind],
	"EscalationReason":     named[desk.EscalationReason],
	"EscalationState":      named[desk.EscalationState],
	"FlexCare":             named[desk.FlexCare],
	"InboundState":         named[desk.InboundState],
	"Priority":             named[desk.Priority],
	"RequestState":         named[desk.RequestState],
	"Role":                 named[desk.Role],
	"Stage":                named[desk.Stage],
	"Status":               named[desk.Status],
	"SubStatus":            named[desk.SubStatus],
	"SupportLevel":         named[desk.SupportLevel],
	"TargetUnit":           named[desk.TargetUnit],
	"Origin":               named[desk.Origin],
	"KBSource":             named[desk.KBSource],
	"AnnouncementAudience": named[desk.AnnouncementAudience],
	"KBArticleType":        named[desk.KBArticleType],
	"KBDelivery":           named[desk.KBDelivery],
	"KBFollowKind":         named[desk.KBFollowKind],
	"KBState":              named[desk.KBState],
}

// named makes a value of a string enum from its constant.
func named[T interface {
	~string
	desk.Labelled
}](v constant.Value) desk.Labelled {
	return T(constant.StringVal(v))
}

// unlabelled are desk's enums that no page, email or message shows, and why.
var unlabelled = map[string]string{
	"Action":          "names a row of the policy: people read the refusal's message, never the action",
	"Area":            "groups the policy's actions; the navigation has words of its own",
	"CaseList":        "selects a list; each list's page has its own title",
	"CaseOrder":       "a sort parameter of the queue's links: the order menu and the column headers have words of their own",
	"EscalationEvent": "an event of the escalation table: people read the state it leads to",
	"RequestEvent":    "an event of the access request table: people read the decision's state",
	"InboundEvent":    "an event of the inbound mail table: people read the message's state",
	"UploadEvent":     "an event of the upload table: the tus protocol's requests",
	"KBSort":          "a sort parameter of the knowledge search's links: Relevance and Date have words of their own",
	"KBFacet":         "names a filter of the knowledge search: each filter's heading has words of its own",
	"UploadState":     "follows from an upload's offset and file: the protocol's headers say it, and people see the file",
	"UserKind":        "staff or contact: pages show each in its own place, never the kind's name",
}

// deskEnums finds desk's enums by themselves: every named type of desk's
// that has constants, with their values, and whether it has a MessageID.
func deskEnums(t *testing.T) (values map[string][]constant.Value, hasID map[string]bool) {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("../desk/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("github.com/caseport/caseport/internal/desk", fset, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	values, hasID = map[string][]constant.Value{}, map[string]bool{}
	for _, name := range pkg.Scope().Names() {
		c, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok {
			continue
		}
		n, ok := c.Type().(*types.Named)
		if !ok || n.Obj().Pkg() != pkg || !n.Obj().Exported() {
			continue
		}
		typ := n.Obj().Name()
		values[typ] = append(values[typ], c.Val())
		m, _, _ := types.LookupFieldOrMethod(n, false, pkg, "MessageID")
		hasID[typ] = m != nil
	}
	return values, hasID
}

// Every value of every enum of desk that people read has its label, found
// from desk's source (a new enum fails here until it has labels, or is
// listed as one nobody reads); every kind of email says what it is for.
func TestEveryEnumValueHasALabel(t *testing.T) {
	c := i18n.Default()
	enums, hasID := deskEnums(t)
	for typ, vals := range enums {
		valueOf, ok := labelled[typ]
		if why, never := unlabelled[typ]; never {
			if hasID[typ] {
				t.Errorf("desk.%s has labels, but is listed as never shown (%s): check its labels here", typ, why)
			}
			continue
		}
		if !ok || !hasID[typ] {
			t.Errorf("desk.%s is an enum without labels: give it MessageID and labels, or list it in unlabelled with the reason nobody reads it", typ)
			continue
		}
		for _, v := range vals {
			if l := valueOf(v); !c.Has(l.MessageID()) {
				t.Errorf("desk.%s %s has no label: %s is missing", typ, v, l.MessageID())
			}
		}
	}
	for typ := range labelled {
		if _, ok := enums[typ]; !ok {
			t.Errorf("labelled lists desk.%s, which is not an enum of desk", typ)
		}
	}
	for typ := range unlabelled {
		if _, ok := enums[typ]; !ok {
			t.Errorf("unlabelled lists desk.%s, which is not an enum of desk", typ)
		}
	}
	var values []desk.Labelled
	for _, ti := range desk.CaseTypes {
		values = append(values, ti)
	}
	for _, k := range support.MailKinds {
		values = append(values, k, k.Title())
	}
	for _, v := range values {
		if !c.Has(v.MessageID()) {
			t.Errorf("%v (%T) has no label: %s is missing", v, v, v.MessageID())
		}
	}
}

// Messages keep their white space: the footer of a case email starts on a
// line of its own.
func TestMessagesKeepWhiteSpace(t *testing.T) {
	got := i18n.English().T("mail.case_footer", "Reference", "R-1")
	if !strings.HasPrefix(got, "\n--\nReference ID: R-1\n") {
		t.Errorf("mail.case_footer = %q", got)
	}
}

// Every catalogue ID is used: named by a string in Go code or a template,
// or under a prefix that Go code completes (an enum's "label.status."). An
// unused message is one a translator would translate for nothing, and
// usually a sign that a page shows something else.
func TestEveryCatalogueIDIsUsed(t *testing.T) {
	named, prefixes := map[string]bool{}, []string{}
	literal := regexp.MustCompile(`"([a-z][a-z0-9_.-]*)"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, ".json") {
			return err
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".html") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".") {
				prefixes = append(prefixes, m[1])
			} else {
				named[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range i18n.Default().IDs() {
		if !named[id] && !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(id, p) }) {
			t.Errorf("%s is in the catalogue but nothing shows it", id)
		}
	}
}
