package kb

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/words"
)

// parser reads an item's Markdown as the pages render it (CommonMark with
// GitHub's tables), to index the words a reader sees.
var parser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// PlainText is the text of a Markdown body as a reader sees it: its
// paragraphs, headings, list items, table cells and code, one block a
// line, without the markup (link targets and image addresses are not
// words of the item; an image's alternative text is).
func PlainText(markdown string) string {
	src := []byte(markdown)
	doc := parser.Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			switch {
			case n.Type() == ast.TypeBlock:
				b.WriteByte('\n')
			case n.Kind() == extast.KindTableCell:
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// Index is what the search index holds of an item: the words of its
// title, and of its summary then its body's text.
func Index(it desk.KBItem) desk.KBIndex { return indexStems(it, nil) }

// Words is Index without the stems.
func Words(it desk.KBItem) desk.KBIndex {
	return desk.KBIndex{Title: words.Split(it.Title), Body: words.Split(it.Summary + "\n" + PlainText(it.Body))}
}

// newIndexer is Index for one goroutine, keeping the stems it works out
// (the store's memory of the items, whose words repeat from item to item:
// store.SetKBIndexer).
func newIndexer() func(desk.KBItem) desk.KBIndex {
	cache := map[string]string{}
	return func(it desk.KBItem) desk.KBIndex { return indexStems(it, cache) }
}

// maxStemCache bounds the stems one import's indexer keeps.
const maxStemCache = 1 << 20

// indexStems is Index, looking each word's stem up in cache first and
// keeping the ones it works out there (an import's indexer, whose items
// share most of their words); a nil cache keeps none.
func indexStems(it desk.KBItem, cache map[string]string) desk.KBIndex {
	idx := Words(it)
	idx.Stems = map[string]string{}
	for _, list := range [][]string{idx.Title, idx.Body} {
		for _, w := range list {
			if _, ok := idx.Stems[w]; ok {
				continue
			}
			stem, ok := cache[w]
			if !ok {
				stem = words.Stem(w)
				if cache != nil && len(cache) < maxStemCache {
					cache[w] = stem
				}
			}
			idx.Stems[w] = stem
		}
	}
	return idx
}
