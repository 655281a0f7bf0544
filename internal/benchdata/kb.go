package benchdata

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
)

// The knowledge data set: n knowledge items made of the articles of
// ../shared/data/kb-articles.jsonl (real product documentation, 89 of
// them): each item takes one article's opening and some of its sections
// in a shuffled order, sometimes a section of another article, and a
// title that is the article's own or mixed with another's. Sources,
// types, product lines, products, states and dates follow the spread of
// a vendor's knowledge base: most items are knowledge articles, a few
// are videos; a few lines hold most items; about 5% are staff-only
// (drafts, retired items, Internal Tech Articles); items were written
// over five years, more of them lately. The choices are fixed by a seed,
// so every load of n items holds the same items.

// KBVersion names the knowledge data set's shape, as Version the cases'.
const KBVersion = "kb1"

// EnvKBArticles names a kb-articles.jsonl to read instead of the one
// found under shared/data above the working directory.
const EnvKBArticles = "CASEPORT_KB_ARTICLES"

// KB lines and products: KBLines product lines of KBProductsPerLine
// products each.
const (
	KBLines           = 6
	KBProductsPerLine = 4
	kbSeed            = 13
	kbSetting         = "bench.kb_shape"
)

// KBEpoch is when the oldest item of the knowledge data set was written;
// the newest five years later.
var KBEpoch = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// ErrNoKBArticles is a missing kb-articles.jsonl: the benchmarks that need
// it skip.
var ErrNoKBArticles = errors.New("no kb-articles.jsonl")

// KBArticle is one article of kb-articles.jsonl.
type KBArticle struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// KBShape is the knowledge data set of Items items.
type KBShape struct {
	Items    int
	articles []kbParts
}

// kbParts is an article cut at its second-level headings: the opening
// (what comes before the first), then each section.
type kbParts struct {
	title    string
	opening  string
	sections []string
}

// FindKBArticles returns the path of kb-articles.jsonl: given (the value
// of EnvKBArticles, which the benchmark reads), or
// shared/data/kb-articles.jsonl in the working directory or above it (the
// project's checkout sits beside shared/), or ErrNoKBArticles.
func FindKBArticles(given string) (string, error) {
	return findShared("kb-articles.jsonl", EnvKBArticles, given, ErrNoKBArticles)
}

// ErrNoSharedData is a missing file of shared/data: the measures that need
// one skip and say so.
var ErrNoSharedData = errors.New("no shared data")

// FindSharedData returns the path of a file of shared/data: given (the
// value of the environment variable env, which the caller reads), or
// shared/data/file in the working directory or above it, or an error
// wrapping ErrNoSharedData.
func FindSharedData(file, env, given string) (string, error) {
	return findShared(file, env, given, ErrNoSharedData)
}

func findShared(file, env, given string, missing error) (string, error) {
	if p := given; p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %w", missing, env, p, err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "shared", "data", file)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("%w: %s under shared/data above the working directory (set %s)", missing, file, env)
		}
		dir = up
	}
}

// NewKB returns the shape of n items made of the articles at path.
func NewKB(n int, path string) (*KBShape, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sh := &KBShape{Items: n}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var a KBArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if strings.TrimSpace(a.Title) == "" || strings.TrimSpace(a.Body) == "" {
			continue
		}
		sh.articles = append(sh.articles, cutSections(a))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(sh.articles) == 0 {
		return nil, fmt.Errorf("%s: %w (no article in it)", path, ErrNoKBArticles)
	}
	return sh, nil
}

func cutSections(a KBArticle) kbParts {
	p := kbParts{title: strings.TrimSpace(a.Title)}
	var cur strings.Builder
	inCode := false
	flush := func(first bool) {
		if first {
			p.opening = strings.TrimSpace(cur.String())
		} else if s := strings.TrimSpace(cur.String()); s != "" {
			p.sections = append(p.sections, s)
		}
		cur.Reset()
	}
	first := true
	for line := range strings.Lines(a.Body) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
		}
		if !inCode && strings.HasPrefix(line, "## ") {
			flush(first)
			first = false
		}
		cur.WriteString(line)
	}
	flush(first)
	return p
}

// Titles are the titles of the articles the items are made of.
func (sh *KBShape) Titles() []string {
	out := make([]string, len(sh.articles))
	for i, a := range sh.articles {
		out[i] = a.title
	}
	return out
}

