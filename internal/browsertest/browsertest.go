// Package browsertest drives Debian's headless Chromium against a running
// Caseport for end-to-end tests of the pages.
//
// Browser tests run when CASEPORT_TEST_BROWSER=1 (CI sets it) and are
// skipped otherwise, saying so. When they are asked for, a missing browser
// is a failure, not a skip. CASEPORT_TEST_CHROMIUM names the executable
// (default: chromium on the PATH). Screenshots go to test-artifacts/ at
// the module root, which git ignores.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Screen sizes every page is checked at.
var (
	Desktop = Size{Name: "desktop", Width: 1280, Height: 900}
	Phone   = Size{Name: "phone", Width: 390, Height: 844}
)

// Size is a viewport.
type Size struct {
	Name          string
	Width, Height int64
}

// Browser is one headless Chromium process for a test.
type Browser struct {
	t   testing.TB
	ctx context.Context // the first tab; holds the browser open
}

// Start starts Chromium for t and stops it when t ends. It skips t unless
// browser tests are enabled.
func Start(t testing.TB) *Browser {
	t.Helper()
	if os.Getenv("CASEPORT_TEST_BROWSER") != "1" {
		t.Skip("browser tests are off: set CASEPORT_TEST_BROWSER=1 to run them (needs Debian's chromium)")
	}
	exe := os.Getenv("CASEPORT_TEST_CHROMIUM")
	if exe == "" {
		exe = "chromium"
	}
	path, err := exec.LookPath(exe)
	if err != nil {
		t.Fatalf("browser tests are on but there is no browser %q: install Debian's chromium or set CASEPORT_TEST_CHROMIUM: %v", exe, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// Start the browser now, so a broken install fails here and clearly.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &Browser{t: t, ctx: ctx}
}

// Page opens a tab in a fresh browser context (its own cookies, like a
// separate person's browser) at the given size, for the server at base.
func (b *Browser) Page(t testing.TB, base string, size Size) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first action opens the tab and ties it to the context it runs
	// with, so it runs on ctx itself and not on a shorter-lived child.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.Width, size.Height)); err != nil {
		t.Fatalf("open a %s tab: %v", size.Name, err)
	}
	return &Page{t: t, ctx: ctx, base: strings.TrimSuffix(base, "/"), size: size}
}

// Page is one tab. Its methods fail the test on error, so a test reads as
// the steps a person takes.
type Page struct {
	t    testing.TB
	ctx  context.Context
	base string
	size Size
}

// timeout bounds each step: a page that never shows what the test waits
// for fails in seconds, not at the test binary's deadline.
const timeout = 20 * time.Second

func (p *Page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser (%s) at %s: %v", p.size.Name, p.location(), err)
	}
}

func run[T any](p *Page, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("browser (%s) at %s: %v", p.size.Name, p.location(), err)
	}
	return v
}

func (p *Page) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// Go opens path on the server and waits for the page to load. It fails
// unless the answer is a success.
func (p *Page) Go(path string) {
	p.t.Helper()
	p.navigate(func() error {
		return chromedp.Do(p.ctx, chromedp.Navigate(p.base+path))
	})
}

// Submit clicks a button that sends a form (or follows a link) and waits
// for the page it leads to.
func (p *Page) Submit(sel string) {
	p.t.Helper()
	p.navigate(func() error {
		_, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
		return err
	})
}

func (p *Page) navigate(fn func() error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			p.t.Fatalf("browser (%s) at %s: %v", p.size.Name, p.location(), err)
		}
	case <-ctx.Done():
		p.t.Fatalf("browser (%s) at %s: no page loaded within %s", p.size.Name, p.location(), timeout)
	}
}

// Path is the current path and query.
func (p *Page) Path() string {
	p.t.Helper()
	return strings.TrimPrefix(p.location(), p.base)
}

