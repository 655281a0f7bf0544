package web

import (
	"strings"
	"testing"
)

// TestMarkdownIsSafe: what people write is Markdown, bare web addresses
// become links, and nothing they write runs on the page.
func TestMarkdownIsSafe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		mustNot []string
	}{
		{"**bold** and *it*", []string{"<strong>bold</strong>", "<em>it</em>"}, nil},
		{"see https://example.com/kb?id=1&x=2", []string{`<a href="https://example.com/kb?id=1&amp;x=2">`}, nil},
		{"line one\nline two", []string{"line one<br>"}, nil},
		{"<script>alert(1)</script>", nil, []string{"<script"}},
		{`<img src=x onerror="alert(1)">`, nil, []string{"<img", "onerror"}},
		{"[click](javascript:alert(1))", nil, []string{"javascript:"}},
		{"[x](vbscript:msgbox)", nil, []string{"vbscript:"}},
		{"`<b>code</b>`", []string{"<code>&lt;b&gt;code&lt;/b&gt;</code>"}, nil},
	}
	for _, tt := range tests {
		got := string(markdown(tt.in))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("markdown(%q) = %q, want it to contain %q", tt.in, got, w)
			}
		}
		for _, no := range tt.mustNot {
			if strings.Contains(got, no) {
				t.Errorf("markdown(%q) = %q, holds %q", tt.in, got, no)
			}
		}
	}
}
