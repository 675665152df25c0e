package core

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Schema is a JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as
// its JSON object: Schema{"type": "string"}, or a reference to one of
// the document's components with SchemaRef. Values must be what
// encoding/json can write.
type Schema map[string]any

// SchemaRef refers to a schema of the document's components. Those
// restauth defines are "User" (the user representation of this
// configuration), "Error" (the {"detail": ...} error body, with "code"
// and "messages" for SimpleJWT's errors), "Detail" (a {"detail": ...}
// success body) and "Messages" (the list of messages of one field in a
// 400 body); "Key" (token login), "JWT" (JWT login) and "TokenRefresh"
// exist when their method is configured.
func SchemaRef(name string) Schema {
	return Schema{"$ref": "#/components/schemas/" + name}
}

// FieldErrors is the schema of dj-rest-auth's 400 body for a form with
// the given fields: {"field": ["message", ...], "non_field_errors": [...]},
// each member a list of messages. With extra, members of other names may
// appear too (fields an application hook reads).
func FieldErrors(extra bool, fields ...string) Schema {
	props := map[string]any{}
	for _, f := range append(slices.Clone(fields), "non_field_errors") {
		props[f] = SchemaRef("Messages")
	}
	s := Schema{"type": "object", "properties": props, "minProperties": 1, "additionalProperties": false}
	if extra {
		s["additionalProperties"] = SchemaRef("Messages")
	}
	return s
}

// Parameter is a request parameter of an Operation, always a string.
type Parameter struct {
	Name        string
	In          string // "cookie", "header", "query" or "path"
	Description string
	Required    bool
}

// Operation describes one method of a route for the OpenAPI document
// (Auth.OpenAPI): an OpenAPI Operation Object reduced to what an endpoint
// of restauth's request cycle needs. Routes carry theirs in
// Route.Operations, so that a mounted endpoint is always described and an
// unmounted one never is.
//
// Responses lists what the handler answers. The document adds those of
// the request cycle to each operation: 406 (Accept), 500, 503 (with
// Retry-After); with a Body, 400 (a malformed body: {"detail": ...}), 413
// and 415; by Access and Config.Methods, 401 (with WWW-Authenticate) and
// 403; and a Set-Cookie header naming Cookies, the csrftoken cookie and,
// on authenticated operations, the session cookie. A status listed here
// and added there gets both bodies (oneOf).
type Operation struct {
	// ID is the operationId, unique in the document: the method name of
	// generated clients ("login", "userRetrieve").
	ID          string
	Summary     string
	Description string
	Tags        []string
	// Parameters are the cookies, headers and query parameters it reads;
	// a {name} segment of the route's path is a path parameter without
	// being listed.
	Parameters []Parameter
	// Body is the schema of the request body, a JSON object, accepted as
	// application/json, application/x-www-form-urlencoded and
	// multipart/form-data alike (form values are strings); nil when the
	// operation reads none.
	Body Schema
	// Responses maps each status the handler answers to its description.
	Responses map[int]Response
	// Cookies names the cookies the operation may set or delete besides
	// csrftoken and the session cookie, which the document adds.
	Cookies []string

	// static: an answer that depends on the configuration only
	// (openapi.json): no store, so no 503, and no csrftoken cookie.
	static bool
}

// Response describes one answer of an Operation.
type Response struct {
	Description string
	// Body is the schema of the JSON body; nil for an answer without one.
	Body Schema
}

// operationMethods are the methods an Operation can describe, in the
// order of an endpoint's Allow header.
var operationMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// openAPIPath is the route of the document.
const openAPIPath = "openapi.json/"

// OpenAPI returns the OpenAPI 3.1 document (JSON) of the endpoints this
// configuration mounts, as GET <Prefix>openapi.json serves it (unless
// Config.DisableOpenAPI): each route of Routes with its request bodies,
// responses, cookies and security schemes, built from the same table that
// mounts them. Paths are absolute, under Prefix, and named with their
// trailing slash (both forms are served). info.version is a digest of the
// document, so it changes exactly when the API does. An error means that
// a route lacks the description of a method it serves.
func (a *Auth) OpenAPI() ([]byte, error) {
	doc, err := a.openAPIDocument()
	if err != nil {
		return nil, err
	}
	info := doc["info"].(map[string]any)
	unversioned, err := marshalRaw(doc)
	if err != nil {
		return nil, fmt.Errorf("restauth: OpenAPI: %w", err)
	}
	sum := sha256.Sum256(unversioned)
	info["version"] = "restauth-" + hex.EncodeToString(sum[:6])
	return marshalRaw(doc)
}

