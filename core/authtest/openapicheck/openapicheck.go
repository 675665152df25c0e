// Package openapicheck holds HTTP exchanges to an OpenAPI 3.1 document,
// the one restauth serves at <prefix>openapi.json: core/authtest checks
// every request it sends and every response it receives against the
// document of the server under test, and core/authtest/startertest the
// documents of the starters, so that the document cannot drift from the
// behaviour.
//
// [Load] checks the document's structure (OpenAPI 3.1, operations,
// responses, references, path templates, security requirements) and
// compiles every schema in it as JSON Schema 2020-12;
// [Document.Check] holds one exchange to it:
//
//   - the path must be one of the document's (with or without its
//     trailing slash); another path under [Document.Prefix] must be
//     answered 404 with the error body, and paths outside it are not
//     checked (the application's own routes);
//   - a method the path does not describe must be answered 405 with an
//     Allow header naming exactly the described ones;
//   - a request that does not conform (a body of an undescribed media
//     type or against the schema, or no credentials for an operation that
//     requires them) must be answered 4xx;
//   - the status must be one the operation describes, with a body of a
//     described media type that validates against its schema (none when
//     it describes none), the headers it requires, and Set-Cookie values
//     that match the documented cookie names.
//
// Not checked: request parameters, and what is not the API's answer —
// paths a router cleans or decodes ("//", "/./", "%2F"), the HTTP
// server's 431. A credential counts as sent when the header or cookie of
// any scheme of a security requirement is present (a CSRF token paired
// with a cookie may come in a form field no scheme names).
//
// It is the light half of the checks, needing only a JSON Schema
// validator (santhosh-tekuri/jsonschema, draft 2020-12); the integration
// module validates the documents with a full OpenAPI validator as well.
package openapicheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docURL names the document for the schema compiler.
const docURL = "file:///openapi.json"

// methods are the operations of a path item, as HTTP methods.
var methods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}

