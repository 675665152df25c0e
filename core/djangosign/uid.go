package djangosign

import "strconv"

// Input length limits applied before any decoding.
const (
	// maxBase36Len is Django's base36_to_int limit: 13 base36 digits
	// hold any int64. It bounds uids and reset-token timestamps.
	maxBase36Len = 13
	// maxUIDBase64Len bounds base64 uids; an int64 needs at most 27.
	maxUIDBase64Len = 64
)

// EncodeUIDBase36 returns the uid allauth puts in reset links for an
// integer primary key: int_to_base36(pk), lowercase (1 → "1",
// 12345 → "9ix"). Primary keys must be positive; for pk < 1 it returns the
// empty string, which no decoder accepts.
func EncodeUIDBase36(pk int64) string {
	if pk < 1 {
		return ""
	}
	return strconv.FormatInt(pk, 36)
}

// DecodeUIDBase36 parses an allauth base36 uid back into a primary key.
// It accepts exactly what [EncodeUIDBase36] produces: 1 to 13 lowercase
// base36 digits without leading zeros, denoting a positive int64. Anything
// else, including uppercase (which Django's int(s, 36) would take), a sign,
// or overflow, returns [ErrInvalidUID].
func DecodeUIDBase36(s string) (int64, error) {
	if len(s) == 0 || len(s) > maxBase36Len {
		return 0, ErrInvalidUID
	}
	pk, ok := parseCanonicalInt(s, 36)
	if !ok || pk < 1 {
		return 0, ErrInvalidUID
	}
	return pk, nil
}

// EncodeUIDBase64 returns the uid Django's PasswordResetForm puts in reset
// links: urlsafe_base64_encode(force_bytes(pk)), the unpadded base64url of
// the decimal pk (1 → "MQ", 12345 → "MTIzNDU"). Primary keys must be
// positive; for pk < 1 it returns the empty string, which no decoder
// accepts.
func EncodeUIDBase64(pk int64) string {
	if pk < 1 {
		return ""
	}
	return encodeB64(strconv.AppendInt(nil, pk, 10))
}

// DecodeUIDBase64 parses a Django base64 uid back into a primary key. It
// accepts exactly what [EncodeUIDBase64] produces: unpadded base64url (as
// Django's urlsafe_base64_decode, which restores the padding itself) of a
// positive decimal int64 with no sign, spaces or leading zeros. Input
// longer than 64 bytes is rejected before decoding. Failures return
// [ErrInvalidUID].
func DecodeUIDBase64(s string) (int64, error) {
	if len(s) == 0 || len(s) > maxUIDBase64Len {
		return 0, ErrInvalidUID
	}
	raw, ok := decodeB64(s)
	if !ok {
		return 0, ErrInvalidUID
	}
	pk, ok := parseCanonicalInt(string(raw), 10)
	if !ok || pk < 1 {
		return 0, ErrInvalidUID
	}
	return pk, nil
}
