package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/support"
)

// statuses is the one table that turns error kinds into HTTP statuses.
var statuses = []struct {
	err    error
	status int
	// title is the catalogue ID of the status's title.
	title string
	// detail is the catalogue ID of what people read of an error of the
	// kind that carries no message of its own.
	detail string
}{
	{desk.ErrNotFound, http.StatusNotFound, "error.title.not_found", "error.not_found"},
	{desk.ErrForbidden, http.StatusForbidden, "error.title.not_allowed", "error.detail.forbidden"},
	{desk.ErrConflict, http.StatusConflict, "error.title.conflict", "error.detail.conflict"},
	{desk.ErrStale, http.StatusConflict, "error.agent_case.title_stale", "error.agent_case.detail_stale"},
	{desk.ErrUnauthenticated, http.StatusUnauthorized, "error.title.sign_in_required", "error.detail.unauthenticated"},
	{desk.ErrThrottled, http.StatusTooManyRequests, "error.title.too_many_attempts", "error.detail.throttled"},
	{desk.ErrGone, http.StatusGone, "error.title.gone", "error.detail.gone"},
	{support.ErrBadCredentials, http.StatusUnauthorized, "error.title.sign_in_failed", "error.detail.bad_credentials"},
	{errBadRequest, http.StatusBadRequest, "error.title.bad_request", "error.detail.bad_request"},
	{errTooLarge, http.StatusRequestEntityTooLarge, "error.title.too_large", "error.detail.too_large"},
	{errTusVersion, http.StatusPreconditionFailed, "error.title.unsupported_protocol_version", "error.detail.tus_version"},
	{errUnsupportedMedia, http.StatusUnsupportedMediaType, "error.title.unsupported_media_type", "error.detail.unsupported_media"},
	{support.ErrUploadExpired, http.StatusGone, "error.title.upload_expired", "error.detail.upload_expired"},
	{support.ErrChecksumMismatch, 460, "error.title.checksum_mismatch", "error.detail.checksum_mismatch"},
	{support.ErrChunkTooLarge, http.StatusRequestEntityTooLarge, "error.title.too_large", "error.detail.chunk_too_large"},
}

// classify returns the status and the catalogue ID of a title for err, and whether the error
// message may be shown to the user. Unknown errors are 500s whose details
// stay in the log.
func classify(err error) (status int, title string, public bool) {
	if desk.FieldMessages(err) != nil {
		return http.StatusUnprocessableEntity, "error.title.check_input", true
	}
	if support.Unavailable(err) {
		return http.StatusServiceUnavailable, "error.title.try_again", false
	}
	for _, e := range statuses {
		if errors.Is(err, e.err) {
			return e.status, e.title, e.status != http.StatusNotFound
		}
	}
	return http.StatusInternalServerError, "error.title.something_went_wrong", false
}

// kindDetail is the catalogue ID of the words for err's kind, for an error
// that carries no message of its own; "" for an error of no kind people
// are told of.
func kindDetail(err error) string {
	for _, e := range statuses {
		if errors.Is(err, e.err) {
			return e.detail
		}
	}
	return ""
}

// retryAfter is how long a client is asked to wait when the store is
// unavailable: about what a database restart or a failover takes.
const retryAfter = "5"

// askToRetry asks the client to come back later when the store is only
// unavailable.
func askToRetry(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
}

// logError logs a server-side failure once, at the edge, with the request
// id the answer shows, so a person quoting it leads to this line.
func (s *Server) logError(r *http.Request, status int, err error) {
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", requestIDFrom(r.Context()), "err", err)
	}
}

type requestIDKey struct{}

// withRequestID gives the request an id of its own, also sent as the
// X-Request-Id header, for error answers and log lines to share.
func withRequestID(w http.ResponseWriter, r *http.Request) *http.Request {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	id := hex.EncodeToString(b)
	w.Header().Set("X-Request-Id", id)
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
}

// requestIDFrom is the id withRequestID gave the request.
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []problemField `json:"errors,omitempty"`
	// RequestID is the id of the request in the server's log.
	RequestID string `json:"request_id,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiError writes err as application/problem+json.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status, title, public := classify(err)
	s.logError(r, status, err)
	askToRetry(w, status)
	// The title is documented API text: English, whatever the reader's
	// language (the detail and field messages follow Accept-Language).
	p := problem{Type: "about:blank", Title: i18n.English().T(title), Status: status, RequestID: requestIDFrom(r.Context())}
	if public {
		p.Detail = s.message(r, err)
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		p.Detail = s.loc(r).T("error.detail.fields")
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p.Errors = append(p.Errors, problemField{Field: k, Message: fields[k]})
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="caseport"`)
	}
	setRetryAfter(w, err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// renameProblems makes the validation problems h reports name the body's
// own JSON fields: use cases name fields as the pages' forms do, and
// fields maps those names to the call's (apiRoute.Fields).
func renameProblems(fields map[string]string, h apiHandler) apiHandler {
	if len(fields) == 0 {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		return desk.RenameFields(h(w, r, a), fields)
	}
}

// setRetryAfter tells a throttled client when to come back, in whole
// seconds (RFC 9110), when the error knows.
func setRetryAfter(w http.ResponseWriter, err error) {
	var re *desk.RetryError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(re.Wait.Seconds()))))
	}
}

// notFoundPages answers a request no route matches with the 404 page in
// the site's layout (a problem document under /api/), where the mux
// would write its plain "404 page not found". Its other answers (405 for
// a route asked with another method) stay the mux's.
func (s *Server) notFoundPages(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		c := &notFoundCatcher{ResponseWriter: w}
		mux.ServeHTTP(c, r)
		if !c.caught {
			return
		}
		err := fmt.Errorf("no route for %s %s: %w", r.Method, r.URL.Path, desk.ErrNotFound)
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.apiError(w, r, err)
			return
		}
		a, _ := s.sessionActor(r) // signed out or not, the page is the same 404
		s.errorPage(w, r, a, err)
	})
}

// notFoundCatcher passes a response through unless its status is 404,
// which it keeps back (caught) for a page of the site's own.
type notFoundCatcher struct {
	http.ResponseWriter
	caught bool
}

func (c *notFoundCatcher) WriteHeader(status int) {
	if status == http.StatusNotFound {
		c.caught = true
		return
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *notFoundCatcher) Write(b []byte) (int, error) {
	if c.caught {
		return len(b), nil
	}
	return c.ResponseWriter.Write(b)
}
