package desk

import (
	"strings"
	"testing"
)

// TestCheckText: the one check of text people send, by kind of field.
func TestCheckText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, value string
		want         string // a word of the message; "" for none
	}{
		{"first_name", "Zoë", ""},
		{"first_name", "Zo\x00e", "control characters"},
		{"first_name", "Zo\xc3", "UTF-8"},
		{"first_name", "Zo\u0085e", "control characters"}, // C1 control
		{"first_name", "Zo\te", "control characters"},
		{"first_name", "Zo\ne", "one line"},
		{"first_name", strings.Repeat("é", MaxName), ""},
		{"first_name", strings.Repeat("é", MaxName+1), "at most 200"},
		{"email", strings.Repeat("a", 250) + "@b.io", "at most 254"},
		{"org_id", strings.Repeat("9", MaxOrgID+1), "at most 64"},
		{"number", strings.Repeat("9", MaxContractNumber+1), "at most 64"},
		{"summary", strings.Repeat("s", MaxSummary+1), "at most 1000"},
		{"description", "line one\r\n\tline two", ""},
		{"description", "a\x00b", "control characters"},
		{"description", strings.Repeat("d", MaxDescription+1), "at most 32000"},
		{"body", "a\nb", ""},
		{"external_ref", strings.Repeat("r", MaxReference+1), "at most 100"},
		{"business_impact", "a\nb", ""},
		{"business_impact", strings.Repeat("b", MaxImpact+1), "at most 4000"},
		{"country", strings.Repeat("c", MaxLine+1), "at most 200"},
		{"password", "pass\x00word", "control characters"},
	}
	for _, tt := range tests {
		p := Problems{}
		p.CheckText(tt.field, tt.value)
		got := p[tt.field].String()
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckText(%s, %.20q…) = %q, want %q", tt.field, tt.value, got, tt.want)
		}
	}
}
