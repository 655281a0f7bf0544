package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// staticAsset is a file of assets/static, read once at start-up with
// what serving it needs: its content-hashed name, its ETag and, for a
// file that compresses, its gzip encoding.
type staticAsset struct {
	name, hashed string
	etag         string
	mime         string
	body, gz     []byte
}

// staticAssets are the files of assets/static, by their plain and their
// hashed names.
type staticAssets map[string]*staticAsset

// Cache lifetimes: a hashed name never changes its bytes, so a browser
// keeps it a year without asking; a plain name is checked after a few
// minutes (with its ETag, which costs a 304).
const (
	immutableCache = "public, max-age=31536000, immutable"
	plainCache     = "public, max-age=300"
)

// loadStatic reads every static file, names it by the SHA-256 of its
// bytes (caseport.css → caseport.3f2a9c01d4e5.css) and gzips the ones
// gzip makes smaller. The files are embedded, so that is done once per
// process, not per server (the tests start hundreds; gzipping the 3 MB
// masker takes a good part of a second).
var loadStatic = sync.OnceValues(readStatic)

func readStatic() (staticAssets, error) {
	files, err := fs.Glob(assets, "assets/static/*")
	if err != nil {
		return nil, fmt.Errorf("list static files: %w", err)
	}
	out := staticAssets{}
	for _, f := range files {
		body, err := fs.ReadFile(assets, f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:6])
		name := path.Base(f)
		ext := path.Ext(name)
		a := &staticAsset{
			name: name, hashed: strings.TrimSuffix(name, ext) + "." + hash + ext,
			etag: `"` + hash + `"`, mime: mime.TypeByExtension(ext), body: body,
		}
		if a.gz, err = gzipped(body); err != nil {
			return nil, fmt.Errorf("gzip %s: %w", f, err)
		}
		if len(a.gz) >= len(body)*9/10 {
			a.gz = nil // not worth a second encoding
		}
		out[a.name], out[a.hashed] = a, a
	}
	return out, nil
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// assetFuncs are the templates' functions about static files.
func assetFuncs(st staticAssets) template.FuncMap {
	return template.FuncMap{"asset": st.path}
}

// path is the address of the static file name under its hashed name, for
// the templates' asset function: {{asset "caseport.css"}}. An unknown
// name fails the template, so a typo fails the start.
func (st staticAssets) path(name string) (string, error) {
	a, ok := st[name]
	if !ok || a.name != name {
		return "", fmt.Errorf("asset %q: no such static file", name)
	}
	return "/static/" + a.hashed, nil
}

// serve answers GET /static/{name}: a hashed name for a year, a plain
// name with a short lifetime and its ETag, gzipped for a client that
// accepts it.
func (st staticAssets) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	a, ok := st[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", plainCache)
	if name == a.hashed {
		h.Set("Cache-Control", immutableCache)
	}
	if a.mime != "" {
		h.Set("Content-Type", a.mime)
	}
	body, etag := a.body, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz, `"`+strings.Trim(a.etag, `"`)+`-gzip"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip
// (not refused with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.TrimSpace(coding) != "*" {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