// openAPIDocument builds the document as JSON values.
func (a *Auth) openAPIDocument() (map[string]any, error) {
	paths := map[string]any{}
	ids := map[string]string{}
	for _, rt := range a.routes {
		item := map[string]any{}
		acc, ops := accessNone, rt.Operations
		if e, ok := rt.Handler.(*endpoint); ok {
			acc = e.access
			if ops == nil {
				ops = e.ops
			}
		}
		for m := range ops {
			if !slices.Contains(rt.Methods, m) {
				return nil, fmt.Errorf("restauth: OpenAPI: %s %s is described but not served", m, rt.Path)
			}
		}
		for _, m := range rt.Methods {
			op, ok := ops[m]
			opAcc := acc
			switch {
			case ok:
			case m == http.MethodHead:
				get, ok := ops[http.MethodGet]
				if !ok {
					return nil, fmt.Errorf("restauth: OpenAPI: %s %s has no description", m, rt.Path)
				}
				op = headOperation(get)
			case m == http.MethodOptions:
				op, opAcc = optionsOperation(rt.Path), accessNone
			default:
				return nil, fmt.Errorf("restauth: OpenAPI: %s %s has no description", m, rt.Path)
			}
			if op.ID == "" {
				return nil, fmt.Errorf("restauth: OpenAPI: %s %s has no operation ID", m, rt.Path)
			}
			if other, dup := ids[op.ID]; dup {
				return nil, fmt.Errorf("restauth: OpenAPI: operation ID %q of %s %s is also %s's", op.ID, m, rt.Path, other)
			}
			ids[op.ID] = m + " " + rt.Path
			item[strings.ToLower(m)] = a.operationObject(rt.Path, m, opAcc, op)
		}
		paths[a.openAPIPathName(rt.Path)] = item
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "restauth",
			"version":     "",
			"description": a.openAPIDescription(),
		},
		"paths":      paths,
		"components": a.openAPIComponents(),
	}, nil
}

// openAPIPathName is the document's name of the route at rel: the prefix
// and rel, which keeps its trailing slash except for the document itself.
func (a *Auth) openAPIPathName(rel string) string {
	if rel == openAPIPath {
		return a.cfg.Prefix + strings.TrimSuffix(rel, "/")
	}
	return a.cfg.Prefix + rel
}

// headOperation is GET's operation answered without bodies.
func headOperation(get Operation) Operation {
	op := get
	op.ID = get.ID + "Head"
	op.Summary = "Like GET, without the body"
	op.Description = ""
	op.Body = nil
	op.Parameters = slices.Clone(get.Parameters)
	op.Responses = make(map[int]Response, len(get.Responses))
	for status, r := range get.Responses {
		op.Responses[status] = Response{Description: r.Description}
	}
	return op
}

// optionsOperation is DRF's OPTIONS answer, which every endpoint gives.
func optionsOperation(rel string) Operation {
	return Operation{
		ID:          camelPath(rel) + "Options",
		Summary:     "The endpoint's metadata (DRF's OPTIONS answer)",
		Tags:        []string{"metadata"},
		Responses:   map[int]Response{http.StatusOK: {Description: "The endpoint's name and the media types it renders and parses", Body: SchemaRef("Metadata")}},
		static:      true,
		Description: "Answered before authentication and the method check.",
	}
}

