package kb

import "strings"

// DiffLine is one line of a diff between two texts: Op is ' ' for a line
// both have, '-' for one only the older has, '+' for one only the newer
// has.
type DiffLine struct {
	Op   byte
	Text string
}

// maxDiffCells bounds the work of a diff (lines of one text times lines
// of the other, after their common start and end are set aside): past
// it, the middle shows as removed and added whole.
const maxDiffCells = 4_000_000

// Diff compares two texts line by line: the longest common subsequence of
// their lines, the rest removed or added.
func Diff(older, newer string) []DiffLine {
	a, b := splitLines(older), splitLines(newer)
	var out []DiffLine
	// The common start and end cost nothing to find and are most of an
	// edited article.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		out = append(out, DiffLine{' ', a[pre]})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	out = append(out, diffMiddle(ma, mb)...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, DiffLine{' ', l})
	}
	return out
}

func diffMiddle(a, b []string) []DiffLine {
	var out []DiffLine
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			out = append(out, DiffLine{'-', l})
		}
		for _, l := range b {
			out = append(out, DiffLine{'+', l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:], in one row-major slice.
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{' ', a[i]})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, DiffLine{'-', a[i]})
			i++
		default:
			out = append(out, DiffLine{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{'-', a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{'+', b[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\r\n", "\n"), "\n")
}

// Added reports whether the line is only in the newer text.
func (l DiffLine) Added() bool { return l.Op == '+' }

// Removed reports whether the line is only in the older text.
func (l DiffLine) Removed() bool { return l.Op == '-' }
