package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/support"
)

// The knowledge area's pages: the search with its filters and Search
// Tips, an item, and the console's pages where editors write items.

var (
	pageKnowledgeSearch   = page[knowledgeSearchData]{"knowledge-search"}
	pageKnowledgeTips     = page[noData]{"knowledge-tips"}
	pageKnowledgeItem     = page[knowledgeItemData]{"knowledge-item"}
	pageKnowledgeEdit     = page[knowledgeEditData]{"knowledge-edit"}
	pageKnowledgeVersions = page[knowledgeVersionsData]{"knowledge-versions"}
)

// kbSelectors are the Knowledge Sources selector's choices ("" is All
// Content): release notes are reached through All Content's Source filter.
var kbSelectors = []desk.KBSource{"", desk.KBDocumentation, desk.KBArticles, desk.KBVideos}

// kbFilters are the filters each choice of the selector offers, in order.
var kbFilters = map[desk.KBSource][]desk.KBFacet{
	"":                   {desk.KBFacetSource, desk.KBFacetProductLine, desk.KBFacetType, desk.KBFacetProduct},
	desk.KBDocumentation: {desk.KBFacetProductLine, desk.KBFacetProduct},
	desk.KBArticles:      {desk.KBFacetProductLine, desk.KBFacetType, desk.KBFacetProduct},
	desk.KBVideos:        {desk.KBFacetProductLine, desk.KBFacetProduct},
}

// kbFacetLabels name the filters (catalogue IDs).
var kbFacetLabels = map[desk.KBFacet]string{
	desk.KBFacetSource:      "page.kb.filter.source",
	desk.KBFacetType:        "page.kb.filter.type",
	desk.KBFacetProductLine: "page.kb.filter.product_line",
	desk.KBFacetProduct:     "page.kb.filter.product",
}

// kbPageSize is how many results a page of the search shows.
const kbPageSize = 10

// kbSearchForm is a search as the URL holds it, so a search can be
// bookmarked, shared and followed: the words, the selector, each filter's
// values, the order and the page.
type kbSearchForm struct {
	Q        string
	Selector desk.KBSource
	Sources  []desk.KBSource
	Types    []desk.KBArticleType
	Lines    []int64
	Products []int64
	Sort     desk.KBSort
	Page     int
}

// kbFormOf reads a search from a query string; values it cannot read are
// left out (a bookmark with a filter that no longer exists still searches).
func kbFormOf(v url.Values) kbSearchForm {
	f := kbSearchForm{Q: v.Get("q"), Selector: desk.KBSource(v.Get("ks")), Sort: desk.KBSort(v.Get("sort"))}
	if !f.Selector.Valid() || f.Selector == desk.KBReleaseNotes {
		f.Selector = ""
	}
	if !f.Sort.Valid() {
		f.Sort = desk.KBByRelevance
	}
	f.Page, _ = strconv.Atoi(v.Get("page"))
	f.Page = max(f.Page, 1)
	for _, s := range v["source"] {
		if src := desk.KBSource(s); src.Valid() && !slices.Contains(f.Sources, src) {
			f.Sources = append(f.Sources, src)
		}
	}
	for _, s := range v["type"] {
		if t := desk.KBArticleType(s); t.Valid() && !slices.Contains(f.Types, t) {
			f.Types = append(f.Types, t)
		}
	}
	f.Lines = ids(v["line"])
	f.Products = ids(v["product"])
	return f
}

