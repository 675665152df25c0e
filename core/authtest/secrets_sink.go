package authtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/restauth/restauth/core/mail"
)

// suiteSink is the suite-wide record of T-OPS-02 (docs/threat-model.md):
// every env of one Run writes its log records and the error bodies it
// received into one buffer, and registers every credential the server
// handed out (keys, JWTs, cookie values, links in mails) in one list. At
// the end of the run every secret is searched for in everything recorded,
// across envs.
type suiteSink struct {
	secrets *secretList
	mu      sync.Mutex
	buf     bytes.Buffer // lines "[test name] record"
	apis    openAPIDocs  // the servers' OpenAPI documents (openapi.go)
}

// newSuiteSink returns an empty sink for one run.
func newSuiteSink() *suiteSink { return &suiteSink{secrets: &secretList{}} }

// writer returns an io.Writer for the log of the env of test name; each
// Write (one slog record) is recorded with the name in front.
func (k *suiteSink) writer(name string) io.Writer { return sinkWriter{k, name} }

// record appends one line-terminated entry tagged with the test name.
func (k *suiteSink) record(name string, p []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.buf.WriteString("[" + name + "] ")
	k.buf.Write(p)
	if len(p) == 0 || p[len(p)-1] != '\n' {
		k.buf.WriteByte('\n')
	}
}

// check fails t for every secret handed out anywhere in the run that
// appears in anything logged, or in any error body, anywhere in the run.
func (k *suiteSink) check(t *testing.T) {
	t.Helper()
	k.mu.Lock()
	all := k.buf.String()
	k.mu.Unlock()
	for _, h := range k.secrets.find(all) {
		line := all[strings.LastIndexByte(all[:h.at], '\n')+1:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		t.Errorf("a secret (%.6s…) reached the log or an error body (T-OPS-02):\n%s", h.secret, strings.ReplaceAll(line, h.secret, h.secret[:6]+"…"))
	}
}

// sinkWriter is one env's view of the sink.
type sinkWriter struct {
	k    *suiteSink
	name string
}

// Write records p, one log record, under the env's test name.
func (w sinkWriter) Write(p []byte) (int, error) {
	w.k.record(w.name, p)
	return len(p), nil
}

// transport wraps base so that every response of the env of test name
// registers the credentials it hands out (Set-Cookie values; "key",
// "access", "refresh" and "token" of a JSON body) and records its body
// when the status is an error.
func (k *suiteSink) transport(name string, base http.RoundTripper) http.RoundTripper {
	return &sinkTransport{k: k, name: name, base: base}
}

// sinkTransport is the client side of the sink.
type sinkTransport struct {
	k    *suiteSink
	name string
	base http.RoundTripper
}

// credentialFields are the JSON fields whose string values are secrets.
var credentialFields = []string{"key", "access", "refresh", "token"}

// RoundTrip sends req and harvests the response (see transport).
func (s *sinkTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := s.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Cookies() {
		s.k.secrets.add(c.Value)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return res, nil // the caller sees the short body
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		for _, f := range credentialFields {
			var v string
			if json.Unmarshal(obj[f], &v) == nil {
				s.k.secrets.add(v)
			}
		}
	}
	if res.StatusCode >= 400 {
		s.k.record(s.name, []byte("error body: "+req.Method+" "+req.URL.Path+" "+res.Status+": "+string(body)))
	}
	return res, nil
}

// CloseIdleConnections lets httptest.Server.Close reach the base transport.
func (s *sinkTransport) CloseIdleConnections() {
	if c, ok := s.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// mailer wraps m so that the links of every mail it sends (reset and
// verification tokens) are registered as secrets.
func (k *suiteSink) mailer(m mail.Mailer) mail.Mailer { return sinkMailer{k: k, Mailer: m} }

// sinkMailer is the mail side of the sink.
type sinkMailer struct {
	k *suiteSink
	mail.Mailer
}

// linkRe matches a URL in a mail.
var linkRe = regexp.MustCompile(`https?://[^\s"'<>]+`)

// Send registers the links of m and delivers it.
func (s sinkMailer) Send(ctx context.Context, m mail.Message) error {
	for _, link := range linkRe.FindAllString(m.Text+" "+m.HTML, -1) {
		s.k.secrets.add(link)
		for _, seg := range strings.Split(link, "/") {
			// a token, not a word of the path: long and with a digit
			if len(seg) >= 16 && strings.ContainsAny(seg, "0123456789") {
				s.k.secrets.add(seg)
			}
		}
	}
	return s.Mailer.Send(ctx, m)
}
