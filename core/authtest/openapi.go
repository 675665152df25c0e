package authtest

import (
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/restauth/restauth/core/authtest/openapicheck"
)

// openAPIDocs holds the OpenAPI documents the servers of one run serve,
// each distinct document loaded (and its schemas compiled) once.
type openAPIDocs struct {
	mu   sync.Mutex
	docs map[string]*openapicheck.Document
}

// load returns the document raw, loading it on first sight.
func (o *openAPIDocs) load(raw []byte) (*openapicheck.Document, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d, ok := o.docs[string(raw)]; ok {
		return d, nil
	}
	d, err := openapicheck.Load(raw)
	if err != nil {
		return nil, err
	}
	if o.docs == nil {
		o.docs = map[string]*openapicheck.Document{}
	}
	o.docs[string(raw)] = d
	return d, nil
}

// checkOpenAPI fetches the OpenAPI document the server at baseURL serves
// under prefix and returns rt wrapped so that every exchange of the env
// is held to it (see openapicheck.Document.Check), each failure failing
// t: the document describes exactly what every test of the suite sees,
// through whatever adapter and store the run uses. A server configured
// with DisableOpenAPI (404) is not checked.
func (k *suiteSink) checkOpenAPI(t *testing.T, baseURL, prefix string, rt http.RoundTripper) http.RoundTripper {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+prefix+"openapi.json", nil)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	res, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("authtest: GET %sopenapi.json: %v", prefix, err)
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	switch {
	case err != nil:
		t.Fatalf("authtest: GET %sopenapi.json: %v", prefix, err)
	case res.StatusCode == http.StatusNotFound:
		return rt // Config.DisableOpenAPI
	case res.StatusCode != http.StatusOK:
		t.Fatalf("authtest: GET %sopenapi.json: %d %s", prefix, res.StatusCode, raw)
	}
	doc, err := k.apis.load(raw)
	if err != nil {
		t.Fatalf("authtest: the server's OpenAPI document: %v", err)
	}
	d := *doc
	d.Prefix = prefix
	return d.Transport(rt, func(err error) { t.Errorf("the exchange does not match the OpenAPI document:\n%v", err) })
}
