package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

// ErrDirectives reports a go.mod whose replace or exclude directives the
// go command would ignore once the module is a dependency.
var ErrDirectives = errors.New("go.mod has replace or exclude directives, which are ignored in a dependency")

// Proxy is a module proxy tree on disk (a GOPROXY=file:// target).
type Proxy struct {
	Dir  string    // root of the tree
	Time time.Time // commit time reported in .info files
}

// info is the JSON of a <version>.info file.
type info struct {
	Version string
	Time    time.Time
}

// Add publishes the module in dir at version and returns its module path.
// A version already in the tree is overwritten.
func (p Proxy) Add(dir, version string) (string, error) {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", err
	}
	f, err := modfile.Parse(filepath.Join(dir, "go.mod"), gomod, nil)
	if err != nil {
		return "", err
	}
	if f.Module == nil {
		return "", fmt.Errorf("%s: go.mod has no module directive", dir)
	}
	if len(f.Replace) > 0 || len(f.Exclude) > 0 {
		return "", fmt.Errorf("%s: %w", dir, ErrDirectives)
	}
	m := module.Version{Path: f.Module.Mod.Path, Version: version}
	if err := module.Check(m.Path, m.Version); err != nil {
		return "", err
	}
	if semver.Canonical(version) != version {
		return "", fmt.Errorf("version %q is not canonical", version)
	}
	escPath, err := module.EscapePath(m.Path)
	if err != nil {
		return "", err
	}
	escVersion, err := module.EscapeVersion(m.Version)
	if err != nil {
		return "", err
	}
	vdir := filepath.Join(p.Dir, filepath.FromSlash(escPath), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(vdir, escVersion)

	if err := writeFileAtomic(base+".zip", func(w *os.File) error { return createZip(w, m, dir) }); err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	if err := writeFileAtomic(base+".mod", func(w *os.File) error { _, err := w.Write(gomod); return err }); err != nil {
		return "", err
	}
	js, err := json.Marshal(info{Version: m.Version, Time: p.Time})
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(base+".info", func(w *os.File) error { _, err := w.Write(js); return err }); err != nil {
		return "", err
	}
	return m.Path, addToList(filepath.Join(vdir, "list"), m.Version)
}

// addToList records version in a @v/list file, keeping the versions
// already there.
func addToList(list, version string) error {
	var versions []string
	data, err := os.ReadFile(list)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, v := range strings.Fields(string(data)) {
		if v != version {
			versions = append(versions, v)
		}
	}
	versions = append(versions, version)
	semver.Sort(versions)
	return writeFileAtomic(list, func(w *os.File) error {
		_, err := w.WriteString(strings.Join(slices.Compact(versions), "\n") + "\n")
		return err
	})
}

// writeFileAtomic writes name through a temporary file in the same
// directory, so a go command reading the tree never sees half a file.
func writeFileAtomic(name string, write func(*os.File) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// createZip writes the module zip of dir. In a Git work tree it zips what
// Git would commit; elsewhere, every file under dir.
func createZip(w *os.File, m module.Version, dir string) error {
	files, err := gitFiles(dir)
	if errors.Is(err, errNotGit) {
		return modzip.CreateFromDir(w, m, dir)
	}
	if err != nil {
		return err
	}
	return modzip.Create(w, m, files)
}
