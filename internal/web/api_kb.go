package web

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
)

// apiKBRoutes are the knowledge area's calls: the search with its
// filters and counts, items and their versions, and the editors' writes.
func (s *Server) apiKBRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/kb/search", Tag: "knowledge",
			Summary: "Search the knowledge base with its language (words, * and ?, AND/OR/NOT, NEAR, \"phrases\"): results, the counts of each filter's values, and the query as it was read",
			Query:   kbSearchParams, Answer: apiKBSearch{}, Status: http.StatusOK, Handle: s.apiKBSearch,
		},
		{
			Method: "GET", Path: "/api/v1/kb/items/{id}", Tag: "knowledge", Summary: "One knowledge item (drafts, retired items and Internal Tech Articles for staff only)",
			Answer: apiKBItem{}, Status: http.StatusOK, Handle: s.apiKBItem,
		},
		{
			Method: "GET", Path: "/api/v1/kb/items/{id}/versions", Tag: "knowledge", Summary: "Every version of an item, newest first: who changed what and when",
			Answer: []apiKBVersion{}, Status: http.StatusOK, Handle: s.apiKBVersions,
		},
		{
			Method: "POST", Path: "/api/v1/kb/items", Tag: "knowledge", Summary: "Write a new item, a draft or published at once (knowledge editors, portal admins)",
			Body: apiKBItemInput{}, Fields: kbFields, Answer: apiKBItem{}, Status: http.StatusCreated, Handle: s.apiCreateKBItem,
		},
		{
			Method: "PATCH", Path: "/api/v1/kb/items/{id}", Tag: "knowledge",
			Summary: "Write a new version of an item; with If-Match (the ETag) or version, refused with 409 when it changed since",
			Body:    apiKBItemInput{}, Fields: kbFields, Answer: apiKBItem{}, Status: http.StatusOK, Handle: s.apiUpdateKBItem,
		},
		{
			Method: "POST", Path: "/api/v1/kb/items/{id}/publish", Tag: "knowledge", Summary: "Publish a draft or a retired item",
			Body: apiKBVersionOnly{}, Answer: apiKBItem{}, Status: http.StatusOK, Handle: s.apiKBState(desk.KBPublished),
		},
		{
			Method: "POST", Path: "/api/v1/kb/import", Tag: "knowledge",
			Summary: "Import knowledge items: JSON Lines (one item a line) or a zip of Markdown files with front matter; a dry run reports every bad item with its line or file; a real run (dry_run=false) is all or nothing (knowledge editors, portal admins)",
			Query: []apiParam{
				{Name: "format", Doc: "jsonl (default) or zip"},
				{Name: "dry_run", Doc: "false to import; a dry run otherwise"},
			},
			Body: "", BodyMedia: "application/x-ndjson", Answer: apiKBImportReport{}, Status: http.StatusOK, Handle: s.apiKBImport,
		},
		{
			Method: "GET", Path: "/api/v1/kb/alerts", Tag: "knowledge", Summary: "Your alerts (Manage Alerts): the queries and items you follow and when their emails go out",
			Answer: []apiKBAlert{}, Status: http.StatusOK, Handle: s.apiKBAlerts,
		},
		{
			Method: "POST", Path: "/api/v1/kb/alerts", Tag: "knowledge",
			Summary: "Follow a query (kind query: q, sources, types, product lines, products, sort, an optional description) or an item (kind item: item_id); following it again answers the same alert",
			Body:    apiKBAlertInput{}, Answer: apiKBAlert{}, Status: http.StatusCreated, Handle: s.apiFollowKB,
		},
		{
			Method: "PATCH", Path: "/api/v1/kb/alerts/{id}", Tag: "knowledge",
			Summary: "Change when an alert's emails go out (daily, weekly, monthly or a weekday) or a followed query's description (never its query)",
			Body:    apiKBAlertChange{}, Answer: apiKBAlert{}, Status: http.StatusOK, Handle: s.apiUpdateKBAlert,
		},
		{
			Method: "DELETE", Path: "/api/v1/kb/alerts/{id}", Tag: "knowledge", Summary: "Stop following",
			Status: http.StatusNoContent, Handle: s.apiDeleteKBAlert,
		},
		{
			Method: "GET", Path: "/api/v1/me/advisories", Tag: "profile", Summary: "Whether you are subscribed to the security advisories",
			Answer: apiAdvisories{}, Status: http.StatusOK, Handle: s.apiAdvisories,
		},
		{
			Method: "PUT", Path: "/api/v1/me/advisories", Tag: "profile", Summary: "Subscribe to the security advisories (each new or updated Security Advisory, emailed the day it is published) or end it",
			Body: apiAdvisories{}, Answer: apiAdvisories{}, Status: http.StatusOK, Handle: s.apiSetAdvisories,
		},
		{
			Method: "POST", Path: "/api/v1/kb/items/{id}/retire", Tag: "knowledge", Summary: "Retire a published item: it stays, for staff, with its history",
			Body: apiKBVersionOnly{}, Answer: apiKBItem{}, Status: http.StatusOK, Handle: s.apiKBState(desk.KBRetired),
		},
	}
}

