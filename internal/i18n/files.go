package i18n

import "embed"

// Files holds the message files of pages, emails and notices, one per
// language (messages/en.json, messages/de.json, …).
//
//go:embed messages/*.json
var Files embed.FS
