package social

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/go-jose/go-jose/v4"
)

// errKeysUnavailable marks a verification that could not fetch the
// provider's keys: the provider's fault (503), not the token's.
var errKeysUnavailable = errors.New("signing keys unavailable")

// maxKeySetBytes bounds a key set answer. Providers publish a handful of
// keys (a few kilobytes); anything larger is not a key set.
const maxKeySetBytes = 1 << 20

// keySet is a provider's published signing keys (the jwks_uri of its
// discovery document), held in memory. A token no held key verifies makes
// it fetch the set again, so a provider's key rotation needs no
// configuration; verifications arriving during a fetch wait for that one
// fetch instead of starting their own.
//
// The fetched set replaces the held one before any waiting verification
// goes on. The order matters: a key the provider has retired must stop
// verifying as soon as one fetch has seen it gone (go-oidc's RemoteKeySet
// answered its waiters first and replaced its cache after, which let a
// retired key pass for a moment; T-SOC-04).
type keySet struct {
	uri    string
	client *http.Client

	mu       sync.Mutex
	keys     []jose.JSONWebKey
	inFlight *keyFetch // nil when no fetch is under way
}

// keyFetch is one fetch of the key set; done closes when keys and err
// are set.
type keyFetch struct {
	done chan struct{}
	keys []jose.JSONWebKey
	err  error
}

func newKeySet(uri string, client *http.Client) *keySet {
	return &keySet{uri: uri, client: client}
}

// verify checks the signature of a compact JWS and returns its payload.
// algs are the accepted algorithms; the verifier checks them again.
func (s *keySet) verify(ctx context.Context, raw string, algs []jose.SignatureAlgorithm) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(raw, algs)
	if err != nil {
		return nil, fmt.Errorf("malformed token: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("a token must carry exactly one signature")
	}
	s.mu.Lock()
	held := s.keys
	s.mu.Unlock()
	if payload, ok := verifyWithKeys(jws, held); ok {
		return payload, nil
	}
	fetched, err := s.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if payload, ok := verifyWithKeys(jws, fetched); ok {
		return payload, nil
	}
	return nil, errors.New("no published key verifies the signature")
}

// verifyWithKeys tries the keys the token's header may name: the one with
// its key ID (every key when it names none), meant for signing, for the
// token's algorithm when the key states one (RFC 7517 §4.2, §4.4).
func verifyWithKeys(jws *jose.JSONWebSignature, keys []jose.JSONWebKey) ([]byte, bool) {
	header := jws.Signatures[0].Header
	for i := range keys {
		k := &keys[i]
		if header.KeyID != "" && k.KeyID != header.KeyID {
			continue
		}
		if k.Use != "" && k.Use != "sig" || k.Algorithm != "" && k.Algorithm != header.Algorithm {
			continue
		}
		if payload, err := jws.Verify(k); err == nil {
			return payload, true
		}
	}
	return nil, false
}

// fetch reads the key set, or waits for the fetch under way, and returns
// what it read. The fetch is not tied to ctx (other verifications may be
// waiting for it) but to the client's timeout and DefaultHTTPTimeout.
func (s *keySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	s.mu.Lock()
	f := s.inFlight
	if f == nil {
		f = &keyFetch{done: make(chan struct{})}
		s.inFlight = f
		go s.run(context.WithoutCancel(ctx), f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.keys, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run performs f, stores a successful result, then wakes f's waiters.
func (s *keySet) run(ctx context.Context, f *keyFetch) {
	ctx, cancel := context.WithTimeout(ctx, DefaultHTTPTimeout)
	defer cancel()
	keys, err := s.download(ctx)
	s.mu.Lock()
	if err == nil {
		s.keys = keys
	}
	s.inFlight = nil
	s.mu.Unlock()
	f.keys, f.err = keys, err
	close(f.done)
}

// download GETs the key set. A key that cannot be read (a key type go-jose
// does not know, say an encryption key) is skipped rather than failing
// the set; a set with no readable key is an error.
func (s *keySet) download(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.uri, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errKeysUnavailable, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errKeysUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: key set answered %d", errKeysUnavailable, resp.StatusCode)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxKeySetBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("%w: key set: %v", errKeysUnavailable, err)
	}
	keys := make([]jose.JSONWebKey, 0, len(set.Keys))
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if json.Unmarshal(raw, &k) == nil && k.Valid() && k.IsPublic() {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: the key set holds no usable public key", errKeysUnavailable)
	}
	return keys, nil
}

// keySetCall adapts one verification to go-oidc's KeySet and keeps its
// error, which go-oidc's verifier flattens to text: the caller needs to
// tell a provider outage from a bad token.
type keySetCall struct {
	set  *keySet
	algs []jose.SignatureAlgorithm
	err  error
}

// VerifySignature implements oidc.KeySet.
func (c *keySetCall) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	payload, err := c.set.verify(ctx, raw, c.algs)
	c.err = err
	return payload, err
}
