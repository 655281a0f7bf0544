package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
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
var messageID = regexp.MustCompile(`^(mail|notice|title|nav|error|label|desk|support|page|partial|layout|format)\.[a-z0-9_.-]*[a-z0-9_]$`)

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

// Every value of every enum has its label, and every kind of email says
// what it is for.
func TestEveryEnumValueHasALabel(t *testing.T) {
	var values []desk.Labelled
	for _, v := range append([]desk.AccessLevel{desk.NoAccess}, desk.AccessLevels...) {
		values = append(values, v)
	}
	for _, ti := range desk.CaseTypes {
		values = append(values, ti.Type, ti)
	}
	for _, v := range desk.Priorities {
		values = append(values, v)
	}
	for _, s := range desk.Statuses {
		values = append(values, s)
		for _, sub := range desk.SubStatuses[s] {
			values = append(values, sub)
		}
	}
	for _, v := range desk.SupportLevels {
		values = append(values, v)
	}
	for _, v := range desk.FlexCareAddOns {
		values = append(values, v)
	}
	for _, v := range desk.EscalationReasons {
		values = append(values, v)
	}
	for _, v := range []desk.EscalationState{desk.EscalationRequested, desk.EscalationAccepted, desk.EscalationRejected, desk.EscalationClosed} {
		values = append(values, v)
	}
	for _, v := range desk.Roles {
		values = append(values, v)
	}
	values = append(values, desk.ClockResponse, desk.ClockRCA)
	for _, k := range support.MailKinds {
		values = append(values, k)
	}
	c := i18n.Default()
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
