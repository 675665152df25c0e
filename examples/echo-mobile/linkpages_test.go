package main

import (
	"path/filepath"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/core/linkpages/linkpagestest"
	"github.com/restauth/restauth/core/mail/smtptest"
)

// TestLinkPages opens the mailed verification and reset links over HTTP,
// as the phone's browser would, in both modes: with the default
// RESTAUTH_FRONTEND_URL they are this server's own pages, which verify the
// address and set the new password; the secrets in the links stay out of
// the log.
func TestLinkPages(t *testing.T) {
	for _, mode := range []string{"jwt", "token"} {
		t.Run(mode, func(t *testing.T) {
			smtp := smtptest.NewServer(t)
			srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "pages.db"), map[string]string{
				"RESTAUTH_MODE":               mode,
				"RESTAUTH_SMTP_ADDR":          smtp.Addr(),
				"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
			})
			secrets := linkpagestest.Flow(t, srv.URL, "/api/auth/", linkpagestest.SMTP(smtp), startertest.RandomSuffix(t))
			srv.WantNoSecretsLogged(secrets...)
		})
	}
}

// TestLinkPagesElsewhere checks that nothing is mounted when the mails
// link to another frontend.
func TestLinkPagesElsewhere(t *testing.T) {
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "pages.db"), map[string]string{
		"RESTAUTH_FRONTEND_URL": "https://app.example.test",
	})
	linkpagestest.WantNotMounted(t, srv.URL, "/api/auth/")
	srv.WantNoSecretsLogged("MQ:1tXyZa:abc", "abc-0123")
}

// TestLinkPagesOff: RESTAUTH_LINK_PAGES=off mounts no page even for links
// that point at this server, and the log still keeps their secrets out.
func TestLinkPagesOff(t *testing.T) {
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "pages.db"), map[string]string{
		"RESTAUTH_LINK_PAGES": "off",
	})
	linkpagestest.WantNotMounted(t, srv.URL, "/api/auth/")
	srv.WantNoSecretsLogged("MQ:1tXyZa:abc", "abc-0123")
}