// Name names the data set for kept stores: kb1_100k.
func (sh *KBShape) Name() string { return KBVersion + "_" + SizeName(sh.Items) }

// KBCatalog is the product lines and products of a loaded knowledge data
// set, lines in the shape's order, products by line.
type KBCatalog struct {
	Lines    []int64
	Products [][]int64
}

// weighted picks an index by weights.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

var (
	kbSources       = []desk.KBSource{desk.KBArticles, desk.KBDocumentation, desk.KBReleaseNotes, desk.KBVideos}
	kbSourceWeights = []int{55, 30, 10, 5}
	kbTypesOf       = map[desk.KBSource][]desk.KBArticleType{
		desk.KBArticles: {
			desk.KBProblemSolution, desk.KBQA, desk.KBConfigurationGuide, desk.KBSecurityAdvisory,
			desk.KBProcess, desk.KBInternalTech, desk.KBEOLAnnouncement,
		},
		desk.KBDocumentation: {desk.KBConfigurationGuide, desk.KBTechTutorial, desk.KBProcess},
		desk.KBReleaseNotes:  {desk.KBReleaseNotesType},
		desk.KBVideos:        {desk.KBTechTutorial, desk.KBConfigurationGuide},
	}
	kbTypeWeights = map[desk.KBSource][]int{
		desk.KBArticles:      {36, 30, 12, 8, 6, 4, 4},
		desk.KBDocumentation: {60, 25, 15},
		desk.KBReleaseNotes:  {1},
		desk.KBVideos:        {80, 20},
	}
	// A few lines hold most items.
	kbLineWeights    = []int{30, 25, 18, 12, 9, 6}
	kbProductWeights = []int{50, 25, 15, 10}
	kbTitleMix       = []string{"How to", "Troubleshooting", "Known issue:", "Best practices:", "FAQ:"}
)

// Item fills it with item i (counted from 0) of the data set and returns
// its index words.
func (sh *KBShape) Item(i int, cat *KBCatalog, it *desk.KBItem) desk.KBIndex {
	r := rand.New(rand.NewPCG(kbSeed, uint64(i)))
	a := sh.articles[r.IntN(len(sh.articles))]
	*it = desk.KBItem{}
	it.Source = kbSources[weighted(r, kbSourceWeights)]
	types := kbTypesOf[it.Source]
	it.Type = types[weighted(r, kbTypeWeights[it.Source])]
	switch n := r.IntN(1000); {
	case n < 20:
		it.State = desk.KBDraft
	case n < 35:
		it.State = desk.KBRetired
	default:
		it.State = desk.KBPublished
	}
	// 5% of the items belong to no line nor product.
	if r.IntN(20) > 0 {
		line := weighted(r, kbLineWeights)
		it.ProductLineID = cat.Lines[line]
		for range 1 + weighted(r, []int{60, 30, 10}) {
			it.ProductIDs = append(it.ProductIDs, cat.Products[line][weighted(r, kbProductWeights)])
		}
	}
	// The title: the article's, or mixed with a phrase or another's.
	switch n := r.IntN(10); {
	case n < 6:
		it.Title = a.title
	case n < 8:
		it.Title = kbTitleMix[r.IntN(len(kbTitleMix))] + " " + a.title
	default:
		it.Title = a.title + " and " + sh.articles[r.IntN(len(sh.articles))].title
	}
	if it.Type == desk.KBReleaseNotesType {
		it.Title = fmt.Sprintf("Release %d.%d.%d: %s", 1+r.IntN(9), r.IntN(20), r.IntN(10), it.Title)
	}
	// The body: the opening, two to four sections shuffled, and now and
	// then a section of another article.
	sections := append([]string(nil), a.sections...)
	r.Shuffle(len(sections), func(x, y int) { sections[x], sections[y] = sections[y], sections[x] })
	sections = sections[:min(len(sections), 2+r.IntN(3))]
	if r.IntN(3) == 0 {
		if other := sh.articles[r.IntN(len(sh.articles))]; len(other.sections) > 0 {
			sections = append(sections, other.sections[r.IntN(len(other.sections))])
		}
	}
	it.Body = strings.Join(append([]string{a.opening}, sections...), "\n\n")
	it.Summary = summaryOf(a.opening, it.Title)
	// Dates: more items lately (the square root spreads them toward the
	// end of the five years); most were updated some time after.
	span := 5 * 365 * 24 * time.Hour
	created := KBEpoch.Add(time.Duration(math.Sqrt(r.Float64()) * float64(span))).Truncate(time.Second)
	it.CreatedAt, it.UpdatedAt = created, created
	if r.IntN(2) == 0 {
		it.UpdatedAt = created.Add(time.Duration(r.Float64() * float64(KBEpoch.Add(span).Sub(created)))).Truncate(time.Second)
	}
	if it.State != desk.KBDraft {
		it.PublishedAt = created
	}
	return kb.Index(*it)
}

