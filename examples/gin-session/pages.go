package main

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/ginauth"
)

// The pages and their assets are compiled into the binary.
var (
	//go:embed templates/*.html
	templateFiles embed.FS
	//go:embed static/app.js static/style.css
	staticFiles embed.FS
)

// pageCSP allows only this site's own script, style and form targets: no
// inline script can run even if some text escaped the templates.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// defaultNext is where login leads when the login page names no target.
const defaultNext = "/profile"

// The pages that mail links open (main.go builds the links from these),
// in dj-rest-auth's link shapes. The key and the token are path segments:
// the access log writes the route's pattern, never them, and these pages
// send no Referer.
const (
	verifyEmailLink   = "/registration/account-confirm-email/{key}/"
	passwordResetLink = "/password-reset/confirm/{uid}/{token}/"
)

// pageData is what every template sees.
type pageData struct {
	Title      string
	User       *core.User // nil on the login page of an anonymous visitor
	CSRFToken  string     // for the csrfmiddlewaretoken hidden fields
	CSRFCookie string     // the csrftoken cookie's name, for app.js
	API        string     // restauth's prefix, e.g. /api/auth/
	Next       string     // the login page's target after success
	Key        string     // the e-mail verification key of a mailed link
	UID, Token string     // the password reset uid and token of a mailed link
	EmailOnly  bool       // RESTAUTH_USERNAME=off: accounts have no username to show or ask for
}

// pages serves the HTML pages. They only render: every form posts to
// restauth's own endpoints (see README.md, "How the pages work"), so no
// authentication logic lives here.
type pages struct {
	templates map[string]*template.Template
	auth      *core.Auth
	api       string
	logger    *slog.Logger
}

// mountPages adds the pages to router. They authenticate by session only
// (a view of the chain with core's WithMethods), whatever else the API
// accepts; without MethodSession (RESTAUTH_MODE=token or jwt) there is no
// browser login to build pages on, and only the API is served.
func mountPages(router *gin.Engine, auth *ginauth.Auth, logger *slog.Logger) error {
	sessionOnly, err := auth.Core().WithMethods(core.MethodSession)
	if err != nil {
		logger.Warn("the HTML pages need sessions: RESTAUTH_MODE=session (the default) or all; serving the API only")
		return nil
	}
	p := &pages{templates: map[string]*template.Template{}, auth: auth.Core(), api: auth.Core().Prefix(), logger: logger}
	for _, name := range []string{"login", "profile", "password", "signup", "verify_email", "resend_email", "password_reset", "password_reset_confirm"} {
		t, err := template.ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return err
		}
		p.templates[name] = t
	}

	static := router.Group("/static", func(c *gin.Context) {
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Cache-Control", "no-cache")
	})
	static.StaticFileFS("/app.js", "static/app.js", http.FS(staticFiles))
	static.StaticFileFS("/style.css", "static/style.css", http.FS(staticFiles))

	site := router.Group("/", pageHeaders, ginauth.New(sessionOnly).OptionalUser())
	site.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, defaultNext) })
	site.GET("/login", p.login)
	site.GET("/profile", loginRequired, p.page("profile", "Your profile"))
	site.GET("/password", loginRequired, p.page("password", "Change your password"))
	// The account pages of anonymous visitors: sign up, confirm the
	// address from the mailed link, ask for that link again, ask for a
	// reset link and choose a new password from it. Like the others they
	// only render forms that post to restauth.
	site.GET("/signup", anonymousOnly, p.page("signup", "Create an account"))
	site.GET("/resend-email", p.page("resend_email", "Send the verification link again"))
	site.GET("/password-reset", p.page("password_reset", "Reset your password"))
	site.GET(ginPattern(verifyEmailLink), noReferrer, p.verifyEmail)
	site.GET(ginPattern(passwordResetLink), noReferrer, p.passwordResetConfirm)
	return nil
}

// ginPattern turns a link template ("/a/{key}/") into a Gin route
// ("/a/:key/").
func ginPattern(link string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(link)
}

// noReferrer keeps the key or token in a mailed link's URL out of the
// Referer of every request the page makes.
func noReferrer(c *gin.Context) {
	c.Header("Referrer-Policy", "no-referrer")
	c.Next()
}

// anonymousOnly sends a logged-in visitor on to defaultNext (sign-up is
// for visitors without an account).
func anonymousOnly(c *gin.Context) {
	if _, ok := ginauth.User(c); ok {
		c.Redirect(http.StatusSeeOther, defaultNext)
		c.Abort()
		return
	}
	c.Next()
}

// pageHeaders are the security headers of every HTML answer. Pages carry
// a CSRF token and personal data: no cache may keep them.
func pageHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// loginRequired sends anonymous visitors to the login page, which brings
// them back here afterwards (Django's login_required). It runs after
// restauth's OptionalUser middleware, which has already identified the
// caller.
func loginRequired(c *gin.Context) {
	if _, ok := ginauth.User(c); !ok {
		c.Redirect(http.StatusFound, "/login?next="+url.QueryEscape(c.Request.URL.Path))
		c.Abort()
		return
	}
	c.Next()
}

// login is GET /login: the form, or straight on for a logged-in visitor.
func (p *pages) login(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if _, ok := ginauth.User(c); ok {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	p.render(c, "login", "Log in", next)
}

// page returns a handler rendering a page that needs no data of its own.
func (p *pages) page(name, title string) gin.HandlerFunc {
	return func(c *gin.Context) { p.render(c, name, title, "") }
}

// verifyEmail is the page of the mailed verification link: a button that
// posts the key to registration/verify-email/ (allauth, too, confirms on
// POST, so that a mail scanner following the link verifies nothing).
func (p *pages) verifyEmail(c *gin.Context) {
	p.renderData(c, "verify_email", pageData{Title: "Confirm your e-mail address", Key: c.Param("key")})
}

// passwordResetConfirm is the page of the mailed reset link: the new
// password form, with the link's uid and token in hidden fields.
func (p *pages) passwordResetConfirm(c *gin.Context) {
	p.renderData(c, "password_reset_confirm", pageData{Title: "Choose a new password", UID: c.Param("uid"), Token: c.Param("token")})
}

// render executes a page with the data every page has.
func (p *pages) render(c *gin.Context, name, title, next string) {
	p.renderData(c, name, pageData{Title: title, Next: next})
}

// renderData completes data with the user, the CSRF token and restauth's
// prefix and executes the page into a buffer first, so that a template
// error never sends half a page.
func (p *pages) renderData(c *gin.Context, name string, data pageData) {
	data.User, _ = ginauth.User(c)
	data.API = p.api
	data.CSRFToken = p.auth.CSRFToken(c.Writer, c.Request)
	cfg := p.auth.Config()
	data.CSRFCookie = cfg.CSRF.CookieName
	data.EmailOnly = cfg.EmailOnly
	var buf bytes.Buffer
	if err := p.templates[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.logger.Error("rendering a page", "page", name, "error", err)
		c.String(http.StatusInternalServerError, "A server error occurred.")
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// safeNext returns next when it is a path on this site, else defaultNext,
// so that /login?next=https://evil.example cannot send a fresh login to
// another site (an open redirect).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\t\r\n") {
		return defaultNext
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return defaultNext
	}
	return next
}
