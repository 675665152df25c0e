package sqlstore

// djangoQueries holds the statements of the Django schema, rebound to the
// dialect's placeholders once (see queries.go for the native layout).
// Fields are added by the files that use them: django_users.go,
// django_tokens.go, django_refresh.go, django_session.go,
// django_social.go.
type djangoQueries struct {
	users   djangoUserQueries
	refresh djangoRefreshQueries
	session djangoSessionQueries
	social  djangoSocialQueries
}

// newDjangoQueries returns the Django schema's statements for d.
func newDjangoQueries(d Dialect) djangoQueries {
	return djangoQueries{
		users:   newDjangoUserQueries(d),
		refresh: newDjangoRefreshQueries(d),
		session: newDjangoSessionQueries(d),
		social:  newDjangoSocialQueries(d),
	}
}
