package web

import (
	"strings"
	"testing"
)

// TestMarkdownIsSafe: what people write renders as Markdown, but no raw
// HTML, script or dangerous link gets through, and links are nofollow
// noopener.
func TestMarkdownIsSafe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		want, not []string
	}{
		{"**bold** and `code`", []string{"<strong>bold</strong>", "<code>code</code>"}, nil},
		{"line one\nline two", []string{"line one<br>"}, nil},
		{"<script>alert(1)</script>", nil, []string{"<script"}},
		{`<img src=x onerror="alert(1)">`, nil, []string{"<img", "onerror"}},
		{"[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"[x](JaVaScRiPt:alert(1))", nil, []string{"JaVaScRiPt:"}},
		{"[x](vbscript:msgbox)", nil, []string{"vbscript:"}},
		{`[x](https://a.example "t\" onmouseover=\"alert(1)")`, nil, []string{`" onmouseover="`}},
		{"see https://docs.example/page", []string{`<a href="https://docs.example/page" rel="nofollow noopener">`}, nil},
		{"[docs](https://docs.example)", []string{`<a href="https://docs.example" rel="nofollow noopener">docs</a>`}, nil},
		{"<https://auto.example>", []string{`rel="nofollow noopener"`}, nil},
	}
	for _, tt := range tests {
		got := string(markdown(tt.in))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("markdown(%q) = %q, want %q in it", tt.in, got, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("markdown(%q) = %q, holds %q", tt.in, got, n)
			}
		}
	}
}
