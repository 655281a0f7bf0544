package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
)

// formInt reads an integer form value; an empty or malformed value is 0,
// which every validator treats as "not chosen".
func formInt(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// combination reads a "SOLDTO-ENDUSER" form value.
func combination(v string) desk.Combination {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		return desk.Combination{}
	}
	soldTo, err1 := strconv.ParseInt(a, 10, 64)
	endUser, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return desk.Combination{}
	}
	return desk.Combination{SoldToID: soldTo, EndUserID: endUser}
}

// caseNumber reads the {number} path value; a malformed number is a case
// that does not exist.
func caseNumber(r *http.Request) (int64, error) {
	id, ok := desk.ParseCaseNumber(r.PathValue("number"))
	if !ok {
		return 0, desk.ErrNotFound
	}
	return id, nil
}
