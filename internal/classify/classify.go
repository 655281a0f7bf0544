// Package classify learns to name the class of a text (the component of
// a case, from its summary and description) from texts whose class is
// known, and names it for new texts with a confidence. It runs in the
// binary on the installation's own examples: no hosted service, no model
// download. A Model is plain data (MarshalBinary), so it is trained once
// and stored where every instance of a cluster reads the same one.
//
// The model is one linear SVM a class against the rest over TF-IDF
// features of the text: the words' English stems, the pairs of adjacent
// stems, and the summary's stems once more on their own (a summary's
// words say more than a description's). Plain is the same learner over
// the folded words alone: the plain TF-IDF and linear model the measures
// compare it with (docs/quality.md).
package classify

import (
	"bytes"
	"compress/flate"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/caseport/caseport/internal/words"
)

// A Text is what is classified: a case's summary and description.
type Text struct {
	Summary, Description string
}

// An Example is a text whose class is known.
type Example struct {
	Text
	Label string
}

// Options tune training; the zero value is the defaults.
type Options struct {
	// C is the SVMs' cost of a margin error against a wide margin (0.5).
	C float64
	// MinCount is how many examples must hold a feature for it to be
	// kept (2): rarer ones are noise and memory.
	MinCount int
	// Plain uses the folded words alone (no stems, no pairs, no summary
	// features): the plain TF-IDF and linear model of the measures.
	Plain bool
	// Seed orders the examples of each pass of the solver (a fixed
	// default, so the same examples give the same model).
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.C <= 0 {
		o.C = 0.5
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.Seed == 0 {
		o.Seed = 2026
	}
	return o
}

// ErrNoExamples is returned when there is nothing to learn from: no
// examples, or fewer than two classes among them.
var ErrNoExamples = errors.New("classify: at least two classes of examples are needed")

// A Model names the class of a text.
type Model struct {
	// Labels are the classes, in the order of the weights.
	Labels []string
	// Examples is how many examples it was trained on.
	Examples int
	plain    bool
	features map[string]int32
	terms    []string
	idf      []float32
	// weights holds, feature after feature, one weight a class; bias one
	// a class.
	weights []float32
	bias    []float32
}

// A Guess is a class with the model's confidence in it: the softmax of
// the classes' SVM scores (times sharpness), which orders the classes
// as the scores do and adds up to 1 over them; a confidence, not a
// calibrated probability.
type Guess struct {
	Label string
	P     float64
}

// Train learns a model from the examples.
func Train(examples []Example, opt Options) (*Model, error) {
	opt = opt.withDefaults()
	m := &Model{plain: opt.Plain, features: map[string]int32{}, Examples: len(examples)}
	labels := map[string]int{}
	for _, e := range examples {
		labels[e.Label] = 0
	}
	if len(labels) < 2 {
		return nil, ErrNoExamples
	}
	m.Labels = slices.Sorted(maps.Keys(labels))
	for i, l := range m.Labels {
		labels[l] = i
	}
	// The features kept are those in MinCount examples or more; their
	// idf is smoothed as scikit-learn's is (log((1+n)/(1+df)) + 1).
	terms := make([]map[string]float32, len(examples))
	df := map[string]int{}
	for i, e := range examples {
		terms[i] = m.counts(e.Text)
		for t := range terms[i] {
			df[t]++
		}
	}
	for _, t := range slices.Sorted(maps.Keys(df)) {
		if df[t] < opt.MinCount {
			continue
		}
		m.features[t] = int32(len(m.idf))
		m.terms = append(m.terms, t)
		m.idf = append(m.idf, float32(math.Log(float64(1+len(examples))/float64(1+df[t]))+1))
	}
	xs := make([]vector, len(examples))
	ys := make([]int, len(examples))
	for i, e := range examples {
		xs[i] = m.vector(terms[i])
		ys[i] = labels[e.Label]
	}
	m.fit(xs, ys, opt.C, opt.Seed)
	return m, nil
}

// vector is a text's features: their numbers and values, L2-normalised.
type vector struct {
	at  []int32
	val []float32
}

// counts is a text's features with how often each stands.
func (m *Model) counts(t Text) map[string]float32 {
	out := map[string]float32{}
	add := func(ws []string, prefix string) {
		for _, w := range ws {
			out[prefix+w]++
		}
		if m.plain || prefix != "" {
			return
		}
		for i := 1; i < len(ws); i++ {
			out[ws[i-1]+" "+ws[i]]++
		}
	}
	summary, description := words.Split(t.Summary), words.Split(t.Description)
	if m.plain {
		add(summary, "")
		add(description, "")
		return out
	}
	summary, description = stems(summary), stems(description)
	add(summary, "")
	add(description, "")
	add(summary, "s:")
	return out
}

func stems(ws []string) []string {
	for i, w := range ws {
		ws[i] = words.Stem(w)
	}
	return ws
}

// vector weighs the counts the model knows: (1 + log tf) times idf.
func (m *Model) vector(counts map[string]float32) vector {
	var v vector
	for t := range counts {
		if f, ok := m.features[t]; ok {
			v.at = append(v.at, f)
		}
	}
	// In the features' order, so that sums are the same every time.
	slices.Sort(v.at)
	for _, f := range v.at {
		v.val = append(v.val, (1+float32(math.Log(float64(counts[m.terms[f]]))))*m.idf[f])
	}
	norm := float32(0)
	for _, x := range v.val {
		norm += x * x
	}
	if norm > 0 {
		norm = float32(1 / math.Sqrt(float64(norm)))
		for i := range v.val {
			v.val[i] *= norm
		}
	}
	return v
}

// sharpness scales the SVM scores (margins about -1 to 1) before the
// softmax that makes them confidences: a text at the margin of one class
// and at minus the margin of the rest has about 0.9 in it of 10 classes.
const sharpness = 2.5

// probabilities puts the softmax of x's class scores into p.
func (m *Model) probabilities(x vector, p []float64) {
	m.scores(x, p)
	for c := range p {
		p[c] *= sharpness
	}
	top := p[0]
	for _, z := range p {
		top = max(top, z)
	}
	total := 0.0
	for c, z := range p {
		p[c] = math.Exp(z - top)
		total += p[c]
	}
	for c := range p {
		p[c] /= total
	}
}

// scores puts x's class scores into p.
func (m *Model) scores(x vector, p []float64) {
	k := len(m.Labels)
	for c := range p {
		p[c] = float64(m.bias[c])
	}
	for j, f := range x.at {
		w := m.weights[int(f)*k : int(f)*k+k]
		v := float64(x.val[j])
		for c := range p {
			p[c] += float64(w[c]) * v
		}
	}
}

// Predict returns the n likeliest classes of a text, likeliest first,
// each with the model's confidence (ties in label order); none from a
// model not trained or read.
func (m *Model) Predict(t Text, n int) []Guess {
	if len(m.Labels) == 0 || n <= 0 {
		return nil
	}
	p := make([]float64, len(m.Labels))
	m.probabilities(m.vector(m.counts(t)), p)
	out := make([]Guess, len(p))
	for c, l := range m.Labels {
		out[c] = Guess{Label: l, P: p[c]}
	}
	slices.SortStableFunc(out, func(a, b Guess) int {
		switch {
		case a.P > b.P:
			return -1
		case a.P < b.P:
			return 1
		}
		return strings.Compare(a.Label, b.Label)
	})
	return out[:min(n, len(out))]
}

// maxPasses and tolerance end the solver: a pass in which no dual
// variable's projected gradient is above the tolerance (LIBLINEAR's eps,
// though LIBLINEAR bounds the gradients' spread and shrinks the problem;
// on the tickets no class needs the last pass).
const (
	maxPasses = 200
	tolerance = 0.1
)

// fit trains one L2-regularised L2-loss linear SVM a class against the
// rest by dual coordinate descent (Hsieh et al. 2008, LIBLINEAR's solver
// 1), the bias a feature of constant value 1 as LIBLINEAR's -B 1.
func (m *Model) fit(xs []vector, ys []int, c float64, seed uint64) {
	k := len(m.Labels)
	m.weights = make([]float32, len(m.idf)*k)
	m.bias = make([]float32, k)
	d := 1 / (2 * c)
	q := make([]float64, len(xs))
	for i, x := range xs {
		q[i] = 1 + d // the bias feature's square
		for _, v := range x.val {
			q[i] += float64(v) * float64(v)
		}
	}
	w := make([]float64, len(m.idf))
	alpha := make([]float64, len(xs))
	order := make([]int, len(xs))
	rng := rand.New(rand.NewPCG(seed, 0))
	for class := range k {
		clear(w)
		clear(alpha)
		b := 0.0
		for i := range order {
			order[i] = i
		}
		// Passes until no dual variable's projected gradient is above
		// the tolerance, at most maxPasses.
		for range maxPasses {
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			most := 0.0
			for _, i := range order {
				y := -1.0
				if ys[i] == class {
					y = 1
				}
				x := xs[i]
				dot := b
				for j, f := range x.at {
					dot += w[f] * float64(x.val[j])
				}
				// The dual's gradient at alpha[i], projected onto
				// alpha >= 0; a step moves alpha[i] to the dual's
				// minimum along it and w (and the bias) with it.
				g := y*dot - 1 + d*alpha[i]
				pg := g
				if alpha[i] == 0 {
					pg = min(g, 0)
				}
				most = max(most, math.Abs(pg))
				if pg == 0 {
					continue
				}
				old := alpha[i]
				alpha[i] = max(alpha[i]-g/q[i], 0)
				step := (alpha[i] - old) * y
				for j, f := range x.at {
					w[f] += step * float64(x.val[j])
				}
				b += step
			}
			if most < tolerance {
				break
			}
		}
		for f, v := range w {
			m.weights[f*k+class] = float32(v)
		}
		m.bias[class] = float32(b)
	}
}

// snapshot is a Model as it is stored.
type snapshot struct {
	Format   int
	Labels   []string
	Examples int
	Plain    bool
	Terms    []string
	IDF      []float32
	Weights  []float32
	Bias     []float32
}

// snapshotFormat is the stored form's version: a model of another is
// refused (and trained again) rather than misread.
const snapshotFormat = 1

// check reports what makes a snapshot not one Train could have made.
func (s *snapshot) check() error {
	k := len(s.Labels)
	switch {
	case s.Format != snapshotFormat:
		return fmt.Errorf("format %d", s.Format)
	case k < 2 || s.Examples < 0:
		return errors.New("too few classes or examples")
	case len(s.IDF) != len(s.Terms) || len(s.Weights) != len(s.Terms)*k || len(s.Bias) != k:
		return errors.New("the weights do not fit the features and classes")
	case !increasing(s.Labels) || !increasing(s.Terms):
		return errors.New("classes or features repeated or out of order")
	}
	for _, list := range [][]float32{s.IDF, s.Weights, s.Bias} {
		for _, v := range list {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return errors.New("a weight is not a number")
			}
		}
	}
	return nil
}

