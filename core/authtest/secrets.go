package authtest

import (
	"sort"
	"sync"
	"testing"
)

// knownSecrets are the passwords and keys the suite uses: none may ever
// reach core's log.
var knownSecrets = []string{defaultPassword, "Brand-new-pass-7", "Reset-pass-99", "Another-pass-456", jwtSecret}

// secretList collects credentials a test was handed (token keys, JWTs,
// CSRF tokens) so that the log can be searched for them at the end. One
// list serves the whole suite (see suiteSink).
type secretList struct {
	mu     sync.Mutex
	values []string
	seen   map[string]bool
}

// minSecret is the shortest value worth searching for.
const minSecret = 8

// add registers values of at least minSecret bytes, once each.
func (s *secretList) add(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, x := range v {
		if len(x) >= minSecret && !s.seen[x] {
			s.seen[x] = true
			s.values = append(s.values, x)
		}
	}
}

// secretHit is one occurrence of a secret in a text.
type secretHit struct {
	secret string
	at     int // byte offset in the text
}

// find returns the first occurrence of every known or collected secret in
// text. It indexes the secrets by their first minSecret bytes and scans
// the text once, so that the suite-wide check stays linear in the log.
func (s *secretList) find(text string) []secretHit {
	s.mu.Lock()
	byPrefix := map[string][]string{}
	for _, v := range append(append([]string(nil), knownSecrets...), s.values...) {
		if len(v) >= minSecret {
			byPrefix[v[:minSecret]] = append(byPrefix[v[:minSecret]], v)
		}
	}
	s.mu.Unlock()
	found := map[string]int{}
	for i := 0; i+minSecret <= len(text); i++ {
		for _, v := range byPrefix[text[i:i+minSecret]] {
			if _, dup := found[v]; !dup && len(text)-i >= len(v) && text[i:i+len(v)] == v {
				found[v] = i
			}
		}
	}
	hits := make([]secretHit, 0, len(found))
	for v, at := range found {
		hits = append(hits, secretHit{v, at})
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	return hits
}

// wantAbsentFrom fails t if any known or collected secret is in log
// (T-OPS-02 in docs/threat-model.md).
func (s *secretList) wantAbsentFrom(t *testing.T, log string) {
	t.Helper()
	for _, h := range s.find(log) {
		t.Errorf("a secret reached the log: %.6s…", h.secret)
	}
}
