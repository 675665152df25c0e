package main

import (
	"context"
	"html/template"
	"net"
	"net/http"
	"regexp"
	"slices"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core/mail"
)

// devMailboxSize is how many recent mails the development page lists.
const devMailboxSize = 20

// devMailbox is the development mailer used when RESTAUTH_SMTP_ADDR is
// unset: every mail goes to the next mailer (the console, as in every
// starter) and the most recent ones are kept in a mail.Outbox for the
// /dev/mails page, so a developer can click the verification and reset
// links. It is a development tool: the mails carry secret links.
type devMailbox struct {
	next   mail.Mailer
	keep   int
	mu     sync.Mutex // serialises Send, so trimming never loses a new mail
	outbox *mail.Outbox
}

// newDevMailbox returns a devMailbox in front of next that keeps the last
// keep mails.
func newDevMailbox(next mail.Mailer, keep int) *devMailbox {
	return &devMailbox{next: next, keep: keep, outbox: mail.NewOutbox()}
}

// Send delivers msg to the next mailer and records it.
func (d *devMailbox) Send(ctx context.Context, msg mail.Message) error {
	if err := d.next.Send(ctx, msg); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.outbox.Send(ctx, msg); err != nil {
		return err
	}
	if msgs := d.outbox.Messages(); len(msgs) > d.keep {
		// The Outbox has no cap: keep only the newest mails.
		d.outbox.Reset()
		for _, m := range msgs[len(msgs)-d.keep:] {
			if err := d.outbox.Send(context.WithoutCancel(ctx), m); err != nil {
				return err
			}
		}
	}
	return nil
}

// Messages returns the kept mails, newest first.
func (d *devMailbox) Messages() []mail.Message {
	msgs := d.outbox.Messages()
	slices.Reverse(msgs)
	return msgs
}

// mountDevMails serves GET /dev/mails, the list of recent mails with their
// links made clickable. It answers only loopback clients (the socket peer,
// never a forwarded header) and is mounted only when no SMTP server is
// configured; anyone who can read it can take over any account by
// requesting a password reset.
func mountDevMails(r gin.IRouter, box *devMailbox) {
	page := func(c *gin.Context) {
		if ip := net.ParseIP(c.RemoteIP()); ip == nil || !ip.IsLoopback() {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
		h := c.Writer.Header()
		setPageHeaders(h)
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Type", "text/html; charset=utf-8")
		var mails []devMail
		for _, m := range box.Messages() {
			mails = append(mails, devMail{To: m.To, Subject: m.Subject, Body: linkify(m.Text)})
		}
		c.Status(http.StatusOK)
		if err := devMailsPage.Execute(c.Writer, mails); err != nil {
			_ = c.Error(err)
		}
	}
	// HEAD lets the SPA find out whether the page exists, to link to it.
	r.GET("/dev/mails", page)
	r.HEAD("/dev/mails", page)
}

// devMail is one mail as the page shows it.
type devMail struct {
	To, Subject string
	Body        []textPart
}

// textPart is a run of a mail's text: plain text, or a link when URL is set.
type textPart struct {
	Text, URL string
}

// linkRe matches the http(s) links of a plain-text mail.
var linkRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkify splits text into plain runs and links. Only http(s) URLs become
// links, and html/template still escapes and filters them.
func linkify(text string) []textPart {
	var parts []textPart
	last := 0
	for _, loc := range linkRe.FindAllStringIndex(text, -1) {
		if loc[0] > last {
			parts = append(parts, textPart{Text: text[last:loc[0]]})
		}
		u := text[loc[0]:loc[1]]
		parts = append(parts, textPart{Text: u, URL: u})
		last = loc[1]
	}
	if last < len(text) {
		parts = append(parts, textPart{Text: text[last:]})
	}
	return parts
}

var devMailsPage = template.Must(template.New("mails").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Development mailbox</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main class="card wide" data-view="dev-mails">
<h1>Development mailbox</h1>
<p class="note">{{with len .}}{{if eq . 1}}The one mail the server sent so far.{{else}}The last {{.}} mails the server sent, newest first.{{end}} {{end}}This page exists only while
<code>RESTAUTH_SMTP_ADDR</code> is unset, and only for requests from this machine. Never run it in production.</p>
<p><a href="/">Back to the app</a></p>
{{range .}}
<article class="mail">
<h2>{{.Subject}}</h2>
<p class="note">To: {{.To}}</p>
<pre>{{range .Body}}{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}</pre>
</article>
{{else}}
<p>No mail yet. Sign up or request a password reset in the app.</p>
{{end}}
</main>
</body>
</html>
`))
