package social_test

import (
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/social"
)

func TestFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	s, err := social.FromEnv(env(), nil)
	if s != nil || err != nil {
		t.Fatalf("no provider configured: %v, %v; want nil, nil", s, err)
	}
	s, err = social.FromEnv(env(
		"RESTAUTH_GITHUB_CLIENT_ID", "gh-id", "RESTAUTH_GITHUB_CLIENT_SECRET", "gh-secret-value",
		"RESTAUTH_GOOGLE_CLIENT_ID", "g-id",
		"RESTAUTH_OIDC_ISSUER", "https://idp.example", "RESTAUTH_OIDC_CLIENT_ID", "o-id", "RESTAUTH_OIDC_REDIRECT_URI", "https://app.example/cb",
		"RESTAUTH_SOCIAL_EMAIL_LINKING", "on"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range s.Providers() {
		ids = append(ids, p.ID())
	}
	if strings.Join(ids, ",") != "github,google,oidc" {
		t.Errorf("providers %v", ids)
	}
	for name, e := range map[string]func(string) string{
		"GitHub without secret":  env("RESTAUTH_GITHUB_CLIENT_ID", "x"),
		"GitHub secret only":     env("RESTAUTH_GITHUB_CLIENT_SECRET", "very-secret-value"),
		"Google secret only":     env("RESTAUTH_GOOGLE_CLIENT_SECRET", "very-secret-value"),
		"OIDC without issuer":    env("RESTAUTH_OIDC_CLIENT_ID", "x"),
		"OIDC plain-HTTP issuer": env("RESTAUTH_OIDC_ISSUER", "http://idp.example", "RESTAUTH_OIDC_CLIENT_ID", "x"),
		"linking value":          env("RESTAUTH_GITHUB_CLIENT_ID", "x", "RESTAUTH_GITHUB_CLIENT_SECRET", "very-secret-value", "RESTAUTH_SOCIAL_EMAIL_LINKING", "yes"),
	} {
		_, err := social.FromEnv(e, nil)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "very-secret-value") {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
}

// storeWithoutSocial hides memstore's SocialAccountStore.
type storeWithoutSocial struct{ core.Store }

// TestMountNeedsSocialStore: core.New fails, naming the capability, when
// the store cannot keep social accounts; with it, the endpoints are in
// the route table with their placeholders.
func TestMountNeedsSocialStore(t *testing.T) {
	gh, err := social.NewGitHub(social.GitHubConfig{ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := social.New(social.Config{Providers: []social.Provider{gh}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = core.New(core.Config{Store: storeWithoutSocial{memstore.New()}, Extensions: []core.Extension{s}})
	if err == nil || !strings.Contains(err.Error(), "SocialAccountStore") {
		t.Fatalf("core.New with a store without the capability: %v", err)
	}
	a, err := core.New(core.Config{Store: memstore.New(), Extensions: []core.Extension{s}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, rt := range a.Routes() {
		if strings.Contains(rt.Path, "github") || strings.HasPrefix(rt.Path, "socialaccounts") {
			paths = append(paths, rt.Path+" "+strings.Join(rt.Methods, ","))
		}
	}
	want := "github/ POST,OPTIONS|github/connect/ POST,OPTIONS|socialaccounts/ GET,HEAD,OPTIONS|socialaccounts/{id}/disconnect/ POST,OPTIONS"
	if got := strings.Join(paths, "|"); got != want {
		t.Errorf("routes\n got %s\nwant %s", got, want)
	}
}
