package desk

import (
	"slices"
	"strings"
	"time"
)

// The knowledge area's domain: items (documentation, knowledge articles,
// videos, release notes), who may read them, and the query tree each store
// engine runs.

// KBSource is where a knowledge item comes from: the Knowledge Sources
// selector and the Source filter of the results page.
type KBSource string

// Knowledge sources. Release notes are a source of their own (seed 003's
// "Source" facet), reached through All Content.
const (
	KBDocumentation KBSource = "documentation"
	KBArticles      KBSource = "articles"
	KBVideos        KBSource = "videos"
	KBReleaseNotes  KBSource = "release_notes"
)

// KBSources lists the sources in the order the selector shows them.
var KBSources = []KBSource{KBDocumentation, KBArticles, KBVideos, KBReleaseNotes}

// Valid reports whether s is a known source.
func (s KBSource) Valid() bool { return slices.Contains(KBSources, s) }

// MessageID names the source's label in the catalogue.
func (s KBSource) MessageID() string { return "desk.kb.source." + string(s) }

// KBArticleType is the kind of a knowledge item.
type KBArticleType string

// Article types (seed 003 "Search Tips").
const (
	KBQA                 KBArticleType = "qa"
	KBProblemSolution    KBArticleType = "problem_solution"
	KBConfigurationGuide KBArticleType = "configuration_guide"
	KBTechTutorial       KBArticleType = "tech_tutorial"
	KBProcess            KBArticleType = "process"
	KBInternalTech       KBArticleType = "internal_tech_article"
	KBEOLAnnouncement    KBArticleType = "eol_announcement"
	KBSecurityAdvisory   KBArticleType = "security_advisory"
	KBReleaseNotesType   KBArticleType = "release_notes"
)

// KBArticleTypes lists the article types in the order the filter shows them.
var KBArticleTypes = []KBArticleType{
	KBQA, KBProblemSolution, KBConfigurationGuide, KBTechTutorial, KBProcess,
	KBInternalTech, KBEOLAnnouncement, KBSecurityAdvisory, KBReleaseNotesType,
}

// Valid reports whether t is a known article type.
func (t KBArticleType) Valid() bool { return slices.Contains(KBArticleTypes, t) }

// MessageID names the type's label in the catalogue.
func (t KBArticleType) MessageID() string { return "desk.kb.type." + string(t) }

// KBState is where a knowledge item is in its life.
type KBState string

// Knowledge item states.
const (
	KBDraft     KBState = "draft"
	KBPublished KBState = "published"
	KBRetired   KBState = "retired"
)

// Valid reports whether s is a known state.
func (s KBState) Valid() bool { return s == KBDraft || s == KBPublished || s == KBRetired }

// MessageID names the state's label in the catalogue.
func (s KBState) MessageID() string { return "desk.kb.state." + string(s) }

// IsDraft reports whether s is a draft (pages ask the state, never
// compare its text).
func (s KBState) IsDraft() bool { return s == KBDraft }

// IsPublished reports whether s is published.
func (s KBState) IsPublished() bool { return s == KBPublished }

// IsRetired reports whether s is retired.
func (s KBState) IsRetired() bool { return s == KBRetired }

// KBStaffOnly reports whether an item of this type in this state is for
// staff alone: drafts, retired items and Internal Tech Articles never
// reach a contact (results, counts, facets, alerts, suggestions, API).
func KBStaffOnly(t KBArticleType, s KBState) bool {
	return t == KBInternalTech || s != KBPublished
}

// ProductLine groups products of the catalogue.
type ProductLine struct {
	ID   int64
	Name string
}

// KBItem is a knowledge item as it is now.
type KBItem struct {
	ID            int64
	Source        KBSource
	Type          KBArticleType
	ProductLineID int64 // zero: no product line
	ProductIDs    []int64
	State         KBState
	Title         string
	Summary       string
	Body          string // Markdown
	Version       int
	CreatedAt     time.Time
	CreatedBy     int64
	UpdatedAt     time.Time
	UpdatedBy     int64
	PublishedAt   time.Time // zero until first published
}

// StaffOnly reports whether only staff may read the item.
func (i KBItem) StaffOnly() bool { return KBStaffOnly(i.Type, i.State) }

