package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
)

// The API of Search Alerts: the rows of Manage Alerts.

type apiKBAlert struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	// ItemID and Title are the followed item's (kind item).
	ItemID int64  `json:"item_id,omitempty"`
	Title  string `json:"title,omitempty"`
	// Query is the followed search (kind query) as the search call takes
	// it; Description what you call it.
	Query       string    `json:"query,omitempty"`
	Description string    `json:"description,omitempty"`
	Delivery    string    `json:"delivery"`
	URL         string    `json:"url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	LastAlertAt time.Time `json:"last_alert_at"`
}

type apiKBAlertInput struct {
	// Kind is query or item.
	Kind         string   `json:"kind"`
	ItemID       int64    `json:"item_id,omitempty"`
	Q            string   `json:"q,omitempty"`
	Sources      []string `json:"sources,omitempty"`
	Types        []string `json:"types,omitempty"`
	ProductLines []int64  `json:"product_lines,omitempty"`
	Products     []int64  `json:"products,omitempty"`
	Sort         string   `json:"sort,omitempty"`
	Description  string   `json:"description,omitempty"`
}

type apiKBAlertChange struct {
	// Delivery is daily, weekly, monthly or a weekday (monday..sunday).
	Delivery    *string `json:"delivery,omitempty"`
	Description *string `json:"description,omitempty"`
}

type apiAdvisories struct {
	Subscribed bool `json:"subscribed"`
}

func toAPIKBAlert(f kb.Followed) apiKBAlert {
	out := apiKBAlert{ID: f.ID, Kind: string(f.Kind), Delivery: string(f.Delivery), CreatedAt: f.CreatedAt, LastAlertAt: f.LastAlertAt}
	switch f.Kind {
	case desk.KBFollowItem:
		out.ItemID, out.Title, out.URL = f.ItemID, f.Title, "/knowledge/"+strconv.FormatInt(f.ItemID, 10)
	case desk.KBFollowQuery:
		out.Query, out.Description, out.URL = f.Query, f.Description, "/knowledge?"+f.Search
	}
	return out
}

func (s *Server) apiKBAlerts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	list, err := s.knowledge.Follows(r.Context(), a)
	if err != nil {
		return err
	}
	out := make([]apiKBAlert, 0, len(list))
	for _, f := range list {
		out = append(out, toAPIKBAlert(f))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiKBAlert answers one of the reader's alerts.
func (s *Server) apiKBAlertByID(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, id int64) error {
	list, err := s.knowledge.Follows(r.Context(), a)
	if err != nil {
		return err
	}
	for _, f := range list {
		if f.ID == id {
			writeJSON(w, status, toAPIKBAlert(f))
			return nil
		}
	}
	return desk.ErrNotFound
}

func (s *Server) apiFollowKB(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.FollowKnowledge, desk.Target{}); err != nil {
		return err
	}
	var in apiKBAlertInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var f *desk.KBFollow
	var err error
	switch desk.KBFollowKind(in.Kind) {
	case desk.KBFollowItem:
		if in.ItemID <= 0 {
			return desk.Invalid("item_id", "desk.kb.follow.item_missing")
		}
		f, err = s.knowledge.FollowItem(r.Context(), request(r, a), in.ItemID)
	case desk.KBFollowQuery:
		form := kbSearchForm{Q: in.Q, Sort: desk.KBSort(in.Sort), Lines: in.ProductLines, Products: in.Products, Page: 1}
		if !form.Sort.Valid() {
			form.Sort = desk.KBByRelevance
		}
		for _, src := range in.Sources {
			form.Sources = append(form.Sources, desk.KBSource(src))
		}
		for _, t := range in.Types {
			form.Types = append(form.Types, desk.KBArticleType(t))
		}
		q := kb.Query{Q: in.Q, Sources: form.Sources, Types: form.Types, ProductLines: in.ProductLines, Products: in.Products, Sort: form.Sort}
		v := form.values()
		v.Del("page")
		f, err = s.knowledge.FollowQuery(r.Context(), request(r, a), q, v.Encode(), in.Description)
	default:
		return desk.Invalid("kind", "desk.kb.follow.bad_kind")
	}
	if err != nil {
		return err
	}
	return s.apiKBAlertByID(w, r, a, http.StatusCreated, f.ID)
}

func (s *Server) apiUpdateKBAlert(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.FollowKnowledge, desk.Target{}); err != nil {
		return err
	}
	id, err := kbItemID(r)
	if err != nil {
		return err
	}
	var in apiKBAlertChange
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var c kb.FollowChange
	if in.Delivery != nil {
		d := desk.KBDelivery(*in.Delivery)
		c.Delivery = &d
	}
	c.Description = in.Description
	if _, err := s.knowledge.UpdateFollow(r.Context(), request(r, a), id, c); err != nil {
		return err
	}
	return s.apiKBAlertByID(w, r, a, http.StatusOK, id)
}

func (s *Server) apiDeleteKBAlert(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := kbItemID(r)
	if err != nil {
		return err
	}
	if err := s.knowledge.Unfollow(r.Context(), request(r, a), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAdvisories(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	on, err := s.knowledge.Advisories(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiAdvisories{Subscribed: on})
	return nil
}

func (s *Server) apiSetAdvisories(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiAdvisories
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.knowledge.SetAdvisories(r.Context(), request(r, a), in.Subscribed); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}