var kbSearchParams = []apiParam{
	{Name: "q", Doc: "the query in the search language (empty: every item)"},
	{Name: "source", Doc: "documentation, articles, videos or release_notes; several: repeat or separate by commas"},
	{Name: "type", Doc: "article types (qa, problem_solution, configuration_guide, tech_tutorial, process, internal_tech_article, eol_announcement, security_advisory, release_notes); several combine with OR"},
	{Name: "product_line", Doc: "product line IDs; several combine with OR"},
	{Name: "product", Doc: "product IDs; several combine with OR"},
	{Name: "sort", Doc: "relevance (default), date (newest first) or date_asc"},
	{Name: "limit", Doc: "results per page, 1 to 100 (default 10)", Integer: true},
	{Name: "cursor", Doc: "next_cursor of the previous page"},
}

// kbFields names the body's fields where the use case's differ.
var kbFields = map[string]string{"product_line": "product_line_id", "products": "product_ids"}

type apiKBSearch struct {
	// Query is the query as it was read, fully parenthesised.
	Query   string                       `json:"query"`
	Total   int                          `json:"total"`
	Results []apiKBResult                `json:"results"`
	Facets  map[string][]apiKBFacetValue `json:"facets"`
	Notes   []string                     `json:"notes,omitempty"`
	Took    float64                      `json:"took_seconds"`
	Next    string                       `json:"next_cursor,omitempty"`
}

type apiKBResult struct {
	apiKBItem
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
	// Highlights are the snippet's matched words, as offsets of
	// characters: [start, end) pairs.
	Highlights [][2]int `json:"highlights"`
}

type apiKBFacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type apiKBItem struct {
	ID            int64      `json:"id"`
	URL           string     `json:"url"`
	Source        string     `json:"source"`
	Type          string     `json:"type"`
	State         string     `json:"state"`
	ProductLineID int64      `json:"product_line_id,omitempty"`
	ProductIDs    []int64    `json:"product_ids"`
	Title         string     `json:"title"`
	Summary       string     `json:"summary"`
	Body          string     `json:"body,omitempty"`
	Version       int        `json:"version"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

type apiKBVersion struct {
	Version       int       `json:"version"`
	Source        string    `json:"source"`
	Type          string    `json:"type"`
	State         string    `json:"state"`
	ProductLineID int64     `json:"product_line_id,omitempty"`
	ProductIDs    []int64   `json:"product_ids"`
	Title         string    `json:"title"`
	Summary       string    `json:"summary"`
	Body          string    `json:"body"`
	ChangedAt     time.Time `json:"changed_at"`
	ChangedBy     int64     `json:"changed_by,omitempty"`
	Note          string    `json:"note"`
}

type apiKBItemInput struct {
	Source        string  `json:"source"`
	Type          string  `json:"type"`
	ProductLineID int64   `json:"product_line_id"`
	ProductIDs    []int64 `json:"product_ids"`
	Title         string  `json:"title"`
	Summary       string  `json:"summary"`
	Body          string  `json:"body"`
	// Publish publishes a new item at once (POST only).
	Publish bool `json:"publish,omitempty"`
	// Version is the version the change was made on (PATCH; or If-Match).
	Version int `json:"version,omitempty"`
	// Note says what changed, for the history (PATCH).
	Note string `json:"note,omitempty"`
}

type apiKBVersionOnly struct {
	Version int `json:"version,omitempty"`
}

func toAPIKBItem(it *desk.KBItem, withBody bool) apiKBItem {
	out := apiKBItem{
		ID: it.ID, URL: "/knowledge/" + strconv.FormatInt(it.ID, 10), Source: string(it.Source), Type: string(it.Type), State: string(it.State),
		ProductLineID: it.ProductLineID, ProductIDs: it.ProductIDs, Title: it.Title, Summary: it.Summary,
		Version: it.Version, UpdatedAt: it.UpdatedAt,
	}
	if out.ProductIDs == nil {
		out.ProductIDs = []int64{}
	}
	if !it.PublishedAt.IsZero() {
		t := it.PublishedAt
		out.PublishedAt = &t
	}
	if withBody {
		out.Body = it.Body
	}
	return out
}

type apiKBImportProblem struct {
	Item    int    `json:"item"`
	Line    int    `json:"line,omitempty"`
	File    string `json:"file,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

type apiKBImportReport struct {
	DryRun   bool                 `json:"dry_run"`
	Read     int                  `json:"read"`
	Imported int                  `json:"imported"`
	Problems []apiKBImportProblem `json:"problems"`
}

// maxKBImport bounds an import's upload: a zip of a large manual set.
const maxKBImport = kb.MaxImportZip

// apiKBImport imports knowledge items from the request body: a dry run
// unless dry_run=false. Bad items answer 422 with every problem.
func (s *Server) apiKBImport(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err // the policy before the body
	}
	q := r.URL.Query()
	format := kb.ImportJSONLines
	switch q.Get("format") {
	case "", "jsonl":
	case "zip":
		format = kb.ImportZip
	default:
		return invalid("format", "api.kb.bad_format")
	}
	body := http.MaxBytesReader(w, r.Body, maxKBImport)
	rep, err := s.knowledge.ImportFrom(r.Context(), request(r, a), body, format, q.Get("dry_run") != "false")
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return refuse(errTooLarge, "error.import.too_large", "MB", maxKBImport>>20)
	}
	if err != nil {
		return err
	}
	l := s.loc(r)
	out := apiKBImportReport{DryRun: rep.DryRun, Read: rep.Read, Imported: rep.Imported, Problems: make([]apiKBImportProblem, 0, len(rep.Problems))}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, apiKBImportProblem{Item: p.Item, Line: p.Line, File: p.File, Field: p.Field, Message: l.Message(p.Message)})
	}
	status := http.StatusOK
	if rep.Refused() {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, out)
	return nil
}