// summaryOf is the opening's first line of prose, cut to 200 characters,
// or the title.
func summaryOf(opening, title string) string {
	for line := range strings.Lines(opening) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "---") || strings.ContainsAny(line[:1], "<|`![:") {
			continue
		}
		if r := []rune(line); len(r) > 200 {
			line = string(r[:200])
		}
		return line
	}
	return title
}

// items yields the data set's items with their index words.
func (sh *KBShape) items(cat *KBCatalog) iter.Seq2[*desk.KBItem, desk.KBIndex] {
	return func(yield func(*desk.KBItem, desk.KBIndex) bool) {
		var it desk.KBItem
		for i := range sh.Items {
			idx := sh.Item(i, cat, &it)
			if !yield(&it, idx) {
				return
			}
		}
	}
}

// PrepareKB makes s hold the knowledge data set of sh, as Prepare the
// cases': a store that holds it already is left as it is (took is zero),
// an empty one is loaded, any other refused with ErrNotEmpty. It returns
// the data set's catalogue.
func PrepareKB(ctx context.Context, s *store.Store, sh *KBShape) (cat *KBCatalog, took time.Duration, err error) {
	held, err := s.Setting(ctx, kbSetting, "")
	if err != nil {
		return nil, 0, err
	}
	switch {
	case held == sh.Name():
		cat, err := readKBCatalog(ctx, s)
		return cat, 0, err
	case held != "":
		return nil, 0, fmt.Errorf("%w: the data set %s, not %s", ErrNotEmpty, held, sh.Name())
	}
	found, err := s.SearchKB(ctx, desk.KBSearch{Staff: true, Limit: 1})
	if err != nil {
		return nil, 0, err
	}
	catalog, err := s.Catalog(ctx)
	if err != nil {
		return nil, 0, err
	}
	if found.Total > 0 || len(catalog.Lines) > 0 {
		return nil, 0, fmt.Errorf("%w: knowledge items or product lines, but no whole data set", ErrNotEmpty)
	}
	start := time.Now()
	err = s.Write(ctx, func(tx *store.Tx) error {
		for l := range KBLines {
			lineID, err := tx.CreateProductLine(ctx, fmt.Sprintf("Line %d", l+1))
			if err != nil {
				return err
			}
			for p := range KBProductsPerLine {
				productID, err := tx.CreateProduct(ctx, fmt.Sprintf("KB Product %d.%d", l+1, p+1))
				if err != nil {
					return err
				}
				if err := tx.SetProductLine(ctx, productID, lineID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if cat, err = readKBCatalog(ctx, s); err != nil {
		return nil, 0, err
	}
	n, err := s.BenchInsertKBItems(ctx, sh.items(cat))
	if err != nil {
		return nil, 0, fmt.Errorf("load %d knowledge items: %w", sh.Items, err)
	}
	if n != sh.Items {
		return nil, 0, fmt.Errorf("load %d knowledge items: wrote %d", sh.Items, n)
	}
	if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, kbSetting, sh.Name()) }); err != nil {
		return nil, 0, err
	}
	return cat, time.Since(start), nil
}

func readKBCatalog(ctx context.Context, s *store.Store) (*KBCatalog, error) {
	catalog, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	cat := &KBCatalog{}
	for _, l := range catalog.Lines {
		if !strings.HasPrefix(l.Name, "Line ") {
			continue
		}
		var products []int64
		for _, p := range catalog.Products {
			if p.LineID == l.ID {
				products = append(products, p.ID)
			}
		}
		cat.Lines, cat.Products = append(cat.Lines, l.ID), append(cat.Products, products)
	}
	if len(cat.Lines) != KBLines {
		return nil, fmt.Errorf("knowledge data set: %d product lines, want %d", len(cat.Lines), KBLines)
	}
	return cat, nil
}
