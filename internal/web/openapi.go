package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// The OpenAPI 3.1 document of the JSON API, made from apiRoutes and the
// Go types of the bodies: a field's JSON name, type and whether it may be
// left out come from the struct and its json tags.

type openAPIDoc struct {
	OpenAPI    string                         `json:"openapi"`
	Info       map[string]string              `json:"info"`
	Servers    []map[string]string            `json:"servers,omitempty"`
	Security   []map[string][]string          `json:"security"`
	Paths      map[string]map[string]*oaOp    `json:"paths"`
	Components map[string]map[string]oaSchema `json:"components"`
}

type oaOp struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary"`
	Tags        []string              `json:"tags,omitempty"`
	Parameters  []oaParam             `json:"parameters,omitempty"`
	RequestBody *oaBody               `json:"requestBody,omitempty"`
	Responses   map[string]oaResponse `json:"responses"`
}

type oaParam struct {
	Name        string   `json:"name"`
	In          string   `json:"in"`
	Required    bool     `json:"required,omitempty"`
	Description string   `json:"description,omitempty"`
	Schema      oaSchema `json:"schema"`
}

type oaBody struct {
	Description string                 `json:"description,omitempty"`
	Required    bool                   `json:"required"`
	Content     map[string]oaMediaType `json:"content"`
}

type oaMediaType struct {
	Schema oaSchema `json:"schema"`
}

type oaResponse struct {
	Description string                 `json:"description"`
	Content     map[string]oaMediaType `json:"content,omitempty"`
}

