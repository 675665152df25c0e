package mail

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode"
)

// Names of the mails restauth sends.
const (
	// TemplateEmailConfirmation is the e-mail address confirmation mail
	// (allauth's account/email/email_confirmation). Its data provides
	// .SiteName, .SiteDomain, .Username and .ActivateURL.
	TemplateEmailConfirmation = "email_confirmation"
	// TemplatePasswordReset is the password reset mail (allauth's
	// account/email/password_reset_key). Its data provides .SiteName,
	// .SiteDomain, .Username and .PasswordResetURL.
	TemplatePasswordReset = "password_reset"
	// TemplatePasswordChanged is the notification that the password was
	// changed through password/change/ (allauth's
	// account/email/password_changed), sent when
	// AccountConfig.NotifyPasswordChange is set. Its data provides
	// .SiteName, .SiteDomain and .Username; it carries no link.
	TemplatePasswordChanged = "password_changed"
	// TemplatePasswordResetComplete is the notification that the password
	// was reset through password/reset/confirm/ (allauth's
	// account/email/password_reset; restauth's "password_reset" is the
	// mail with the link), sent when AccountConfig.NotifyPasswordChange is
	// set. Its data is that of TemplatePasswordChanged.
	TemplatePasswordResetComplete = "password_reset_complete"
)

// Data is the template context restauth passes to its mails. Apps that
// override a template may use every field; fields a mail does not need
// are empty.
type Data struct {
	// SiteName and SiteDomain identify the site (Django's Site name and
	// domain), e.g. "example.com".
	SiteName, SiteDomain string
	// Username is the user's display name (allauth's user_display).
	Username string
	// Email is the recipient's stored address.
	Email string
	// FirstName and LastName come from the user record; they are user
	// controlled (see Render for how subjects stay single-line).
	FirstName, LastName string
	// ActivateURL is the confirmation link (email_confirmation); Key is
	// its last path segment.
	ActivateURL, Key string
	// PasswordResetURL is the reset link (password_reset); UID and Token
	// are its last two path segments.
	PasswordResetURL, UID, Token string
	// Extra holds app-defined values for overridden templates.
	Extra map[string]any
}

//go:embed templates/*
var defaultFiles embed.FS

// Templates renders mails by name: a subject (text/template, rendered to a
// single line), a text body (text/template) and an optional HTML body
// (html/template, contextually escaped). Templates fail on missing map
// keys instead of printing "<no value>". It is safe for concurrent use,
// including Override while rendering.
type Templates struct {
	mu    sync.RWMutex
	mails map[string]*mailTemplate
}

// mailTemplate is one parsed mail and its sources (kept so LoadTemplates
// can replace single files).
type mailTemplate struct {
	subjectSrc, textSrc, htmlSrc string
	subject                      *texttemplate.Template
	text                         *texttemplate.Template
	html                         *htmltemplate.Template // nil: text only
}

// DefaultTemplates returns a new set holding restauth's four mails,
// TemplateEmailConfirmation, TemplatePasswordReset, TemplatePasswordChanged
// and TemplatePasswordResetComplete, worded like django-allauth's, each
// with a simple HTML alternative. Every call
// returns an independent set.
func DefaultTemplates() *Templates {
	sub, err := fs.Sub(defaultFiles, "templates")
	if err != nil {
		panic("mail: embedded templates: " + err.Error())
	}
	t := &Templates{mails: map[string]*mailTemplate{}}
	if err := t.load(sub); err != nil {
		panic("mail: embedded templates: " + err.Error())
	}
	return t
}

// Override defines the mail name, replacing any existing definition.
// subject and text are required; html may be empty for a text-only mail.
// Names use letters, digits, '_' and '-'. Parse errors are returned (they
// wrap ErrInvalidTemplate) and leave the set unchanged.
func (t *Templates) Override(name, subject, text, html string) error {
	mt, err := parseMail(name, subject, text, html)
	if err != nil {
		return err
	}
	t.mu.Lock()
	if t.mails == nil {
		t.mails = map[string]*mailTemplate{}
	}
	t.mails[name] = mt
	t.mu.Unlock()
	return nil
}

// Names returns the defined mail names, sorted.
func (t *Templates) Names() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	names := make([]string, 0, len(t.mails))
	for n := range t.mails {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Render executes the mail name with data. The subject has every line
// break and control character replaced by a space (runs collapse to one)
// and is trimmed, so a user-controlled value such as a first name can
// never start a new header line. html is "" for a text-only mail. An
// undefined name is an ErrUnknownTemplate.
func (t *Templates) Render(name string, data any) (subject, text, html string, err error) {
	t.mu.RLock()
	mt, ok := t.mails[name]
	t.mu.RUnlock()
	if !ok {
		return "", "", "", fmt.Errorf("%w: %q", ErrUnknownTemplate, name)
	}
	var b strings.Builder
	if err := mt.subject.Execute(&b, data); err != nil {
		return "", "", "", fmt.Errorf("mail: render %s subject: %w", name, err)
	}
	subject = singleLine(b.String())
	b.Reset()
	if err := mt.text.Execute(&b, data); err != nil {
		return "", "", "", fmt.Errorf("mail: render %s text: %w", name, err)
	}
	text = b.String()
	if mt.html != nil {
		b.Reset()
		if err := mt.html.Execute(&b, data); err != nil {
			return "", "", "", fmt.Errorf("mail: render %s html: %w", name, err)
		}
		html = b.String()
	}
	return subject, text, html, nil
}

// Message renders the mail name with data into a Message addressed to to,
// with Template set to name.
func (t *Templates) Message(name, to string, data any) (Message, error) {
	subject, text, html, err := t.Render(name, data)
	if err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: subject, Text: text, HTML: html, Template: name}, nil
}

// parseMail parses the three sources of one mail.
func parseMail(name, subject, text, html string) (*mailTemplate, error) {
	if !validName(name) {
		return nil, fmt.Errorf("%w: bad name %q", ErrInvalidTemplate, name)
	}
	if strings.TrimSpace(subject) == "" || strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%w: %s: subject and text are required", ErrInvalidTemplate, name)
	}
	mt := &mailTemplate{subjectSrc: subject, textSrc: text, htmlSrc: html}
	var err error
	if mt.subject, err = texttemplate.New(name + "_subject.txt").Option("missingkey=error").Parse(subject); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTemplate, err)
	}
	if mt.text, err = texttemplate.New(name + ".txt").Option("missingkey=error").Parse(text); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTemplate, err)
	}
	if html != "" {
		if mt.html, err = htmltemplate.New(name + ".html").Option("missingkey=error").Parse(html); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidTemplate, err)
		}
	}
	return mt, nil
}

// validName accepts non-empty names of letters, digits, '_' and '-'.
func validName(name string) bool {
	if name == "" || len(name) > 100 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// singleLine replaces each run of control characters (CR, LF, NUL, tab,
// NEL, ...) and Unicode line or paragraph separators with one space and
// trims the result.
func singleLine(s string) string {
	var b strings.Builder
	inRun := false
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			if !inRun {
				b.WriteByte(' ')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
