// Package social is social login for restauth, wire-compatible with
// dj-rest-auth's social views (django-allauth behind them): a mobile app
// or single-page app that holds a provider's authorization code, ID token
// or access token posts it and gets the same answer as login/ (the token
// key, the JWT pair and cookies, or the session).
//
// It is a module of its own, so that only applications that use it
// download golang.org/x/oauth2 and github.com/coreos/go-oidc. It plugs into
// core as a core.Extension:
//
//	gh, err := social.NewGitHub(social.GitHubConfig{ClientID: id, ClientSecret: secret})
//	google, err := social.NewOIDC(social.Google(clientID, clientSecret, "https://app.example.com/callback"))
//	s, err := social.New(social.Config{Providers: []social.Provider{gh, google}})
//	cfg.Extensions = append(cfg.Extensions, s) // cfg is the core.Config
//
// The store must implement core.SocialAccountStore (memstore and sqlstore
// do; sqlstore's migration 0006 creates the table).
//
// # Endpoints
//
// Under the prefix, for each provider:
//
//	POST <provider>/          {"code", "code_verifier"?, "nonce"?} or {"id_token", "nonce"?}
//	                          or {"access_token"}: log in or sign up; login/'s answer
//	POST <provider>/connect/  the same body, authenticated (with CSRF for cookies):
//	                          link the identity to the caller; login/'s answer for the caller
//
// and once:
//
//	GET  socialaccounts/                  [{"id","provider","uid","last_login","date_joined"}]
//	POST socialaccounts/<id>/disconnect/  unlink; answers the removed account
//
// Errors are dj-rest-auth's 400 {"non_field_errors": [...]}: "Incorrect
// input. access_token or code is required." (nothing usable posted),
// "Failed to exchange code for access token" (the provider refused the
// code), "Incorrect value" (the provider refused the token, or the ID
// token failed a check), "User is already registered with this e-mail
// address." (sign-up with an address an account has), "The social account
// is already connected to a different account." (connect), and allauth's
// "Your account has no password set up." (disconnecting the last way to
// log in). A provider that cannot be reached answers 503 with
// Retry-After. Another user's account to disconnect is 404. Texts can be
// replaced through core.Config.Messages under the Msg… codes.
//
// # Accounts
//
// An identity (provider and the provider's stable user id) belongs to one
// account. A new identity logs in to the account that has its address
// only with Config.EmailAuthentication and when both the provider and
// the account have the address verified; otherwise that sign-up is
// refused, so an address someone controls at a provider never opens
// another person's account. New accounts get a generated unique username,
// an unusable password (a password reset sets one), the provider's
// address, verified when the provider says so, and otherwise the
// verification mail and, with mandatory verification, login/'s "E-mail is
// not verified." until it is confirmed. Sign-up follows registration's
// switch (Accounts.DisableRegistration) and rate limit.
//
// # Providers
//
// OIDC accepts codes and ID tokens and checks ID tokens itself (keys from
// discovery, rotated keys fetched again; asymmetric algorithms only;
// issuer, audience, authorized party, expiry, issue time, nonce); the
// Google, Microsoft and Apple presets configure it (Apple's client secret
// is minted per exchange). GitHub accepts codes and access tokens, the
// latter only after GitHub confirms they were issued to this app. See
// docs/social.md for the flows and docs/threat-model.md (T-SOC-…) for the
// attacks they resist.
package social