// oaSchema is a JSON Schema object, as a map so it holds only what it
// says.
type oaSchema map[string]any

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI builds the document.
func (s *Server) openAPI() *openAPIDoc {
	doc := &openAPIDoc{
		OpenAPI: "3.1.0",
		Info: map[string]string{
			"title":   "Caseport API",
			"version": "1",
			"description": "The support portal's JSON API. Authenticate with a personal API token from your profile " +
				"page: Authorization: Bearer <token>. Errors are application/problem+json (RFC 9457); a validation " +
				"error lists each field with its message. Lists are paged with next_cursor.",
		},
		Security: []map[string][]string{{"bearer": {}}},
		Paths:    map[string]map[string]*oaOp{},
		Components: map[string]map[string]oaSchema{
			"schemas":         {},
			"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
		},
	}
	schemas := doc.Components["schemas"]
	schemas["Problem"] = schemaOf(reflect.TypeFor[problem](), schemas)
	for _, rt := range s.apiRoutes() {
		op := &oaOp{
			OperationID: operationID(rt),
			Summary:     rt.Summary,
			Responses:   map[string]oaResponse{},
		}
		if rt.Tag != "" {
			op.Tags = []string{rt.Tag}
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			p := oaParam{Name: m[1], In: "path", Required: true, Schema: oaSchema{"type": "integer", "format": "int64"}}
			switch m[1] {
			case "number":
				p.Description = "the 10-digit case number"
				p.Schema = oaSchema{"type": "string", "pattern": "^[0-9]{10}$"}
			case "kind":
				p.Schema = oaSchema{"type": "string"}
			case "upload":
				p.Description = "the upload's id, the last part of its Location"
				p.Schema = oaSchema{"type": "string"}
			case "step":
				p.Schema = oaSchema{"type": "string", "enum": []string{"accept", "reject", "close", "note"}}
			}
			op.Parameters = append(op.Parameters, p)
		}
		for _, q := range rt.Query {
			sch := oaSchema{"type": "string"}
			if q.Integer {
				sch = oaSchema{"type": "integer", "format": "int64"}
			}
			op.Parameters = append(op.Parameters, oaParam{Name: q.Name, In: "query", Description: q.Doc, Schema: sch})
		}
		if rt.Body != nil {
			media := rt.BodyMedia
			if media == "" {
				media = "application/json"
			}
			op.RequestBody = &oaBody{Required: true, Content: map[string]oaMediaType{
				media: {Schema: schemaOf(reflect.TypeOf(rt.Body), schemas)},
			}}
			if rt.Form != nil {
				op.RequestBody.Description = rt.FormDoc
				op.RequestBody.Content["multipart/form-data"] = oaMediaType{Schema: schemaOf(reflect.TypeOf(rt.Form), schemas)}
			}
		}
		ok := oaResponse{Description: http.StatusText(rt.Status)}
		if rt.Answer != nil {
			media, schema := "application/json", schemaOf(reflect.TypeOf(rt.Answer), schemas)
			if rt.AnswerMedia != "" {
				media, schema = rt.AnswerMedia, oaSchema{"type": "string", "format": "binary"}
			}
			ok.Content = map[string]oaMediaType{media: {Schema: schema}}
		}
		op.Responses[itoaStatus(rt.Status)] = ok
		op.Responses["default"] = oaResponse{
			Description: "An error: 400 unreadable body (not JSON, not UTF-8), 401 no or bad token, 403 not allowed, 404 not found (also for what you may not see), 409 conflict, 413 body over its limit (1 MB of JSON, 32 MB of CSV or of a comment's files), 422 invalid fields (also text with control characters or over its field's length), 429 throttled, 503 the store is unavailable (try again after Retry-After seconds)",
			Content:     map[string]oaMediaType{"application/problem+json": {Schema: oaSchema{"$ref": "#/components/schemas/Problem"}}},
		}
		item := doc.Paths[rt.Path]
		if item == nil {
			item = map[string]*oaOp{}
			doc.Paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return doc
}

func itoaStatus(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// operationID names an operation after its method and path, e.g.
// post_cases_number_comments.
func operationID(rt apiRoute) string {
	p := strings.TrimPrefix(rt.Path, "/api/v1/")
	p = strings.NewReplacer("{", "", "}", "", "/", "_", "-", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

var timeType = reflect.TypeFor[time.Time]()

// filePart is a file of a multipart/form-data body, in the document:
// its bytes as they are.
type filePart struct{}

var filePartType = reflect.TypeFor[filePart]()

// schemaOf returns the schema of t. Named structs go into schemas once,
// under their name without the api prefix, and are referred to.
func schemaOf(t reflect.Type, schemas map[string]oaSchema) oaSchema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return oaSchema{"type": "string", "format": "date-time"}
	case t == filePartType:
		return oaSchema{"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
	case t.Kind() == reflect.Struct:
		name := strings.TrimPrefix(t.Name(), "api")
		if name == "" {
			return structSchema(t, schemas)
		}
		name = strings.ToUpper(name[:1]) + name[1:]
		if _, ok := schemas[name]; !ok {
			schemas[name] = oaSchema{} // reserve the name: types may refer to themselves
			schemas[name] = structSchema(t, schemas)
		}
		return oaSchema{"$ref": "#/components/schemas/" + name}
	case t.Kind() == reflect.Slice:
		return oaSchema{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.Map:
		return oaSchema{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.String:
		return oaSchema{"type": "string"}
	case t.Kind() == reflect.Bool:
		return oaSchema{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return oaSchema{"type": "integer", "format": "int64"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return oaSchema{"type": "number"}
	}
	return oaSchema{}
}

// structSchema lists a struct's JSON fields; embedded structs lend theirs.
// A field without omitempty is required.
func structSchema(t reflect.Type, schemas map[string]oaSchema) oaSchema {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			name, opts, ok := jsonField(f)
			if !ok {
				continue
			}
			if name == "" {
				walk(f.Type)
				continue
			}
			props[name] = schemaOf(f.Type, schemas)
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := oaSchema{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// jsonField is a struct field's JSON name and options, or false for a
// field JSON leaves out. An embedded struct without a name has name "":
// its fields are the outer struct's.
func jsonField(f reflect.StructField) (name, opts string, ok bool) {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return "", "", false
	}
	name, opts, _ = strings.Cut(tag, ",")
	if name == "" && !f.Anonymous {
		name = f.Name
	}
	return name, opts, true
}

// openAPIJSON serves the document; it is public, like any API's manual.
func (s *Server) openAPIJSON(w http.ResponseWriter, r *http.Request) {
	doc := s.openAPI()
	doc.Servers = []map[string]string{{"url": "/"}}
	writeJSON(w, http.StatusOK, doc)
}
