package desk

// Origin is how a case was opened: the channel it came by.
type Origin string

// The origins of cases.
const (
	// OriginPortal is the portal's Open a Case form.
	OriginPortal Origin = "portal"
	// OriginPhone is staff opening the case for a caller whose PIN they
	// verified.
	OriginPhone Origin = "phone"
	// OriginAPI is the JSON API.
	OriginAPI Origin = "api"
)

// Valid reports whether o is one of the origins.
func (o Origin) Valid() bool { return o == OriginPortal || o == OriginPhone || o == OriginAPI }

// MessageID is the catalogue ID of the Origin's label.
func (o Origin) MessageID() string { return "label.origin." + string(o) }

// Label is the Origin's label in English.
func (o Origin) Label() string { return label(o.MessageID(), string(o)) }
