// Package filestest starts file stores for tests: an S3-compatible server
// (gofakes3, in memory) on loopback with a bucket, reached over real HTTP
// by the same client code production uses.
package filestest

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caseport/caseport/internal/files"
)

// S3 returns a store on a fresh bucket of an S3 server that lives as long
// as the test. Its multipart part size is S3's smallest, so files of a few
// megabytes already go up in parts.
func S3(t testing.TB) *files.S3 {
	t.Helper()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithAutoBucket(false)).Server())
	t.Cleanup(srv.Close)
	bucket := "caseport-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(bucket) > 63 {
		bucket = bucket[:63]
	}
	bucket = strings.TrimRight(bucket, "-")
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	s, err := files.OpenS3(context.Background(), files.S3Config{
		Endpoint: srv.URL, Region: "us-east-1", Bucket: bucket, Prefix: "caseport", PathStyle: true,
		AccessKey: "test", SecretKey: "test-secret", PartSize: 5 << 20,
	}, filepath.Join(t.TempDir(), "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
