package core

import "net/http"

// The descriptions of core's endpoints for the OpenAPI document, one
// function per endpoint, read by buildRoutes: the methods an endpoint
// serves are those its description lists. Each states what its handler
// answers for this configuration; the request cycle's answers (406, 415,
// 401, ...) are added by operationObject.

// strField is a string member of a request body.
func strField(description string) Schema {
	s := Schema{"type": "string"}
	if description != "" {
		s["description"] = description
	}
	return s
}

// bodyObject is a request body with props, of which required are.
func bodyObject(props map[string]any, required ...string) Schema {
	s := Schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// passwordField is a password member of a request body; a new password
// (capped like Django's SetPasswordForm) when capped.
func passwordField(capped bool, description string) Schema {
	s := Schema{"type": "string", "format": "password"}
	if capped {
		s["maxLength"] = maxPasswordFieldLength
	}
	if description != "" {
		s["description"] = description
	}
	return s
}

// detailAnswer is a {"detail": ...} success answer.
func detailAnswer(description string) Response {
	return Response{Description: description, Body: SchemaRef("Detail")}
}

// limited reports whether any of rates is enforced: the endpoint can
// answer 429.
func (a *Auth) limited(rates ...Rate) bool {
	if a.cfg.Throttle.Disabled {
		return false
	}
	for _, r := range rates {
		if r.Limit > 0 {
			return true
		}
	}
	return false
}

// throttledAnswer is the 429 of a rate-limited endpoint.
func throttledAnswer() Response {
	return Response{Description: "Rate limited (Config.Throttle); retry after Retry-After seconds", Body: SchemaRef("Error")}
}

// loginAnswer is what a successful login (or registration that logs in)
// answers with status: the JWT body, the token key, or 204 with the
// session cookie, by the configured methods.
func (a *Auth) loginAnswer(status int) (int, Response) {
	switch {
	case a.jwt != nil:
		return status, Response{Description: "Logged in: the JWT pair (the access and refresh cookies are set too)", Body: SchemaRef("JWT")}
	case a.cfg.uses(MethodToken):
		return status, Response{Description: "Logged in: the token key", Body: SchemaRef("Key")}
	default:
		return http.StatusNoContent, Response{Description: "Logged in: the session cookie is set"}
	}
}

// loginCookies are the cookies a login sets.
func (a *Auth) loginCookies() []string {
	var c []string
	if a.jwt != nil && !a.cfg.JWT.DisableCookies {
		c = append(c, a.cfg.JWT.AccessCookie, a.cfg.JWT.RefreshCookie)
	}
	if a.cfg.uses(MethodSession) {
		c = append(c, a.cfg.Session.CookieName)
	}
	if a.devices != nil {
		c = append(c, a.cfg.Throttle.DeviceCookie.Name)
	}
	return c
}

// refreshCookieParam is the refresh cookie token/refresh/ and logout/
// read, when JWT cookies are on.
func (a *Auth) refreshCookieParam() []Parameter {
	if a.jwt == nil || a.cfg.JWT.DisableCookies {
		return nil
	}
	return []Parameter{{Name: a.cfg.JWT.RefreshCookie, In: "cookie", Description: "The refresh token, used when the body has no refresh member"}}
}

func (a *Auth) loginOps() map[string]Operation {
	props := map[string]any{"password": passwordField(false, "")}
	var required []string
	body := bodyObject(props)
	switch a.cfg.LoginField {
	case LoginByUsername:
		props["username"] = strField("")
		required = []string{"username", "password"}
	case LoginByEmail:
		props["email"] = Schema{"type": "string", "format": "email"}
		required = []string{"email", "password"}
	default:
		props["username"] = strField("Ignored when email is given")
		props["email"] = Schema{"type": "string", "format": "email"}
		required = []string{"password"}
		body["anyOf"] = []any{Schema{"required": []string{"username"}}, Schema{"required": []string{"email"}}}
	}
	body["required"] = required
	status, ok := a.loginAnswer(http.StatusOK)
	responses := map[int]Response{
		status:                {Description: ok.Description, Body: ok.Body},
		http.StatusBadRequest: {Description: "Invalid input, or the credentials are wrong (one non_field_errors message whatever the cause)", Body: FieldErrors(false, "username", "email", "password")},
	}
	t := a.cfg.Throttle
	if a.limited(t.LoginPerIP, t.LoginFailuresPerAccount, t.LoginFailuresPerDevice) {
		responses[http.StatusTooManyRequests] = throttledAnswer()
	}
	return map[string]Operation{http.MethodPost: {
		ID:          "login",
		Summary:     "Log in with a password",
		Description: "Issues a credential of every configured method.",
		Tags:        []string{"login"},
		Body:        body,
		Responses:   responses,
		Cookies:     a.loginCookies(),
	}}
}

func (a *Auth) logoutOps() map[string]Operation {
	body := bodyObject(map[string]any{})
	var cookies []string
	if a.jwt != nil {
		body = bodyObject(map[string]any{"refresh": strField("A refresh token whose login to end (else the refresh cookie's)")})
		if !a.cfg.JWT.DisableCookies {
			cookies = append(cookies, a.cfg.JWT.AccessCookie, a.cfg.JWT.RefreshCookie)
		}
	}
	op := Operation{
		ID:          "logout",
		Summary:     "Log out",
		Description: "Revokes the credential that authenticated the request; answers 200 with or without credentials.",
		Tags:        []string{"login"},
		Parameters:  a.refreshCookieParam(),
		Body:        body,
		Responses:   map[int]Response{http.StatusOK: detailAnswer("Logged out")},
		Cookies:     cookies,
	}
	ops := map[string]Operation{http.MethodPost: op}
	if a.cfg.LogoutOnGet {
		get := op
		get.ID, get.Body = "logoutGet", nil
		ops[http.MethodGet] = get
	}
	return ops
}

func (a *Auth) userOps() map[string]Operation {
	props := map[string]any{
		"first_name": Schema{"type": "string", "maxLength": MaxNameLength},
		"last_name":  Schema{"type": "string", "maxLength": MaxNameLength},
	}
	fields := []string{"first_name", "last_name"}
	var required []string
	if !a.cfg.EmailOnly {
		props["username"] = Schema{"type": "string", "maxLength": MaxUsernameLength}
		fields = append(fields, "username")
		required = []string{"username"}
	}
	extra := a.cfg.UserFields.Parse != nil
	user := Response{Description: "The user", Body: SchemaRef("User")}
	invalid := Response{Description: "Invalid input", Body: FieldErrors(extra, fields...)}
	description := "pk and email are read-only and ignored."
	if extra {
		description += " Other members are the application's (Config.UserFields)."
	}
	return map[string]Operation{
		http.MethodGet: {
			ID: "userRetrieve", Summary: "The authenticated user", Tags: []string{"user"},
			Responses: map[int]Response{http.StatusOK: user},
		},
		http.MethodPut: {
			ID: "userUpdate", Summary: "Update the authenticated user", Description: description, Tags: []string{"user"},
			Body:      bodyObject(props, required...),
			Responses: map[int]Response{http.StatusOK: user, http.StatusBadRequest: invalid},
		},
		http.MethodPatch: {
			ID: "userPartialUpdate", Summary: "Update some members of the authenticated user", Description: description, Tags: []string{"user"},
			Body:      bodyObject(props),
			Responses: map[int]Response{http.StatusOK: user, http.StatusBadRequest: invalid},
		},
	}
}

func (a *Auth) passwordChangeOps() map[string]Operation {
	props := map[string]any{"new_password1": passwordField(true, ""), "new_password2": passwordField(true, "Must equal new_password1")}
	required := []string{"new_password1", "new_password2"}
	if !a.cfg.SkipOldPasswordCheck {
		props["old_password"] = passwordField(true, "The current password")
		required = append(required, "old_password")
	}
	changed := "Changed; every other credential of the user is revoked"
	if a.cfg.LogoutOnPasswordChange {
		changed = "Changed; every credential of the user is revoked, the caller's included"
	}
	responses := map[int]Response{
		http.StatusOK:         detailAnswer(changed),
		http.StatusBadRequest: {Description: "Invalid input, a wrong old password, or a password the validators refuse", Body: FieldErrors(false, "old_password", "new_password1", "new_password2")},
	}
	if !a.cfg.SkipOldPasswordCheck && a.limited(a.cfg.Throttle.LoginFailuresPerAccount) {
		responses[http.StatusTooManyRequests] = throttledAnswer()
	}
	var cookies []string
	if a.devices != nil {
		cookies = append(cookies, a.cfg.Throttle.DeviceCookie.Name)
	}
	return map[string]Operation{http.MethodPost: {
		ID: "passwordChange", Summary: "Change the password", Tags: []string{"password"},
		Body: bodyObject(props, required...), Responses: responses, Cookies: cookies,
	}}
}

func (a *Auth) tokenVerifyOps() map[string]Operation {
	return map[string]Operation{http.MethodPost: {
		ID: "tokenVerify", Summary: "Check a JWT (access or refresh)", Tags: []string{"token"},
		Body: bodyObject(map[string]any{"token": strField("")}, "token"),
		Responses: map[int]Response{
			http.StatusOK:           {Description: "Valid", Body: Schema{"type": "object", "additionalProperties": false}},
			http.StatusBadRequest:   {Description: "Invalid input, or a token whose login was revoked (Token is blacklisted)", Body: FieldErrors(false, "token")},
			http.StatusUnauthorized: {Description: "Not a valid token", Body: SchemaRef("Error")},
		},
	}}
}

func (a *Auth) tokenRefreshOps() map[string]Operation {
	responses := map[int]Response{
		http.StatusOK:           {Description: "A new access token (the cookies are set too)", Body: SchemaRef("TokenRefresh")},
		http.StatusBadRequest:   {Description: "Invalid input", Body: FieldErrors(false, "refresh")},
		http.StatusUnauthorized: {Description: "No valid refresh token, or its login was revoked or expired", Body: SchemaRef("Error")},
	}
	if a.limited(a.cfg.Throttle.RefreshFailuresPerIP) {
		responses[http.StatusTooManyRequests] = throttledAnswer()
	}
	var cookies []string
	if !a.cfg.JWT.DisableCookies {
		cookies = []string{a.cfg.JWT.AccessCookie, a.cfg.JWT.RefreshCookie}
	}
	description := "The refresh token comes from the body, else from the refresh cookie (then the CSRF check applies)."
	if !a.cfg.JWT.DisableRotation {
		description += " It is used up: the answer carries its successor."
	}
	return map[string]Operation{http.MethodPost: {
		ID: "tokenRefresh", Summary: "Exchange a refresh token for a new access token", Description: description, Tags: []string{"token"},
		Parameters: a.refreshCookieParam(),
		Body:       bodyObject(map[string]any{"refresh": strField("")}),
		Responses:  responses,
		Cookies:    cookies,
	}}
}

func (a *Auth) registrationOps() map[string]Operation {
	props := map[string]any{
		"email":     Schema{"type": "string", "format": "email"},
		"password1": passwordField(true, ""),
		"password2": passwordField(true, "Must equal password1"),
	}
	required := []string{"password1", "password2"}
	fields := []string{"email", "password1", "password2"}
	if !a.cfg.EmailOnly {
		props["username"] = Schema{"type": "string", "maxLength": MaxUsernameLength}
		required = append(required, "username")
		fields = append(fields, "username")
	}
	if !a.cfg.Accounts.RegistrationEmailOptional {
		required = append(required, "email")
	}
	extra := a.cfg.RegistrationFields.Parse != nil
	responses := map[int]Response{
		http.StatusBadRequest: {Description: "Invalid input, a taken username or email, or a password the validators refuse", Body: FieldErrors(extra, fields...)},
	}
	var cookies []string
	if a.cfg.EmailVerification == VerifyMandatory {
		responses[http.StatusCreated] = detailAnswer("Registered; the verification mail is sent and login waits for it")
	} else {
		status, r := a.loginAnswer(http.StatusCreated)
		r.Description = "Registered and " + r.Description
		responses[status] = r
		cookies = a.loginCookies()
	}
	if a.limited(a.cfg.Throttle.RegisterPerIP) {
		responses[http.StatusTooManyRequests] = throttledAnswer()
	}
	description := ""
	if extra {
		description = "Other members are the application's (Config.RegistrationFields)."
	}
	return map[string]Operation{http.MethodPost: {
		ID: "register", Summary: "Create an account", Description: description, Tags: []string{"registration"},
		Body: bodyObject(props, required...), Responses: responses, Cookies: cookies,
	}}
}

func (a *Auth) verifyEmailOps() map[string]Operation {
	return map[string]Operation{http.MethodPost: {
		ID: "verifyEmail", Summary: "Verify an email address with the key of the mailed link", Tags: []string{"registration"},
		Body: bodyObject(map[string]any{"key": strField("")}, "key"),
		Responses: map[int]Response{
			http.StatusOK:         detailAnswer("Verified"),
			http.StatusBadRequest: {Description: "Invalid input", Body: FieldErrors(false, "key")},
			http.StatusNotFound:   {Description: "The key is invalid, expired or used", Body: SchemaRef("Error")},
		},
	}}
}

// mailOps describes the endpoints that mail an address (reset, resend).
func (a *Auth) mailOps(id, summary, sent string) map[string]Operation {
	responses := map[int]Response{
		http.StatusOK:         detailAnswer(sent),
		http.StatusBadRequest: {Description: "Invalid input", Body: FieldErrors(false, "email")},
	}
	if a.limited(a.cfg.Throttle.MailPerIP) {
		responses[http.StatusTooManyRequests] = throttledAnswer()
	}
	tag := "password"
	if id == "resendEmail" {
		tag = "registration"
	}
	return map[string]Operation{http.MethodPost: {
		ID: id, Summary: summary, Tags: []string{tag},
		Description: "Answers alike whether or not an account has the address.",
		Body:        bodyObject(map[string]any{"email": Schema{"type": "string", "format": "email"}}, "email"),
		Responses:   responses,
	}}
}

func (a *Auth) resendEmailOps() map[string]Operation {
	return a.mailOps("resendEmail", "Mail the verification link again", "Sent, if an unverified account has the address")
}

func (a *Auth) passwordResetOps() map[string]Operation {
	return a.mailOps("passwordReset", "Mail a password reset link", "Sent, if an account has the address")
}

func (a *Auth) passwordResetConfirmOps() map[string]Operation {
	responses := map[int]Response{
		http.StatusOK:         detailAnswer("The password is set; every credential of the user is revoked"),
		http.StatusBadRequest: {Description: "Invalid input, an invalid link (uid or token), or a password the validators refuse", Body: FieldErrors(false, "new_password1", "new_password2", "uid", "token")},
	}
	if a.limited(a.cfg.Throttle.ResetConfirmFailures) {
		responses[http.StatusTooManyRequests] = throttledAnswer()
	}
	return map[string]Operation{http.MethodPost: {
		ID: "passwordResetConfirm", Summary: "Set a new password with the uid and token of the mailed link", Tags: []string{"password"},
		Body: bodyObject(map[string]any{
			"uid": strField(""), "token": strField(""), "new_password1": passwordField(true, ""), "new_password2": passwordField(true, "Must equal new_password1"),
		}, "new_password1", "new_password2", "uid", "token"),
		Responses: responses,
	}}
}
