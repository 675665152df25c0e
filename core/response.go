package core

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
)

// WriteJSON writes v as compact JSON (no HTML escaping, like DRF) with
// status. A nil v writes no body (DRF's 204).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	var b bytes.Buffer
	writeJSONValue(&b, v)
	writeJSONBytes(w, status, b.Bytes())
}

// writeJSONBytes is WriteJSON of a body already encoded: Content-Type
// and Content-Length, the status, the body. The two header values share
// one allocation (each slice capped at its one element, so that an append
// to either copies it).
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	vals := make([]string, 2)
	vals[0], vals[1] = "application/json", strconv.Itoa(len(body))
	h := w.Header()
	h["Content-Type"], h["Content-Length"] = vals[0:1:1], vals[1:2:2]
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteError answers err in dj-rest-auth's shape:
//   - *Error: its status (authentication errors become 401 with the first
//     authenticator's challenge, or 403 when it has none) and body;
//   - a value no store can hold (ErrInvalidValue): 400;
//   - a store failure (ErrUnavailable) or the request's deadline
//     (context.DeadlineExceeded, see Config.RequestTimeout): 503 with
//     Retry-After and a generic body, the cause logged without request data;
//   - anything else: 500 with a generic body, the cause logged.
func (a *Auth) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status, challenge, body := a.answer(r, err)
	h := w.Header()
	if challenge != "" {
		h.Set("WWW-Authenticate", challenge)
	}
	for k, vs := range body.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	WriteJSON(w, status, body)
}

// answer resolves err into what WriteError writes: the status, the
// WWW-Authenticate challenge ("" for none) and the body, whose Header holds
// any other header of the answer. Store failures and internal errors are
// logged here. An *Error that err holds is returned as is, not modified.
func (a *Auth) answer(r *http.Request, err error) (status int, challenge string, body *Error) {
	var e *Error
	switch {
	case errors.As(err, &e):
		if e.Kind != KindAuthentication {
			return e.Status, "", e
		}
		if c := a.challenge(); c != "" {
			return http.StatusUnauthorized, c, e
		}
		return http.StatusForbidden, "", e
	case errors.Is(err, ErrInvalidValue):
		// Handlers validate first, so this is a value the checks missed:
		// the client's fault, never the store's.
		return http.StatusBadRequest, "", NewDetailError(http.StatusBadRequest, a.msgs.Text(MsgInvalidValue))
	case errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded):
		// A failing store, or a request that ran out of RequestTimeout
		// (a hung store, a saturated hashing limiter): try again later.
		a.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "restauth: store unavailable",
			slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		e = NewDetailError(http.StatusServiceUnavailable, a.msgs.Text(MsgServiceUnavailable))
		e.Header = http.Header{"Retry-After": {strconv.Itoa(int(a.cfg.RetryAfter.Seconds()))}}
		return http.StatusServiceUnavailable, "", e
	}
	a.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "restauth: internal error",
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	return http.StatusInternalServerError, "", NewDetailError(http.StatusInternalServerError, a.msgs.Text(MsgServerError))
}

// setSecurityHeaders marks every auth response as private and typed:
// h.Set of Cache-Control and X-Content-Type-Options, h.Add of Vary, with
// one allocation for the three values instead of three (each slice capped
// at its one element, so that an append to any of them copies it).
func setSecurityHeaders(h http.Header) {
	setSecurityHeadersWith(h, make([]string, 3))
}

// setEndpointHeaders sets an endpoint answer's Allow header and the
// security headers (see setSecurityHeaders), with one allocation for the
// four values.
func setEndpointHeaders(h http.Header, allow string) {
	vals := make([]string, 4)
	vals[0] = allow
	h["Allow"] = vals[0:1:1]
	setSecurityHeadersWith(h, vals[1:])
}

// setSecurityHeadersWith is setSecurityHeaders with the values stored in
// vals (three elements).
func setSecurityHeadersWith(h http.Header, vals []string) {
	vals[0], vals[1], vals[2] = "no-store", "nosniff", "Accept"
	h["Cache-Control"], h["X-Content-Type-Options"] = vals[0:1:1], vals[1:2:2]
	if vary, ok := h["Vary"]; ok {
		h["Vary"] = append(vary, "Accept")
	} else {
		h["Vary"] = vals[2:3:3]
	}
}

// headOnly discards the body of a HEAD response while keeping status and
// headers.
type headOnly struct{ http.ResponseWriter }

func (h headOnly) Write(b []byte) (int, error) { return len(b), nil }
