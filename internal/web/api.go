package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/desk"
)

// The JSON API: what a customer or staff member can do in the browser,
// for scripts, with personal API tokens. Each area has its file
// (api_cases.go, api_accounts.go, …) holding its rows of apiRoutes, its
// handlers and the api* types of its bodies, which the OpenAPI document is
// generated from; this file has what every area shares. The PIN appears in
// one answer only: /me.

// errBadRequest is a body the API cannot read.
var errBadRequest = errors.New("bad request")

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// decodeJSON reads a request body into v, strictly: unknown fields and
// trailing data are errors, so a misspelt field is not silently ignored.
// The body must be UTF-8 (the JSON decoder would quietly replace what is
// not), and every string in it passes desk's text check under its JSON
// name, so the API answers 422 with the fields that are wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return refuse(errBadRequest, "error.api.not_json", "ContentType", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return refuse(errTooLarge, "error.api.too_large", "MB", maxBody>>20)
	case err != nil:
		return fmt.Errorf("read the body: %w", err)
	case !utf8.Valid(body):
		return refuse(errBadRequest, "error.api.not_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return refuse(errBadRequest, "error.api.bad_json", "Problem", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return refuse(errBadRequest, "error.api.many_values")
	}
	p := desk.Problems{}
	checkJSONText(p, "", reflect.ValueOf(v))
	return p.Err()
}

// jsonProblem says what is wrong with a body the JSON decoder refused, in
// the catalogue's words rather than encoding/json's.
func jsonProblem(err error) desk.Message {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return desk.Msg("error.api.json_syntax", "Offset", se.Offset)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return desk.Msg("error.api.json_type", "Field", te.Field, "Type", desk.Msg("error.api.json_type."+jsonKind(te.Type)))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return desk.Msg("error.api.json_truncated")
	}
	// DisallowUnknownFields reports a field the call lacks in words only.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return desk.Msg("error.api.json_unknown_field", "Field", field)
	}
	return desk.Msg("error.api.json_other")
}

// jsonKind is the kind of JSON value a Go type is read from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "number"
}

// checkJSONText checks every string under v by the JSON name of the field
// that holds it (the elements of a list by the list's name).
func checkJSONText(p desk.Problems, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkJSONText(p, name, v.Elem())
		}
	case reflect.String:
		p.CheckText(name, v.String())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			checkJSONText(p, name, v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			checkJSONText(p, name, it.Key())
			checkJSONText(p, name, it.Value())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if field, _, ok := jsonField(v.Type().Field(i)); ok {
				checkJSONText(p, cmp.Or(field, name), v.Field(i))
			}
		}
	}
}

// Types of the API's bodies. Times are RFC 3339 in UTC; empty ones are
// left out.

type apiUser struct {
	ID        int64    `json:"id"`
	Kind      string   `json:"kind"`
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	CompanyID int64    `json:"company_id,omitempty"`
	Country   string   `json:"country,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Mobile    string   `json:"mobile,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	// PIN is the contact's phone identification code; only /me has it.
	PIN string `json:"pin,omitempty"`
	// Permissions are the actions of the policy the user may take that
	// name no particular case or company ("products.manage",
	// "queue.view", …); only /me has them. What the user may do to one
	// case comes with the case (can_comment, …).
	Permissions []string `json:"permissions,omitempty"`
}

func toAPIUser(u *desk.User) apiUser {
	out := apiUser{
		ID: u.ID, Kind: string(u.Kind), Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		CompanyID: u.CompanyID, Country: u.Country, Phone: u.Phone, Mobile: u.Mobile,
	}
	for _, r := range u.Roles {
		out.Roles = append(out.Roles, string(r))
	}
	return out
}

type apiRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type apiCreated struct {
	ID int64 `json:"id"`
}