// statusRe matches a response key.
var statusRe = regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]XX|default)$`)

// Document is a loaded OpenAPI document.
type Document struct {
	// Prefix, when set, is where the described API is mounted: a request
	// under it to a path the document does not describe must be answered
	// 404. Load sets it to the longest common prefix of the paths, cut
	// after a slash.
	Prefix string

	raw     map[string]any
	paths   []pathItem
	schemes map[string]map[string]any
	errSch  *jsonschema.Schema // #/components/schemas/Error, if any
}

// pathItem is one path of the document, with its compiled operations.
type pathItem struct {
	name     string   // "/api/auth/login/"
	segments []string // split at "/", templates as "{x}"
	ops      map[string]*operation
}

// operation is one method of a path item.
type operation struct {
	id        string
	body      map[string]*jsonschema.Schema // media type → schema; nil: no request body
	security  [][]string                    // alternatives, each a list of scheme names; nil: none
	responses map[string]*response          // status key → response
}

// response is one described answer.
type response struct {
	content map[string]*jsonschema.Schema // media type → schema
	headers map[string]*header            // canonical name → header
}

// header is one described response header.
type header struct {
	required bool
	schema   *jsonschema.Schema
}

// Load parses and checks raw, an OpenAPI 3.1 document in JSON, and
// compiles its schemas.
func Load(raw []byte) (*Document, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("openapicheck: not JSON: %w", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("openapicheck: the document is not a JSON object")
	}
	d := &Document{raw: doc}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if ver, _ := doc["openapi"].(string); !strings.HasPrefix(ver, "3.1.") {
		fail("openapi is %q, want 3.1.x", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if t, _ := info["title"].(string); t == "" {
		fail("info.title is missing")
	}
	if _, ok := info["version"].(string); !ok {
		fail("info.version is missing")
	}
	refs(doc, "#", func(at, ref string) {
		if _, err := pointer(doc, ref); err != nil {
			fail("%s: $ref %q: %v", at, ref, err)
		}
	})
	comps, _ := doc["components"].(map[string]any)
	d.schemes = map[string]map[string]any{}
	if ss, ok := comps["securitySchemes"].(map[string]any); ok {
		for name, s := range ss {
			obj, _ := s.(map[string]any)
			switch obj["type"] {
			case "apiKey":
				if obj["name"] == nil || (obj["in"] != "header" && obj["in"] != "cookie" && obj["in"] != "query") {
					fail("securitySchemes.%s: apiKey needs name and in", name)
				}
			case "http":
				if obj["scheme"] == nil {
					fail("securitySchemes.%s: http needs scheme", name)
				}
			case "oauth2", "openIdConnect", "mutualTLS":
			default:
				fail("securitySchemes.%s: unknown type %v", name, obj["type"])
			}
			d.schemes[name] = obj
		}
	}

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, fmt.Errorf("openapicheck: %w", err)
	}
	compile := func(ptr ...string) *jsonschema.Schema {
		sch, err := c.Compile(docURL + "#" + fragment(ptr...))
		if err != nil {
			fail("schema at %s: %v", "/"+strings.Join(ptr, "/"), err)
			return nil
		}
		return sch
	}
	if schemas, ok := comps["schemas"].(map[string]any); ok {
		for name := range schemas {
			sch := compile("components", "schemas", name)
			if name == "Error" {
				d.errSch = sch
			}
		}
	}

	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		fail("paths is missing")
	}
	ids := map[string]string{}
	for name, v := range paths {
		item, _ := v.(map[string]any)
		if !strings.HasPrefix(name, "/") {
			fail("path %q does not start with /", name)
		}
		p := pathItem{name: name, segments: strings.Split(name, "/"), ops: map[string]*operation{}}
		templates := map[string]bool{}
		for _, s := range p.segments {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				templates[s[1:len(s)-1]] = true
			}
		}
		for _, m := range methods {
			ov, ok := item[strings.ToLower(m)]
			if !ok {
				continue
			}
			o, _ := ov.(map[string]any)
			at := func(ptr ...string) []string { return append([]string{"paths", name, strings.ToLower(m)}, ptr...) }
			op := &operation{responses: map[string]*response{}}
			op.id, _ = o["operationId"].(string)
			if op.id != "" {
				if other, dup := ids[op.id]; dup {
					fail("operationId %q of %s %s is also %s's", op.id, m, name, other)
				}
				ids[op.id] = m + " " + name
			}
			declared := map[string]bool{}
			params, _ := o["parameters"].([]any)
			for i, pv := range params {
				pm, _ := pv.(map[string]any)
				pname, _ := pm["name"].(string)
				switch pm["in"] {
				case "path":
					if pm["required"] != true || !templates[pname] {
						fail("%s %s: path parameter %q must be required and in the path", m, name, pname)
					}
					declared[pname] = true
				case "query", "header", "cookie":
				default:
					fail("%s %s: parameter %q has no valid in", m, name, pname)
				}
				if _, ok := pm["schema"]; ok {
					compile(at("parameters", strconv.Itoa(i), "schema")...)
				}
			}
			for t := range templates {
				if !declared[t] {
					fail("%s %s: path template {%s} has no parameter", m, name, t)
				}
			}
			if rb, ok := o["requestBody"].(map[string]any); ok {
				content, _ := rb["content"].(map[string]any)
				if len(content) == 0 {
					fail("%s %s: requestBody without content", m, name)
				}
				op.body = map[string]*jsonschema.Schema{}
				for mt := range content {
					op.body[mt] = compile(at("requestBody", "content", mt, "schema")...)
				}
			}
			if sec, ok := o["security"].([]any); ok {
				op.security = [][]string{}
				for _, rv := range sec {
					req, _ := rv.(map[string]any)
					var names []string
					for n := range req {
						if d.schemes[n] == nil {
							fail("%s %s: security scheme %q is not defined", m, name, n)
						}
						names = append(names, n)
					}
					op.security = append(op.security, names)
				}
			}
			rs, _ := o["responses"].(map[string]any)
			if len(rs) == 0 {
				fail("%s %s: no responses", m, name)
			}
			for status, rv := range rs {
				if !statusRe.MatchString(status) {
					fail("%s %s: response key %q is not a status", m, name, status)
				}
				r, _ := rv.(map[string]any)
				if _, ok := r["description"].(string); !ok {
					fail("%s %s %s: no description", m, name, status)
				}
				res := &response{content: map[string]*jsonschema.Schema{}, headers: map[string]*header{}}
				content, _ := r["content"].(map[string]any)
				for mt := range content {
					res.content[mt] = compile(at("responses", status, "content", mt, "schema")...)
				}
				hs, _ := r["headers"].(map[string]any)
				for hn, hv := range hs {
					h, _ := hv.(map[string]any)
					hd := &header{required: h["required"] == true}
					if _, ok := h["schema"]; ok {
						hd.schema = compile(at("responses", status, "headers", hn, "schema")...)
					}
					res.headers[http.CanonicalHeaderKey(hn)] = hd
				}
				op.responses[status] = res
			}
			p.ops[m] = op
		}
		if len(p.ops) == 0 {
			fail("path %s has no operations", name)
		}
		d.paths = append(d.paths, p)
	}
	slices.SortFunc(d.paths, func(x, y pathItem) int { return strings.Compare(x.name, y.name) })
	d.Prefix = commonPrefix(d.paths)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("openapicheck: invalid document:\n%w", err)
	}
	return d, nil
}

// Paths returns the document's paths, sorted.
func (d *Document) Paths() []string {
	var ps []string
	for _, p := range d.paths {
		ps = append(ps, p.name)
	}
	return ps
}

// Methods returns the methods the document describes for path (a name
// Paths returns), as HTTP methods, sorted.
func (d *Document) Methods(path string) []string {
	for _, p := range d.paths {
		if p.name == path {
			var ms []string
			for m := range p.ops {
				ms = append(ms, m)
			}
			slices.Sort(ms)
			return ms
		}
	}
	return nil
}

// Check holds one exchange to the document: req as sent with its body
// reqBody (nil when it could not be recorded; the body is then not
// checked), and res as received with its whole body. It returns nil for a
// conforming exchange and for one outside Prefix that the document does
// not describe.
func (d *Document) Check(req *http.Request, reqBody []byte, res *http.Response, resBody []byte) error {
	if !canonical(req.URL) || res.StatusCode == http.StatusRequestHeaderFieldsTooLarge {
		// Routers clean, redirect or refuse such paths in their own ways,
		// before any endpoint runs, and the HTTP server itself refuses
		// oversized headers (431): not the API's answers.
		return nil
	}
	item := d.find(req.URL.Path)
	where := req.Method + " " + req.URL.Path + " → " + strconv.Itoa(res.StatusCode)
	if item == nil {
		if d.Prefix == "" || !strings.HasPrefix(req.URL.Path, d.Prefix) && req.URL.Path+"/" != d.Prefix {
			return nil
		}
		if res.StatusCode != http.StatusNotFound {
			return fmt.Errorf("%s: a path the document does not describe, under %s, must be answered 404", where, d.Prefix)
		}
		if req.Method == http.MethodHead {
			return nil
		}
		return d.wantError(where, res, resBody)
	}
	op := item.ops[req.Method]
	if op == nil {
		var errs []error
		if res.StatusCode != http.StatusMethodNotAllowed {
			errs = append(errs, fmt.Errorf("%s: a method %s does not describe must be answered 405", where, item.name))
		}
		var allow []string
		for _, v := range res.Header.Values("Allow") {
			for _, m := range strings.Split(v, ",") {
				allow = append(allow, strings.TrimSpace(m))
			}
		}
		slices.Sort(allow)
		if want := d.Methods(item.name); !slices.Equal(allow, want) {
			errs = append(errs, fmt.Errorf("%s: Allow %q, but the document describes %q", where, allow, want))
		}
		if req.Method != http.MethodHead {
			if err := d.wantError(where, res, resBody); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}

	var errs []error
	if bad := d.nonConforming(op, req, reqBody); bad != "" && (res.StatusCode < 400 || res.StatusCode > 499) {
		errs = append(errs, fmt.Errorf("%s: the request does not conform (%s) but the answer is not 4xx", where, bad))
	}
	r := op.responses[strconv.Itoa(res.StatusCode)]
	if r == nil {
		r = op.responses[strconv.Itoa(res.StatusCode/100)+"XX"]
	}
	if r == nil {
		r = op.responses["default"]
	}
	if r == nil {
		errs = append(errs, fmt.Errorf("%s: status not described (%s); body %.300s", where, op.id, resBody))
		return errors.Join(errs...)
	}
	if err := checkResponse(where, r, req.Method, res, resBody); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// canonical reports whether u's path is one a router takes as it is:
// clean (no empty, "." or ".." segments) and without percent-encoding.
func canonical(u *url.URL) bool {
	p := u.EscapedPath()
	if p != u.Path || !strings.HasPrefix(p, "/") {
		return false
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if s == "." || s == ".." || s == "" && i != len(segs)-1 {
			return false
		}
	}
	return true
}

// find returns the path item path names (with or without its trailing
// slash, templates matching one non-empty segment).
func (d *Document) find(path string) *pathItem {
	for _, alt := range []string{path, path + "/"} {
		segs := strings.Split(alt, "/")
		for i := range d.paths {
			p := &d.paths[i]
			if len(p.segments) != len(segs) {
				continue
			}
			match := true
			for j, s := range p.segments {
				if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
					if segs[j] == "" {
						match = false
						break
					}
				} else if s != segs[j] {
					match = false
					break
				}
			}
			if match {
				return p
			}
		}
		if strings.HasSuffix(path, "/") {
			break
		}
	}
	return nil
}

// wantError checks an answer that must carry the document's Error body.
func (d *Document) wantError(where string, res *http.Response, body []byte) error {
	if d.errSch == nil {
		return nil
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: body is not JSON: %.200s", where, body)
	}
	if err := d.errSch.Validate(v); err != nil {
		return fmt.Errorf("%s: body does not match Error: %v", where, err)
	}
	return nil
}

// nonConforming says why req does not conform to op, or "".
func (d *Document) nonConforming(op *operation, req *http.Request, body []byte) string {
	if op.body != nil && body != nil {
		var (
			mt  string
			err error
		)
		if len(body) > 0 {
			mt, _, err = mime.ParseMediaType(req.Header.Get("Content-Type"))
			if err != nil {
				return "Content-Type " + strconv.Quote(req.Header.Get("Content-Type"))
			}
		} else {
			for m := range op.body {
				mt = m
				break
			}
		}
		sch, ok := op.body[mt]
		if !ok {
			return "media type " + mt + " is not described"
		}
		v, why := decodeBody(mt, req.Header.Get("Content-Type"), body)
		if why != "" {
			return why
		}
		if err := sch.Validate(v); err != nil {
			return "body: " + oneLine(err)
		}
	}
	if op.security != nil && !slices.ContainsFunc(op.security, func(schemes []string) bool { return d.carries(req, schemes) }) {
		return "no credentials for any security requirement"
	}
	return ""
}

// decodeBody reads a request body as the JSON value a schema validates;
// an empty body is an empty object, as restauth reads it.
func decodeBody(mt, contentType string, body []byte) (any, string) {
	if len(body) == 0 {
		return map[string]any{}, ""
	}
	if !utf8.Valid(body) && mt != "multipart/form-data" {
		return nil, "body is not UTF-8"
	}
	switch mt {
	case "application/json":
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			return nil, "body is not JSON"
		}
		return v, ""
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, "body is not a urlencoded form"
		}
		return formObject(vals), ""
	case "multipart/form-data":
		_, params, _ := mime.ParseMediaType(contentType)
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		form, err := mr.ReadForm(int64(len(body)) + 1)
		if err != nil {
			return nil, "body is not a multipart form"
		}
		defer form.RemoveAll()
		for _, vs := range form.Value {
			for _, s := range vs {
				if !utf8.ValidString(s) {
					return nil, "a form value is not UTF-8"
				}
			}
		}
		return formObject(form.Value), ""
	}
	return nil, "media type " + mt + " cannot be read"
}

// formObject keeps the last value of each key, as restauth does.
func formObject(vals map[string][]string) map[string]any {
	obj := make(map[string]any, len(vals))
	for k, vs := range vals {
		if len(vs) > 0 {
			obj[k] = vs[len(vs)-1]
		}
	}
	return obj
}

// carries reports whether req carries credentials of a security
// requirement: the header or cookie of any of its schemes (their
// validity is the server's business; a CSRF token paired with a cookie
// may come in a form field the document cannot name).
func (d *Document) carries(req *http.Request, schemes []string) bool {
	if len(schemes) == 0 {
		return true
	}
	for _, name := range schemes {
		if d.carriesScheme(req, name) {
			return true
		}
	}
	return false
}

// carriesScheme reports whether req carries scheme name's header or cookie.
func (d *Document) carriesScheme(req *http.Request, name string) bool {
	s := d.schemes[name]
	n, _ := s["name"].(string)
	switch {
	case s["type"] == "http":
		return req.Header.Get("Authorization") != ""
	case s["in"] == "header":
		return req.Header.Get(n) != ""
	case s["in"] == "cookie":
		c, err := req.Cookie(n)
		return err == nil && c.Value != ""
	case s["in"] == "query":
		return req.URL.Query().Has(n)
	}
	return false
}

// checkResponse holds res to r.
func checkResponse(where string, r *response, method string, res *http.Response, body []byte) error {
	var errs []error
	for name, h := range r.headers {
		values := res.Header.Values(name)
		if h.required && len(values) == 0 {
			errs = append(errs, fmt.Errorf("%s: the required header %s is missing", where, name))
		}
		if h.schema == nil {
			continue
		}
		for _, v := range values {
			if err := h.schema.Validate(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: header %s: %q: %s", where, name, v, oneLine(err)))
			}
		}
	}
	if cookies := res.Header.Values("Set-Cookie"); len(cookies) > 0 && r.headers["Set-Cookie"] == nil {
		errs = append(errs, fmt.Errorf("%s: Set-Cookie is not described: %q", where, cookies))
	}
	switch {
	case method == http.MethodHead || res.StatusCode == http.StatusNotModified || res.StatusCode == http.StatusNoContent:
		if len(body) > 0 {
			errs = append(errs, fmt.Errorf("%s: a body on an answer without one", where))
		}
	case len(r.content) == 0:
		if len(body) > 0 {
			errs = append(errs, fmt.Errorf("%s: a body where the document describes none: %.200s", where, body))
		}
	default:
		mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
		sch, ok := r.content[mt]
		if err != nil || !ok {
			errs = append(errs, fmt.Errorf("%s: Content-Type %q is not described", where, res.Header.Get("Content-Type")))
			break
		}
		if sch == nil {
			break
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: body is not JSON: %.200s", where, body))
			break
		}
		if err := sch.Validate(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: body %.300s does not match the schema: %s", where, body, oneLine(err)))
		}
	}
	return errors.Join(errs...)
}

// oneLine flattens a validation error.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// commonPrefix is the longest prefix of every path that ends with "/".
func commonPrefix(paths []pathItem) string {
	if len(paths) == 0 {
		return ""
	}
	prefix := paths[0].name
	for _, p := range paths[1:] {
		for !strings.HasPrefix(p.name, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return prefix[:strings.LastIndexByte(prefix, '/')+1]
}

// fragment is the URL fragment of the JSON pointer to ptr.
func fragment(ptr ...string) string {
	var b strings.Builder
	for _, tok := range ptr {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
		b.WriteString("/" + url.PathEscape(tok))
	}
	return b.String()
}

// refs calls f for every "$ref" in v.
func refs(v any, at string, f func(at, ref string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				f(at, s)
				continue
			}
			refs(e, at+"/"+k, f)
		}
	case []any:
		for i, e := range x {
			refs(e, at+"/"+strconv.Itoa(i), f)
		}
	}
}

// pointer resolves a local reference "#/a/b" in doc.
func pointer(doc any, ref string) (any, error) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, errors.New("only local references are checked")
	}
	v := doc
	if frag == "" {
		return v, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, errors.New("no such target")
		}
		if v, ok = m[tok]; !ok {
			return nil, errors.New("no such target")
		}
	}
	return v, nil
}

// Transport returns a RoundTripper that sends requests through base and
// holds every exchange to d, passing each failure to report. The request
// body is read again through Request.GetBody (set for bodies built from
// bytes or strings), so a streamed body is sent as it is and not checked;
// the response body is read whole and handed on.
func (d *Document) Transport(base http.RoundTripper, report func(error)) http.RoundTripper {
	return &transport{d: d, base: base, report: report}
}

type transport struct {
	d      *Document
	base   http.RoundTripper
	report func(error)
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	switch {
	case req.Body == nil || req.Body == http.NoBody:
		reqBody = []byte{}
	case req.GetBody != nil:
		if rc, err := req.GetBody(); err == nil {
			reqBody, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				reqBody = nil
			}
		}
	}
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return res, nil // the caller sees the short body
	}
	if err := t.d.Check(req, reqBody, res, body); err != nil {
		t.report(err)
	}
	return res, nil
}

// CloseIdleConnections reaches the base transport.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