// kbAPIQuery reads the search's parameters; the cursor is the offset of
// the next page.
func kbAPIQuery(v url.Values) (kb.Query, error) {
	q := kb.Query{Q: v.Get("q"), Sort: desk.KBSort(v.Get("sort")), Limit: 10}
	if q.Sort == "" {
		q.Sort = desk.KBByRelevance
	}
	if !q.Sort.Valid() {
		return q, invalid("sort", "api.kb.bad_sort")
	}
	split := func(name string) []string {
		var out []string
		for _, s := range v[name] {
			for part := range strings.SplitSeq(s, ",") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
		}
		return out
	}
	for _, s := range split("source") {
		if !desk.KBSource(s).Valid() {
			return q, invalid("source", "api.kb.bad_source", "Value", s)
		}
		q.Sources = append(q.Sources, desk.KBSource(s))
	}
	for _, s := range split("type") {
		if !desk.KBArticleType(s).Valid() {
			return q, invalid("type", "api.kb.bad_type", "Value", s)
		}
		q.Types = append(q.Types, desk.KBArticleType(s))
	}
	for _, name := range []string{"product_line", "product"} {
		for _, s := range split(name) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return q, invalid(name, "api.kb.bad_id", "Value", s)
			}
			if name == "product" {
				q.Products = append(q.Products, n)
			} else {
				q.ProductLines = append(q.ProductLines, n)
			}
		}
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > kb.MaxPage {
			return q, invalid("limit", "api.kb.bad_limit", "Max", kb.MaxPage)
		}
		q.Limit = n
	}
	if c := v.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "o:"))
		if err != nil || perr != nil || n < 0 || !strings.HasPrefix(string(raw), "o:") {
			return q, invalid("cursor", "api.kb.bad_cursor")
		}
		q.Offset = n
	}
	return q, nil
}

