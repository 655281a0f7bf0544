package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"testing"
)

// TestStaticAssets: pages name the stylesheet and the script by the hash
// of their bytes; that name is kept a year (immutable), the plain name
// still answers with a short lifetime and an ETag that gives a 304; a
// client that accepts gzip gets it (Vary: Accept-Encoding), one that
// does not the bytes themselves.
func TestStaticAssets(t *testing.T) {
	t.Parallel()
	css, err := os.ReadFile("assets/static/caseport.css")
	if err != nil {
		t.Fatal(err)
	}
	eachBuilt(t, func(t *testing.T, e *env) {
		c := e.anonymous()
		page := c.get("/signin").Body
		for _, name := range []string{`caseport\.[0-9a-f]{12}\.css`, `caseport\.[0-9a-f]{12}\.js`} {
			if !regexp.MustCompile(`"/static/` + name + `"`).MatchString(page) {
				t.Errorf("the page does not name /static/%s", name)
			}
		}
		hashed := "/static/" + regexp.MustCompile(`caseport\.[0-9a-f]{12}\.css`).FindString(page)
		get := func(path, encoding, etag string) *response {
			t.Helper()
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, e.srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", encoding) // set, so the client leaves the body encoded
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			return c.do(req)
		}
		for _, tt := range []struct {
			path, cache string
		}{
			{hashed, "public, max-age=31536000, immutable"},
			{"/static/caseport.css", "public, max-age=300"},
		} {
			res := get(tt.path, "gzip, deflate, br", "")
			if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != tt.cache || res.Header.Get("Content-Type") != "text/css; charset=utf-8" {
				t.Errorf("GET %s = %d, Cache-Control %q, Content-Type %q; want 200, %q", tt.path, res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"), tt.cache)
			}
			if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("GET %s with gzip: Content-Encoding %q, Vary %q", tt.path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			}
			zr, err := gzip.NewReader(bytes.NewReader([]byte(res.Body)))
			if err != nil {
				t.Fatalf("GET %s: %v", tt.path, err)
			}
			if body, err := io.ReadAll(zr); err != nil || !bytes.Equal(body, css) {
				t.Errorf("GET %s: the gzipped body is not the stylesheet (%v)", tt.path, err)
			}
			if len(res.Body) >= len(css)/2 {
				t.Errorf("GET %s: gzip sends %d of %d bytes", tt.path, len(res.Body), len(css))
			}
			etag := res.Header.Get("ETag")
			if res := get(tt.path, "gzip", etag); res.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s with If-None-Match %s = %d, want 304", tt.path, etag, res.StatusCode)
			}
			plain := get(tt.path, "gzip;q=0, identity", "")
			if plain.Header.Get("Content-Encoding") != "" || plain.Body != string(css) || plain.Header.Get("ETag") == etag {
				t.Errorf("GET %s without gzip: Content-Encoding %q, ETag %q (gzip's %q), body of %d bytes", tt.path,
					plain.Header.Get("Content-Encoding"), plain.Header.Get("ETag"), etag, len(plain.Body))
			}
		}
		if res := get("/static/caseport.000000000000.css", "", ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET a hash that is not the file's = %d, want 404", res.StatusCode)
		}
	})
}
