package social

import (
	"net/http"

	"github.com/restauth/restauth/core"
)

// The descriptions of the social endpoints for core's OpenAPI document.

// credentialsBody is the body of <provider>/ and <provider>/connect/.
func credentialsBody() core.Schema {
	str := func(d string) core.Schema { return core.Schema{"type": "string", "description": d} }
	return core.Schema{"type": "object", "properties": map[string]any{
		"access_token":  str("An access token the provider issued to this application"),
		"code":          str("An authorization code, exchanged at the provider with the configured redirect URI"),
		"code_verifier": str("The PKCE verifier of the authorization request that obtained code"),
		"id_token":      str("An OpenID Connect ID token"),
		"nonce":         str("The nonce of the authorization request; the ID token must carry it"),
	}}
}

// credentialErrors are the 400 answers of the credential endpoints.
func credentialErrors() core.Response {
	return core.Response{
		Description: "No usable credentials, the provider refused them, the code exchange failed, or the identity cannot be used here",
		Body:        core.FieldErrors(false, "access_token", "code", "code_verifier", "id_token", "nonce"),
	}
}

func (h *handler) loginOps(p Provider) map[string]core.Operation {
	status, ok, cookies := h.auth.LoginAnswer(http.StatusOK)
	return map[string]core.Operation{http.MethodPost: {
		ID:      "socialLogin" + operationName(p.ID()),
		Summary: "Log in or sign up with " + p.ID(),
		Description: "Logs in the account linked to the provider identity, or links it to the account with the same " +
			"verified address (when enabled), or signs up a new account; answers like login/.",
		Tags:      []string{"social"},
		Body:      credentialsBody(),
		Responses: map[int]core.Response{status: ok, http.StatusBadRequest: credentialErrors(), http.StatusTooManyRequests: throttled()},
		Cookies:   cookies,
	}}
}

func (h *handler) connectOps(p Provider) map[string]core.Operation {
	status, ok, cookies := h.auth.LoginAnswer(http.StatusOK)
	return map[string]core.Operation{http.MethodPost: {
		ID:          "socialConnect" + operationName(p.ID()),
		Summary:     "Link a " + p.ID() + " identity to the authenticated user",
		Description: "An identity linked to another account is refused. Answers like login/ for the caller.",
		Tags:        []string{"social"},
		Body:        credentialsBody(),
		Responses:   map[int]core.Response{status: ok, http.StatusBadRequest: credentialErrors()},
		Cookies:     cookies,
	}}
}

// accountSchema is one social account as listed.
func accountSchema() core.Schema {
	return core.Schema{"type": "object", "required": []string{"id", "provider", "uid", "last_login", "date_joined"},
		"properties": map[string]any{
			"id":          core.Schema{"type": "integer"},
			"provider":    core.Schema{"type": "string"},
			"uid":         core.Schema{"type": "string"},
			"last_login":  core.Schema{"type": []string{"string", "null"}, "format": "date-time"},
			"date_joined": core.Schema{"type": "string", "format": "date-time"},
		}}
}

func (h *handler) listOps() map[string]core.Operation {
	return map[string]core.Operation{http.MethodGet: {
		ID: "socialAccountList", Summary: "The authenticated user's linked identities", Tags: []string{"social"},
		Responses: map[int]core.Response{http.StatusOK: {Description: "The social accounts",
			Body: core.Schema{"type": "array", "items": accountSchema()}}},
	}}
}

func (h *handler) disconnectOps() map[string]core.Operation {
	return map[string]core.Operation{http.MethodPost: {
		ID: "socialAccountDisconnect", Summary: "Unlink one of the authenticated user's identities", Tags: []string{"social"},
		Description: "Refused for the last identity of an account without a usable password (or, with mandatory " +
			"verification, without a verified address): it is the last way to log in.",
		Responses: map[int]core.Response{
			http.StatusOK:         {Description: "The removed social account", Body: accountSchema()},
			http.StatusBadRequest: {Description: "The last way to log in", Body: core.FieldErrors(false)},
			http.StatusNotFound:   {Description: "Not one of the caller's social accounts", Body: core.SchemaRef("Error")},
		},
	}}
}

func throttled() core.Response {
	return core.Response{Description: "Rate limited (Config.Throttle); retry after Retry-After seconds", Body: core.SchemaRef("Error")}
}
