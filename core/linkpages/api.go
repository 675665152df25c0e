package linkpages

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// maxAnswerBytes bounds the JSON answer read back from an endpoint.
const maxAnswerBytes = 64 << 10

// apiResult is a JSON endpoint's answer: its status and headers, and its
// body as dj-rest-auth shapes it ({"detail":"…"}, {"field":["…"]}).
type apiResult struct {
	status  int
	header  http.Header
	details string
	fields  map[string][]string
}

// detail returns the answer's detail message, or def.
func (a apiResult) detail(def string) string {
	if a.details != "" {
		return a.details
	}
	return def
}

// call sends body as JSON to the endpoint at Prefix+endpoint through
// core's own handler, in process, as a request from this server: the
// client's address (and X-Forwarded-For, which core trusts only from its
// configured proxies) is kept for rate limits and events; the browser's
// cookies and headers are not passed on. A csrftoken is attached so that
// configurations enforcing CSRF on anonymous requests accept the call.
func (p *Pages) call(r *http.Request, endpoint string, body map[string]string) apiResult {
	raw, _ := json.Marshal(body) // a map of strings always encodes
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.auth.Prefix()+endpoint, bytes.NewReader(raw))
	if err != nil {
		return apiResult{status: http.StatusInternalServerError}
	}
	req.RemoteAddr = r.RemoteAddr
	req.Host = r.Host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		req.Header["X-Forwarded-For"] = xff
	}
	csrf := &recorder{header: http.Header{}}
	token := p.auth.CSRFToken(csrf, req)
	for _, c := range (&http.Response{Header: csrf.header}).Cookies() {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	req.Header.Set(p.csrfHeader, token)

	rec := &recorder{header: http.Header{}}
	p.api.ServeHTTP(rec, req)
	res := apiResult{status: rec.status, header: rec.header, fields: map[string][]string{}}
	if res.status == 0 {
		res.status = http.StatusOK
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(rec.body.Bytes(), &m) != nil {
		return res
	}
	for k, v := range m {
		var s string
		var list []string
		switch {
		case json.Unmarshal(v, &s) == nil && k == "detail":
			res.details = s
		case json.Unmarshal(v, &list) == nil:
			res.fields[k] = list
		case json.Unmarshal(v, &s) == nil:
			res.fields[k] = []string{s}
		}
	}
	return res
}

// recorder is a ResponseWriter that keeps an in-process answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := maxAnswerBytes - r.body.Len(); room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}
