package desk

import (
	"unicode"
	"unicode/utf8"
)

// Text that people type is checked in one place, by field name, before
// any rule reads it: it must be valid UTF-8 (PostgreSQL refuses anything
// else, and a NUL byte), hold no control characters but the line breaks
// and tabs of multi-line fields, and fit the length of its kind of field.
// Field names are the form and JSON names, which are the same for a field
// on a page and in the API.

// textKind is a kind of text field: how many characters it may hold and
// whether it may span lines.
type textKind struct {
	max   int
	lines bool
}

// Limits of the kinds of text field, in characters.
const (
	MaxLine           = 200 // anything not listed below: country, phone, a choice
	MaxName           = 200 // a person's, company's, product's or token's name
	MaxEmail          = 254 // the longest address SMTP carries
	MaxOrgID          = 64
	MaxContractNumber = 64
	MaxSecret         = 256 // passwords, PINs, link tokens
	MaxURL            = 2000
	MaxList           = 32000
)

// fieldKind is the kind of text a field holds. A use case that checks a
// field's length again uses the same limit, so a field has one.
func fieldKind(field string) textKind {
	switch field {
	case "first_name", "last_name", "name", "product", "component":
		return textKind{max: MaxName}
	case "email":
		return textKind{max: MaxEmail}
	case "org_id", "employer", "sold_to", "end_user", "sold_to_org_id", "end_user_org_id",
		"parent_org_id", "employer_org_id", "support_owner_org_id":
		return textKind{max: MaxOrgID}
	case "number":
		return textKind{max: MaxContractNumber}
	case "external_ref":
		return textKind{max: MaxReference}
	case "business_impact":
		return textKind{max: MaxImpact, lines: true}
	case "summary", "subject", "q", "week", "components", "products", "access", "approver_of":
		// A search, a calendar's week of hours and the lists typed on one
		// line (components, an import's products and grants) are as long
		// as a summary.
		return textKind{max: MaxSummary}
	case "next":
		// Where sign-in goes next: a page of this site, with its query.
		return textKind{max: MaxURL}
	case "description":
		return textKind{max: MaxDescription, lines: true}
	case "body", "comment", "text", "details", "note", "reason":
		return textKind{max: MaxComment, lines: true}
	case "holidays", "free_mail", "aliases":
		// One entry a line.
		return textKind{max: MaxList, lines: true}
	case "password", "new_password", "confirm_password", "current_password", "current", "new", "token", "pin":
		return textKind{max: MaxSecret}
	}
	return textKind{max: MaxLine}
}

// CheckText records what is wrong with value as the text of field, if
// anything is.
func (p Problems) CheckText(field, value string) {
	if msg := textProblem(fieldKind(field), value); msg.ID != "" {
		if _, ok := p[field]; !ok {
			p[field] = msg
		}
	}
}

func textProblem(k textKind, value string) Message {
	if !utf8.ValidString(value) {
		return Msg("desk.text.not_utf8")
	}
	for _, r := range value {
		switch {
		case k.lines && (r == '\n' || r == '\r' || r == '\t'):
		case r == '\n' || r == '\r':
			return Msg("desk.text.one_line")
		case unicode.IsControl(r):
			return Msg("desk.text.control_characters")
		}
	}
	if n := utf8.RuneCountInString(value); n > k.max {
		return Msg("desk.text.too_long_used", "Max", k.max, "Used", n)
	}
	return Message{}
}
