package kb

import (
	"strings"
	"testing"
)

func render(parts []SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Hit {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestSnippetMarksTheMatchedWords(t *testing.T) {
	t.Parallel()
	got := render(Snippet("The  server is\ndropping idle Sessions.", map[string]bool{"dropping": true, "sessions": true}))
	if got != "The server is [dropping] idle [Sessions]." {
		t.Errorf("snippet = %q", got)
	}
	long := strings.Repeat("filler ", 50) + "Café target " + strings.Repeat("tail ", 50)
	got = render(Snippet(long, map[string]bool{"cafe": true}))
	if !strings.HasPrefix(got, "… filler") || !strings.Contains(got, "[Café] target") || !strings.HasSuffix(got, "tail …") {
		t.Errorf("snippet of a long text = %q", got)
	}
	if got := render(Snippet("no match here", map[string]bool{"x": true})); got != "no match here" {
		t.Errorf("snippet without a match = %q", got)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for _, l := range Diff("a\nb\nc\nd\n", "a\nc\nx\nd\n") {
		b.WriteString(string(l.Op) + l.Text + "|")
	}
	if got := b.String(); got != " a|-b| c|+x| d|" {
		t.Errorf("diff = %q", got)
	}
	if got := Diff("", "new"); len(got) != 1 || got[0].Op != '+' {
		t.Errorf("diff from nothing = %v", got)
	}
}
