package authtest

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// fJWTHeader is the header SimpleJWT writes for HS256.
const fJWTHeader = `{"alg":"HS256","typ":"JWT"}`

// fJWTMember is one payload member: a name and its raw JSON value ("-"
// deletes the member). Group F's helper.
type fJWTMember struct{ name, raw string }

// fJWTClaims returns the members of a valid access token of user id,
// issued at now, as SimpleJWT orders them, without a refresh family (like
// a token minted by a Django service sharing the key).
func fJWTClaims(now time.Time, id int64) []fJWTMember {
	return []fJWTMember{
		{"token_type", `"access"`},
		{"exp", strconv.FormatInt(now.Add(5*time.Minute).Unix(), 10)},
		{"iat", strconv.FormatInt(now.Unix(), 10)},
		{"jti", `"` + simplejwt.NewJTI() + `"`},
		{"user_id", strconv.FormatInt(id, 10)},
	}
}

// fJWTPayload renders members after replacing, appending or deleting
// (raw "-") the edited ones.
func fJWTPayload(members []fJWTMember, edits ...fJWTMember) string {
	ms := append([]fJWTMember(nil), members...)
	for _, e := range edits {
		i := -1
		for j, m := range ms {
			if m.name == e.name {
				i = j
			}
		}
		switch {
		case e.raw == "-" && i >= 0:
			ms = append(ms[:i], ms[i+1:]...)
		case i >= 0:
			ms[i].raw = e.raw
		case e.raw != "-":
			ms = append(ms, e)
		}
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Quote(m.name) + ":" + m.raw
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// fJWTEnc is unpadded base64url.
func fJWTEnc(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// fJWTSign builds a compact JWS from raw header and payload JSON. alg
// picks the signature: "HS256", "HS384", "HS512" (key []byte), "EdDSA"
// (key ed25519.PrivateKey), or "" for an empty signature.
func fJWTSign(t *testing.T, alg string, key any, header, payload string) string {
	t.Helper()
	input := fJWTEnc([]byte(header)) + "." + fJWTEnc([]byte(payload))
	var sig []byte
	switch alg {
	case "":
	case "HS256", "HS384", "HS512":
		h := map[string]func() hash.Hash{"HS256": sha256.New, "HS384": sha512.New384, "HS512": sha512.New}[alg]
		mac := hmac.New(h, key.([]byte))
		mac.Write([]byte(input))
		sig = mac.Sum(nil)
	case "EdDSA":
		sig = ed25519.Sign(key.(ed25519.PrivateKey), []byte(input))
	default:
		t.Fatalf("fJWTSign: unsupported alg %q", alg)
	}
	return input + "." + fJWTEnc(sig)
}

// fJWTHS256 signs payload under SimpleJWT's HS256 header with the suite's
// secret: authentic for a jwtMode server, whatever it says.
func fJWTHS256(t *testing.T, payload string) string {
	t.Helper()
	return fJWTSign(t, "HS256", []byte(jwtSecret), fJWTHeader, payload)
}

// fJWTRejected presents token as a Bearer header to the protected app
// route, as the access cookie to user/ and (unless verifyBody is "") to
// token/verify/, and wants 401 with accessBody (the first two) and
// verifyBody.
func (e *env) fJWTRejected(t *testing.T, token, accessBody, verifyBody string) {
	t.Helper()
	res := e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+token)
	res.wantJSON(t, http.StatusUnauthorized, accessBody)
	res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	res = e.do(t, http.MethodGet, e.path("user/"), "", "Cookie", cookieHeader("access", token))
	if !fJWTCookieValue(token) {
		// net/http drops a cookie whose value holds bytes outside
		// RFC 6265's cookie-octet: the request is anonymous.
		accessBody = notProvided
	}
	res.wantJSON(t, http.StatusUnauthorized, accessBody)
	res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	if verifyBody != "" {
		res = e.do(t, http.MethodPost, e.path("token/verify/"), jsonObject("token", token))
		res.wantJSON(t, http.StatusUnauthorized, verifyBody)
		res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	}
}

// fJWTForged wants token rejected as SimpleJWT rejects a forged or broken
// token: "Token is invalid or expired" on every channel.
func (e *env) fJWTForged(t *testing.T, token string) {
	t.Helper()
	e.fJWTRejected(t, token, accessError(simplejwt.ErrInvalid.Error()), invalidOrExpired)
}

// fJWTAccepted wants token to authenticate username on the protected app
// route (Bearer) and on user/ (cookie), and to pass token/verify/: the
// control that shows a forged token is otherwise acceptable.
func (e *env) fJWTAccepted(t *testing.T, token, username string) {
	t.Helper()
	e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+token).wantApp(t, map[string]string{"username": username})
	e.do(t, http.MethodGet, e.path("user/"), "", "Cookie", cookieHeader("access", token)).wantStatus(t, http.StatusOK)
	e.do(t, http.MethodPost, e.path("token/verify/"), jsonObject("token", token)).wantJSON(t, http.StatusOK, `{}`)
}

// fJWTClaimOf returns the raw JSON of claim name in token's payload
// (unverified), or "" when absent.
func fJWTClaimOf(t *testing.T, token, name string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20s…", token)
	}
	return fJWTMemberOf(t, fJWTDecode(t, parts[1]), name)
}

// fJWTDecode decodes one unpadded base64url segment.
func fJWTDecode(t *testing.T, seg string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("segment %.20s…: %v", seg, err)
	}
	return string(b)
}

// fJWTMemberOf returns the raw JSON of member name of the JSON object obj,
// or "" when absent.
func fJWTMemberOf(t *testing.T, obj, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		t.Fatalf("%s: %v", obj, err)
	}
	return string(m[name])
}

// fJWTCookieValue reports whether net/http keeps v as a cookie value
// (printable ASCII other than '"', ';' and '\\').
func fJWTCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}
