package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Products and components.

// pageProducts is the product catalogue and the forms that add to it.
var pageProducts = page[productsData]{"console-products"}

type productsData struct {
	Catalog *desk.Catalog
}

func (s *Server) products(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showProducts(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showProducts(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	cat, err := s.accounts.Catalog(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	render(s, w, r, status, pageProducts, &view{
		Title: s.loc(r).T("title.products"), User: a.User, Form: form, Errors: errs,
	}, productsData{Catalog: cat})
	return nil
}

func (s *Server) createProduct(r *http.Request, req support.Request) (string, string, error) {
	var comps []string
	for c := range strings.SplitSeq(r.PostForm.Get("components"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			comps = append(comps, c)
		}
	}
	_, err := s.accounts.CreateProduct(r.Context(), req, r.PostForm.Get("name"), comps)
	return "/console/products", s.loc(r).T("notice.the_product_is_added"), err
}

func (s *Server) addComponent(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	_, err = s.accounts.AddComponent(r.Context(), req, id, r.PostForm.Get("component"))
	return "/console/products", s.loc(r).T("notice.the_component_is_added"), err
}
