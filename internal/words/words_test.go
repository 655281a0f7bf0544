package words

import (
	"slices"
	"testing"
)

func TestSplitFoldsAndKeepsOrder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want []string
	}{
		{"Dropped calls, after 8.5.1!", []string{"dropped", "calls", "after", "8", "5", "1"}},
		{"Café naïve ÆON", []string{"cafe", "naive", "æon"}},
		{"e-mail (SIP-Server)", []string{"e", "mail", "sip", "server"}},
		{"Äpfel und Birnen", []string{"apfel", "und", "birnen"}},
		{"データベース 接続", []string{"データベース", "接続"}},
		{"x\u0301y", []string{"xy"}},
		{"  ", nil},
		{"ﬁle", []string{"file"}},
	}
	for _, c := range cases {
		if got := Split(c.text); !slices.Equal(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestSpansPointIntoTheText(t *testing.T) {
	t.Parallel()
	text := "Le Café est ouvert"
	var spans []Span
	Spans(text, &spans)
	if len(spans) != 4 || text[spans[1].Start:spans[1].End] != "Café" || spans[1].Word != "cafe" {
		t.Fatalf("spans = %+v", spans)
	}
}

func TestLongWordsAreCut(t *testing.T) {
	t.Parallel()
	long := make([]rune, 100)
	for i := range long {
		long[i] = 'a'
	}
	got := Split(string(long))
	if len(got) != 1 || len([]rune(got[0])) != MaxLen {
		t.Fatalf("Split(100 a) = %d words, first %d long", len(got), len([]rune(got[0])))
	}
}

func TestStemJoinsForms(t *testing.T) {
	t.Parallel()
	for _, group := range [][]string{
		{"drop", "drops", "dropped", "dropping"},
		{"connect", "connected", "connection", "connections"},
		{"configure", "configured", "configuring"},
	} {
		for _, w := range group[1:] {
			if Stem(w) != Stem(group[0]) {
				t.Errorf("Stem(%q) = %q, Stem(%q) = %q", w, Stem(w), group[0], Stem(group[0]))
			}
		}
	}
	if Stem("8") != "8" || Stem("v2") != "v2" {
		t.Errorf("numbers are their own stems: %q %q", Stem("8"), Stem("v2"))
	}
}
