package core

import (
	"net/netip"

	"github.com/restauth/restauth/core/mail"
)

// Auth is the restauth service: configured once with New, safe for
// concurrent use, and shared by every request. Framework adapters mount its
// Routes and wrap its Guard as middleware; plain net/http apps use Handler
// and RequireUser.
type Auth struct {
	cfg      Config
	msgs     Messages
	chain    []authenticator
	jwt      *jwtService          // nil unless MethodJWT is configured
	accounts *accountService      // nil without a SecretKey
	endpoint map[string]*endpoint // route path (relative, with trailing slash) → endpoint
	routes   []Route
	// extensions are the endpoints of Config.Extensions; patterns those
	// of them whose paths have placeholders (Handler matches them).
	extensions []*extensionEndpoint
	patterns   []patternEndpoint
	proxies    []netip.Prefix // Throttle.TrustedProxies, parsed
	// sessionKey keys the session auth hash (derived once, not per request).
	sessionKey [32]byte
	// devices issues and checks device cookies; nil when they are off.
	devices *deviceCookies
	// throttleFallback counts in process while Throttle.Store fails; shared
	// with WithMethods views.
	throttleFallback *throttleFallback
	// mailer is what account mail goes through: cfg.Accounts.Mailer, or
	// mailQueue wrapping it (nil unless asynchronous delivery is on).
	mailer    mail.Mailer
	mailQueue *mail.Queue
	// events delivers to Config.OnEvent; nil without a listener.
	events *eventQueue
	// logins caches what authentication reads per request, for at most
	// Config.RevocationStaleness; nil with ReadEveryRequest.
	logins *loginCache
}

// New validates cfg, fills in defaults and returns a ready service.
// It returns an error (never panics) for an invalid configuration.
func New(cfg Config) (*Auth, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a := &Auth{cfg: cfg, msgs: newMessages(cfg.Messages), throttleFallback: &throttleFallback{}}
	a.proxies, _ = cfg.Throttle.trustedProxies() // validated above
	a.sessionKey = sessionHashKey(cfg.SecretKey)
	a.devices = newDeviceCookies(cfg)
	a.mailer = cfg.Accounts.Mailer
	if a.mailer != nil && !cfg.Accounts.SynchronousMail {
		a.mailQueue = mail.NewQueue(a.mailer, mail.WithLogger(cfg.Logger))
		a.mailer = a.mailQueue
	}
	if cfg.uses(MethodJWT) {
		if a.jwt, err = newJWTService(cfg); err != nil {
			return nil, err
		}
	}
	if len(cfg.SecretKey) >= 32 {
		if a.accounts, err = newAccountService(cfg); err != nil {
			return nil, err
		}
	}
	a.logins = newLoginCache(cfg.RevocationStaleness, cfg.Now)
	if err := a.loadExtensions(); err != nil {
		return nil, err
	}
	if cfg.OnEvent != nil { // after the last error return: no goroutine leaks
		a.events = newEventQueue(cfg.OnEvent, cfg.Logger)
	}
	a.startChangePoller() // after the last error return too
	for _, m := range cfg.Methods {
		switch m {
		case MethodToken:
			a.chain = append(a.chain, &tokenAuthenticator{store: cfg.Store, keys: a.tokenKeys(), msgs: a.msgs, now: cfg.Now, logins: a.logins})
		case MethodJWT:
			a.chain = append(a.chain, &jwtAuthenticator{auth: a, codec: a.jwt.codec, store: a.jwt.store, verified: a.jwt.verified})
		case MethodSession:
			a.chain = append(a.chain, &sessionAuthenticator{auth: a})
		}
	}
	a.buildRoutes()
	a.mountExtensions()
	a.logMounts()
	return a, nil
}

// Config returns the effective (defaulted) configuration.
func (a *Auth) Config() Config { return a.cfg }

// Messages returns the message catalog in use.
func (a *Auth) Messages() Messages { return a.msgs }
