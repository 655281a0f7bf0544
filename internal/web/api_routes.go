package web

import "slices"

// apiRoute is one call of the JSON API. The mux and the OpenAPI document
// are both made from this table, so the document cannot drift from what
// is served.
type apiRoute struct {
	Method, Path string
	Summary      string
	Tag          string
	Query        []apiParam
	// Body is the request body's type (a zero value), nil for none;
	// BodyMedia its media type when it is not JSON.
	Body      any
	BodyMedia string
	// Form is, for a call that also takes a multipart/form-data body
	// (files), that body's type, FormDoc what it says.
	Form    any
	FormDoc string
	// Fields names, for each problem field the use case reports under its
	// form name, the body's own JSON field, so a problem names what the
	// client sent ("sold_to" is "sold_to_org_id" in an access request).
	Fields map[string]string
	// Answer is the success body's type, nil for 204 No Content;
	// AnswerMedia its media type when it is not JSON. Status is the
	// success status.
	Answer      any
	AnswerMedia string
	Status      int
	Handle      apiHandler
}

// apiParam is a documented query parameter.
type apiParam struct {
	Name, Doc string
	Integer   bool
}

// apiRoutes is every call of the API: each area's file contributes its
// rows, so a new area adds its file and one line here.
func (s *Server) apiRoutes() []apiRoute {
	return slices.Concat(
		s.apiProfileRoutes(),
		s.apiCaseRoutes(),
		s.apiEscalationRoutes(),
		s.apiFileRoutes(),
		s.apiAccessRoutes(),
		s.apiAccountRoutes(),
		s.apiMailRoutes(),
		s.apiServiceLevelRoutes(),
		s.apiAuditRoutes(),
		s.apiJobRoutes(),
		s.apiImportRoutes(),
		s.apiMacroRoutes(),
		s.apiQueueRoutes(),
		s.apiKBRoutes(),
		s.apiKBFileRoutes(),
		s.apiAnnouncementRoutes(),
	)
}
