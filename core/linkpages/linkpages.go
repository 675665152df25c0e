package linkpages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/restauth/restauth/core"
)

// Options configures the pages.
type Options struct {
	// Origins are the origins this server answers at, e.g.
	// "http://127.0.0.1:8000" (scheme, host and port). A page is mounted
	// only for a mail link on one of them; a link to another origin (a
	// separate frontend) mounts nothing. Empty: every link is served here.
	Origins []string
	// SiteName heads the pages. Default: core's Accounts.SiteName (the
	// host of the frontend URL).
	SiteName string
}

// Route is one page to mount. Handler answers every method itself (GET and
// HEAD show the page, POST submits its form, others get 405 with Allow)
// and checks the whole path, so a router may send it a subtree.
type Route struct {
	// Name is "verify-email" or "password-reset-confirm".
	Name string
	// Path is the link's path with its parameters as {name} segments, e.g.
	// "/password-reset/confirm/{uid}/{token}/"; it is a valid
	// net/http.ServeMux pattern.
	Path string
	// Methods are the methods the page serves.
	Methods []string
	Handler http.Handler
}

// PathWith returns Path with every {name} segment replaced by param(name),
// e.g. ":"+name for Gin and Echo.
func (r Route) PathWith(param func(name string) string) string {
	segs := strings.Split(r.Path, "/")
	for i, s := range segs {
		if name, ok := placeholder(s); ok {
			segs[i] = param(name)
		}
	}
	return strings.Join(segs, "/")
}

// Pages holds the link pages of one core.Auth.
type Pages struct {
	auth *core.Auth
	api  http.Handler
	site string
	// trusted are core's CSRF.TrustedOrigins; csrfHeader is core's CSRF
	// header name.
	trusted    []string
	csrfHeader string
	links      []*link // every link whose shape is known, mounted or not
	routes     []Route
}

// link is the shape of one mailed link.
type link struct {
	name   string
	origin string   // normalized scheme://host[:port]
	path   string   // e.g. /password-reset/confirm/{uid}/{token}/
	segs   []string // path split at "/"
	static string   // path up to the first parameter
	secure bool     // https link: the CSRF cookie is Secure
	// endpoint is the JSON endpoint the form calls, relative to Prefix.
	endpoint string
}

// paramRe bounds what a link parameter may look like (allauth's key
// pattern covers uid and token too).
var paramRe = regexp.MustCompile(`^[-:\w]{1,256}$`)

// New prepares the pages of auth: one for the verification link when the
// registration endpoints are mounted, one for the reset link when the reset
// endpoints are (both need an Accounts.Mailer), each only when its link
// points at one of opts.Origins. It returns an error for an invalid origin
// or for a link to this server that it cannot serve (a parameter outside
// the path, or not a whole path segment).
func New(auth *core.Auth, opts Options) (*Pages, error) {
	if auth == nil {
		return nil, errors.New("linkpages: New called with a nil *core.Auth")
	}
	origins := make([]string, 0, len(opts.Origins))
	for _, o := range opts.Origins {
		n, ok := normalizeOrigin(o)
		if !ok {
			return nil, fmt.Errorf("linkpages: origin %q: want scheme://host[:port]", o)
		}
		origins = append(origins, n)
	}
	cfg := auth.Config()
	p := &Pages{auth: auth, api: auth.Handler(), site: opts.SiteName, csrfHeader: cfg.CSRF.HeaderName}
	for _, o := range cfg.CSRF.TrustedOrigins {
		if n, ok := normalizeOrigin(o); ok {
			p.trusted = append(p.trusted, n)
		}
	}
	if p.site == "" {
		p.site = cfg.Accounts.SiteName
	}
	mounted := map[string]bool{}
	for _, rt := range auth.Routes() {
		mounted[rt.Path] = true
	}
	candidates := []struct {
		name, tmpl, endpoint string
		params               []string
	}{
		{"verify-email", cfg.Accounts.VerifyEmailURL, "registration/verify-email/", []string{"key"}},
		{"password-reset-confirm", cfg.Accounts.PasswordResetURL, "password/reset/confirm/", []string{"uid", "token"}},
	}
	for _, c := range candidates {
		if c.tmpl == "" || !mounted[c.endpoint] {
			continue
		}
		l, err := parseLink(c.tmpl, c.params)
		here := err == nil && (len(origins) == 0 || slices.Contains(origins, l.origin))
		if err != nil {
			if u, perr := url.Parse(c.tmpl); perr == nil {
				o, _ := normalizeOrigin(u.Scheme + "://" + u.Host)
				here = len(origins) == 0 || slices.Contains(origins, o)
			}
			if here {
				return nil, fmt.Errorf("linkpages: the %s link %q: %w", c.name, c.tmpl, err)
			}
			continue
		}
		l.name, l.endpoint = c.name, c.endpoint
		p.links = append(p.links, l)
		if here {
			p.routes = append(p.routes, Route{
				Name: l.name, Path: l.path,
				Methods: []string{http.MethodGet, http.MethodHead, http.MethodPost},
				Handler: &page{pages: p, link: l},
			})
		}
	}
	return p, nil
}

