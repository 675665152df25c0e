// Package mail sends the account mails of restauth: e-mail address
// confirmation and password reset.
//
// A [Mailer] delivers one [Message] to one recipient. Three implementations
// are provided:
//
//   - [SMTPMailer] talks to an SMTP server (plain, STARTTLS or implicit TLS,
//     optional AUTH PLAIN), one connection per message;
//   - [ConsoleMailer] prints the rendered message (development: the starters
//     use it when RESTAUTH_SMTP_ADDR is unset);
//   - [Outbox] keeps messages in memory (tests, development pages).
//
// [Queue] wraps any Mailer to deliver in the background, bounded in
// workers, waiting messages and time per delivery, so that a request that
// may or may not send mail answers in the same time either way. restauth's
// core uses one by default.
//
// [Templates] renders the subject, the text body and the optional HTML body
// of a mail from Go templates. [DefaultTemplates] holds the mails restauth
// sends (email confirmation, password reset link, and the optional
// password changed / password reset notifications), worded like
// django-allauth's.
//
// Security:
//
//   - Header injection (golang/go#21159, restauth T-ID-08): every Mailer
//     rejects a To, From or Subject that contains CR, LF or NUL before any
//     network I/O, To must be exactly one address, and the SMTP envelope
//     recipient is the parsed address only. [Templates.Render] collapses
//     line breaks in the rendered subject, so a user-controlled value such
//     as a first name can never start a header line.
//   - Message bodies carry secrets (reset and confirmation links): they are
//     never logged. Loggers receive only the template name and the
//     recipient's domain. Errors never contain a body.
//
// Where things happen:
//
//   - Message, Mailer, validation: message.go
//   - RFC 5322 rendering:          build.go, header.go
//   - SMTP:                        smtp_config.go, smtp.go
//   - console and in-memory:       console.go, outbox.go
//   - background delivery:         queue.go, queue_options.go
//   - templates:                   templates.go, templates_load.go, templates/
//
// The sibling package smtptest is a real SMTP server for tests.
package mail
