package desk

import (
	"strings"
	"testing"
)

func TestParseKBQueryReadsTheLanguage(t *testing.T) {
	t.Parallel()
	cases := []struct{ query, want string }{
		{"drop", "drop"},
		{"  Dropped   calls ", "(Dropped AND calls)"},
		{"apples AND oranges", "(apples AND oranges)"},
		{"apples and oranges", "(apples AND and AND oranges)"},
		{"apples OR oranges", "(apples OR oranges)"},
		{"apples or oranges", "(apples AND or AND oranges)"},
		{"apples NOT oranges", "(apples AND NOT oranges)"},
		{"apples not oranges", "(apples AND not AND oranges)"},
		{"apples AND NOT oranges", "(apples AND NOT oranges)"},
		{"NOT oranges apples", "(NOT oranges AND apples)"},
		{"a OR b c", "(a OR (b AND c))"},
		{"a b OR c", "((a AND b) OR c)"},
		{"a OR b NOT c", "(a OR (b AND NOT c))"},
		{"(a OR b) NOT c", "((a OR b) AND NOT c)"},
		{"(a OR b) c", "((a OR b) AND c)"},
		{"((a))", "a"},
		{"a NOT b NOT c", "(a AND NOT b AND NOT c)"},
		{"apples NEAR oranges", "apples NEAR:10 oranges"},
		{"apples NEAR:20 oranges", "apples NEAR:20 oranges"},
		{"apples near oranges", "(apples AND near AND oranges)"},
		{`"apples and oranges" NEAR:3 pear*`, `"apples and oranges" NEAR:3 pear*`},
		{"a NEAR b NEAR:2 c", "(a NEAR:10 b AND b NEAR:2 c)"},
		{"orang* gr?y *route*", "(orang* AND gr?y AND *route*)"},
		{`“apples and oranges”`, `"apples and oranges"`},
		{`„Äpfel und Birnen“`, `"Äpfel und Birnen"`},
		{`"a b"c`, `("a b" AND c)`},
		{"a(b)", "(a AND b)"},
		{"voice - mail", "(voice AND mail)"},
		{"e-mail", "e-mail"},
		{"a OR (b AND (c OR d))", "(a OR (b AND (c OR d)))"},
		{"NEAR:5x", ""}, // refused below
	}
	for _, c := range cases {
		if c.want == "" {
			continue
		}
		n, err := ParseKBQuery(c.query)
		if err != nil {
			t.Errorf("ParseKBQuery(%q): %v", c.query, err)
			continue
		}
		if got := FormatKBQuery(n); got != c.want {
			t.Errorf("ParseKBQuery(%q) = %s, want %s", c.query, got, c.want)
		}
	}
}

func TestParseKBQueryEmptyBrowsesEverything(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"", "   ", " - , ; "} {
		n, err := ParseKBQuery(q)
		if n != nil || err != nil {
			t.Errorf("ParseKBQuery(%q) = %v, %v; want nothing", q, n, err)
		}
	}
}

func TestParseKBQueryRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	cases := []struct{ query, says string }{
		{`"apples and oranges`, "The quote at character 1 is not closed"},
		{`apples "`, "The quote at character 8 is not closed"},
		{`apples ""`, "The quotes at character 8 hold no words"},
		{"(apples OR oranges", "The parenthesis at character 1 is not closed"},
		{"apples OR oranges)", "The closing parenthesis at character 18 has no opening one"},
		{"apples ()", "The parentheses at character 8 hold nothing"},
		{"(", "The parenthesis at character 1 is not closed"},
		{"AND apples", "AND at character 1 needs a word or phrase before it"},
		{"apples AND", "AND at character 8 needs a word or phrase after it"},
		{"apples AND OR oranges", "AND at character 8 needs a word or phrase after it"},
		{"OR apples", "OR at character 1 needs a word or phrase before it"},
		{"apples OR", "OR at character 8 needs a word or phrase after it"},
		{"apples OR OR b", "OR at character 11 needs a word or phrase before it"},
		{"(a OR) b", "OR at character 4 needs a word or phrase after it"},
		{"apples NOT", "NOT at character 8 needs a word or phrase after it"},
		{"NOT apples", "NOT only leaves items out"},
		{"a OR NOT b", "NOT only leaves items out"},
		{"NOT a NOT b", "NOT only leaves items out"},
		{"NEAR apples", "NEAR at character 1 needs a word or phrase before it"},
		{"apples NEAR", "NEAR at character 8 needs a word or phrase after it"},
		{"apples NEAR:0 oranges", "NEAR:0 at character 8: NEAR:n takes a whole number from 1 to 50"},
		{"apples NEAR:abc oranges", "NEAR:abc at character 8: NEAR:n takes a whole number from 1 to 50"},
		{"apples NEAR:51 oranges", "NEAR:51 at character 8"},
		{"apples NEAR: oranges", "NEAR: at character 8"},
		{"(a OR b) NEAR c", "NEAR at character 10 joins a word, a wildcard word or a phrase"},
		{"a NEAR (b c)", "NEAR at character 3 joins a word"},
		{"*", "* at character 1 would match every word"},
		{"apples ?*?", "?*? at character 8 would match every word"},
		{strings.Repeat("a ", 501), "Use at most 1000 characters"},
		{"a\x00b", "control"},
		{"a\xffb", "UTF-8"},
		{strings.Repeat("a ", 33), "at most 32 words"},
		{strings.Repeat("(", 11) + "a" + strings.Repeat(")", 11), "nested too deep"},
	}
	for _, c := range cases {
		n, err := ParseKBQuery(c.query)
		if err == nil {
			t.Errorf("ParseKBQuery(%q) = %s, want refused", c.query, FormatKBQuery(n))
			continue
		}
		msg := AsValidation(err)["q"]
		if !strings.Contains(msg, c.says) {
			t.Errorf("ParseKBQuery(%q) says %q, want it to say %q", c.query, msg, c.says)
		}
	}
}

func TestParseKBQueryPositionsAreCharacters(t *testing.T) {
	t.Parallel()
	n, err := ParseKBQuery(`„Äpfel“ Birne*`)
	if err != nil {
		t.Fatal(err)
	}
	and := n.(KBAnd)
	if p := and.Parts[0].(KBPhrase).Pos; p != 1 {
		t.Errorf("phrase at %d, want 1", p)
	}
	if p := and.Parts[1].(KBPattern).Pos; p != 9 {
		t.Errorf("pattern at %d, want 9", p)
	}
}

// FuzzParseKBQuery: the parser never panics, an accepted query holds only
// what the language allows, and writing it back reads to the same tree.
func FuzzParseKBQuery(f *testing.F) {
	for _, seed := range []string{
		"apples AND oranges", `"apples and oranges" NEAR:3 pear*`, "(a OR b) NOT c",
		"a NEAR b NEAR:2 c", "gr?y *route*", "NOT a b", `„x“ (y OR z)`, "((a))", "a OR NOT b",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := ParseKBQuery(q)
		if err != nil {
			if AsValidation(err)["q"] == "" {
				t.Fatalf("ParseKBQuery(%q): %v is not a message on q", q, err)
			}
			return
		}
		if n == nil {
			return
		}
		if !kbFinds(n) {
			t.Fatalf("ParseKBQuery(%q) accepted a query that finds nothing of its own", q)
		}
		again, err := ParseKBQuery(FormatKBQuery(n))
		if err != nil {
			t.Fatalf("ParseKBQuery(%q) = %s, which does not parse: %v", q, FormatKBQuery(n), err)
		}
		if FormatKBQuery(again) != FormatKBQuery(n) {
			t.Fatalf("ParseKBQuery(%q) = %s, read back as %s", q, FormatKBQuery(n), FormatKBQuery(again))
		}
	})
}
