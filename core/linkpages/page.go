package linkpages

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
)

//go:embed style.css
var styleCSS string

//go:embed page.html
var pageHTML string

// pageTemplate renders every page; it is parsed once (the package keeps no
// mutable state).
var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// contentSecurityPolicy allows nothing but the page's inline stylesheet
// (by hash), a data: favicon and forms that post to the page itself.
var contentSecurityPolicy = func() string {
	sum := sha256.Sum256([]byte(styleCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}()

// csrfCookie names the page's double-submit cookie; csrfField is the
// hidden form field that repeats it.
const (
	csrfCookie    = "restauth_linkpage"
	csrfField     = "csrf"
	csrfCookieAge = time.Hour
	// maxFormBytes bounds the page's form (a token and two passwords).
	maxFormBytes = 64 << 10
)

// page serves one link.
type page struct {
	pages *Pages
	link  *link
}

// view is what the template shows.
type view struct {
	Site, Title, View string
	CSS               template.CSS
	Flash, FlashKind  string
	Intro             []string
	// Form shows the form with CSRF in its hidden field; Passwords adds the
	// two password fields and Button labels the submit button.
	Form      bool
	Passwords bool
	CSRF      string
	Button    string
	// Errors are messages by field (new_password1, new_password2,
	// non_field_errors).
	Errors map[string][]string
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")

	params := p.link.match(r.URL.Path)
	if params == nil {
		p.render(w, http.StatusNotFound, p.invalidLink(""))
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		v := p.blank(w, r)
		p.render(w, http.StatusOK, v)
	case http.MethodPost:
		p.submit(w, r, params)
	default:
		h.Set("Allow", "GET, HEAD, POST")
		v := p.blank(w, r)
		v.Flash, v.FlashKind, v.Form = "This page only shows a form and accepts it.", "error", false
		p.render(w, http.StatusMethodNotAllowed, v)
	}
}

// blank is the page with its empty form, and a CSRF cookie when the
// browser has no valid one yet.
func (p *page) blank(w http.ResponseWriter, r *http.Request) view {
	v := p.base()
	v.Form, v.CSRF = true, p.csrfToken(w, r)
	if p.link.name == "verify-email" {
		v.Title, v.Button = "Confirm your e-mail address", "Confirm"
		v.Intro = []string{"Press the button to confirm that this e-mail address is yours."}
	} else {
		v.Title, v.Button, v.Passwords = "Choose a new password", "Set password", true
		v.Intro = []string{"Enter your new password twice."}
	}
	return v
}

func (p *page) base() view {
	return view{Site: p.pages.site, View: p.link.name, CSS: template.CSS(styleCSS)}
}

// invalidLink is the page for a link that cannot work (again).
func (p *page) invalidLink(detail string) view {
	v := p.base()
	if detail == "" {
		detail = "This link is invalid, has expired or was already used."
	}
	v.Flash, v.FlashKind = detail, "error"
	if p.link.name == "verify-email" {
		v.Title = "Confirm your e-mail address"
		v.Intro = []string{"If your address is not confirmed yet, ask the app for a new verification mail."}
	} else {
		v.Title = "Choose a new password"
		v.Intro = []string{"Ask the app for a new password reset mail."}
	}
	return v
}

// submit checks the form's CSRF token and calls the JSON endpoint.
func (p *page) submit(w http.ResponseWriter, r *http.Request, params map[string]string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	formErr := r.ParseForm()
	if formErr != nil || !p.sameOrigin(r) || !validCSRF(r) {
		v := p.blank(w, r)
		v.Flash, v.FlashKind = "This form has expired or was sent from another site. Please submit it again.", "error"
		p.render(w, http.StatusForbidden, v)
		return
	}
	body := map[string]string{}
	for k, val := range params {
		body[k] = val
	}
	if p.link.name == "password-reset-confirm" {
		body["new_password1"] = r.PostForm.Get("new_password1")
		body["new_password2"] = r.PostForm.Get("new_password2")
	}
	res := p.pages.call(r, p.link.endpoint, body)
	if res.header.Get("Retry-After") != "" {
		w.Header().Set("Retry-After", res.header.Get("Retry-After"))
	}
	p.render(w, res.status, p.result(w, r, res))
}

// result turns the endpoint's answer into the page to show.
func (p *page) result(w http.ResponseWriter, r *http.Request, res apiResult) view {
	verify := p.link.name == "verify-email"
	switch {
	case res.status == http.StatusOK && verify:
		v := p.base()
		v.Title, v.Flash, v.FlashKind = "E-mail address confirmed", "Your e-mail address is confirmed.", "ok"
		v.Intro = []string{"You can now log in."}
		return v
	case res.status == http.StatusOK:
		v := p.base()
		v.Title, v.Flash, v.FlashKind = "Password changed", res.detail("Your password has been changed."), "ok"
		v.Intro = []string{"You can now log in with your new password."}
		return v
	case verify && (res.status == http.StatusNotFound || res.fields["key"] != nil):
		return p.invalidLink("")
	case !verify && (res.fields["uid"] != nil || res.fields["token"] != nil):
		return p.invalidLink("")
	}
	v := p.blank(w, r)
	switch {
	case res.status == http.StatusBadRequest && len(res.fields) > 0:
		v.Errors = map[string][]string{}
		for field, msgs := range res.fields {
			if field != "new_password1" && field != "new_password2" {
				field = "non_field_errors"
			}
			v.Errors[field] = append(v.Errors[field], msgs...)
		}
	case res.status >= 500 || res.status == 0:
		v.Flash, v.FlashKind = "Something went wrong on our side. Please try again later.", "error"
	default:
		v.Flash, v.FlashKind = res.detail("The request could not be completed."), "error"
	}
	return v
}

// render writes the page.
func (p *page) render(w http.ResponseWriter, status int, v view) {
	if v.Errors == nil {
		v.Errors = map[string][]string{}
	}
	var b strings.Builder
	if err := pageTemplate.Execute(&b, v); err != nil {
		// The template and its data are fixed: this cannot happen.
		http.Error(w, "A server error occurred.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// csrfToken returns the browser's valid token, or sets a new one.
func (p *page) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && wellFormedToken(c.Value) {
		return c.Value
	}
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: tok, Path: p.link.static, MaxAge: int(csrfCookieAge / time.Second),
		HttpOnly: true, Secure: p.link.secure || r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	return tok
}

func wellFormedToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// validCSRF compares the cookie and the form field in constant time.
func validCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || !wellFormedToken(c.Value) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get(csrfField))) == 1
}

// sameOrigin refuses a form sent by another site: by Fetch metadata when
// the browser sends it, and by Origin unless it is "null" (what browsers
// send for a POST from a page with Referrer-Policy: no-referrer).
func (p *page) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return true
	}
	o, ok := normalizeOrigin(origin)
	if !ok {
		return false
	}
	if o == p.link.origin || slices.Contains(p.pages.trusted, o) {
		return true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	own, _ := normalizeOrigin(scheme + "://" + r.Host)
	return o == own
}
