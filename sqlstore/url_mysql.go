package sqlstore

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// mysqlSQLMode is forced on every MySQL connection: strict, so an over-long
// value or an invalid date is an error and never a silent truncation
// (T-DB-08).
const mysqlSQLMode = "'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

// parseMySQLURL accepts two spellings after "mysql://":
//
//   - the driver's DSN: user:pass@tcp(host:port)/db?param=value
//     (also unix(/path/mysqld.sock));
//   - a URL: user:pass@host:port/db?param=value, with the user and the
//     password percent-encoded and the port defaulting to 3306.
//
// Query parameters are the driver's. Whatever they say, the connection is
// set to parseTime=true, loc=UTC, clientFoundRows=true, utf8mb4, a strict
// sql_mode and time_zone '+00:00'.
func parseMySQLURL(raw string) (*target, error) {
	t := &target{dialect: MySQL}
	t.redact.addFromURL(raw)
	rest := raw[len("mysql://"):]

	var cfg *mysql.Config
	var err error
	if isMySQLDriverDSN(rest) {
		cfg, err = mysql.ParseDSN(rest)
		if err != nil {
			return nil, t.redact.wrap("sqlstore: invalid mysql URL", err)
		}
	} else if cfg, err = mysqlConfigFromURL("mysql://"+rest, &t.redact); err != nil {
		return nil, err
	}
	t.redact.add(cfg.Passwd)
	if cfg.DBName == "" {
		return nil, errors.New("sqlstore: invalid mysql URL: missing database name")
	}

	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	if cfg.Params == nil {
		cfg.Params = make(map[string]string)
	}
	cfg.Params["sql_mode"] = mysqlSQLMode
	cfg.Params["time_zone"] = "'+00:00'"
	if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_bin")); err != nil {
		return nil, t.redact.wrap("sqlstore: invalid mysql URL", err)
	}
	t.mysqlConfig = cfg
	return t, nil
}

// isMySQLDriverDSN reports whether s is written in the driver's DSN syntax
// (an address in parentheses after the protocol) rather than as a URL.
func isMySQLDriverDSN(s string) bool {
	for _, proto := range []string{"tcp(", "tcp4(", "tcp6(", "unix("} {
		if strings.HasPrefix(s, proto) || strings.Contains(s, "@"+proto) {
			return true
		}
	}
	return false
}

// mysqlConfigFromURL converts mysql://user:pass@host:port/db?params to a
// driver configuration.
func mysqlConfigFromURL(raw string, r *redactor) (*mysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the URL and EscapeError part of it.
		return nil, errMalformedURL("mysql")
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
	cfg, err := mysql.ParseDSN("/?" + u.RawQuery)
	if err != nil {
		return nil, r.wrap("sqlstore: invalid mysql URL", err)
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