// KBVersion is one version of an item: what it was and who made it so.
type KBVersion struct {
	ItemID        int64
	Version       int
	Source        KBSource
	Type          KBArticleType
	ProductLineID int64
	ProductIDs    []int64
	State         KBState
	Title         string
	Summary       string
	Body          string
	ChangedAt     time.Time
	ChangedBy     int64
	Note          string
}

// KBIndex is what the search index holds of an item: the words of its
// title and of its summary and body, in order (internal/words), and each
// distinct word with its stem for the vocabulary.
type KBIndex struct {
	Title []string
	Body  []string
	Stems map[string]string
}

// KBColumnGap is how far apart, in positions, PostgreSQL's one tsvector
// keeps the title's words from the body's, so that no phrase or NEAR
// reaches from one into the other (FTS5 keeps them in two columns).
const KBColumnGap = 2 * KBNearMax

// KBMatch is a query as the store engines run it: the parsed query with
// each word, wildcard and phrase replaced by the index words it stands
// for.
type KBMatch interface{ kbMatch() }

// KBMatchSeq finds words at consecutive positions: each position any of
// its words. A plain word or a wildcard word is one position with its
// words; a phrase is one word at each of its positions.
type KBMatchSeq struct{ Words [][]string }

// KBMatchAnd finds what every part finds; KBMatchNot parts leave out.
type KBMatchAnd struct{ Parts []KBMatch }

// KBMatchOr finds what any part finds.
type KBMatchOr struct{ Parts []KBMatch }

// KBMatchNot leaves out what its part finds, inside a KBMatchAnd with a
// part that finds.
type KBMatchNot struct{ Part KBMatch }

// KBMatchNear finds Left and Right, in either order, with at most
// Distance other words between them.
type KBMatchNear struct {
	Left, Right KBMatchSeq
	Distance    int
}

func (KBMatchSeq) kbMatch()  {}
func (KBMatchAnd) kbMatch()  {}
func (KBMatchOr) kbMatch()   {}
func (KBMatchNot) kbMatch()  {}
func (KBMatchNear) kbMatch() {}

