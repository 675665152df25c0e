package sqlstore

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestEachPackageLinksOnlyItsDriver asks the go command which modules a
// program importing each package links: sqlstore none of the drivers, each
// driver package its own and no other, and testdata/pgonly, a
// PostgreSQL-only program, pgx without modernc.org/sqlite (nor its libc)
// or go-sql-driver/mysql.
func TestEachPackageLinksOnlyItsDriver(t *testing.T) {
	driverModules := map[string]string{
		"sqlite":   "modernc.org/sqlite",
		"postgres": "github.com/jackc/pgx/v5",
		"mysql":    "github.com/go-sql-driver/mysql",
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command, which go test puts on PATH: %v", err)
	}
	for pkg, want := range map[string]string{
		".":                 "",
		"./sqlite":          "sqlite",
		"./postgres":        "postgres",
		"./mysql":           "mysql",
		"./testdata/pgonly": "postgres",
	} {
		out, err := exec.CommandContext(t.Context(), gocmd, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		modules := strings.Fields(string(out))
		if !slices.Contains(modules, "github.com/restauth/restauth/sqlstore") {
			t.Fatalf("go list -deps %s: sqlstore missing from %q", pkg, modules)
		}
		for name, module := range driverModules {
			if got := slices.Contains(modules, module); got != (name == want) {
				t.Errorf("%s links %s: %v, want %v", pkg, module, got, name == want)
			}
		}
		if want != "sqlite" && slices.Contains(modules, "modernc.org/libc") {
			t.Errorf("%s links modernc.org/libc", pkg)
		}
	}
}
