package mask

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

var kindName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// ParseRules reads a customer's own rules, one a line:
//
//	# comment
//	customer-id   \bCUST-\d{6}\b
//	hostname      (?i)\b[a-z0-9-]+\.corp\.example\.com\b
//	db-user       user=(?P<value>\w+)
//
// The first word names the kind (lower-case letters, digits and dashes; it
// becomes the placeholder, <customer-id>), the rest of the line is a
// regular expression in Go's syntax (RE2). When the expression has a group
// named "value", only that group is masked.
func ParseRules(r io.Reader) ([]Rule, error) {
	var rules []Rule
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, pattern, ok := strings.Cut(line, " ")
		if !ok {
			kind, pattern, ok = strings.Cut(line, "\t")
		}
		pattern = strings.TrimSpace(pattern)
		if !ok || pattern == "" {
			return nil, fmt.Errorf("rules line %d: want a kind and a pattern, like `customer-id \\bCUST-\\d{6}\\b`", n)
		}
		if !kindName.MatchString(kind) {
			return nil, fmt.Errorf("rules line %d: the kind %q must be lower-case letters, digits and dashes", n, kind)
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("rules line %d: %w", n, err)
		}
		if re.MatchString("") {
			return nil, fmt.Errorf("rules line %d: the pattern matches an empty string", n)
		}
		group := 0
		if i := re.SubexpIndex("value"); i > 0 {
			group = i
		}
		rules = append(rules, Rule{Kind: kind, re: re, group: group})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return rules, nil
}