// Routes returns the pages to mount: none when the links point elsewhere.
func (p *Pages) Routes() []Route {
	rs := append([]Route(nil), p.routes...)
	for i := range rs {
		rs[i].Methods = append([]string(nil), rs[i].Methods...)
	}
	return rs
}

// RedactPath returns path for an access log: a path within a mailed link's
// shape (after its fixed part, where the secrets are) becomes the link's
// pattern, e.g. "/password-reset/confirm/{uid}/{token}/"; any other path is
// returned unchanged. It covers the links' shapes whether or not the pages
// are mounted here.
func (p *Pages) RedactPath(path string) string {
	for _, l := range p.links {
		if len(path) > len(l.static) && strings.HasPrefix(path, l.static) {
			return l.path
		}
	}
	return path
}

// parseLink reads a link template: every parameter must be a whole
// segment of the path.
func parseLink(tmpl string, params []string) (*link, error) {
	u, err := url.Parse(tmpl)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	origin, ok := normalizeOrigin(u.Scheme + "://" + u.Host)
	if !ok {
		return nil, errors.New("not an absolute http(s) URL")
	}
	if strings.Contains(u.RawQuery, "{") || strings.Contains(u.Fragment, "{") {
		return nil, errors.New("a parameter outside the path")
	}
	l := &link{origin: origin, path: u.Path, segs: strings.Split(u.Path, "/"), secure: u.Scheme == "https"}
	seen := map[string]bool{}
	for _, s := range l.segs {
		if name, ok := placeholder(s); ok {
			seen[name] = true
		} else if strings.ContainsAny(s, "{}") {
			return nil, fmt.Errorf("segment %q: a parameter must be a whole path segment", s)
		}
	}
	for _, name := range params {
		if !seen[name] {
			return nil, fmt.Errorf("no {%s} segment in the path", name)
		}
	}
	if len(seen) != len(params) {
		return nil, errors.New("an unknown parameter in the path")
	}
	l.static = l.path[:strings.IndexByte(l.path, '{')]
	return l, nil
}

// match returns the link's parameters in path, or nil when path is not
// the link's shape.
func (l *link) match(path string) map[string]string {
	segs := strings.Split(path, "/")
	if len(segs) != len(l.segs) {
		return nil
	}
	params := map[string]string{}
	for i, s := range l.segs {
		if name, ok := placeholder(s); ok {
			if !paramRe.MatchString(segs[i]) {
				return nil
			}
			params[name] = segs[i]
		} else if segs[i] != s {
			return nil
		}
	}
	return params
}

// placeholder reports whether a path segment is "{name}".
func placeholder(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// normalizeOrigin lower-cases scheme and host and drops the default port.
func normalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	host := strings.ToLower(u.Host)
	if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return u.Scheme + "://" + host, true
}
