// Package kb is the knowledge area: knowledge items (documentation,
// knowledge articles, videos, release notes), their versions, and the
// search with its language (desk.ParseKBQuery), filters and counts. Each
// method asks desk.Authorize before it reads or writes; the store keeps
// an item's search index in the item's own transaction.
package kb

import (
	"context"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
)

// Deps are what the knowledge area needs, given once to New.
type Deps struct {
	Store *store.Store
	// Files keeps the items' images and attachments (nil: items take no
	// files).
	Files files.Store
	// Clock returns the current time (nil: time.Now).
	Clock func() time.Time
	// BaseURL is the portal's address, for the links of alert emails.
	BaseURL string
	// Mail queues the alert emails (nil: none are sent).
	Mail Mailer
}

// Service is the knowledge area.
type Service struct {
	store   *store.Store
	files   files.Store
	clock   func() time.Time
	baseURL string
	mail    Mailer
}

// New builds the knowledge area.
func New(d Deps) *Service {
	clock := d.Clock
	if clock == nil {
		clock = time.Now
	}
	// The store keeps the items' words in memory too, made as they are
	// for its engines (store/kb_index.go).
	d.Store.SetKBIndexer(newIndexer)
	return &Service{store: d.Store, files: d.Files, clock: clock, baseURL: d.BaseURL, mail: d.Mail}
}

// now is the current time as the store keeps it.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// Query is a knowledge search as a reader asks it.
type Query struct {
	Q            string
	Sources      []desk.KBSource
	Types        []desk.KBArticleType
	ProductLines []int64
	Products     []int64
	// UpdatedAfter keeps the items last updated after it (zero: all).
	UpdatedAfter time.Time
	Sort         desk.KBSort
	Offset       int
	Limit        int
}

// Results is a page of a knowledge search.
type Results struct {
	desk.KBResults
	// Parsed is the query as it was read, fully parenthesised (empty when
	// no words were given).
	Parsed string
	// Notes say where the search did less than asked (a wildcard that
	// stood for too many words).
	Notes []desk.Message
	// Took is how long the search took.
	Took time.Duration
	// Matched are the index words the query found items with, for the
	// snippets' highlights.
	Matched map[string]bool
}

// Snippet is a hit's snippet: its summary and body's text around the
// first matched word.
func (r *Results) Snippet(it desk.KBItem) []SnippetPart {
	return Snippet(it.Summary+"\n"+PlainText(it.Body), r.Matched)
}

// MaxPage is the most results one page holds.
const MaxPage = 100

// Search runs a knowledge search for the actor: what they may read, and
// nothing else, in the results, the total and every count.
func (s *Service) Search(ctx context.Context, actor *desk.Actor, q Query) (*Results, error) {
	return s.search(ctx, actor, q, false)
}

// search is Search; engine says the store's engine alone answers (the
// tests hold the store's memory to it).
func (s *Service) search(ctx context.Context, actor *desk.Actor, q Query, engine bool) (*Results, error) {
	start := time.Now()
	if err := desk.Authorize(actor, desk.ReadKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	tree, err := desk.ParseKBQuery(q.Q)
	if err != nil {
		return nil, err
	}
	res := &Results{}
	search := desk.KBSearch{
		Staff:   desk.Authorize(actor, desk.ReadStaffKnowledge, desk.Target{}) == nil,
		Sources: q.Sources, Types: q.Types, ProductLines: q.ProductLines, Products: q.Products,
		UpdatedAfter: q.UpdatedAfter, Sort: q.Sort, Offset: max(q.Offset, 0), Limit: q.Limit,
	}
	if !search.Sort.Valid() {
		search.Sort = desk.KBByRelevance
	}
	if search.Limit <= 0 || search.Limit > MaxPage {
		search.Limit = 10
	}
	if tree != nil {
		res.Parsed = desk.FormatKBQuery(tree)
	}
	// prepare expands the query's words with the vocabulary of the index
	// that answers: false when nothing can match.
	prepare := func(vocab store.KBVocabulary) (desk.KBSearch, bool, error) {
		if tree == nil {
			return search, true, nil
		}
		match, notes, err := expand(ctx, vocab, tree)
		if err != nil || match == nil {
			res.Notes = notes
			return search, false, err
		}
		res.Notes, res.Matched = notes, matchedWords(match)
		out := search
		out.Match = match
		return out, true, nil
	}
	var found desk.KBResults
	var ran bool
	if engine {
		var prepared desk.KBSearch
		if prepared, ran, err = prepare(s.store); err == nil && ran {
			found, err = s.store.SearchKBEngine(ctx, prepared)
		}
	} else {
		found, ran, err = s.store.SearchKBWith(ctx, prepare)
	}
	if err != nil {
		return nil, err
	}
	if !ran {
		found.Facets = map[desk.KBFacet][]desk.KBFacetCount{}
	}
	res.KBResults = found
	res.Took = time.Since(start)
	return res, nil
}

// Warm reads the store's memory of the items ahead of the first search.
func (s *Service) Warm(ctx context.Context) error { return s.store.WarmKB(ctx) }

// save writes an item with its index in one transaction.
func (s *Service) save(ctx context.Context, it *desk.KBItem, note string) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		return tx.SaveKBItem(ctx, it, Index(*it), note)
	})
}

// Catalog is the product lines and products, which name the filters'
// values and an item's products, for whoever may read the knowledge.
func (s *Service) Catalog(ctx context.Context, actor *desk.Actor) (*desk.Catalog, error) {
	if err := desk.Authorize(actor, desk.ReadKnowledge, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Catalog(ctx)
}
