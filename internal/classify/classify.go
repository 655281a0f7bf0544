// Package classify learns to name the class of a text (the component of
// a case, from its summary and description) from texts whose class is
// known, and names it for new texts with a confidence. It runs in the
// binary on the installation's own examples: no hosted service, no model
// download. A Model is plain data (MarshalBinary), so it is trained once
// and stored where every instance of a cluster reads the same one.
//
// The model is multinomial logistic regression over TF-IDF features of
// the text: the words' stems, the pairs of adjacent stems, and the
// summary's stems once more on their own (a summary's words say more than
// a description's), trained with AdaGrad; its probabilities are blended
// with the vote of the ten training examples most like the text (cosine
// of the same features). Plain is the regression alone over the words
// alone: the plain TF-IDF and linear model the measures compare it with.
package classify

import (
	"errors"
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
	// Epochs is the number of passes over the examples (30).
	Epochs int
	// Rate is AdaGrad's learning rate (0.5).
	Rate float64
	// L2 is the weight decay a step applies to the weights it moves
	// (1e-4).
	L2 float64
	// MinCount is how many examples must hold a feature for it to be
	// kept (2): rarer ones are noise and memory.
	MinCount int
	// Plain uses the folded words alone (no stems, no pairs, no summary
	// features): the plain TF-IDF and linear model of the measures.
	Plain bool
	// Neighbours is how many of the most similar training examples
	// vote (10), and Blend the weight of their vote against the learned
	// model's (0.5). Plain has no vote.
	Neighbours int
	Blend      float64
	// Seed orders the examples of each pass (a fixed default, so the
	// same examples give the same model).
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.Epochs <= 0 {
		o.Epochs = 30
	}
	if o.Rate <= 0 {
		o.Rate = 0.5
	}
	if o.L2 < 0 {
		o.L2 = 0
	} else if o.L2 == 0 {
		o.L2 = 1e-4
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.Neighbours <= 0 && !o.Plain {
		o.Neighbours = 10
	}
	if o.Blend <= 0 || o.Blend > 1 {
		o.Blend = 0.5
	}
	if o.Plain {
		o.Neighbours = 0
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
	// postings holds, feature by feature, the training examples that
	// have it with its value there, and classOf each example's class:
	// the neighbours a prediction's vote is taken among.
	postings [][]posting
	classOf  []int32
	knn      int
	blend    float64
}

type posting struct {
	example int32
	val     float32
}

// A Guess is a class with the model's probability for it.
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
		if _, ok := labels[e.Label]; !ok {
			labels[e.Label] = 0
		}
	}
	if len(labels) < 2 {
		return nil, ErrNoExamples
	}
	m.Labels = slices.Sorted(func(yield func(string) bool) {
		for l := range labels {
			if !yield(l) {
				return
			}
		}
	})
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
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for t, n := range df {
			if n >= opt.MinCount && !yield(t) {
				return
			}
		}
	}) {
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
	m.fit(xs, ys, opt)
	if opt.Neighbours > 0 {
		m.knn, m.blend = opt.Neighbours, opt.Blend
		m.postings = make([][]posting, len(m.idf))
		for i, x := range xs {
			for j, f := range x.at {
				m.postings[f] = append(m.postings[f], posting{int32(i), x.val[j]})
			}
			m.classOf = append(m.classOf, int32(ys[i]))
		}
	}
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

// fit runs AdaGrad on the softmax's cross-entropy, example by example in
// a shuffled order each pass; a class's step is skipped when its error is
// too small to move anything, which is most classes for most examples.
func (m *Model) fit(xs []vector, ys []int, opt Options) {
	k := len(m.Labels)
	m.weights = make([]float32, len(m.idf)*k)
	m.bias = make([]float32, k)
	sum := make([]float32, len(m.weights))
	biasSum := make([]float32, k)
	p := make([]float64, k)
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0))
	rate, l2 := float32(opt.Rate), float32(opt.L2)
	for range opt.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			x := xs[i]
			m.probabilities(x, p)
			for c := range k {
				g := float32(p[c])
				if c == ys[i] {
					g--
				}
				if g > -1e-4 && g < 1e-4 {
					continue
				}
				biasSum[c] += g * g
				m.bias[c] -= rate * g / float32(math.Sqrt(float64(biasSum[c])))
				for j, f := range x.at {
					at := int(f)*k + c
					d := g*x.val[j] + l2*m.weights[at]
					sum[at] += d * d
					m.weights[at] -= rate * d / float32(math.Sqrt(float64(sum[at])))
				}
			}
		}
	}
}

// probabilities puts the softmax of x's class scores into p.
func (m *Model) probabilities(x vector, p []float64) {
	m.scores(x, p)
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
// each with its probability (ties in label order).
func (m *Model) Predict(t Text, n int) []Guess {
	p := make([]float64, len(m.Labels))
	x := m.vector(m.counts(t))
	m.probabilities(x, p)
	if m.knn > 0 {
		m.vote(x, p)
	}
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

// vote blends into p the classes of the training examples most like x
// (cosine similarity), each voting with its similarity.
func (m *Model) vote(x vector, p []float64) {
	sim := make([]float32, len(m.classOf))
	var touched []int32
	for j, f := range x.at {
		for _, e := range m.postings[f] {
			if sim[e.example] == 0 {
				touched = append(touched, e.example)
			}
			sim[e.example] += e.val * x.val[j]
		}
	}
	// The knn most similar, by a partial selection: a short list kept
	// in order as the touched examples come.
	type near struct {
		example int32
		sim     float32
	}
	best := make([]near, 0, m.knn+1)
	for _, e := range touched {
		s := sim[e]
		if len(best) == m.knn && s <= best[len(best)-1].sim {
			continue
		}
		i := len(best)
		best = append(best, near{})
		for i > 0 && (best[i-1].sim < s || best[i-1].sim == s && best[i-1].example > e) {
			best[i] = best[i-1]
			i--
		}
		best[i] = near{e, s}
		best = best[:min(len(best), m.knn)]
	}
	votes := make([]float64, len(p))
	total := 0.0
	for _, n := range best {
		votes[m.classOf[n.example]] += float64(n.sim)
		total += float64(n.sim)
	}
	if total == 0 {
		return
	}
	for c := range p {
		p[c] = (1-m.blend)*p[c] + m.blend*votes[c]/total
	}
}
