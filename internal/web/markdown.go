package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownRenderer turns the Markdown people write in Case Feed entries
// into HTML: CommonMark with GitHub's tables, strikethrough and bare
// links. It renders no raw HTML (goldmark leaves it out unless told to)
// and drops dangerous link targets (javascript:, data: other than
// images), so a body is safe to show as written; every link gets
// rel="nofollow noopener" and opens where it points.
var markdownRenderer = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkRel{}, 100))),
)

// linkRel marks every link of a document nofollow noopener.
type linkRel struct{}

// Transform sets rel on the document's links.
func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindLink, ast.KindAutoLink:
			n.SetAttributeString("rel", []byte("nofollow noopener"))
		}
		return ast.WalkContinue, nil
	})
}

// markdown renders a text written in Markdown as safe HTML, the one
// renderer of the case pages' feeds and the composer's preview (the
// template function "markdown"). A text it cannot render is shown as
// plain text.
func markdown(s string) template.HTML {
	var b bytes.Buffer
	if err := markdownRenderer.Convert([]byte(s), &b); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(s) + "</p>") //nolint:gosec // escaped
	}
	return template.HTML(b.String()) //nolint:gosec // goldmark renders no raw HTML and drops dangerous URLs
}
