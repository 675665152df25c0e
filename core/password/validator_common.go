package password

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strings"
)

// commonPasswordsGz is Django's common-passwords.txt.gz (19,727 entries,
// lower case, one a line), embedded so nothing is read at run time.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

// CommonPasswords is Django's CommonPasswordValidator: it rejects a password
// that, lower-cased and stripped of surrounding white space, is on a list
// of common passwords. The list is read-only after construction, so a
// CommonPasswords is safe for concurrent use.
type CommonPasswords struct {
	words map[string]struct{}
}

// NewCommonPasswords returns the validator with Django's list, decompressed
// from the copy embedded in this package (about 2 MB in memory; make one and
// share it).
func NewCommonPasswords() (*CommonPasswords, error) {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		return nil, fmt.Errorf("password: embedded common-password list: %w", err)
	}
	defer zr.Close()
	words := make(map[string]struct{}, 20000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			words[w] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("password: embedded common-password list: %w", err)
	}
	return &CommonPasswords{words: words}, nil
}

// NewCommonPasswordsFromList returns the validator with a list of your own,
// e.g. a longer breached-password list. Entries are normalised like
// passwords (lower case, white space trimmed).
func NewCommonPasswordsFromList(words []string) *CommonPasswords {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		if w = normaliseCommon(w); w != "" {
			m[w] = struct{}{}
		}
	}
	return &CommonPasswords{words: m}
}

// Len returns the number of distinct entries in the list.
func (c *CommonPasswords) Len() int { return len(c.words) }

// Contains reports whether password, normalised like Django
// (password.lower().strip()), is on the list.
func (c *CommonPasswords) Contains(password string) bool {
	_, ok := c.words[normaliseCommon(password)]
	return ok
}

// Validate implements [Validator]. Message: "This password is too common."
func (c *CommonPasswords) Validate(password string, _ []Attribute) []Violation {
	if !c.Contains(password) {
		return nil
	}
	return []Violation{{Code: CodeTooCommon, Message: "This password is too common."}}
}

func normaliseCommon(s string) string {
	return strings.TrimSpace(strings.ToLower(s))
}
