package i18n

import "embed"

// files holds the message files of pages, emails and notices, one per
// language (messages/en.json, messages/de.json, …).
//
//go:embed messages/*.json
var files embed.FS
