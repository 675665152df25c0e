package password

// Attribute is one user attribute compared by [UserAttributeSimilarity].
type Attribute struct {
	// Name is Django's verbose name, used in the message: "username",
	// "first name", "last name" or "email address".
	Name string
	// Value is the attribute's value; empty values are skipped.
	Value string
}

// Violation is one reason a password was rejected.
type Violation struct {
	// Code is Django's stable error code, e.g. "password_too_short",
	// "password_too_common", "password_entirely_numeric" or
	// "password_too_similar".
	Code string
	// Message is Django's English message, e.g. "This password is too
	// common.".
	Message string
}

// Validator checks a new password, like a Django password validator.
type Validator interface {
	// Validate returns the password's violations, or nil if it passes. user
	// holds the account's attributes; it may be nil (validators that need it
	// then do nothing, as Django's do without a user).
	Validate(password string, user []Attribute) []Violation
}

// Violation codes, as Django names them.
const (
	// CodeTooShort is reported by [MinimumLength].
	CodeTooShort = "password_too_short"
	// CodeTooCommon is reported by [CommonPasswords].
	CodeTooCommon = "password_too_common"
	// CodeEntirelyNumeric is reported by [Numeric].
	CodeEntirelyNumeric = "password_entirely_numeric"
	// CodeTooSimilar is reported by [UserAttributeSimilarity].
	CodeTooSimilar = "password_too_similar"
)

// DefaultValidators returns Django's startproject validators in its order:
// user-attribute similarity (0.7), minimum length 8, common passwords
// (Django's embedded list) and entirely numeric.
//
// It panics only if the embedded common-password list is corrupt, which is
// a build defect caught by this package's tests.
func DefaultValidators() []Validator {
	common, err := NewCommonPasswords()
	if err != nil {
		panic(err)
	}
	return []Validator{
		UserAttributeSimilarity{MaxSimilarity: DefaultMaxSimilarity},
		MinimumLength{Min: DefaultMinLength},
		common,
		Numeric{},
	}
}

// Validate runs every validator in vs, in order, and returns all their
// violations (nil if there are none), as Django's validate_password does.
func Validate(password string, user []Attribute, vs []Validator) []Violation {
	var out []Violation
	for _, v := range vs {
		out = append(out, v.Validate(password, user)...)
	}
	return out
}
