package classify_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/classify"
)

// corpus builds examples of three components, each with words of its own
// and words every component shares, in many phrasings.
func corpus() []classify.Example {
	topics := []struct {
		label string
		words []string
	}{
		{"Voicemail", []string{"voicemail", "mailbox", "greeting", "messages"}},
		{"Routing", []string{"routing", "queue", "skill", "agents"}},
		{"Reporting", []string{"report", "dashboard", "export", "figures"}},
	}
	shared := []string{"error", "after", "upgrade", "please", "help", "since", "monday"}
	var out []classify.Example
	for i := range 60 {
		for _, t := range topics {
			w := func(n int) string { return t.words[(i+n)%len(t.words)] }
			out = append(out, classify.Example{
				Text: classify.Text{
					Summary:     fmt.Sprintf("%s %s %s", w(0), shared[i%len(shared)], w(1)),
					Description: fmt.Sprintf("%s %s %s %s %s", shared[(i+1)%len(shared)], w(2), shared[(i+2)%len(shared)], w(3), w(0)),
				},
				Label: t.label,
			})
		}
	}
	return out
}

func TestTrainedModelNamesTheComponent(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprintf("plain=%v", plain), func(t *testing.T) {
			t.Parallel()
			m, err := classify.Train(corpus(), classify.Options{Plain: plain})
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				text    classify.Text
				want    string
				stemmed bool
			}{
				{classify.Text{Summary: "Mailbox greeting lost", Description: "The voicemail greeting is gone since the upgrade."}, "Voicemail", false},
				{classify.Text{Summary: "Agents not in queue", Description: "Skill routing sends no calls to agents."}, "Routing", false},
				{classify.Text{Summary: "Dashboard export empty"}, "Reporting", false},
				// Stems join forms the examples never held (plain words
				// do not).
				{classify.Text{Summary: "exporting reports", Description: "the exported dashboards"}, "Reporting", true},
			}
			for _, c := range cases {
				if c.stemmed && plain {
					continue
				}
				got := m.Predict(c.text, 3)
				if len(got) != 3 || got[0].Label != c.want {
					t.Errorf("Predict(%+v) = %+v, want %s first", c.text, got, c.want)
					continue
				}
				sum := 0.0
				for i, g := range got {
					sum += g.P
					if i > 0 && g.P > got[i-1].P {
						t.Errorf("Predict(%+v) = %+v, not likeliest first", c.text, got)
					}
				}
				if math.Abs(sum-1) > 1e-6 {
					t.Errorf("Predict(%+v) probabilities add up to %v, want 1", c.text, sum)
				}
			}
			if got := m.Predict(classify.Text{Summary: "something else entirely"}, 5); len(got) != 3 || got[0].P > 0.7 {
				t.Errorf("a text of no component's words = %+v, want three classes and no confident one", got)
			}
		})
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	t.Parallel()
	one, err := classify.Train(corpus(), classify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	two, err := classify.Train(corpus(), classify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := classify.Text{Summary: "queue report", Description: "agents export figures"}
	if a, b := one.Predict(text, 3), two.Predict(text, 3); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("two trainings on the same examples differ: %v and %v", a, b)
	}
}

func TestTrainNeedsTwoClasses(t *testing.T) {
	t.Parallel()
	for _, examples := range [][]classify.Example{
		nil,
		{{Text: classify.Text{Summary: "one"}, Label: "A"}, {Text: classify.Text{Summary: "two"}, Label: "A"}},
	} {
		if _, err := classify.Train(examples, classify.Options{}); !errors.Is(err, classify.ErrNoExamples) {
			t.Errorf("Train(%d examples of one class) = %v, want ErrNoExamples", len(examples), err)
		}
	}
}

func TestStoredModelPredictsTheSame(t *testing.T) {
	t.Parallel()
	m, err := classify.Train(corpus(), classify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back classify.Model
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	for _, e := range corpus()[:20] {
		if a, b := m.Predict(e.Text, 3), back.Predict(e.Text, 3); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("Predict(%+v): trained %v, stored and read %v", e.Text, a, b)
		}
	}
	if back.Examples != m.Examples || fmt.Sprint(back.Labels) != fmt.Sprint(m.Labels) {
		t.Errorf("stored and read: %d examples of %v, want %d of %v", back.Examples, back.Labels, m.Examples, m.Labels)
	}
	var empty classify.Model
	if got := empty.Predict(classify.Text{Summary: "voicemail"}, 3); got != nil {
		t.Errorf("a model neither trained nor read predicts %v, want nothing", got)
	}
	if got := m.Predict(classify.Text{Summary: "voicemail"}, -1); got != nil {
		t.Errorf("Predict(-1) = %v, want nothing", got)
	}
	for _, bad := range [][]byte{nil, []byte("not a model"), data[:len(data)/2], append(slices.Clone(data), 0, 1, 2)} {
		var x classify.Model
		if err := x.UnmarshalBinary(bad); !errors.Is(err, classify.ErrFormat) {
			t.Errorf("UnmarshalBinary(%d bytes of junk) = %v, want ErrFormat", len(bad), err)
		}
	}
}
