package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3 keeps files in a bucket of an S3-compatible object store, for
// installations that outgrow one machine. Files are written with multipart
// uploads part by part, so memory holds one part, whatever the size of the
// file. Resumable uploads still grow in a local upload area (S3 objects
// cannot be appended to) and move to the bucket when complete.
type S3 struct {
	client  *s3.Client
	bucket  string
	prefix  string
	uploads *Uploads
	root    *os.Root
	// partSize is S3Config.PartSize: zero for the default.
	partSize int64
}

// S3Config says where the bucket is and with which credentials (caseport
// serve reads them from the usual AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY); an empty AccessKey leaves the client without
// credentials.
type S3Config struct {
	// Endpoint is the server's URL, e.g. http://127.0.0.1:9000; empty
	// for Amazon S3.
	Endpoint  string
	Region    string
	Bucket    string
	Prefix    string
	PathStyle bool
	AccessKey string
	SecretKey string
	// PartSize is the size of one part of a multipart upload: at least
	// 5 MiB, S3's minimum; zero means 16 MiB.
	PartSize int64
}

// ParseS3URL reads a store address of the form
// s3://BUCKET/PREFIX?endpoint=URL&region=R&path_style=true; the
// credentials are the caller's to add.
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return S3Config{}, fmt.Errorf("file store %q: want s3://BUCKET/PREFIX?endpoint=URL&region=REGION", raw)
	}
	q := u.Query()
	cfg := S3Config{
		Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Endpoint: q.Get("endpoint"), Region: q.Get("region"),
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if ps := q.Get("path_style"); ps != "" {
		if cfg.PathStyle, err = strconv.ParseBool(ps); err != nil {
			return S3Config{}, fmt.Errorf("file store %q: path_style is true or false", raw)
		}
	}
	return cfg, nil
}

// minPartSize is S3's smallest part but the last; defaultPartSize is the
// part size of a store whose S3Config names none.
const (
	minPartSize     = 5 << 20
	defaultPartSize = 16 << 20
)

// OpenS3 connects to a bucket, checking that it is there, and keeps
// uploads in progress under uploadDir.
func OpenS3(ctx context.Context, cfg S3Config, uploadDir string) (*S3, error) {
	opts := s3.Options{
		Region:       cfg.Region,
		UsePathStyle: cfg.PathStyle,
		// S3-compatible servers differ in the checksums they know: send
		// and check them only where S3 requires them.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.AccessKey != "" {
		opts.Credentials = credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, "")
	}
	client := s3.New(opts)
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(cfg.Bucket)}); err != nil {
		return nil, fmt.Errorf("file store: bucket %s: %w", cfg.Bucket, err)
	}
	if err := os.MkdirAll(uploadDir, 0o750); err != nil {
		return nil, fmt.Errorf("upload area %s: %w", uploadDir, err)
	}
	root, err := os.OpenRoot(uploadDir)
	if err != nil {
		return nil, fmt.Errorf("upload area %s: %w", uploadDir, err)
	}
	uploads, err := NewUploads(root, ".")
	if err != nil {
		root.Close()
		return nil, err
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix, uploads: uploads, root: root, partSize: cfg.PartSize}, nil
}

// Close releases the upload area.
func (s *S3) Close() error { return s.root.Close() }

func (s *S3) objectKey(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return path.Join(s.prefix, key), nil
}

// Uploads returns the local upload area.
func (s *S3) Uploads() *Uploads { return s.uploads }

