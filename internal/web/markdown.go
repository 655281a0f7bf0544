package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdownRenderer is the one renderer of what people write (comments,
// replies, notes): CommonMark with GitHub's tables, strikethrough and bare
// links made links. It is safe for the page as it is configured: raw HTML
// in the text is left out (goldmark's default, without html.WithUnsafe)
// and links to dangerous schemes (javascript:, vbscript:, file:, data:
// other than images) lose their target. A line break in the text is a
// line break on the page, as people who type in a text area expect.
var markdownRenderer = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// markdown renders text written by people as safe HTML; an error (which
// goldmark's in-memory rendering never gives) falls back to the text
// escaped.
func markdown(s string) template.HTML {
	var b bytes.Buffer
	if err := markdownRenderer.Convert([]byte(s), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(s)) //nolint:gosec // escaped
	}
	return template.HTML(b.String()) //nolint:gosec // raw HTML is dropped and dangerous links disarmed (markdownRenderer)
}