// camelPath turns "password/reset/confirm/" into "passwordResetConfirm".
func camelPath(rel string) string {
	var b strings.Builder
	upper := false
	for _, r := range rel {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = b.Len() > 0
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// operationObject renders op, served at rel for method with access acc,
// with the responses of the request cycle added.
func (a *Auth) operationObject(rel, method string, acc access, op Operation) map[string]any {
	o := map[string]any{"operationId": op.ID}
	if op.Summary != "" {
		o["summary"] = op.Summary
	}
	if op.Description != "" {
		o["description"] = op.Description
	}
	if len(op.Tags) > 0 {
		o["tags"] = op.Tags
	}
	unsafe := !isSafeMethod(method)
	if sec := a.securityRequirements(acc, unsafe); sec != nil {
		o["security"] = sec
	}
	var params []any
	listed := map[string]bool{}
	for _, p := range op.Parameters {
		if p.In == "path" {
			listed[p.Name] = true
		}
	}
	for _, seg := range strings.Split(rel, "/") {
		if name, ok := placeholderName(seg); ok && !listed[name] {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	for _, p := range op.Parameters {
		po := map[string]any{"name": p.Name, "in": p.In, "schema": map[string]any{"type": "string"}}
		if p.Description != "" {
			po["description"] = p.Description
		}
		if p.Required || p.In == "path" {
			po["required"] = true
		}
		params = append(params, po)
	}
	if params != nil {
		o["parameters"] = params
	}
	if op.Body != nil {
		var required int
		switch r := op.Body["required"].(type) {
		case []string:
			required = len(r)
		case []any:
			required = len(r)
		}
		content := map[string]any{}
		for _, mt := range []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"} {
			content[mt] = map[string]any{"schema": op.Body}
		}
		o["requestBody"] = map[string]any{"required": required > 0, "content": content}
	}

	responses := make(map[int]Response, len(op.Responses)+8)
	for status, r := range op.Responses {
		responses[status] = r
	}
	add := func(status int, description string) {
		errBody := SchemaRef("Error")
		r, ok := responses[status]
		switch {
		case !ok:
			responses[status] = Response{Description: description, Body: errBody}
		case r.Body == nil:
			r.Body = errBody
			responses[status] = r
		case !sameSchema(r.Body, errBody):
			r.Body = Schema{"oneOf": []any{r.Body, errBody}}
			responses[status] = r
		}
	}
	add(http.StatusNotAcceptable, "The Accept header allows no JSON answer")
	add(http.StatusInternalServerError, "An internal error (logged)")
	if !op.static {
		add(http.StatusServiceUnavailable, "A backing store failed or the request ran out of Config.RequestTimeout; retry after Retry-After seconds")
	}
	if op.Body != nil {
		add(http.StatusBadRequest, "The body is malformed")
		add(http.StatusRequestEntityTooLarge, "The body exceeds Config.MaxBodyBytes")
		add(http.StatusUnsupportedMediaType, "The body's media type is none of JSON, urlencoded or multipart form")
	}
	cookieCSRF := unsafe && a.usesCSRFCookie()
	switch acc {
	case accessRequired:
		if a.challenge() != "" {
			add(http.StatusUnauthorized, "No valid credentials")
		} else {
			add(http.StatusForbidden, "No valid credentials")
		}
		if cookieCSRF {
			add(http.StatusForbidden, "A cookie-authenticated request failed the CSRF check")
		}
	default:
		if cookieCSRF && !op.static {
			add(http.StatusForbidden, "A browser request from another origin, or a cookie-authenticated one that failed the CSRF check")
		}
	}

	cookies := slices.Clone(op.Cookies)
	if a.usesCSRFCookie() && !op.static {
		cookies = append(cookies, a.cfg.CSRF.CookieName)
	}
	if a.cfg.uses(MethodSession) && acc != accessNone {
		cookies = append(cookies, a.cfg.Session.CookieName)
	}
	slices.Sort(cookies)
	cookies = slices.Compact(cookies)

	ro := map[string]any{}
	for status, r := range responses {
		obj := map[string]any{"description": r.Description}
		if r.Body != nil && method != http.MethodHead {
			obj["content"] = map[string]any{"application/json": map[string]any{"schema": r.Body}}
		}
		headers := map[string]any{}
		switch status {
		case http.StatusUnauthorized:
			headers["WWW-Authenticate"] = map[string]any{"required": true, "schema": map[string]any{"type": "string"},
				"description": "The challenge of the first authentication method"}
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			headers["Retry-After"] = map[string]any{"required": true, "schema": map[string]any{"type": "string", "pattern": "^[0-9]+$"},
				"description": "Seconds to wait before retrying"}
		}
		if len(cookies) > 0 && status != http.StatusNotAcceptable {
			quoted := make([]string, len(cookies))
			for i, c := range cookies {
				quoted[i] = regexp.QuoteMeta(c)
			}
			headers["Set-Cookie"] = map[string]any{
				"description": "May set or delete the cookies " + strings.Join(cookies, ", "),
				"schema":      map[string]any{"type": "string", "pattern": "^(" + strings.Join(quoted, "|") + ")="},
			}
		}
		if len(headers) > 0 {
			obj["headers"] = headers
		}
		ro[strconv.Itoa(status)] = obj
	}
	o["responses"] = ro
	return o
}

// sameSchema reports whether two schemas are the same reference.
func sameSchema(x, y Schema) bool {
	rx, okx := x["$ref"].(string)
	ry, oky := y["$ref"].(string)
	return okx && oky && len(x) == 1 && len(y) == 1 && rx == ry
}

// securityRequirements lists the credentials an operation with acc takes
// (alternatives, in Config.Methods order; each one's schemes together),
// or nil for none. A cookie needs the CSRF token on unsafe methods.
func (a *Auth) securityRequirements(acc access, unsafe bool) []any {
	if acc == accessNone {
		return nil
	}
	var reqs []any
	req := func(schemes ...string) {
		r := map[string]any{}
		for _, s := range schemes {
			r[s] = []string{}
		}
		reqs = append(reqs, r)
	}
	for _, m := range a.cfg.Methods {
		switch m {
		case MethodToken:
			req("tokenAuth")
		case MethodJWT:
			req("jwtAuth")
			if !a.cfg.JWT.DisableCookies {
				if unsafe && !a.cfg.JWT.DisableCookieCSRF {
					req("jwtCookieAuth", "csrfToken")
				} else {
					req("jwtCookieAuth")
				}
			}
		case MethodSession:
			if unsafe {
				req("sessionAuth", "csrfToken")
			} else {
				req("sessionAuth")
			}
		}
	}
	if acc == accessOptional {
		reqs = append(reqs, map[string]any{})
	}
	return reqs
}

// openAPIComponents returns the schemas and security schemes.
func (a *Auth) openAPIComponents() map[string]any {
	object := func(props map[string]any, required ...string) Schema {
		return Schema{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	schemas := map[string]any{
		"Detail": object(map[string]any{"detail": strField("")}, "detail"),
		"Error": object(map[string]any{
			"detail":   strField("What went wrong"),
			"code":     strField("SimpleJWT's error code (token_not_valid, user_not_found, ...)"),
			"messages": Schema{"type": "array", "items": SchemaRef("TokenMessage")},
		}, "detail"),
		"TokenMessage": object(map[string]any{
			"token_class": strField(""), "token_type": strField(""), "message": strField(""),
		}, "token_class", "token_type", "message"),
		"Messages": Schema{"type": "array", "items": Schema{"type": "string"}, "minItems": 1},
		"Metadata": object(map[string]any{
			"name":    strField("The endpoint's name"),
			"renders": Schema{"type": "array", "items": Schema{"type": "string"}},
			"parses":  Schema{"type": "array", "items": Schema{"type": "string"}},
		}, "name", "renders", "parses"),
		"User": a.userSchema(),
	}
	if a.cfg.uses(MethodToken) {
		schemas["Key"] = object(map[string]any{"key": Schema{"type": "string", "pattern": "^[0-9a-f]{40}$",
			"description": "Send it as Authorization: Token <key>"}}, "key")
	}
	if a.jwt != nil {
		j := a.cfg.JWT
		refresh := strField("The refresh token")
		if !j.NotHTTPOnly {
			refresh = Schema{"type": "string", "maxLength": 0, "description": "Empty: the refresh token travels in the HttpOnly refresh cookie only"}
		}
		props := map[string]any{
			"access":  strField("The access token"),
			"refresh": refresh,
			"user":    SchemaRef("User"),
		}
		required := []string{"access", "refresh", "user"}
		if j.ReturnExpiration {
			props["access_expiration"] = Schema{"type": "string", "format": "date-time"}
			props["refresh_expiration"] = Schema{"type": "string", "format": "date-time"}
			required = append(required, "access_expiration", "refresh_expiration")
		}
		if a.cfg.uses(MethodToken) {
			props["key"] = Schema{"type": "string", "pattern": "^[0-9a-f]{40}$", "description": "The DB token, for Authorization: Token <key>"}
			required = append(required, "key")
		}
		schemas["JWT"] = object(props, required...)
		props = map[string]any{
			"access":            strField("The new access token"),
			"access_expiration": Schema{"type": "string", "format": "date-time"},
		}
		required = []string{"access", "access_expiration"}
		if !j.DisableRotation && j.NotHTTPOnly {
			props["refresh"] = strField("The new refresh token; the one sent is used up")
			props["refresh_expiration"] = Schema{"type": "string", "format": "date-time"}
			required = append(required, "refresh", "refresh_expiration")
		}
		schemas["TokenRefresh"] = object(props, required...)
	}
	return map[string]any{"schemas": schemas, "securitySchemes": a.securitySchemes()}
}

// userSchema is the user representation of this configuration.
func (a *Auth) userSchema() Schema {
	props := map[string]any{
		"pk":         Schema{"type": "integer", "readOnly": true},
		"email":      Schema{"type": "string", "readOnly": true, "description": "Changed through the account flows, not here"},
		"first_name": Schema{"type": "string", "maxLength": MaxNameLength},
		"last_name":  Schema{"type": "string", "maxLength": MaxNameLength},
	}
	required := []string{"pk", "email", "first_name", "last_name"}
	if !a.cfg.EmailOnly {
		props["username"] = Schema{"type": "string", "maxLength": MaxUsernameLength}
		required = []string{"pk", "username", "email", "first_name", "last_name"}
	}
	s := Schema{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	if a.cfg.UserFields.Render != nil {
		s["additionalProperties"] = true
		s["description"] = "Other members are the application's (Config.UserFields)"
	}
	return s
}

// securitySchemes describes the configured methods' credentials.
func (a *Auth) securitySchemes() map[string]any {
	schemes := map[string]any{}
	csrf := false
	for _, m := range a.cfg.Methods {
		switch m {
		case MethodToken:
			schemes["tokenAuth"] = map[string]any{"type": "apiKey", "in": "header", "name": "Authorization",
				"description": `DRF's token authentication: "Authorization: Token <key>", the key from login/`}
		case MethodJWT:
			j := a.cfg.JWT
			if j.HeaderTypes[0] == "Bearer" {
				schemes["jwtAuth"] = map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "The access token from login/ or token/refresh/"}
			} else {
				schemes["jwtAuth"] = map[string]any{"type": "apiKey", "in": "header", "name": "Authorization",
					"description": `"Authorization: ` + j.HeaderTypes[0] + ` <access token>", the token from login/ or token/refresh/`}
			}
			if !j.DisableCookies {
				d := "The access token in its cookie, set by login/ and token/refresh/ (used only without an Authorization header)"
				if !j.DisableCookieCSRF {
					d += "; unsafe methods also need the CSRF token"
				}
				schemes["jwtCookieAuth"] = map[string]any{"type": "apiKey", "in": "cookie", "name": j.AccessCookie, "description": d}
				csrf = true
			}
		case MethodSession:
			schemes["sessionAuth"] = map[string]any{"type": "apiKey", "in": "cookie", "name": a.cfg.Session.CookieName,
				"description": "The session cookie set by login/; unsafe methods also need the CSRF token"}
			csrf = true
		}
	}
	if csrf {
		schemes["csrfToken"] = map[string]any{"type": "apiKey", "in": "header", "name": a.cfg.CSRF.HeaderName,
			"description": "The value of the " + a.cfg.CSRF.CookieName + " cookie (set by every endpoint for clients without a Bearer or Token header), echoed on unsafe " +
				"cookie-authenticated requests (or in the " + a.cfg.CSRF.FormField + " form field); the Origin must be the API's own or trusted"}
	}
	return schemes
}

// openAPIDescription is the document's introduction.
func (a *Auth) openAPIDescription() string {
	return "The endpoints of restauth (dj-rest-auth compatible) mounted by this server's configuration. " +
		"Every path is also served without its trailing slash. Errors are JSON: " +
		`{"field": ["message"], "non_field_errors": ["message"]} for invalid input (400), ` +
		`{"detail": "message"} otherwise. Methods an endpoint does not serve are answered 405 with its Allow header, ` +
		"and other paths under " + a.cfg.Prefix + ` 404 {"detail": "Not found."}. ` +
		"Request bodies are JSON, urlencoded or multipart forms, read alike."
}

// openAPIEndpoint serves the document, built once on first use.
type openAPIEndpoint struct {
	auth *Auth
	once sync.Once
	doc  []byte
	etag string
	err  error
}

// openAPIOps describes GET openapi.json.
func openAPIOps() map[string]Operation {
	return map[string]Operation{http.MethodGet: {
		ID:          "openapi",
		Summary:     "This OpenAPI document",
		Description: "Depends on the server's configuration only; revalidate with If-None-Match.",
		Tags:        []string{"metadata"},
		Responses: map[int]Response{
			http.StatusOK:          {Description: "The OpenAPI 3.1 document", Body: Schema{"type": "object", "required": []string{"openapi", "info", "paths"}}},
			http.StatusNotModified: {Description: "The document has the ETag of If-None-Match"},
		},
		static: true,
	}}
}

// serve answers the document with an ETag, and 304 to a matching
// If-None-Match. Cache-Control no-cache: caches revalidate, so a
// configuration change shows at once.
func (d *openAPIEndpoint) serve(req *request) error {
	d.once.Do(func() {
		d.doc, d.err = d.auth.OpenAPI()
		sum := sha256.Sum256(d.doc)
		d.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
	})
	if d.err != nil {
		return d.err
	}
	h := req.w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", d.etag)
	for _, v := range strings.Split(req.r.Header.Get("If-None-Match"), ",") {
		if v = strings.TrimSpace(v); v == d.etag || v == "W/"+d.etag || v == "*" {
			req.w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(d.doc)))
	req.w.WriteHeader(http.StatusOK)
	_, _ = req.w.Write(d.doc)
	return nil
}
