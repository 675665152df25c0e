package storekit

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/restauth/restauth/core"
)

// SocialKey checks a provider and uid to store: both non-empty and within
// core.MaxSocialProviderLength and core.MaxSocialUIDLength, refused with
// an error wrapping core.ErrInvalidValue otherwise.
func SocialKey(provider, uid string) error {
	if provider == "" || uid == "" {
		return fmt.Errorf("%w: social account provider and uid must not be empty", core.ErrInvalidValue)
	}
	return CheckText(
		TextField{Name: "social provider", Value: provider, Max: core.MaxSocialProviderLength},
		TextField{Name: "social uid", Value: uid, Max: core.MaxSocialUIDLength},
	)
}

// SocialKeyStorable reports whether a provider and uid to look up could
// be stored; a store answers core.ErrNotFound for one that could not.
func SocialKeyStorable(provider, uid string) bool {
	return SocialKey(provider, uid) == nil
}

// SocialExtra returns the extra data to store: "{}" for empty, else extra
// itself when it is one JSON object of at most core.MaxSocialExtraData
// bytes in valid UTF-8 without NUL characters, and an error wrapping
// core.ErrInvalidValue otherwise. Stores keep the bytes as they are.
func SocialExtra(extra json.RawMessage) (string, error) {
	if len(extra) == 0 {
		return "{}", nil
	}
	if len(extra) > core.MaxSocialExtraData {
		return "", fmt.Errorf("%w: social extra data is longer than %d bytes", core.ErrInvalidValue, core.MaxSocialExtraData)
	}
	trimmed := bytes.TrimSpace(extra)
	if !json.Valid(extra) || len(trimmed) == 0 || trimmed[0] != '{' {
		return "", fmt.Errorf("%w: social extra data is not a JSON object", core.ErrInvalidValue)
	}
	if err := CheckText(TextField{Name: "social extra data", Value: string(extra), Max: core.MaxSocialExtraData}); err != nil {
		return "", err
	}
	return string(extra), nil
}
