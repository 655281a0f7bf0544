package desk

// AccessRequestRow is a request with the names shown beside it (empty for
// a request that matched no Service Contract).
type AccessRequestRow struct {
	AccessRequest
	ContactName  string
	ContactEmail string
	SoldToName   string
	EndUserName  string
}
