package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownRenderer is the one renderer of what people write (comments,
// replies, notes, the composer's preview): CommonMark with GitHub's
// tables, strikethrough and bare links made links. It is safe for the
// page as it is configured: raw HTML in the text is left out (goldmark's
// default, without html.WithUnsafe) and links to dangerous schemes
// (javascript:, vbscript:, file:, data: other than images) lose their
// target; every link is rel="nofollow noopener" (linkRel). A line break
// in the text is a line break on the page, as people who type in a text
// area expect.
var markdownRenderer = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkRel{}, 100))),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// linkRel marks every link of a document nofollow noopener: what
// customers and agents link to earns no ranking from the portal, and a
// page it opens gets no handle on the portal's window.
type linkRel struct{}

// Transform sets rel on the document's links.
func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindLink || n.Kind() == ast.KindAutoLink) {
			n.SetAttributeString("rel", []byte("nofollow noopener"))
		}
		return ast.WalkContinue, nil
	})
}

// markdown renders text written by people as safe HTML (the template
// function "markdown"); an error (which goldmark's in-memory rendering
// never gives) falls back to the text escaped.
func markdown(s string) template.HTML {
	var b bytes.Buffer
	if err := markdownRenderer.Convert([]byte(s), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(s)) //nolint:gosec // escaped
	}
	return template.HTML(b.String()) //nolint:gosec // raw HTML is dropped and dangerous links disarmed (markdownRenderer)
}
