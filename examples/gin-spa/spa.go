package main

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
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

// mountSPA serves the app's three files. The app routes with the URL
// fragment (/#/profile), so / is the only page the server needs to know.
func mountSPA(r gin.IRouter) error {
	for path, file := range map[string]string{"/": "index.html", "/app.js": "app.js", "/style.css": "style.css"} {
		h, err := assetHandler(file)
		if err != nil {
			return err
		}
		r.GET(path, h)
		r.HEAD(path, h)
	}
	return nil
}

// assetHandler serves one embedded file with an ETag and "no-cache", so
// browsers revalidate and a redeploy takes effect at once, plus the
// security headers of the page.
func assetHandler(name string) (gin.HandlerFunc, error) {
	body, err := webFiles.ReadFile("web/" + name)
	if err != nil {
		return nil, err
	}
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
	}, nil
}

// setPageHeaders sets the headers every HTML page of the starter carries.
func setPageHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}
