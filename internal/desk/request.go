package desk

// Request describes who is asking and from where, for the audit log, and
// what the edge found wrong with the input before the use case ran: a
// field's text (Problems.CheckText), a date or a number it could not read,
// two passwords that differ. The fields refused are left out of the input;
// the use case checks the rest as usual and writes nothing, so a form shows
// all its problems at once. The edge joins them to what the use case
// answers. Every area's use cases (support's, the knowledge area's) take it.
type Request struct {
	Actor    *Actor
	Address  string
	Problems Problems
}

// ActorID is the asking user's ID, zero when nobody is signed in.
func (r Request) ActorID() int64 {
	if r.Actor == nil || r.Actor.User == nil {
		return 0
	}
	return r.Actor.User.ID
}
