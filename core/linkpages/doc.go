// Package linkpages serves the two pages a person reaches from restauth's
// mails, for servers that are their own frontend (the API starters):
//
//   - the verification link (default
//     FrontendURL + Prefix + "registration/account-confirm-email/{key}/"):
//     a page with one button that confirms the address;
//   - the password-reset link (default
//     FrontendURL + "/password-reset/confirm/{uid}/{token}/"): a page with
//     the new password twice.
//
// dj-rest-auth mounts only an empty placeholder at these addresses and
// expects a frontend to answer them; without one, the links answer 404.
//
// The pages are plain server-rendered HTML (html/template, an embedded
// stylesheet, no JavaScript). A GET only shows the form, so a mail scanner
// that opens the link changes nothing; the form posts to the page itself,
// which calls restauth's own JSON endpoint in process
// (registration/verify-email/ or password/reset/confirm/, through
// core.Auth's Handler) and renders its answer in plain words. Limits,
// events and errors are therefore exactly those of the JSON endpoints.
//
// The page's POST is protected by a double-submit token (an HttpOnly,
// SameSite=Strict cookie scoped to the link's path and a hidden field,
// compared in constant time) and a Fetch-metadata / Origin check. Every
// answer is no-store, sends Referrer-Policy: no-referrer (the address holds
// a secret) and a Content-Security-Policy that allows only the page's own
// inline stylesheet and forms posting to itself. The address never appears
// in what the pages log (they log nothing); use [Pages.RedactPath] in your
// access log, which would otherwise record the secret in the path.
//
// Non-browser clients keep dj-rest-auth's interface: the JSON endpoints are
// unchanged, and core answers nothing itself at the link addresses.
//
// Mount the routes in any router:
//
//	pages, err := linkpages.New(auth, linkpages.Options{Origins: []string{"http://127.0.0.1:8000"}})
//	for _, rt := range pages.Routes() {
//		mux.Handle(rt.Path, rt.Handler)                                         // net/http
//		router.Any(rt.PathWith(func(n string) string { return ":" + n }), gin.WrapH(rt.Handler)) // Gin
//		e.Any(rt.PathWith(func(n string) string { return ":" + n }), echo.WrapHandler(rt.Handler)) // Echo
//	}
//
// A page is mounted only when its link points at one of Options.Origins, so
// a deployment whose mails link to a separate frontend mounts nothing.
package linkpages
