package inbound

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// encodingOf finds the decoder for a MIME charset name. The WHATWG table
// (htmlindex) comes first: it reads names as mail programs and browsers
// do, iso-8859-1 and us-ascii as Windows-1252, gb2312 as GBK, so the
// mislabelled mail that is common reads right. IANA's names cover the rest
// (IBM code pages, …). Nil when neither knows it.
func encodingOf(charset string) encoding.Encoding {
	charset = strings.Trim(strings.TrimSpace(charset), `"'`)
	if charset == "" {
		return nil
	}
	if e, err := htmlindex.Get(charset); err == nil {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(charset); err == nil && e != nil {
		return e
	}
	return nil
}

// charsetReader decodes RFC 2047 encoded words for mime.WordDecoder.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	e := encodingOf(charset)
	if e == nil {
		return nil, fmt.Errorf("charset %q is unknown", charset)
	}
	return e.NewDecoder().Reader(r), nil
}

// toUTF8 reads text in its charset, replacing what cannot be read. Text
// with no charset, or one nobody knows, is UTF-8 when it is valid UTF-8;
// otherwise HTML says its own (a meta tag) and plain text is taken as
// Windows-1252, the most common 8-bit charset of mail.
func toUTF8(b []byte, charset, contentType string) string {
	e := encodingOf(charset)
	if e == nil && !utf8.Valid(b) {
		e = charmap.Windows1252
		if contentType == "text/html" {
			e, _, _ = htmlcharset.DetermineEncoding(b, contentType)
		}
	}
	if e != nil {
		if out, err := e.NewDecoder().Bytes(b); err == nil {
			b = out
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// headerText mends a decoded header: raw 8-bit text is read as UTF-8 or
// else Windows-1252, and C1 controls, which no one writes, become the
// Windows-1252 characters they stand for: mime.WordDecoder reads words
// labelled iso-8859-1 itself, as Latin-1, and mail labelled so is mostly
// Windows-1252.
func headerText(s string) string {
	s = toUTF8([]byte(s), "", "")
	return strings.Map(func(r rune) rune {
		if r >= 0x80 && r <= 0x9f {
			return charmap.Windows1252.DecodeByte(byte(r))
		}
		return r
	}, s)
}

// htmlToText makes plain text of an HTML body, read as a mail program
// shows it: paragraphs and line breaks kept, lists as "- " or numbered
// lines, a link's address after its text, entities decoded; scripts,
// styles and quoted history (blockquote) dropped. People read the result
// on the Case Feed, so it aims at reading well, not at rendering.
func htmlToText(s string) string {
	// Scripting off: a mail program runs no script, so <noscript> is
	// shown as markup.
	doc, err := html.ParseWithOptions(strings.NewReader(s), html.ParseOptionEnableScripting(false))
	var w textWriter
	if err != nil {
		// Nested deeper than the parser follows: the words, without the
		// layout.
		w.tokens(s)
		return w.String()
	}
	w.node(doc)
	return w.String()
}

// tokens writes the text of HTML the parser refuses, without scripts and
// styles.
func (w *textWriter) tokens(s string) {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.TextToken:
			w.text(string(z.Text()))
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				z.Next() // their text, a raw text token
			}
		}
	}
}

// textWriter collects the text of an HTML tree with the line breaks its
// elements stand for.
type textWriter struct {
	b      bytes.Buffer
	breaks int  // line breaks owed before the next text
	space  bool // a space owed before the next text
	pre    int  // inside <pre>: whitespace as written
	lists  []list
}

// list is an open <ul> or <ol>: the number of its next item, if ordered.
type list struct {
	ordered bool
	next    int
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.DocumentNode:
		w.children(n)
		return
	case html.ElementNode:
	default:
		return // comments, doctypes
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Blockquote,
		atom.Iframe, atom.Object, atom.Svg, atom.Math, atom.Select, atom.Button:
		return
	case atom.Br:
		w.breaks++
		return
	case atom.Td, atom.Th:
		w.space = true
		w.children(n)
		w.space = true
		return
	case atom.Li:
		w.lineBreak(1)
		w.listMarker()
		w.children(n)
		w.lineBreak(1)
		return
	case atom.Ul, atom.Ol:
		l := list{ordered: n.DataAtom == atom.Ol, next: 1}
		if v, err := strconv.Atoi(attr(n, "start")); err == nil {
			l.next = v
		}
		breaks := 2 // a blank line around a list, not around one inside an item
		if len(w.lists) > 0 {
			breaks = 1
		}
		w.lists = append(w.lists, l)
		w.block(n, breaks)
		w.lists = w.lists[:len(w.lists)-1]
		return
	case atom.A:
		w.children(n)
		w.linkAddress(n)
		return
	case atom.Pre:
		w.pre++
		w.block(n, 2)
		w.pre--
		return
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Hr, atom.Dl:
		w.block(n, 2)
		return
	case atom.Div, atom.Tr, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address,
		atom.Center, atom.Dt, atom.Dd, atom.Caption, atom.Figure, atom.Form, atom.Fieldset, atom.Main, atom.Nav:
		w.block(n, 1)
		return
	}
	w.children(n)
}

// children writes the children of n; the parser bounds their depth (512).
func (w *textWriter) children(n *html.Node) {
	for c := range n.ChildNodes() {
		w.node(c)
	}
}

// block writes an element that stands on lines of its own; breaks is 2
// for one set off by a blank line.
func (w *textWriter) block(n *html.Node, breaks int) {
	w.lineBreak(breaks)
	w.children(n)
	w.lineBreak(breaks)
}

func (w *textWriter) lineBreak(n int) { w.breaks = max(w.breaks, n) }

func (w *textWriter) listMarker() {
	if len(w.lists) == 0 {
		w.write("- ")
		return
	}
	indent := strings.Repeat("  ", len(w.lists)-1)
	top := &w.lists[len(w.lists)-1]
	if !top.ordered {
		w.write(indent + "- ")
		return
	}
	w.write(indent + strconv.Itoa(top.next) + ". ")
	top.next++
}

// linkAddress writes a web link's address after its text, unless the
// text is the address already.
func (w *textWriter) linkAddress(n *html.Node) {
	href := strings.TrimSpace(attr(n, "href"))
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return
	}
	var label strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			label.WriteString(d.Data)
		}
	}
	shown := strings.Join(strings.Fields(label.String()), " ")
	if shown == href || "https://"+shown == href || "http://"+shown == href || strings.TrimSuffix(href, "/") == shown {
		return
	}
	w.space = false
	w.write(" (" + href + ")")
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		w.write(s)
		return
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		w.space = w.space || s != ""
		return
	}
	first, _ := utf8.DecodeRuneInString(s)
	w.space = w.space || unicode.IsSpace(first)
	w.write(strings.Join(words, " "))
	last, _ := utf8.DecodeLastRuneInString(s)
	w.space = unicode.IsSpace(last)
}

// write adds text after the breaks or space it is owed; nothing is owed at
// the start of the text or of a line.
func (w *textWriter) write(s string) {
	switch {
	case w.b.Len() == 0:
	case w.breaks > 0:
		w.b.WriteString("\n\n"[:min(w.breaks, 2)])
	case w.space && !bytes.HasSuffix(w.b.Bytes(), []byte("\n")):
		w.b.WriteByte(' ')
	}
	w.breaks, w.space = 0, false
	w.b.WriteString(s)
}

// String returns the text with trailing spaces cut from every line.
func (w *textWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
