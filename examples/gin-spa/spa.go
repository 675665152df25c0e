package main

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// webFiles is the single-page app: plain files, no build step.
//
//go:embed web/index.html web/app.js web/style.css
var webFiles embed.FS

// spaCSP lets the page load only its own script, style and API: no inline
// script, no third-party origin, no framing. An injected <script> would not
// run, which matters even though the JWTs are out of JavaScript's reach.
const spaCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// emailOnlyMark tells app.js that accounts have no username
// (RESTAUTH_USERNAME=off): its forms then ask for the e-mail address.
const emailOnlyMark = " data-email-only"

// indexHTML is the app's one page, its <html> element carrying
// emailOnlyMark when accounts have no username.
func indexHTML(emailOnly bool) ([]byte, error) {
	body, err := webFiles.ReadFile("web/index.html")
	if err != nil || !emailOnly {
		return body, err
	}
	const root = `<html lang="en"`
	if !bytes.Contains(body, []byte(root)) {
		return nil, errors.New("web/index.html: no " + root + " element to mark")
	}
	return bytes.Replace(body, []byte(root), []byte(root+emailOnlyMark), 1), nil
}

// mountSPA serves the app's three files. The app routes with the URL
// fragment (/#/profile), so / is the only page the server needs to know.
func mountSPA(r gin.IRouter, emailOnly bool) error {
	index, err := indexHTML(emailOnly)
	if err != nil {
		return err
	}
	serve := func(path, name string, body []byte) {
		h := assetHandler(name, body)
		r.GET(path, h)
		r.HEAD(path, h)
	}
	serve("/", "index.html", index)
	for _, name := range []string{"app.js", "style.css"} {
		body, err := webFiles.ReadFile("web/" + name)
		if err != nil {
			return err
		}
		serve("/"+name, name, body)
	}
	return nil
}

// assetHandler serves one file's body with an ETag and "no-cache", so
// browsers revalidate and a redeploy takes effect at once, plus the
// security headers of the page.
func assetHandler(name string, body []byte) gin.HandlerFunc {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return func(c *gin.Context) {
		h := c.Writer.Header()
		setPageHeaders(h)
		h.Set("Content-Security-Policy", spaCSP)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", etag)
		// ServeContent answers If-None-Match with 304 and HEAD without a
		// body, and picks the Content-Type from the extension.
		http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(body))
	}
}

// setPageHeaders sets the headers every HTML page of the starter carries.
func setPageHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}
