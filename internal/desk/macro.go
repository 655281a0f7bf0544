package desk

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Macro is a saved reply: a text an agent inserts in a reply, with
// placeholders filled in from the case (MacroPlaceholders), and the status
// the reply may set (Solution Proposed - Replied). Every agent may apply
// one (WorkCase); support managers and portal admins keep them
// (ManageMacros).
type Macro struct {
	ID   int64
	Name string
	Body string
	// Status and SubStatus, when set, are offered with the reply: "Send
	// and set status …".
	Status    Status
	SubStatus SubStatus
	UpdatedBy int64
	UpdatedAt time.Time
}

// Limits of a macro.
const (
	MaxMacroName = 80
)

// MacroPlaceholders are the placeholders a macro's body may hold, each
// written {{name}}, in the order the macro page lists them.
var MacroPlaceholders = []string{
	"contact.first_name", "contact.last_name", "contact.name", "contact.email",
	"case.number", "case.summary", "case.product", "case.sold_to", "case.end_user",
	"agent.first_name", "agent.name",
}

// placeholder finds {{ name }} in a macro's body.
var placeholder = regexp.MustCompile(`\{\{\s*([a-z_.]+)\s*\}\}`)

// Check reports what is wrong with a macro: a name, a body, a status the
// case may be set to, placeholders it knows.
func (m *Macro) Check() error {
	p := Problems{}
	m.Name, m.Body = strings.TrimSpace(m.Name), strings.TrimSpace(m.Body)
	switch {
	case m.Name == "":
		p.AddMessage("name", "support.macros.name")
	case utf8.RuneCountInString(m.Name) > MaxMacroName:
		p.AddMessage("name", "desk.text.too_long", "Max", MaxMacroName)
	}
	if err := p.Merge(ValidateComment("body", m.Body)); err != nil {
		return err
	}
	for _, match := range placeholder.FindAllStringSubmatch(m.Body, -1) {
		if !slices.Contains(MacroPlaceholders, match[1]) {
			p.AddMessage("body", "support.macros.unknown_placeholder", "Placeholder", match[0])
		}
	}
	if m.Status != "" || m.SubStatus != "" {
		if !slices.Contains(SubStatuses[m.Status], m.SubStatus) || m.Status == StatusClosed {
			p.AddMessage("status", "support.macros.status")
		}
	}
	return p.Err()
}

// SetsStatus reports whether the macro sets a status with its reply.
func (m *Macro) SetsStatus() bool { return m.Status != "" }

// Expand fills the macro's placeholders from values (by placeholder
// name); a placeholder values lacks is left out.
func (m *Macro) Expand(values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(m.Body, func(s string) string {
		return values[placeholder.FindStringSubmatch(s)[1]]
	})
}
