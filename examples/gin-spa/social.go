package main

import (
	_ "embed"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
	"github.com/restauth/restauth/social"
)

// socialJS is the "Sign in with …" part of the app (web/social.js).
//
//go:embed web/social.js
var socialJS []byte

// socialCallbackPath is the page providers send the visitor back to: the
// app itself, whose social.js completes the sign-in.
const socialCallbackPath = "/social/callback"

// socialEnv is getenv with each provider's redirect URI defaulting to the
// app's callback page at frontendURL, so that a development provider needs
// nothing more than its issuer and client.
func socialEnv(getenv func(string) string, frontendURL string) func(string) string {
	callback := strings.TrimRight(frontendURL, "/") + socialCallbackPath
	return func(name string) string {
		v := getenv(name)
		switch name {
		case envconfig.VarGitHubRedirectURI, envconfig.VarGoogleRedirectURI, envconfig.VarOIDCRedirectURI:
			if v == "" {
				return callback
			}
		}
		return v
	}
}

// providerNames are the buttons' names of the providers FromEnv mounts.
var providerNames = map[string]string{"github": "GitHub", "google": "Google", "oidc": "OpenID Connect"}

// mountSocial serves social.js, the callback page and
// /social/providers.json: what the buttons need to start an authorization
// (endpoint, client ID, redirect URI, scopes; nothing secret), an empty
// list when no provider is configured.
func mountSocial(r gin.IRouter, cfg core.Config, logger *slog.Logger) error {
	var sl *social.Social
	for _, ext := range cfg.Extensions {
		if s, ok := ext.(*social.Social); ok {
			sl = s
		}
	}
	script := assetHandler("social.js", socialJS)
	r.GET("/social.js", script)
	r.HEAD("/social.js", script)
	index, err := indexHTML(cfg.EmailOnly)
	if err != nil {
		return err
	}
	page := assetHandler("index.html", index)
	r.GET(socialCallbackPath, page)
	r.HEAD(socialCallbackPath, page)
	r.GET("/social/providers.json", func(c *gin.Context) {
		type button struct {
			social.AuthorizationInfo
			Name  string `json:"name"`
			Scope string `json:"scope"`
		}
		out := []button{}
		if sl != nil {
			infos, err := sl.Authorizations(c.Request.Context())
			if err != nil {
				// A provider whose discovery failed gets no button now;
				// the next page load tries again.
				logger.Warn("social login: provider unavailable", "error", err.Error())
			}
			for _, info := range infos {
				name := providerNames[info.Provider]
				if name == "" {
					name = info.Provider
				}
				out = append(out, button{AuthorizationInfo: info, Name: name, Scope: strings.Join(info.Scopes, " ")})
			}
		}
		setPageHeaders(c.Writer.Header())
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, out)
	})
	return nil
}
