package support

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// EmailRulesSettings returns the work email rules for the page that edits
// them (portal admins).
func (s *Mail) EmailRulesSettings(ctx context.Context, r Request) (desk.EmailRules, error) {
	if err := desk.Authorize(r.Actor, desk.ManageEmailRules, desk.Target{}); err != nil {
		return desk.EmailRules{}, err
	}
	return s.storedEmailRules(ctx)
}

// Settings keys for the email rules.
const (
	settingFreeMail = "email.free_mail_domains"
	settingAliases  = "email.role_aliases"
)

// emailRules returns the current corporate-email rules. A free-mail domain
// is stored as its ASCII (punycode) form; the rules also hold its Unicode
// form, so an address written either way is refused.
func (s *core) emailRules(ctx context.Context) (desk.EmailRules, error) {
	rules, err := s.storedEmailRules(ctx)
	for _, d := range rules.FreeMailDomains {
		if u, err := idna.ToUnicode(d); err == nil && u != d {
			rules.FreeMailDomains = append(rules.FreeMailDomains, u)
		}
	}
	return rules, err
}

// storedEmailRules are the rules as an admin sets them.
func (s *core) storedEmailRules(ctx context.Context) (desk.EmailRules, error) {
	def := desk.DefaultEmailRules()
	free, err := s.store.Setting(ctx, settingFreeMail, strings.Join(def.FreeMailDomains, "\n"))
	if err != nil {
		return def, err
	}
	aliases, err := s.store.Setting(ctx, settingAliases, strings.Join(def.RoleAliases, "\n"))
	if err != nil {
		return def, err
	}
	return desk.EmailRules{FreeMailDomains: lines(free), RoleAliases: lines(aliases)}, nil
}

// SetEmailRules changes the corporate-email rules (portal admins). Each
// list keeps at least one entry: a contact's work email is neither free
// mail nor a role alias, and an empty list would let every such address
// in. Every entry must be a domain name or a mailbox name that an address
// can have, so a typo is refused rather than kept as a rule that never
// matches; the same entry given twice (in any case, or a domain as both
// Unicode and punycode) is kept once.
func (s *Mail) SetEmailRules(ctx context.Context, r Request, rules desk.EmailRules) error {
	if err := desk.Authorize(r.Actor, desk.ManageEmailRules, desk.Target{}); err != nil {
		return err
	}
	p := desk.Problems{}
	free := checkEntries(p, "free_mail_domains", rules.FreeMailDomains, freeMailDomain,
		"support.email_rules.bad_domains", "support.email_rules.no_domains")
	aliases := checkEntries(p, "role_aliases", rules.RoleAliases, roleAlias,
		"support.email_rules.bad_aliases", "support.email_rules.no_aliases")
	if err := p.Err(); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, settingFreeMail, strings.Join(free, "\n")); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, settingAliases, strings.Join(aliases, "\n")); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "email_rules_updated", "",
			fmt.Sprintf("%d free-mail domains, %d aliases", len(free), len(aliases)))
	})
}

// checkEntries returns the entries of one list of the email rules in the
// form canonical gives, each once, and records under field the entries it
// refuses (badMsg, with them quoted) or that the list is empty (emptyMsg).
func checkEntries(p desk.Problems, field string, in []string, canonical func(string) (string, bool), badID, emptyID string) []string {
	var out, bad []string
	for _, e := range in {
		if strings.TrimSpace(e) == "" {
			continue
		}
		c, ok := canonical(strings.TrimSpace(e))
		switch {
		case !ok:
			bad = append(bad, strconv.Quote(e))
		case !slices.Contains(out, c):
			out = append(out, c)
		}
	}
	switch {
	case len(bad) > 0:
		p.AddMessage(field, badID, "Entries", strings.Join(bad, ", "))
	case len(out) == 0:
		p.AddMessage(field, emptyID)
	}
	return out
}

// domainNames checks a domain name as DNS and IDNA 2008 have it: labels of
// letters, digits and inner hyphens, at most 63 octets each, Unicode
// labels as valid as their punycode.
var domainNames = idna.New(idna.MapForLookup(), idna.StrictDomainName(true), idna.VerifyDNSLength(true), idna.BidiRule())

// freeMailDomain is d in its lower-case ASCII form, and whether it is a
// domain name with at least two labels, as the domain of an address is.
func freeMailDomain(d string) (string, bool) {
	a, err := domainNames.ToASCII(d)
	return a, err == nil && strings.Contains(strings.Trim(a, "."), ".") && !strings.HasSuffix(a, ".")
}

// roleAlias is a in lower case, and whether it is the part before the @
// (and before any +, which CheckWorkEmail ignores) of an address: an
// RFC 5322 dot-atom, letters of any script allowed (RFC 6531), at most 64
// octets.
func roleAlias(a string) (string, bool) {
	a = strings.ToLower(a)
	if a == "" || len(a) > 64 || strings.HasPrefix(a, ".") || strings.HasSuffix(a, ".") || strings.Contains(a, "..") {
		return a, false
	}
	for _, r := range a {
		if !localPartRune(r) {
			return a, false
		}
	}
	return a, true
}

// localPartRune reports whether r may occur in a dot-atom local part:
// RFC 5322's atext and dots, and any letter, digit or mark beyond ASCII.
func localPartRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*-/=?^_`{|}~", r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			out = append(out, l)
		}
	}
	return out
}
