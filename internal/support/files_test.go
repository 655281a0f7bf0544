package support

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCleanFileName: a name that is too long is cut at a character, never
// inside one, and keeps its extension; bytes that are not UTF-8 and
// control characters do not survive.
func TestCleanFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 150) + ".log" // 304 bytes
	tests := []struct {
		in, want string
	}{
		{"report.pdf", "report.pdf"},
		{`C:\logs\server.log`, "server.log"},
		{"a\x00b\x1b\u0085c.txt", "abc.txt"},
		{"bad\xffname.txt", "bad\ufffdname.txt"},
		{long, strings.Repeat("é", 125) + ".log"},
		{strings.Repeat("日", 100), strings.Repeat("日", 85)},
	}
	for _, tt := range tests {
		got := cleanFileName(tt.in)
		if got != tt.want || !utf8.ValidString(got) || len(got) > maxFileName {
			t.Errorf("cleanFileName(%q) = %q (%d bytes), want %q", tt.in, got, len(got), tt.want)
		}
	}
	if got := cleanPathName("logs/" + long); got != cleanFileName(long) {
		t.Errorf("cleanPathName(logs/<304 bytes>) = %q, want the file name alone", got)
	}
}