// Put streams r into the bucket, hashing on the way.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) (Stored, error) {
	obj, err := s.objectKey(key)
	if err != nil {
		return Stored{}, err
	}
	h := sha256.New()
	n, err := s.write(ctx, obj, io.TeeReader(r, h), -1)
	if err != nil {
		return Stored{}, fmt.Errorf("file %s: %w", key, err)
	}
	return Stored{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Import copies a complete upload into the bucket and removes it from the
// upload area.
func (s *S3) Import(ctx context.Context, key, uploadID string) error {
	obj, err := s.objectKey(key)
	if err != nil {
		return err
	}
	f, err := s.uploads.Open(uploadID)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err == nil {
		_, err = s.write(ctx, obj, f, info.Size())
	}
	f.Close()
	if err != nil {
		return fmt.Errorf("file %s: %w", key, err)
	}
	return s.uploads.Remove(uploadID)
}

// partSizeFor is the configured part size (S3's smallest at least), grown
// to keep a file of size bytes under S3's 10,000 parts.
func (s *S3) partSizeFor(size int64) int64 {
	part := s.partSize
	if part == 0 {
		part = defaultPartSize
	}
	part = max(part, minPartSize)
	if size > 0 {
		part = max(part, (size+9_999)/10_000)
	}
	return part
}

// write stores r as obj: one PUT when it fits in a part, a multipart
// upload otherwise. size is -1 when unknown.
func (s *S3) write(ctx context.Context, obj string, r io.Reader, size int64) (int64, error) {
	part := s.partSizeFor(size)
	buf := make([]byte, part)
	first, err := io.ReadFull(r, buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(s.bucket), Key: aws.String(obj), Body: bytes.NewReader(buf[:first]),
			ContentLength: aws.Int64(int64(first)),
		})
		return int64(first), err
	}
	if err != nil {
		return 0, err
	}
	mp, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(s.bucket), Key: aws.String(obj)})
	if err != nil {
		return 0, err
	}
	abort := func(cause error) (int64, error) {
		// A fresh context: the upload is abandoned even when ctx ended.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = s.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(s.bucket), Key: aws.String(obj), UploadId: mp.UploadId,
		})
		return 0, cause
	}
	var parts []types.CompletedPart
	total, n := int64(0), first
	for number := int32(1); n > 0; number++ {
		out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(s.bucket), Key: aws.String(obj), UploadId: mp.UploadId, PartNumber: aws.Int32(number),
			Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(int64(n)),
		})
		if err != nil {
			return abort(err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(number)})
		total += int64(n)
		n, err = io.ReadFull(r, buf)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return abort(err)
		}
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(s.bucket), Key: aws.String(obj), UploadId: mp.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return abort(err)
	}
	return total, nil
}

// Open opens an object for reading with seeks, for Range requests: each
// read after a seek asks the bucket for the bytes from there on.
func (s *S3) Open(ctx context.Context, key string) (File, error) {
	obj, err := s.objectKey(key)
	if err != nil {
		return nil, err
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(obj)})
	if isNotFound(err) {
		return nil, fmt.Errorf("file %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", key, err)
	}
	f := &s3File{ctx: ctx, s: s, obj: obj, size: aws.ToInt64(head.ContentLength)}
	if head.LastModified != nil {
		f.mod = *head.LastModified
	}
	return f, nil
}

func isNotFound(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NotFound", "NoSuchKey":
			return true
		}
	}
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

// Delete removes an object; a missing one is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	obj, err := s.objectKey(key)
	if err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(obj)}); err != nil && !isNotFound(err) {
		return fmt.Errorf("file %s: %w", key, err)
	}
	return nil
}

type s3File struct {
	ctx    context.Context
	s      *S3
	obj    string
	size   int64
	mod    time.Time
	offset int64
	body   io.ReadCloser
}

func (f *s3File) Size() int64        { return f.size }
func (f *s3File) ModTime() time.Time { return f.mod }

func (f *s3File) Read(p []byte) (int, error) {
	if f.offset >= f.size {
		return 0, io.EOF
	}
	if f.body == nil {
		out, err := f.s.client.GetObject(f.ctx, &s3.GetObjectInput{
			Bucket: aws.String(f.s.bucket), Key: aws.String(f.obj), Range: aws.String(fmt.Sprintf("bytes=%d-", f.offset)),
		})
		if err != nil {
			return 0, err
		}
		f.body = out.Body
	}
	n, err := f.body.Read(p)
	f.offset += int64(n)
	return n, err
}

func (f *s3File) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += f.offset
	case io.SeekEnd:
		offset += f.size
	}
	if offset < 0 {
		return 0, errors.New("seek before the start of the file")
	}
	if offset != f.offset && f.body != nil {
		f.body.Close()
		f.body = nil
	}
	f.offset = offset
	return offset, nil
}

func (f *s3File) Close() error {
	if f.body != nil {
		return f.body.Close()
	}
	return nil
}
