package authtest

import (
	"strings"
	"sync"
	"testing"
)

// knownSecrets are the passwords and keys the suite uses: none may ever
// reach core's log.
var knownSecrets = []string{defaultPassword, "Brand-new-pass-7", "Reset-pass-99", "Another-pass-456", jwtSecret}

// secretList collects credentials a test was handed (token keys, JWTs,
// CSRF tokens) so that the log can be searched for them at the end.
type secretList struct {
	mu     sync.Mutex
	values []string
}

func (s *secretList) add(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		if len(x) >= 8 {
			s.values = append(s.values, x)
		}
	}
}

// wantAbsentFrom fails t if any known or collected secret is in log
// (security.md T-OPS-02).
func (s *secretList) wantAbsentFrom(t *testing.T, log string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range append(append([]string(nil), knownSecrets...), s.values...) {
		if strings.Contains(log, v) {
			t.Errorf("a secret reached the log: %.6s…", v)
		}
	}
}