func (s *Server) apiKBSearch(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ReadKnowledge, desk.Target{}); err != nil {
		return err
	}
	q, err := kbAPIQuery(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.knowledge.Search(r.Context(), a, q)
	if err != nil {
		return err
	}
	cat, err := s.knowledge.Catalog(r.Context(), a)
	if err != nil {
		return err
	}
	l := s.loc(r)
	out := apiKBSearch{Query: res.Parsed, Total: res.Total, Results: []apiKBResult{}, Facets: map[string][]apiKBFacetValue{}, Took: res.Took.Seconds()}
	for _, n := range res.Notes {
		out.Notes = append(out.Notes, l.Message(n))
	}
	for _, h := range res.Hits {
		parts := res.Snippet(h.Item)
		var b strings.Builder
		var marks [][2]int
		for _, p := range parts {
			start := len([]rune(b.String()))
			b.WriteString(p.Text)
			if p.Hit {
				marks = append(marks, [2]int{start, start + len([]rune(p.Text))})
			}
		}
		if marks == nil {
			marks = [][2]int{}
		}
		out.Results = append(out.Results, apiKBResult{apiKBItem: toAPIKBItem(&h.Item, false), Score: h.Score, Snippet: b.String(), Highlights: marks})
	}
	for facet, values := range res.Facets {
		list := []apiKBFacetValue{}
		for _, c := range values {
			label := facetLabel(l, cat, facet, c.Value)
			list = append(list, apiKBFacetValue{Value: c.Value, Label: label, Count: c.Count})
		}
		out.Facets[string(facet)] = list
	}
	if q.Offset+len(res.Hits) < res.Total {
		out.Next = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(q.Offset+len(res.Hits))))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// kbItemID reads the path's item ID; anything else is not found.
func kbItemID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.ErrNotFound
	}
	return id, nil
}

func (s *Server) apiKBItem(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := kbItemID(r)
	if err != nil {
		return err
	}
	it, err := s.knowledge.Item(r.Context(), a, id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+strconv.Itoa(it.Version)+`"`)
	writeJSON(w, http.StatusOK, toAPIKBItem(it, true))
	return nil
}

func (s *Server) apiKBVersions(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := kbItemID(r)
	if err != nil {
		return err
	}
	versions, err := s.knowledge.Versions(r.Context(), a, id)
	if err != nil {
		return err
	}
	out := make([]apiKBVersion, 0, len(versions))
	for _, v := range versions {
		products := v.ProductIDs
		if products == nil {
			products = []int64{}
		}
		out = append(out, apiKBVersion{
			Version: v.Version, Source: string(v.Source), Type: string(v.Type), State: string(v.State), ProductLineID: v.ProductLineID,
			ProductIDs: products, Title: v.Title, Summary: v.Summary, Body: v.Body, ChangedAt: v.ChangedAt, ChangedBy: v.ChangedBy, Note: v.Note,
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (in apiKBItemInput) input() desk.KBItemInput {
	return desk.KBItemInput{
		Source: desk.KBSource(in.Source), Type: desk.KBArticleType(in.Type), ProductLineID: in.ProductLineID, ProductIDs: in.ProductIDs,
		Title: in.Title, Summary: in.Summary, Body: in.Body,
	}
}

func (s *Server) apiCreateKBItem(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err // the policy before the body
	}
	var in apiKBItemInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := s.knowledge.Create(r.Context(), request(r, a), in.input(), in.Publish)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/kb/items/"+strconv.FormatInt(it.ID, 10))
	writeJSON(w, http.StatusCreated, toAPIKBItem(it, true))
	return nil
}

// kbSeen is the version a change was made on: If-Match (the ETag), or the
// body's version; zero when neither is given.
func kbSeen(r *http.Request, body int) (int, error) {
	if m := r.Header.Get("If-Match"); m != "" && m != "*" {
		n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(m, "W/"), `"`))
		if err != nil {
			return 0, invalid("version", "error.agent_case.if_match")
		}
		return n, nil
	}
	return body, nil
}

func (s *Server) apiUpdateKBItem(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
		return err
	}
	id, err := kbItemID(r)
	if err != nil {
		return err
	}
	var in apiKBItemInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	seen, err := kbSeen(r, in.Version)
	if err != nil {
		return err
	}
	it, err := s.knowledge.Update(r.Context(), request(r, a), id, seen, in.input(), in.Note)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+strconv.Itoa(it.Version)+`"`)
	writeJSON(w, http.StatusOK, toAPIKBItem(it, true))
	return nil
}

func (s *Server) apiKBState(to desk.KBState) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		if err := desk.Authorize(a, desk.EditKnowledge, desk.Target{}); err != nil {
			return err
		}
		id, err := kbItemID(r)
		if err != nil {
			return err
		}
		var in apiKBVersionOnly
		if r.ContentLength != 0 {
			if err := decodeJSON(w, r, &in); err != nil {
				return err
			}
		}
		seen, err := kbSeen(r, in.Version)
		if err != nil {
			return err
		}
		it, err := s.knowledge.SetState(r.Context(), request(r, a), id, seen, to)
		if err != nil {
			return err
		}
		w.Header().Set("ETag", `"`+strconv.Itoa(it.Version)+`"`)
		writeJSON(w, http.StatusOK, toAPIKBItem(it, true))
		return nil
	}
}
