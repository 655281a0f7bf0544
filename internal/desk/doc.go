// Package desk holds Caseport's domain: the companies, service contracts,
// contacts, access levels and cases of a support desk, the rules that govern
// them and the one authorization policy that decides every read and write.
//
// It also holds the read models the layers above show and ask for: the rows
// of a list with the names shown beside them (CaseRow, EscalationRow, …),
// the filters that say which rows a list shows (CaseFilter, UserFilter, …)
// and a page of a list with its opaque Cursor. The store returns these types
// and builds its SQL from the filters; support hands them on to the web.
//
// It imports only the standard library. Rules that depend on the time take
// now as a parameter, so they are plain functions that tests can call with any
// clock.
package desk
