// Command modproxy writes a Go module proxy tree (the GOPROXY protocol's
// file layout) holding the modules of a local checkout at one version, so
// that a module requiring an unpublished release can be resolved, tidied
// and built exactly as a user of the published modules would:
//
//	go run ./cmd/modproxy -o /tmp/proxy -version v0.1.0 .. ../ginauth ../echoauth ../sqlstore
//	GOWORK=off GOPROXY=file:///tmp/proxy,https://proxy.golang.org \
//	  GONOSUMDB=github.com/restauth/restauth go mod tidy
//
// For each module directory it writes <module>/@v/list, <version>.info,
// <version>.mod and <version>.zip, with the module path and version escaped
// as the protocol requires. The zip is made by golang.org/x/mod/zip, which
// leaves out what the go command leaves out (nested modules, most of
// vendor/, symbolic links). Inside a Git work tree the files are those Git
// would commit (tracked or untracked, not ignored) as they are on disk, so
// uncommitted edits are mirrored but build output and test databases are
// not; a module in a subdirectory without a LICENSE gets the repository's,
// as the go command does when it fetches from Git.
//
// A go.mod with replace or exclude directives is refused: the go command
// ignores both in a dependency, so users would build against other code
// than the checkout's tests did.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "modproxy:", err)
		os.Exit(1)
	}
}

// run writes the proxy and reports each module published on stdout;
// usage goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("modproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "proxy directory to write (created if missing)")
	version := fs.String("version", "", "version to publish every module at, such as v0.1.0")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: modproxy -o DIR -version VERSION MODULE_DIR...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *version == "" || fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("-o, -version and at least one module directory are required")
	}
	p := Proxy{Dir: *out, Time: time.Now().UTC().Truncate(time.Second)}
	for _, dir := range fs.Args() {
		path, err := p.Add(dir, *version)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s@%s from %s\n", path, *version, dir)
	}
	return nil
}
