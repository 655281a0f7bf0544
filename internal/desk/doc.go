// Package desk holds Caseport's domain: the companies, service contracts,
// contacts, access levels and cases of a support desk, the rules that govern
// them and the one authorization policy that decides every read and write.
//
// It imports only the standard library. Rules that depend on the time take
// now as a parameter, so they are plain functions that tests can call with any
// clock.
package desk
