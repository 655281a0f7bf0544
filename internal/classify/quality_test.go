package classify_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/classify"
)

// EnvTickets names endava-tickets.csv when it is not found under
// shared/data above the working directory.
const EnvTickets = "CASEPORT_TICKETS"

// A ticket of endava-tickets.csv: title and body, and its two labels.
type ticket struct {
	text     classify.Text
	category string
	service  string
}

func readTickets(b *testing.B) []ticket {
	path, err := benchdata.FindSharedData("endava-tickets.csv", EnvTickets, os.Getenv(EnvTickets))
	if errors.Is(err, benchdata.ErrNoSharedData) {
		b.Skipf("the quality of component suggestions is measured on endava-tickets.csv: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	if len(records) < 2 || !slices.Equal(records[0], []string{"title", "body", "category", "business_service"}) {
		b.Fatalf("%s: not the tickets' columns: %v", path, records[:min(1, len(records))])
	}
	out := make([]ticket, 0, len(records)-1)
	for _, r := range records[1:] {
		out = append(out, ticket{text: classify.Text{Summary: r[0], Description: r[1]}, category: r[2], service: r[3]})
	}
	return out
}

// A fold is the examples a model learns from and those it is judged on.
type fold struct{ train, test []int }

// rowOrder is the data's README split: the first 80% of the rows to train,
// the rest to test (the row order is time-like: the last fifth has classes
// the first never saw).
func rowOrder(n int) []fold {
	cut := n * 80 / 100
	f := fold{}
	for i := range n {
		if i < cut {
			f.train = append(f.train, i)
		} else {
			f.test = append(f.test, i)
		}
	}
	return []fold{f}
}

// stratified is k-fold cross-validation with each class shared out evenly
// among the folds (its rows shuffled with a fixed seed), classes of fewer
// than k rows left out, as the README's reference points were measured.
func stratified(labels []string, k int) []fold {
	byLabel := map[string][]int{}
	for i, l := range labels {
		byLabel[l] = append(byLabel[l], i)
	}
	of := make([]int, len(labels))
	rng := rand.New(rand.NewPCG(5, 0))
	for _, l := range slices.Sorted(maps.Keys(byLabel)) {
		rows := byLabel[l]
		if len(rows) < k {
			for _, i := range rows {
				of[i] = -1
			}
			continue
		}
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for n, i := range rows {
			of[i] = n % k
		}
	}
	folds := make([]fold, k)
	for i, f := range of {
		if f < 0 {
			continue
		}
		for j := range folds {
			if j == f {
				folds[j].test = append(folds[j].test, i)
			} else {
				folds[j].train = append(folds[j].train, i)
			}
		}
	}
	return folds
}

// scores tallies top-1, top-3 and per-class counts for macro-F1.
type scores struct {
	n, top1, top3        int
	tp, predicted, truth map[string]int
}

func (s *scores) add(truth string, guesses []string) {
	if s.tp == nil {
		s.tp, s.predicted, s.truth = map[string]int{}, map[string]int{}, map[string]int{}
	}
	s.n++
	s.truth[truth]++
	if len(guesses) > 0 {
		s.predicted[guesses[0]]++
		if guesses[0] == truth {
			s.top1++
			s.tp[truth]++
		}
	}
	if slices.Contains(guesses[:min(3, len(guesses))], truth) {
		s.top3++
	}
}

// macroF1 is the mean F1 over the classes either in the truth or
// predicted (scikit-learn's f1_score(average="macro")).
func (s *scores) macroF1() float64 {
	classes := map[string]bool{}
	for l := range s.truth {
		classes[l] = true
	}
	for l := range s.predicted {
		classes[l] = true
	}
	sum := 0.0
	for l := range classes {
		if tp := float64(s.tp[l]); tp > 0 {
			p, r := tp/float64(s.predicted[l]), tp/float64(s.truth[l])
			sum += 2 * p * r / (p + r)
		}
	}
	return sum / float64(max(len(classes), 1))
}

// BenchmarkQuality measures the component suggestion's learner on
// endava-tickets.csv (title and body to category, and to business
// service): top-1 and top-3 accuracy and macro-F1 of the model, of the
// plain TF-IDF and linear model, and of always guessing the training
// set's most common classes, on the README's row-order split and on
// stratified 5-fold cross-validation (docs/quality.md).
//
//	go test ./internal/classify -run '^$' -bench Quality -benchtime 1x
func BenchmarkQuality(b *testing.B) {
	all := readTickets(b)
	targets := []struct {
		name  string
		label func(ticket) string
	}{
		{"category", func(t ticket) string { return t.category }},
		{"service", func(t ticket) string { return t.service }},
	}
	for _, target := range targets {
		labels := make([]string, len(all))
		for i, t := range all {
			labels[i] = target.label(t)
		}
		splits := []struct {
			name  string
			folds []fold
		}{
			{"row-order", rowOrder(len(all))},
			{"5-fold", stratified(labels, 5)},
		}
		for _, split := range splits {
			for _, learner := range []string{"majority", "plain", "model"} {
				b.Run(fmt.Sprintf("%s/%s/%s", target.name, split.name, learner), func(b *testing.B) {
					var s scores
					var took time.Duration
					for range b.N {
						s = scores{}
						took = 0
						for _, f := range split.folds {
							start := time.Now()
							guess := learn(b, learner, all, labels, f.train)
							took += time.Since(start)
							for _, i := range f.test {
								s.add(labels[i], guess(all[i].text))
							}
						}
					}
					b.ReportMetric(float64(s.top1)/float64(s.n), "top1")
					b.ReportMetric(float64(s.top3)/float64(s.n), "top3")
					b.ReportMetric(s.macroF1(), "macroF1")
					b.ReportMetric(took.Seconds()/float64(len(split.folds)), "train-s")
				})
			}
		}
	}
}

// learn trains a learner on the rows and returns its guesser: the three
// likeliest labels of a text.
func learn(b *testing.B, learner string, all []ticket, labels []string, rows []int) func(classify.Text) []string {
	if learner == "majority" {
		count := map[string]int{}
		for _, i := range rows {
			count[labels[i]]++
		}
		top := slices.SortedFunc(maps.Keys(count), func(a, b string) int {
			if count[a] != count[b] {
				return count[b] - count[a]
			}
			return strings.Compare(a, b)
		})
		top = top[:min(3, len(top))]
		return func(classify.Text) []string { return top }
	}
	examples := make([]classify.Example, len(rows))
	for n, i := range rows {
		examples[n] = classify.Example{Text: all[i].text, Label: labels[i]}
	}
	m, err := classify.Train(examples, classify.Options{Plain: learner == "plain"})
	if err != nil {
		b.Fatal(err)
	}
	return func(t classify.Text) []string {
		var out []string
		for _, g := range m.Predict(t, 3) {
			out = append(out, g.Label)
		}
		return out
	}
}

// BenchmarkTrain measures training on 10,000 cases: the tickets drawn in
// turn until there are as many, their business service the class; the
// size of the model stored, and a prediction's time.
//
//	go test ./internal/classify -run '^$' -bench Train -benchtime 1x
func BenchmarkTrain(b *testing.B) {
	all := readTickets(b)
	const n = 10000
	examples := make([]classify.Example, n)
	for i := range examples {
		t := all[i%len(all)]
		examples[i] = classify.Example{Text: t.text, Label: t.service}
	}
	var m *classify.Model
	for range b.N {
		var err error
		if m, err = classify.Train(examples, classify.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	data, err := m.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(data))/1e6, "stored-MB")
	var took []time.Duration
	for _, t := range all[:min(1000, len(all))] {
		start := time.Now()
		m.Predict(t.text, 3)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "predict-p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "predict-p99-ms")
}