// Fill types text into a field, replacing what it held.
func (p *Page) Fill(sel, text string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	Eval[bool](p, fmt.Sprintf("(el => { el.value = ''; return true })(document.querySelector(%q))", sel))
	p.do(chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// Choose sets a select (or any input) to value.
func (p *Page) Choose(sel, value string) {
	p.t.Helper()
	p.do(chromedp.SetValue(chromedp.CSS(sel), value, chromedp.NodeReady))
}

// Click clicks an element that does not leave the page.
func (p *Page) Click(sel string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// Text is the visible text of the first element matching sel.
func (p *Page) Text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(run(p, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// Count is how many elements match sel.
func (p *Page) Count(sel string) int {
	p.t.Helper()
	return run(p, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
}

// Has reports whether sel matches anything.
func (p *Page) Has(sel string) bool { p.t.Helper(); return p.Count(sel) > 0 }

// Eval runs a JavaScript expression and returns its value.
func Eval[T any](p *Page, expr string) T {
	p.t.Helper()
	return run(p, chromedp.Evaluate[T](expr))
}

// overflowScript lists the elements wider than the viewport, the ones that
// make a phone scroll sideways.
const overflowScript = `(() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return [];
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : "") + " right=" + Math.round(r.right));
      if (out.length >= 5) break;
    }
  }
  return out.length ? out : ["document scrollWidth " + document.documentElement.scrollWidth + " > " + w];
})()`

// CheckFits fails the test if the page is wider than the screen.
func (p *Page) CheckFits() {
	p.t.Helper()
	if wide := Eval[[]string](p, overflowScript); len(wide) > 0 {
		p.t.Errorf("%s at %s is wider than the %dpx screen: %s", p.Path(), p.size.Name, p.size.Width, strings.Join(wide, "; "))
	}
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// Screenshot saves the whole page as test-artifacts/<test>/<name>-<size>.png.
func (p *Page) Screenshot(name string) {
	p.t.Helper()
	png := run(p, chromedp.FullScreenshot(100)) // quality 100 means PNG
	dir, err := ArtifactDir(p.t)
	if err != nil {
		p.t.Fatal(err)
	}
	file := filepath.Join(dir, unsafeName.ReplaceAllString(strings.ToLower(name), "-")+"-"+p.size.Name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil { //nolint:gosec // artifacts are for people to read
		p.t.Fatal(err)
	}
}

// ArtifactDir is test-artifacts/<test name> at the module root, created.
func ArtifactDir(t testing.TB) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "test-artifacts", unsafeName.ReplaceAllString(strings.ToLower(t.Name()), "-"))
	return dir, os.MkdirAll(dir, 0o755) //nolint:gosec // artifacts are for people to read
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// SetFiles chooses files from disk in the file input sel, as a person
// picking them in the dialog would.
func (p *Page) SetFiles(sel string, paths ...string) {
	p.t.Helper()
	p.do(chromedp.SetUploadFiles(chromedp.CSS(sel), paths))
}

// WaitUntil waits until a JavaScript expression is true.
func (p *Page) WaitUntil(expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		p.t.Fatalf("browser (%s) at %s: waiting for %s: %v", p.size.Name, p.location(), expr, err)
	}
}

// brokenWordsScript lists the words laid out over two lines: a word
// breaks only at its spaces and hyphens (and after a slash), never inside
// "OWNER", a date or "case_reopened". Text made to break anywhere (a
// Case Feed's body, a mail's source, a secret), email addresses and words
// too long for any line are left out.
const brokenWordsScript = `(() => {
  const skip = ".feed-body, .mail-body, .secret, .sha, script, style, noscript, .visually-hidden, .skip-link";
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n && out.length < 10; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !el.checkVisibility({visibilityProperty: true})) continue;
    let clipped = false; // a table's header kept for screen readers on a phone
    for (let a = el; a && !clipped; a = a.parentElement) clipped = a.getBoundingClientRect().width <= 1;
    if (clipped) continue;
    const re = /[^\s\-\/\u200b]+[\-\/]?/g;
    let m;
    while ((m = re.exec(n.data)) && out.length < 10) {
      if (m[0].length > 24 || m[0].includes("@")) continue; // an address breaks where it must
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
      if (lines.size > 1) out.push(JSON.stringify(m[0]) + " in " + el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : ""));
    }
  }
  return out;
})()`

// CheckWordsWhole fails the test if a word on the page is broken over
// two lines.
func (p *Page) CheckWordsWhole() {
	p.t.Helper()
	if broken := Eval[[]string](p, brokenWordsScript); len(broken) > 0 {
		p.t.Errorf("%s at %s breaks words inside: %s", p.Path(), p.size.Name, strings.Join(broken, "; "))
	}
}

// Open opens path on the server, whatever the answer's status (a 404
// page is a page too), and returns the status and the MIME type.
func (p *Page) Open(path string) (status int64, mime string) {
	p.t.Helper()
	p.navigate(func() error {
		res, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(p.base+path))
		if err == nil && res != nil {
			status, mime = res.Status, res.MimeType
		}
		return err
	})
	return status, mime
}

// Resize sets the tab's viewport to size; the page stays.
func (p *Page) Resize(size Size) {
	p.t.Helper()
	p.do(chromedp.EmulateViewport(size.Width, size.Height))
	p.size = size
}

// Size is the tab's viewport.
func (p *Page) Size() Size { return p.size }

// linksScript lists the addresses of the page's links to pages of the
// same server, without their fragments.
const linksScript = `[...document.querySelectorAll("a[href]")]
  .map(a => new URL(a.href, location.href))
  .filter(u => u.origin === location.origin)
  .map(u => u.pathname + u.search)`

// Links lists the paths (with queries) of the page's links to the same
// server.
func (p *Page) Links() []string {
	p.t.Helper()
	return Eval[[]string](p, linksScript)
}

// axeScript runs axe-core (already on the page) and lists its serious and
// critical violations, one line per element: rule, impact, selector and
// what is wrong.
const axeScript = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .flatMap(v => v.nodes.map(n => v.id + " (" + v.impact + ") at " + n.target.join(" ") + ": " +
    (n.failureSummary || v.help).replace(/\s+/g, " ").slice(0, 240))))`

// Axe runs axe-core, whose source (axe.min.js) is src, on the page and
// returns its serious and critical violations.
func (p *Page) Axe(src string) []string {
	p.t.Helper()
	if !Eval[bool](p, "typeof axe === 'object'") {
		Eval[bool](p, src+"\n;true")
	}
	return Await[[]string](p, axeScript)
}

// Await runs a JavaScript expression that gives a promise and returns
// the value it settles with.
func Await[T any](p *Page, expr string) T {
	p.t.Helper()
	return run(p, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// AddScript runs src in every page the tab opens from now on, before the
// page's own scripts (a test tool such as axe-core: the browser compiles
// it once, not on every page).
func (p *Page) AddScript(src string) {
	p.t.Helper()
	p.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	}))
}

// Focus moves the keyboard's focus to the first element matching sel, as
// Tab would.
func (p *Page) Focus(sel string) {
	p.t.Helper()
	p.do(chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible))
}

// Press types keys where the focus is (a shortcut, Enter on a button),
// staying on the page.
func (p *Page) Press(keys string) {
	p.t.Helper()
	p.do(chromedp.KeyEvent(keys))
}

// PressTo types keys that lead to another page (Enter on a link, a
// shortcut that sends a form) and waits for it.
func (p *Page) PressTo(keys string) {
	p.t.Helper()
	p.navigate(func() error {
		_, err := chromedp.RunResponse(p.ctx, chromedp.KeyEvent(keys))
		return err
	})
}
