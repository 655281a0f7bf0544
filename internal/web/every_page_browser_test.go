package web_test

import (
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
)

// axeSource is axe-core's axe.min.js, installed from the npm registry with
// the version in testdata/axe/package-lock.json.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(npmDir(t, "axe", "axe-core/axe.min.js"), "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBrowserEveryPage visits every page people reach: the pages of the
// signed-out, the 404 and error pages, and every page a link leads to
// from the landing page of a Designated Contact, a Read-Only contact, a
// Designated Approver, an agent and a portal admin (found by following
// the links, so a new page is covered once a page links to it). On a
// desktop and on a phone each page passes axe-core without a serious or
// critical violation, fits the screen, breaks no word inside, and is saved
// as a screenshot under test-artifacts/.
func TestBrowserEveryPage(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	axe := axeSource(t)
	e := newDemo(t, sqliteStore(t))
	var problems []string
	visited := 0
	var seen map[string]bool // the pages of who (pageKey) the crawl has seen
	// check visits path as who, unless it is no page or a page seen (by
	// where a redirect led), and returns its status and links.
	check := func(p *browsertest.Page, who, path string) (status int64, links []string) {
		t.Helper()
		if !isPage(p, path) {
			return 0, nil
		}
		status, _ = p.Open(path)
		if at := p.Path(); at != path {
			if seen[pageKey(at)] {
				return status, nil
			}
			seen[pageKey(at)] = true
		}
		visited++
		links = p.Links()
		name := who + "-" + pageKey(path)
		for _, size := range []browsertest.Size{browsertest.Desktop, browsertest.Phone} {
			p.Resize(size)
			for _, v := range p.Axe(axe) {
				problems = append(problems, path+" as "+who+" at "+size.Name+": "+v)
			}
			p.CheckFits()
			p.CheckWordsWhole()
			checkControlsWhole(t, p, path+" as "+who)
			p.Screenshot(name)
		}
		p.Resize(browsertest.Desktop)
		return status, links
	}

	seen = map[string]bool{}
	anon := b.Page(t, e.srv.URL, browsertest.Desktop)
	anon.AddScript(axe)
	anon.Go("/signin") // the server's origin, for isPage
	for _, path := range []string{"/signin", "/register", "/forgot-password"} {
		check(anon, "anonymous", path)
	}
	if status, _ := check(anon, "anonymous", "/no-such-page"); status != 404 {
		t.Errorf("GET /no-such-page = %d, want 404", status)
	}

	for _, who := range []struct{ name, email string }{
		{"designated-contact", demo.Designated},
		{"read-only", demo.ReadOnly},
		{"approver", demo.Partner},
		{"agent", demo.Agent},
		{"portal-admin", demo.Admin},
	} {
		p := b.Page(t, e.srv.URL, browsertest.Desktop)
		p.AddScript(axe)
		signInPage(p, who.email)
		seen = map[string]bool{}
		queue := []string{p.Path()}
		for len(queue) > 0 {
			path := queue[0]
			queue = queue[1:]
			if k := pageKey(path); seen[k] || skipPath.MatchString(path) {
				continue
			} else {
				seen[k] = true
			}
			_, links := check(p, who.name, path)
			queue = append(queue, links...)
		}
		// The style guide, which no page links to, for staff.
		if who.name == "agent" {
			check(p, who.name, "/console/style-guide")
		}
		// The 404 page in the site's layout, for the signed in.
		if status, _ := check(p, who.name, "/no-such-page"); status != 404 {
			t.Errorf("GET /no-such-page as %s = %d, want 404", who.name, status)
		}
	}
	// An error page: a contact asking for the console is refused.
	dana := b.Page(t, e.srv.URL, browsertest.Desktop)
	dana.AddScript(axe)
	signInPage(dana, demo.Designated)
	seen = map[string]bool{}
	if status, _ := check(dana, "designated-contact-refused", "/console"); status < 400 {
		t.Errorf("GET /console as a contact = %d, want an error page", status)
	}

	t.Logf("visited %d pages at two sizes", visited)
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("axe-core finds %d serious or critical violations:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// skipPath matches the links that lead to no page: files to download, the
// API, static assets.
var skipPath = regexp.MustCompile(`^/(static|api)/|^/cases/\d+/files/\d+`)

// isPage asks the server (with the tab's cookies, without leaving the
// page) whether path answers with an HTML page rather than a download.
func isPage(p *browsertest.Page, path string) bool {
	return browsertest.Await[bool](p, `fetch(`+jsString(path)+`, {method: "HEAD"}).then(r =>
  (r.headers.get("Content-Type") || "").startsWith("text/html") && !(r.headers.get("Content-Disposition") || "").startsWith("attachment"))`)
}

// pageKey names the page at path by its path, numbers left out, and the
// names of its query's parameters: one case page stands for all, one
// state of a list for every state, so the crawl visits each kind of page
// once per person.
func pageKey(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	key := digits.ReplaceAllString(strings.Trim(u.Path, "/"), "n")
	q := u.Query()
	if u.Path == "/knowledge" && len(q) > 0 {
		// The knowledge search's filter and order links combine their
		// parameters in every way: one results page is the page's shape.
		return "knowledge-search"
	}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		key += "-" + k
	}
	if key == "" {
		return "root"
	}
	return strings.NewReplacer("/", "-", "=", "-").Replace(key)
}

var digits = regexp.MustCompile(`[0-9]+`)
