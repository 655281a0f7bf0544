package desk

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"text/template"
)

// Messages holds the English message file of the domain's own words: the
// labels of its enums and the texts of its validation and refusal
// messages. It is part of the one message catalogue (internal/i18n loads it
// beside the pages' and emails' files); desk reads it itself, with the
// standard library, only to give Label and Error their English.
//
//go:embed messages/*.json
var Messages embed.FS

// Labelled is an enum value with a label in the catalogue.
type Labelled interface {
	// MessageID is the catalogue ID of the value's label.
	MessageID() string
}

// english is the domain's English message file, read once.
var english = sync.OnceValues(func() (map[string]englishMessage, error) {
	raw, err := Messages.ReadFile("messages/en.json")
	if err != nil {
		return nil, err
	}
	var file map[string]json.RawMessage
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("desk messages: %w", err)
	}
	msgs := make(map[string]englishMessage, len(file))
	for id, v := range file {
		var m englishMessage
		if err := json.Unmarshal(v, &m.Other); err != nil {
			if err := json.Unmarshal(v, &m); err != nil {
				return nil, fmt.Errorf("desk message %s: %w", id, err)
			}
		}
		msgs[id] = m
	}
	return msgs, nil
})

// englishMessage is one entry of a go-i18n JSON message file: a string, or
// an object with plural forms.
type englishMessage struct {
	Description string `json:"description"`
	One         string `json:"one"`
	Other       string `json:"other"`
}

// English renders a message of the domain's file in English, for Label
// and for Error texts that end up in logs. Arguments that are Labelled are
// shown by their labels; a Count argument picks the plural form. An
// unknown ID comes back as itself, so a missing message is visible (a test
// finds every missing one first).
func English(id string, args map[string]any) string {
	msgs, err := english()
	if err != nil {
		return id
	}
	m, ok := msgs[id]
	if !ok {
		return id
	}
	text := m.Other
	if n, ok := args["Count"].(int); ok && n == 1 && m.One != "" {
		text = m.One
	}
	if !strings.Contains(text, "{{") {
		return text
	}
	t, err := template.New(id).Option("missingkey=error").Parse(text)
	if err != nil {
		return text
	}
	data := make(map[string]any, len(args))
	for k, v := range args {
		switch a := v.(type) {
		case Labelled:
			v = English(a.MessageID(), nil)
		case Message:
			v = a.String()
		case Date, DateTime, Size:
			v = a.(fmt.Stringer).String()
		}
		data[k] = v
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return text
	}
	return b.String()
}

// HasMessage reports whether the domain's English file has id.
func HasMessage(id string) bool {
	msgs, err := english()
	if err != nil {
		return false
	}
	_, ok := msgs[id]
	return ok
}

// Message is a text for people as a catalogue ID and its arguments. The
// edge (pages, API, emails) renders it in the reader's language; its
// String is the English. Arguments are strings, numbers, Labelled values,
// which the edge shows by their labels in the same language, messages, or
// dates and sizes (Date, DateTime, Size), which it writes in that language.
type Message struct {
	ID   string
	Args map[string]any
	// Text is the English, for logs, of a message whose ID is in a file of
	// the catalogue other than desk's (a message the web layer writes),
	// which desk cannot read. The edge renders every message by its ID.
	Text string
}

// Msg makes a Message from an ID and key, value pairs of arguments.
func Msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 0 {
		m.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m.Args[k] = kv[i+1]
		}
	}
	return m
}

// String is the message in English.
func (m Message) String() string {
	switch {
	case m.ID == "":
		return ""
	case m.Text != "" && !HasMessage(m.ID):
		return m.Text
	}
	return English(m.ID, m.Args)
}

// MessageError is an error whose text for people is a Message; it wraps
// one of the error kinds (ErrForbidden, ErrConflict, …). Error stays
// English, for logs.
type MessageError struct {
	Message
	Kind error
}

// Refuse makes an error of kind whose text for people is the message id.
func Refuse(kind error, id string, kv ...any) *MessageError {
	return &MessageError{Message: Msg(id, kv...), Kind: kind}
}

// Error is the English message and the kind, as fmt.Errorf("…: %w") wrote.
func (e *MessageError) Error() string { return e.String() + ": " + e.Kind.Error() }

// Unwrap makes a MessageError its kind.
func (e *MessageError) Unwrap() error { return e.Kind }

// AsMessage returns the message of err for people, if err carries one.
func AsMessage(err error) (Message, bool) {
	if me, ok := errors.AsType[*MessageError](err); ok {
		return me.Message, true
	}
	if re, ok := errors.AsType[*RetryError](err); ok {
		return re.Message(), true
	}
	if se, ok := errors.AsType[*StaleError](err); ok {
		return se.Message(), true
	}
	return Message{}, false
}

// MessageIDs lists the IDs of the domain's English file, sorted.
func MessageIDs() []string {
	msgs, err := english()
	if err != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(msgs))
}

// label is the English label of id, or raw for a value the catalogue does
// not know (a stored value from a newer version).
func label(id, raw string) string {
	if !HasMessage(id) {
		return raw
	}
	return English(id, nil)
}
