package mysql

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/restauth/restauth/sqlstore/internal/redact"
)

// sqlMode is forced on every connection: strict, so an over-long value or
// an invalid date is an error and never a silent truncation (T-DB-08).
const sqlMode = "'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

// Config returns the driver configuration Open uses for url, for a program
// that builds its own pool (a custom TLS configuration, say) and hands it
// to sqlstore.New. Whatever the URL says, it sets parseTime=true,
// loc=UTC, clientFoundRows=true, utf8mb4 with the utf8mb4_bin collation,
// a strict sql_mode and time_zone '+00:00'. Its errors never contain the
// password.
func Config(url string) (*gomysql.Config, error) {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok || !strings.EqualFold(scheme, "mysql") {
		return nil, errors.New("sqlstore: invalid mysql URL: want mysql://…")
	}
	r := redact.FromURL(url)
	var cfg *gomysql.Config
	var err error
	if isDriverDSN(rest) {
		cfg, err = gomysql.ParseDSN(rest)
		if err != nil {
			return nil, r.Wrap("sqlstore: invalid mysql URL", err)
		}
	} else if cfg, err = configFromURL("mysql://"+rest, r); err != nil {
		return nil, err
	}
	r.Add(cfg.Passwd)
	if cfg.DBName == "" {
		return nil, errors.New("sqlstore: invalid mysql URL: missing database name")
	}

	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	if cfg.Params == nil {
		cfg.Params = make(map[string]string)
	}
	cfg.Params["sql_mode"] = sqlMode
	cfg.Params["time_zone"] = "'+00:00'"
	if err := cfg.Apply(gomysql.Charset("utf8mb4", "utf8mb4_bin")); err != nil {
		return nil, r.Wrap("sqlstore: invalid mysql URL", err)
	}
	return cfg, nil
}

// isDriverDSN reports whether s is written in the driver's DSN syntax (an
// address in parentheses after the protocol) rather than as a URL.
func isDriverDSN(s string) bool {
	for _, proto := range []string{"tcp(", "tcp4(", "tcp6(", "unix("} {
		if strings.HasPrefix(s, proto) || strings.Contains(s, "@"+proto) {
			return true
		}
	}
	return false
}

// configFromURL converts mysql://user:pass@host:port/db?params to a
// driver configuration.
func configFromURL(raw string, r *redact.Redactor) (*gomysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the URL and EscapeError part of it.
		return nil, redact.Malformed("mysql")
	}
	if u.Host == "" {
		return nil, errors.New("sqlstore: invalid mysql URL: missing host")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if strings.Contains(db, "/") {
		return nil, errors.New("sqlstore: invalid mysql URL: the path must be a single database name")
	}
	if _, err := url.ParseQuery(u.RawQuery); err != nil {
		return nil, errors.New("sqlstore: invalid mysql URL: bad query string")
	}
	// Let the driver parse the parameters, then fill in the rest.
	cfg, err := gomysql.ParseDSN("/?" + u.RawQuery)
	if err != nil {
		return nil, r.Wrap("sqlstore: invalid mysql URL", err)
	}
	port := u.Port()
	if port == "" {
		port = "3306"
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = net.JoinHostPort(u.Hostname(), port)
	cfg.DBName = db
	return cfg, nil
}