func ids(values []string) []int64 {
	var out []int64
	for _, s := range values {
		for part := range strings.SplitSeq(s, ",") {
			if n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil && n > 0 && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// query is the form as the knowledge area searches it: the selector
// narrows to its source, the filters it does not offer are dropped.
func (f kbSearchForm) query() kb.Query {
	q := kb.Query{Q: f.Q, Sort: f.Sort, Offset: (f.Page - 1) * kbPageSize, Limit: kbPageSize}
	offered := kbFilters[f.Selector]
	if f.Selector != "" {
		q.Sources = []desk.KBSource{f.Selector}
	} else if slices.Contains(offered, desk.KBFacetSource) {
		q.Sources = f.Sources
	}
	if slices.Contains(offered, desk.KBFacetType) {
		q.Types = f.Types
	}
	q.ProductLines, q.Products = f.Lines, f.Products
	return q
}

// values writes the form back as a query string.
func (f kbSearchForm) values() url.Values {
	v := url.Values{}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.Selector != "" {
		v.Set("ks", string(f.Selector))
	}
	for _, s := range f.Sources {
		v.Add("source", string(s))
	}
	for _, t := range f.Types {
		v.Add("type", string(t))
	}
	for _, l := range f.Lines {
		v.Add("line", strconv.FormatInt(l, 10))
	}
	for _, p := range f.Products {
		v.Add("product", strconv.FormatInt(p, 10))
	}
	if f.Sort != desk.KBByRelevance {
		v.Set("sort", string(f.Sort))
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// SortParam is the order as the URL names it, empty for relevance.
func (f kbSearchForm) SortParam() string {
	if f.Sort == desk.KBByRelevance {
		return ""
	}
	return string(f.Sort)
}

// href is the search page's address for the form.
func (f kbSearchForm) href() string {
	if v := f.values().Encode(); v != "" {
		return "/knowledge?" + v
	}
	return "/knowledge"
}

// toggled is the form with a filter's value chosen or, when chosen, not.
func (f kbSearchForm) toggled(facet desk.KBFacet, value string) kbSearchForm {
	f.Page = 1
	switch facet {
	case desk.KBFacetSource:
		f.Sources = toggle(f.Sources, desk.KBSource(value))
	case desk.KBFacetType:
		f.Types = toggle(f.Types, desk.KBArticleType(value))
	case desk.KBFacetProductLine:
		n, _ := strconv.ParseInt(value, 10, 64)
		f.Lines = toggle(f.Lines, n)
	case desk.KBFacetProduct:
		n, _ := strconv.ParseInt(value, 10, 64)
		f.Products = toggle(f.Products, n)
	}
	return f
}

// cleared is the form without any value of a filter.
func (f kbSearchForm) cleared(facet desk.KBFacet) kbSearchForm {
	f.Page = 1
	switch facet {
	case desk.KBFacetSource:
		f.Sources = nil
	case desk.KBFacetType:
		f.Types = nil
	case desk.KBFacetProductLine:
		f.Lines = nil
	case desk.KBFacetProduct:
		f.Products = nil
	}
	return f
}

func (f kbSearchForm) chosen(facet desk.KBFacet, value string) bool {
	switch facet {
	case desk.KBFacetSource:
		return slices.Contains(f.Sources, desk.KBSource(value))
	case desk.KBFacetType:
		return slices.Contains(f.Types, desk.KBArticleType(value))
	case desk.KBFacetProductLine:
		n, _ := strconv.ParseInt(value, 10, 64)
		return slices.Contains(f.Lines, n)
	case desk.KBFacetProduct:
		n, _ := strconv.ParseInt(value, 10, 64)
		return slices.Contains(f.Products, n)
	}
	return false
}

func toggle[T comparable](list []T, v T) []T {
	if i := slices.Index(list, v); i >= 0 {
		return slices.Delete(slices.Clone(list), i, i+1)
	}
	return append(slices.Clone(list), v)
}

// knowledgeSearchData is the results page: the form, the selector, the
// filters with their counts, the results and the pages.
type knowledgeSearchData struct {
	Form      kbSearchForm
	Selectors []kbSelector
	Filters   []kbFilterView
	Results   []kbResultView
	Total     int
	First     int
	Last      int
	Seconds   string
	Notes     []string
	// RelevanceHref and DateHref order the results; Date chosen again
	// turns its order round (DateNewest says which way it goes now).
	RelevanceHref, DateHref string
	ByDate, DateNewest      bool
	PrevHref, NextHref      string
	Parsed                  string
	Searched                bool
	// Chosen is how many filter values and sources are chosen: the
	// filters open on a phone when there are any.
	Chosen int
	// Back is this page, where Follow and Stop following return.
	Back string
}

type kbSelector struct {
	Source  desk.KBSource
	Href    string
	Current bool
}

type kbFilterView struct {
	Facet     desk.KBFacet
	Name      string
	Values    []kbFilterValue
	ClearHref string
}

type kbFilterValue struct {
	Name    string
	Count   int
	Href    string
	Chosen  bool
	Visible bool // the first few; the rest behind "Show more"
}

type kbResultView struct {
	Item        desk.KBItem
	Href        string
	Snippet     []kb.SnippetPart
	ProductLine string
	// Following says the reader follows the item.
	Following bool
}

// kbFilterShown is how many values of a filter show before "Show more".
const kbFilterShown = 8

func (s *Server) knowledgeSearch(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	f := kbFormOf(r.URL.Query())
	status := http.StatusOK
	d := knowledgeSearchData{Form: f, Chosen: len(f.Sources) + len(f.Types) + len(f.Lines) + len(f.Products)}
	if f.Selector != "" {
		d.Chosen++
	}
	for _, src := range kbSelectors {
		g := f
		g.Selector, g.Sources, g.Page = src, nil, 1
		if src != "" && !slices.Contains(kbFilters[src], desk.KBFacetType) {
			g.Types = nil
		}
		d.Selectors = append(d.Selectors, kbSelector{Source: src, Href: g.href(), Current: src == f.Selector})
	}
	var errs map[string]string
	res, err := s.knowledge.Search(r.Context(), a, f.query())
	switch {
	case desk.FieldMessages(err) != nil:
		errs = s.fieldMessages(r, err)
		status = http.StatusUnprocessableEntity
	case err != nil:
		return err
	default:
		if err := s.fillKnowledgeResults(r, a, f, res, &d); err != nil {
			return err
		}
	}
	title := s.loc(r).T("page.kb.title")
	render(s, w, r, status, pageKnowledgeSearch, &view{Title: title, User: a.User, Form: url.Values{"q": {f.Q}}, Errors: errs}, d)
	return nil
}

func (s *Server) fillKnowledgeResults(r *http.Request, a *desk.Actor, f kbSearchForm, res *kb.Results, d *knowledgeSearchData) error {
	l := s.loc(r)
	cat, err := s.knowledge.Catalog(r.Context(), a)
	if err != nil {
		return err
	}
	followed, err := s.knowledge.FollowedItems(r.Context(), a)
	if err != nil {
		return err
	}
	d.Searched, d.Parsed, d.Total, d.Back = true, res.Parsed, res.Total, f.href()
	d.Seconds = strconv.FormatFloat(res.Took.Seconds(), 'f', 2, 64)
	for _, n := range res.Notes {
		d.Notes = append(d.Notes, l.Message(n))
	}
	for _, facet := range kbFilters[f.Selector] {
		fv := kbFilterView{Facet: facet, Name: l.T(kbFacetLabels[facet]), ClearHref: f.cleared(facet).href()}
		for i, c := range res.Facets[facet] {
			label := facetLabel(l, cat, facet, c.Value)
			if label == "" {
				continue // a line or product deleted meanwhile
			}
			chosen := f.chosen(facet, c.Value)
			fv.Values = append(fv.Values, kbFilterValue{
				Name: label, Count: c.Count, Href: f.toggled(facet, c.Value).href(),
				Chosen: chosen, Visible: chosen || i < kbFilterShown,
			})
		}
		if len(fv.Values) > 0 {
			d.Filters = append(d.Filters, fv)
		}
	}
	for _, h := range res.Hits {
		d.Results = append(d.Results, kbResultView{
			Item: h.Item, Href: fmt.Sprintf("/knowledge/%d", h.Item.ID),
			Snippet: res.Snippet(h.Item), ProductLine: facetLabel(l, cat, desk.KBFacetProductLine, strconv.FormatInt(h.Item.ProductLineID, 10)),
			Following: followed[h.Item.ID] != 0,
		})
	}
	if len(d.Results) > 0 {
		d.First = (f.Page-1)*kbPageSize + 1
		d.Last = d.First + len(d.Results) - 1
	}
	rel, date := f, f
	rel.Sort, rel.Page = desk.KBByRelevance, 1
	date.Page = 1
	d.ByDate = f.Sort != desk.KBByRelevance
	d.DateNewest = f.Sort == desk.KBNewest
	switch f.Sort {
	case desk.KBNewest:
		date.Sort = desk.KBOldest
	default:
		date.Sort = desk.KBNewest
	}
	d.RelevanceHref, d.DateHref = rel.href(), date.href()
	if f.Page > 1 {
		prev := f
		prev.Page--
		d.PrevHref = prev.href()
	}
	if d.Last < d.Total {
		next := f
		next.Page++
		d.NextHref = next.href()
	}
	return nil
}

func (s *Server) knowledgeTips(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ReadKnowledge, desk.Target{}); err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageKnowledgeTips, &view{Title: s.loc(r).T("page.kb.tips.title"), User: a.User}, noData{})
	return nil
}

// knowledgeItemData is one item's page.
type knowledgeItemData struct {
	Item        *desk.KBItem
	ProductLine string
	Products    []string
	CanEdit     bool
	Following   bool
	// Files are the item's images and attachments.
	Files []kbFileView
}

func (s *Server) knowledgeItem(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	it, err := s.knowledge.Item(r.Context(), a, id)
	if err != nil {
		return err
	}
	cat, err := s.knowledge.Catalog(r.Context(), a)
	if err != nil {
		return err
	}
	d := knowledgeItemData{Item: it, CanEdit: desk.Authorize(a, desk.EditKnowledge, desk.Target{}) == nil}
	if f, err := s.knowledge.FollowsItem(r.Context(), a, it.ID); err != nil {
		return err
	} else if f != nil {
		d.Following = true
	}
	d.ProductLine, d.Products = catalogNames(cat, it.ProductLineID, it.ProductIDs)
	list, err := s.knowledge.Files(r.Context(), a, id)
	if err != nil {
		return err
	}
	d.Files = kbFileViews(list)
	render(s, w, r, http.StatusOK, pageKnowledgeItem, &view{Title: it.Title, User: a.User}, d)
	return nil
}

// facetLabel names a filter's value: a source's or type's label, a
// product line's or product's name ("" for one deleted meanwhile).
func facetLabel(l *i18n.Localizer, cat *desk.Catalog, facet desk.KBFacet, value string) string {
	switch facet {
	case desk.KBFacetSource:
		return l.Label(desk.KBSource(value))
	case desk.KBFacetType:
		return l.Label(desk.KBArticleType(value))
	}
	id, _ := strconv.ParseInt(value, 10, 64)
	line, products := catalogNames(cat, id, []int64{id})
	if facet == desk.KBFacetProductLine {
		return line
	}
	if len(products) == 1 {
		return products[0]
	}
	return ""
}

// catalogNames names an item's product line and products.
func catalogNames(cat *desk.Catalog, lineID int64, productIDs []int64) (string, []string) {
	var line string
	for _, l := range cat.Lines {
		if l.ID == lineID {
			line = l.Name
		}
	}
	var products []string
	for _, p := range cat.Products {
		if slices.Contains(productIDs, p.ID) {
			products = append(products, p.Name)
		}
	}
	return line, products
}

// knowledgeEditData is the editor's form of an item (Item nil: a new one).
type knowledgeEditData struct {
	Item    *desk.KBItem
	Catalog *desk.Catalog
	Sources []desk.KBSource
	Types   []desk.KBArticleType
	// Products are the chosen products, for the form's boxes.
	Products map[int64]bool
	// Files are the item's images and attachments, with the form that
	// adds one.
	Files []kbFileView
	// MaxFileMB is the largest file an item takes, in MB.
	MaxFileMB int
}

func (s *Server) knowledgeEditor(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showKnowledgeEditor(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showKnowledgeEditor(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err
	}
	cat, err := s.knowledge.Catalog(r.Context(), a)
	if err != nil {
		return err
	}
	d := knowledgeEditData{Catalog: cat, Sources: desk.KBSources, Types: desk.KBArticleTypes, Products: map[int64]bool{}}
	title := s.loc(r).T("page.kb.edit.new_title")
	if id := r.PathValue("id"); id != "" {
		n, _ := strconv.ParseInt(id, 10, 64)
		it, err := s.knowledge.Item(r.Context(), a, n)
		if err != nil && (!errors.Is(err, desk.ErrNotFound) || errs == nil) {
			return err
		}
		if it != nil {
			list, err := s.knowledge.Files(r.Context(), a, it.ID)
			if err != nil {
				return err
			}
			d.Files, d.MaxFileMB = kbFileViews(list), kb.MaxFileSize>>20
			d.Item, title = it, s.loc(r).T("page.kb.edit.edit_title", "Title", it.Title)
			form = withDefaults(form, url.Values{
				"title": {it.Title}, "summary": {it.Summary}, "body": {it.Body}, "source": {string(it.Source)},
				"type": {string(it.Type)}, "product_line": {strconv.FormatInt(it.ProductLineID, 10)},
				"version": {strconv.Itoa(it.Version)},
			})
			if form.Get("products_sent") == "" {
				for _, p := range it.ProductIDs {
					form.Add("products", strconv.FormatInt(p, 10))
				}
			}
		}
	}
	for _, p := range ids(form["products"]) {
		d.Products[p] = true
	}
	render(s, w, r, status, pageKnowledgeEdit, &view{Title: title, User: a.User, Form: form, Errors: errs}, d)
	return nil
}

// kbInputOf reads the editor's form.
func kbInputOf(v url.Values) desk.KBItemInput {
	line, _ := strconv.ParseInt(v.Get("product_line"), 10, 64)
	return desk.KBItemInput{
		Source: desk.KBSource(v.Get("source")), Type: desk.KBArticleType(v.Get("type")), ProductLineID: line,
		ProductIDs: ids(v["products"]), Title: v.Get("title"), Summary: v.Get("summary"), Body: v.Get("body"),
	}
}

func (s *Server) createKnowledgeItem(r *http.Request, req support.Request) (string, string, error) {
	publish := r.PostForm.Get("publish") != ""
	it, err := s.knowledge.Create(r.Context(), req, kbInputOf(r.PostForm), publish)
	if err != nil {
		return "", "", err
	}
	notice := "notice.kb.draft_saved"
	if publish {
		notice = "notice.kb.published"
	}
	return fmt.Sprintf("/knowledge/%d", it.ID), s.loc(r).T(notice, "Title", it.Title), nil
}

func (s *Server) updateKnowledgeItem(r *http.Request, req support.Request) (string, string, error) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	it, err := s.knowledge.Update(r.Context(), req, id, version, kbInputOf(r.PostForm), r.PostForm.Get("note"))
	if kb.IsStale(err) {
		return "", "", desk.Invalid(formLevel, "page.kb.edit.stale")
	}
	if err != nil {
		return "", "", err
	}
	return fmt.Sprintf("/knowledge/%d", it.ID), s.loc(r).T("notice.kb.saved", "Title", it.Title), nil
}

func (s *Server) setKnowledgeState(r *http.Request, req support.Request) (string, string, error) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	to := desk.KBState(r.PostForm.Get("state"))
	it, err := s.knowledge.SetState(r.Context(), req, id, version, to)
	if kb.IsStale(err) {
		return "", "", desk.Invalid(formLevel, "page.kb.edit.stale")
	}
	if err != nil {
		return "", "", err
	}
	notice := "notice.kb.published"
	if to == desk.KBRetired {
		notice = "notice.kb.retired"
	}
	return fmt.Sprintf("/knowledge/%d", it.ID), s.loc(r).T(notice, "Title", it.Title), nil
}

// kbVersionRow is a version with what it changed in words: the editor's
// note, else what the version did (created, published, retired, edited).
type kbVersionRow struct {
	desk.KBVersion
	What string
}

// knowledgeVersionsData is an item's versions and the difference between
// two of them.
type knowledgeVersionsData struct {
	Item     *desk.KBItem
	Versions []kbVersionRow
	Older    *desk.KBVersion
	Newer    *desk.KBVersion
	Diff     []kb.DiffLine
	Changes  []string
}

func (s *Server) knowledgeVersions(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err
	}
	it, err := s.knowledge.Item(r.Context(), a, id)
	if err != nil {
		return err
	}
	versions, err := s.knowledge.Versions(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := knowledgeVersionsData{Item: it}
	l := s.loc(r)
	for i, v := range versions {
		row := kbVersionRow{KBVersion: v, What: v.Note}
		if row.What == "" {
			switch {
			case v.Version == 1:
				row.What = l.T("page.kb.versions.created")
			case i+1 < len(versions) && versions[i+1].State != v.State:
				row.What = l.Label(v.State)
			default:
				row.What = l.T("page.kb.versions.edited")
			}
		}
		d.Versions = append(d.Versions, row)
	}
	pick := func(param string, fallback int) *desk.KBVersion {
		n, err := strconv.Atoi(r.URL.Query().Get(param))
		if err != nil {
			n = fallback
		}
		for i := range versions {
			if versions[i].Version == n {
				return &versions[i]
			}
		}
		return nil
	}
	d.Newer = pick("b", it.Version)
	d.Older = pick("a", it.Version-1)
	if d.Older != nil && d.Newer != nil {
		if d.Older.Version > d.Newer.Version {
			d.Older, d.Newer = d.Newer, d.Older
		}
		d.Diff = kb.Diff(d.Older.Title+"\n\n"+d.Older.Summary+"\n\n"+d.Older.Body, d.Newer.Title+"\n\n"+d.Newer.Summary+"\n\n"+d.Newer.Body)
		if d.Older.State != d.Newer.State {
			d.Changes = append(d.Changes, l.T("page.kb.versions.state_changed", "From", l.Label(d.Older.State), "To", l.Label(d.Newer.State)))
		}
		if d.Older.Source != d.Newer.Source || d.Older.Type != d.Newer.Type {
			d.Changes = append(d.Changes, l.T("page.kb.versions.kind_changed",
				"From", l.Label(d.Older.Source)+" · "+l.Label(d.Older.Type), "To", l.Label(d.Newer.Source)+" · "+l.Label(d.Newer.Type)))
		}
		if d.Older.ProductLineID != d.Newer.ProductLineID || !slices.Equal(d.Older.ProductIDs, d.Newer.ProductIDs) {
			d.Changes = append(d.Changes, l.T("page.kb.versions.products_changed"))
		}
	}
	render(s, w, r, http.StatusOK, pageKnowledgeVersions, &view{Title: s.loc(r).T("page.kb.versions.title", "Title", it.Title), User: a.User}, d)
	return nil
}
