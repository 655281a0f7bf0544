package inbound

import (
	"regexp"
	"strings"
)

// Lines that start the quoted history of a reply, in the forms the common
// mail programs write.
var historyStarts = []*regexp.Regexp{
	regexp.MustCompile(`^On .{4,200}wrote:\s*$`),                       // Gmail, Apple Mail, Thunderbird
	regexp.MustCompile(`^Am .{4,200}schrieb.{0,80}:\s*$`),              // German
	regexp.MustCompile(`^Le .{4,200}a écrit\s*:\s*$`),                  // French
	regexp.MustCompile(`^-{2,}\s*Original Message\s*-{2,}\s*$`),        // Outlook (older)
	regexp.MustCompile(`^-{2,}\s*Ursprüngliche Nachricht\s*-{2,}\s*$`), // Outlook, German
	regexp.MustCompile(`^_{10,}\s*$`),                                  // Outlook's rule before the header block
	regexp.MustCompile(`^From:\s.+$`),                                  // Outlook header block (checked with Sent: below)
	regexp.MustCompile(`^--\s*$`),                                      // a signature, and Caseport's own footer
}

var outlookDate = regexp.MustCompile(`^(Sent|Date|Gesendet):\s`)

// StripQuoted returns the new text of a reply: it cuts at the first line
// that starts the quoted history (or a signature), drops lines quoted
// with ">", and trims blank lines.
func StripQuoted(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []string
cut:
	for i, l := range lines {
		t := strings.TrimSpace(l)
		for j, re := range historyStarts {
			if !re.MatchString(t) {
				continue
			}
			// "From:" starts a history only as Outlook's header block,
			// with "Sent:" or "Date:" right after it.
			if j == 6 && (i+1 >= len(lines) || !outlookDate.MatchString(strings.TrimSpace(lines[i+1]))) {
				continue
			}
			break cut
		}
		// A wrapped "On … wrote:" over two lines.
		if strings.HasPrefix(t, "On ") && i+1 < len(lines) && strings.HasSuffix(strings.TrimSpace(lines[i+1]), "wrote:") && len(t)+len(lines[i+1]) < 300 {
			break
		}
		if strings.HasPrefix(t, ">") {
			continue
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
