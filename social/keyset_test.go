package social

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// jwksServer publishes one RSA signing key at a time; rotate replaces it.
type jwksServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	key     *rsa.PrivateKey
	kid     string
	extra   []json.RawMessage // published beside the key
	status  int               // answered instead of the set when not 0
	fetches atomic.Int64
	serial  int
}

func startJWKS(t *testing.T) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.rotate(t)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.status != 0 {
			w.WriteHeader(s.status)
			return
		}
		k, _ := json.Marshal(jose.JSONWebKey{Key: &s.key.PublicKey, KeyID: s.kid, Algorithm: "RS256", Use: "sig"})
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": append(append([]json.RawMessage{}, s.extra...), k)})
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// rotate publishes a fresh key under a new key ID; the old one is gone.
func (s *jwksServer) rotate(t *testing.T) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.serial++
	s.key, s.kid = key, "k"+strconv.Itoa(s.serial)
	s.mu.Unlock()
}

// sign returns a compact JWS over payload under the current key.
func (s *jwksServer) sign(t *testing.T, payload string) string {
	t.Helper()
	s.mu.Lock()
	key, kid := s.key, s.kid
	s.mu.Unlock()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := jws.CompactSerialize()
	return raw
}

var rs256 = []jose.SignatureAlgorithm{jose.RS256}

// TestKeySetRotation (T-SOC-04): after a rotation, a token under the new
// key is accepted and one under the retired key refused at once, every
// time; the retired key's refusal costs one more fetch, a held key none.
func TestKeySetRotation(t *testing.T) {
	s := startJWKS(t)
	ks := newKeySet(s.srv.URL, http.DefaultClient)
	ctx := context.Background()
	old := s.sign(t, "old")
	if p, err := ks.verify(ctx, old, rs256); err != nil || string(p) != "old" {
		t.Fatalf("first token: %q, %v", p, err)
	}
	for i := range 50 {
		s.rotate(t)
		fresh := s.sign(t, "fresh")
		if p, err := ks.verify(ctx, fresh, rs256); err != nil || string(p) != "fresh" {
			t.Fatalf("round %d: the new key's token: %q, %v", i, p, err)
		}
		ks.mu.Lock()
		heldNew := len(ks.keys) == 1 && ks.keys[0].KeyID == s.kid
		ks.mu.Unlock()
		if !heldNew {
			t.Fatalf("round %d: a verification returned before the fetched set was held", i)
		}
		if _, err := ks.verify(ctx, old, rs256); err == nil {
			t.Fatalf("round %d: the retired key still verifies", i)
		}
		old = fresh
	}
	before := s.fetches.Load()
	if _, err := ks.verify(ctx, old, rs256); err != nil {
		t.Fatal(err)
	}
	if n := s.fetches.Load() - before; n != 0 {
		t.Errorf("a held key fetched the set %d times", n)
	}
}

// TestKeySetSharedFetch: verifications of an unknown key arriving
// together share fetches instead of each making one.
func TestKeySetSharedFetch(t *testing.T) {
	s := startJWKS(t)
	ks := newKeySet(s.srv.URL, http.DefaultClient)
	tok := s.sign(t, "x")
	s.mu.Lock() // hold the answer until every verification waits
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := ks.verify(context.Background(), tok, rs256)
			errs <- err
		})
	}
	for s.fetches.Load() == 0 {
		runtime.Gosched()
	}
	s.mu.Unlock()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := s.fetches.Load(); n != 1 {
		t.Errorf("20 verifications made %d fetches", n)
	}
}

// TestKeySetAnswers: an unreadable key beside a good one is skipped; a
// failed or empty answer is errKeysUnavailable (the provider's fault),
// and the keys held before stay usable.
func TestKeySetAnswers(t *testing.T) {
	s := startJWKS(t)
	s.extra = []json.RawMessage{json.RawMessage(`{"kty":"unknown","kid":"odd"}`), json.RawMessage(`{"kty":"oct","k":"c2VjcmV0","kid":"hmac"}`)}
	ks := newKeySet(s.srv.URL, http.DefaultClient)
	ctx := context.Background()
	held := s.sign(t, "held")
	if _, err := ks.verify(ctx, held, rs256); err != nil {
		t.Fatalf("a key beside unreadable ones: %v", err)
	}
	s.rotate(t)
	fresh := s.sign(t, "fresh")
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusNotFound} {
		s.mu.Lock()
		s.status = status
		s.mu.Unlock()
		if _, err := ks.verify(ctx, fresh, rs256); !errors.Is(err, errKeysUnavailable) {
			t.Errorf("answer %d: %v, want errKeysUnavailable", status, err)
		}
		if _, err := ks.verify(ctx, held, rs256); err != nil {
			t.Errorf("answer %d lost the held key: %v", status, err)
		}
	}
	s.mu.Lock()
	s.status, s.extra = 0, []json.RawMessage{json.RawMessage(`{"kty":"unknown"}`)}
	s.mu.Unlock()
	if _, err := ks.verify(ctx, fresh, rs256); err != nil {
		t.Errorf("provider back: %v", err)
	}
	for name, tok := range map[string]string{"not a JWS": "a.b", "HS256": hs256Token(t)} {
		if _, err := ks.verify(ctx, tok, rs256); err == nil || errors.Is(err, errKeysUnavailable) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
}

func hs256Token(t *testing.T) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("secret-secret-secret-secret-1234")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	jws, _ := signer.Sign([]byte("x"))
	raw, _ := jws.CompactSerialize()
	return raw
}

// TestKeySetKeyTypes: EC and Ed25519 keys verify as RSA keys do, a key
// stating another algorithm or meant for encryption is not used, and a
// token without a key ID is tried against every key.
func TestKeySetKeyTypes(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	published := []jose.JSONWebKey{
		{Key: &ecKey.PublicKey, KeyID: "ec", Algorithm: "ES256", Use: "sig"},
		{Key: edPub, KeyID: "ed", Algorithm: "EdDSA"},
		{Key: &ecKey.PublicKey, KeyID: "ec-enc", Use: "enc"},
		{Key: &ecKey.PublicKey, KeyID: "ec-384", Algorithm: "ES384"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: published})
	}))
	t.Cleanup(srv.Close)
	ks := newKeySet(srv.URL, http.DefaultClient)
	algs := []jose.SignatureAlgorithm{jose.ES256, jose.EdDSA}
	sign := func(alg jose.SignatureAlgorithm, key any, kid string) string {
		opts := &jose.SignerOptions{}
		if kid != "" {
			opts = opts.WithHeader("kid", kid)
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := signer.Sign([]byte("payload"))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := jws.CompactSerialize()
		return raw
	}
	for name, tc := range map[string]struct {
		raw  string
		want bool
	}{
		"ES256 under its key":           {sign(jose.ES256, ecKey, "ec"), true},
		"EdDSA under its key":           {sign(jose.EdDSA, edKey, "ed"), true},
		"ES256 without a key ID":        {sign(jose.ES256, ecKey, ""), true},
		"ES256 under an encryption key": {sign(jose.ES256, ecKey, "ec-enc"), false},
		"ES256 under an ES384 key":      {sign(jose.ES256, ecKey, "ec-384"), false},
	} {
		_, err := ks.verify(context.Background(), tc.raw, algs)
		if (err == nil) != tc.want {
			t.Errorf("%s: %v, want accepted %v", name, err, tc.want)
		}
	}
}