func increasing(list []string) bool {
	for i := 1; i < len(list); i++ {
		if list[i-1] >= list[i] {
			return false
		}
	}
	return true
}

// ErrFormat is a stored model this version cannot read.
var ErrFormat = errors.New("classify: not a stored model of this version")

// MarshalBinary returns the model as bytes to store.
func (m *Model) MarshalBinary() ([]byte, error) {
	// Compressed: most weights are zero (a feature no support vector of
	// a class holds).
	var b bytes.Buffer
	z, err := flate.NewWriter(&b, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := gob.NewEncoder(z).Encode(snapshot{
		Format: snapshotFormat, Labels: m.Labels, Examples: m.Examples, Plain: m.plain,
		Terms: m.terms, IDF: m.idf, Weights: m.weights, Bias: m.bias,
	}); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalBinary reads a model that MarshalBinary stored.
func (m *Model) UnmarshalBinary(data []byte) error {
	var s snapshot
	r := bytes.NewReader(data)
	z := flate.NewReader(r)
	if err := gob.NewDecoder(z).Decode(&s); err != nil {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	// The compressed stream ends with the model, and the bytes with it.
	if n, err := z.Read(make([]byte, 1)); n > 0 || !errors.Is(err, io.EOF) || r.Len() > 0 {
		return fmt.Errorf("%w: bytes after the model", ErrFormat)
	}
	if err := s.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	*m = Model{
		Labels: s.Labels, Examples: s.Examples, plain: s.Plain, features: make(map[string]int32, len(s.Terms)),
		terms: s.Terms, idf: s.IDF, weights: s.Weights, bias: s.Bias,
	}
	for i, t := range s.Terms {
		m.features[t] = int32(i)
	}
	return nil
}