// SimplifyKBMatch removes what can find nothing: a position with no words
// (a word the index does not hold, a wildcard that fits none) makes its
// sequence find nothing, an AND with such a part finds nothing, an OR
// keeps its other parts and a NOT of nothing leaves nothing out. It
// returns nil when the whole query finds nothing.
func SimplifyKBMatch(m KBMatch) KBMatch {
	switch m := m.(type) {
	case KBMatchSeq:
		if len(m.Words) == 0 {
			return nil
		}
		for _, w := range m.Words {
			if len(w) == 0 {
				return nil
			}
		}
		return m
	case KBMatchNear:
		if SimplifyKBMatch(m.Left) == nil || SimplifyKBMatch(m.Right) == nil {
			return nil
		}
		return m
	case KBMatchNot:
		part := SimplifyKBMatch(m.Part)
		if part == nil {
			return nil
		}
		return KBMatchNot{Part: part}
	case KBMatchAnd:
		var parts []KBMatch
		finds := false
		for _, p := range m.Parts {
			if not, ok := p.(KBMatchNot); ok {
				if part := SimplifyKBMatch(not); part != nil {
					parts = append(parts, part)
				}
				continue
			}
			part := SimplifyKBMatch(p)
			if part == nil {
				return nil
			}
			parts = append(parts, part)
			finds = true
		}
		if !finds {
			return nil
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return KBMatchAnd{Parts: parts}
	case KBMatchOr:
		var parts []KBMatch
		for _, p := range m.Parts {
			if part := SimplifyKBMatch(p); part != nil {
				parts = append(parts, part)
			}
		}
		switch len(parts) {
		case 0:
			return nil
		case 1:
			return parts[0]
		}
		return KBMatchOr{Parts: parts}
	}
	return nil
}

// KBSort orders knowledge results.
type KBSort string

// Knowledge result orders: Relevance, or Date (last updated) newest or
// oldest first.
const (
	KBByRelevance KBSort = "relevance"
	KBNewest      KBSort = "date"
	KBOldest      KBSort = "date_asc"
)

// Valid reports whether s is a known order.
func (s KBSort) Valid() bool { return s == KBByRelevance || s == KBNewest || s == KBOldest }

// KBSearch is one knowledge search as the store runs it.
type KBSearch struct {
	// Match is the expanded query; nil lists every item.
	Match KBMatch
	// Staff includes what only staff may read.
	Staff bool
	// Filters: several values of one combine with OR, the filters with AND.
	Sources      []KBSource
	Types        []KBArticleType
	ProductLines []int64
	Products     []int64
	// UpdatedAfter keeps only the items last updated after it (zero: every
	// item), in the hits and the counts alike: the alerts ask for what
	// changed since a reader's last alert.
	UpdatedAfter time.Time
	Sort         KBSort
	Offset       int
	Limit        int
}

// KBFacet names a filter of the results page.
type KBFacet string

// The results page's filters.
const (
	KBFacetSource      KBFacet = "source"
	KBFacetType        KBFacet = "type"
	KBFacetProductLine KBFacet = "product_line"
	KBFacetProduct     KBFacet = "product"
)

// KBFacetCount is one value of a filter with the number of results it
// would have: under the query and every other filter, not its own, so
// the reader sees what choosing another value of the same filter adds.
type KBFacetCount struct {
	Value string // the source, the type, or the product line's or product's ID
	Count int
}

// KBHit is one result: the item and its score (higher is better;
// relevance order only).
type KBHit struct {
	Item  KBItem
	Score float64
}

// KBResults is a page of results, how many there are in all and the
// counts of each filter's values.
type KBResults struct {
	Hits   []KBHit
	Total  int
	Facets map[KBFacet][]KBFacetCount
}

// Limits of a knowledge item's fields, in characters.
const (
	MaxKBTitle   = 300
	MaxKBSummary = 1000
	MaxKBBody    = 200_000
)

// KBItemInput is what an editor writes of an item.
type KBItemInput struct {
	Source        KBSource
	Type          KBArticleType
	ProductLineID int64
	ProductIDs    []int64
	Title         string
	Summary       string
	Body          string
}

// Check records what is wrong with the input against the catalogue: a
// title, a known source and type, a product line and products that exist,
// each product in the item's line when it belongs to one.
func (in KBItemInput) Check(cat *Catalog) Problems {
	p := Problems{}
	if msg := textProblem(textKind{max: MaxKBTitle}, in.Title); msg.ID != "" {
		p.Add("title", msg)
	} else if strings.TrimSpace(in.Title) == "" {
		p.AddMessage("title", "desk.kb.item.title_required")
	}
	if msg := textProblem(textKind{max: MaxKBSummary, lines: true}, in.Summary); msg.ID != "" {
		p.Add("summary", msg)
	}
	if msg := textProblem(textKind{max: MaxKBBody, lines: true}, in.Body); msg.ID != "" {
		p.Add("body", msg)
	}
	if !in.Source.Valid() {
		p.AddMessage("source", "desk.kb.item.source_unknown", "Source", string(in.Source))
	}
	if !in.Type.Valid() {
		p.AddMessage("type", "desk.kb.item.type_unknown", "Type", string(in.Type))
	}
	if in.ProductLineID != 0 && !slices.ContainsFunc(cat.Lines, func(l ProductLine) bool { return l.ID == in.ProductLineID }) {
		p.AddMessage("product_line", "desk.kb.item.line_unknown")
	}
	for _, id := range in.ProductIDs {
		i := slices.IndexFunc(cat.Products, func(pr Product) bool { return pr.ID == id })
		switch {
		case i < 0:
			p.AddMessage("products", "desk.kb.item.product_unknown", "ID", id)
		case cat.Products[i].LineID != 0 && in.ProductLineID != 0 && cat.Products[i].LineID != in.ProductLineID:
			p.AddMessage("products", "desk.kb.item.product_other_line", "Product", cat.Products[i].Name)
		}
	}
	return p
}

// CanBecome reports whether an item in state s may move to state to:
// a draft is published, a published item retired, a retired one published
// again; editing keeps the state.
func (s KBState) CanBecome(to KBState) bool {
	switch s {
	case KBDraft:
		return to == KBPublished
	case KBPublished:
		return to == KBRetired
	case KBRetired:
		return to == KBPublished
	}
	return false
}
