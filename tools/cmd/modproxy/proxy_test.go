package main

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// writeTree creates files (slash paths relative to root) with contents.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// zipNames lists a module zip's files without the module@version prefix,
// after checking the zip is one the go command accepts.
func zipNames(t *testing.T, m module.Version, name string) []string {
	t.Helper()
	if _, err := modzip.CheckZip(m, name); err != nil {
		t.Fatalf("CheckZip(%s): %v", name, err)
	}
	r, err := zip.OpenReader(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var names []string
	for _, f := range r.File {
		names = append(names, strings.TrimPrefix(f.Name, m.String()+"/"))
	}
	slices.Sort(names)
	return names
}

// goCmd runs the go command in dir as a user outside any workspace would,
// resolving modules through the file proxy only, with a module cache of
// its own. It returns the standard output.
func goCmd(t *testing.T, dir, proxy string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOWORK=off",
		"GOPROXY=file://"+filepath.ToSlash(proxy),
		"GONOSUMDB=example.com",
		"GOFLAGS=-mod=mod -modcacherw",
		"GOMODCACHE="+filepath.Join(t.TempDir(), "modcache"),
		"GOTOOLCHAIN=local",
	)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestGoCommandResolvesProxy publishes a module and a nested module that
// requires it, then has the go command resolve, download and build them
// from the tree for a consumer outside both.
func TestGoCommandResolvesProxy(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		// An upper-case letter, so the path must be escaped on disk.
		"go.mod":          "module example.com/Fake\n\ngo 1.26.0\n",
		"fake.go":         "package fake\n\nfunc Hello() string { return \"hello from fake\" }\n",
		"testdata/in.txt": "kept: testdata is part of a module zip\n",
		"sub/go.mod":      "module example.com/Fake/sub\n\ngo 1.26.0\n\nrequire example.com/Fake v0.1.0\n",
		"sub/sub.go":      "package sub\n\nimport \"example.com/Fake\"\n\nfunc Hello() string { return fake.Hello() + \" via sub\" }\n",
	})
	proxy := filepath.Join(t.TempDir(), "proxy")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := Proxy{Dir: proxy, Time: at}
	for _, dir := range []string{src, filepath.Join(src, "sub")} {
		if _, err := p.Add(dir, "v0.1.0"); err != nil {
			t.Fatal(err)
		}
	}

	vdir := filepath.Join(proxy, "example.com", "!fake", "@v")
	list, err := os.ReadFile(filepath.Join(vdir, "list"))
	if err != nil || string(list) != "v0.1.0\n" {
		t.Fatalf("list = %q, %v; want v0.1.0", list, err)
	}
	var inf info
	if data, err := os.ReadFile(filepath.Join(vdir, "v0.1.0.info")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(data, &inf); err != nil || inf.Version != "v0.1.0" || !inf.Time.Equal(at) {
		t.Fatalf("info = %s (%+v, %v)", data, inf, err)
	}
	names := zipNames(t, module.Version{Path: "example.com/Fake", Version: "v0.1.0"}, filepath.Join(vdir, "v0.1.0.zip"))
	if want := []string{"fake.go", "go.mod", "testdata/in.txt"}; !slices.Equal(names, want) {
		t.Fatalf("root zip has %q, want %q (the nested module left out)", names, want)
	}

	consumer := t.TempDir()
	writeTree(t, consumer, map[string]string{
		"go.mod":  "module example.com/consumer\n\ngo 1.26.0\n\nrequire example.com/Fake/sub v0.1.0\n",
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/Fake/sub\"\n)\n\nfunc main() { fmt.Println(sub.Hello()) }\n",
	})
	var listed struct{ Path, Version string }
	js := goCmd(t, consumer, proxy, "list", "-m", "-json", "example.com/Fake@v0.1.0")
	if err := json.Unmarshal([]byte(js), &listed); err != nil || listed.Path != "example.com/Fake" || listed.Version != "v0.1.0" {
		t.Fatalf("go list -m -json: %s (%v)", js, err)
	}
	if out := goCmd(t, consumer, proxy, "run", "."); out != "hello from fake via sub\n" {
		t.Fatalf("go run printed %q", out)
	}
}

// TestGitWorkTreeFiles zips what Git would commit as it is on disk, and
// gives a module below the repository root the root's LICENSE.
func TestGitWorkTreeFiles(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	repo := t.TempDir()
	writeTree(t, repo, map[string]string{
		".gitignore":     "*.db\n",
		"LICENSE":        "license text\n",
		"go.mod":         "module example.com/repo\n\ngo 1.26.0\n",
		"repo.go":        "package repo\n",
		"deleted.go":     "package repo\n",
		"lib/go.mod":     "module example.com/repo/lib\n\ngo 1.26.0\n",
		"lib/lib.go":     "package lib\n",
		"lib/lib_old.go": "package lib\n",
	})
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}} {
		if _, err := git(repo, args...); err != nil {
			t.Fatal(err)
		}
	}
	// After indexing: an untracked file, an ignored one, a deleted one and
	// an edited one.
	writeTree(t, repo, map[string]string{
		"untracked.go": "package repo\n",
		"test.db":      "ignored",
		"lib/lib.go":   "package lib\n\n// Edited after git add.\n",
	})
	for _, name := range []string{"deleted.go", "lib/lib_old.go"} {
		if err := os.Remove(filepath.Join(repo, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}

	p := Proxy{Dir: t.TempDir(), Time: time.Now()}
	cases := []struct {
		dir, path string
		want      []string
	}{
		{repo, "example.com/repo", []string{".gitignore", "LICENSE", "go.mod", "repo.go", "untracked.go"}},
		{filepath.Join(repo, "lib"), "example.com/repo/lib", []string{"LICENSE", "go.mod", "lib.go"}},
	}
	for _, c := range cases {
		path, err := p.Add(c.dir, "v1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		if path != c.path {
			t.Fatalf("Add(%s) = %q, want %q", c.dir, path, c.path)
		}
		m := module.Version{Path: path, Version: "v1.2.3"}
		zipName := filepath.Join(p.Dir, filepath.FromSlash(path), "@v", "v1.2.3.zip")
		if names := zipNames(t, m, zipName); !slices.Equal(names, c.want) {
			t.Errorf("%s zip has %q, want %q", path, names, c.want)
		}
	}
	r, err := zip.OpenReader(filepath.Join(p.Dir, "example.com", "repo", "lib", "@v", "v1.2.3.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, f := range r.File {
		if strings.HasSuffix(f.Name, "/lib.go") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body := make([]byte, 64)
			n, _ := rc.Read(body)
			rc.Close()
			if !strings.Contains(string(body[:n]), "Edited") {
				t.Errorf("lib.go in the zip is %q, want the work tree's edit", body[:n])
			}
		}
	}
}

// TestRefusesDirectivesIgnoredInDependencies: a replace (or exclude) would
// only hold in the checkout, never for a user.
func TestRefusesDirectivesIgnoredInDependencies(t *testing.T) {
	for _, directive := range []string{
		"replace example.com/dep => ../dep\n",
		"exclude example.com/dep v1.0.0\n",
	} {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{
			"go.mod": "module example.com/m\n\ngo 1.26.0\n\nrequire example.com/dep v1.0.0\n\n" + directive,
			"m.go":   "package m\n",
		})
		_, err := Proxy{Dir: t.TempDir()}.Add(dir, "v0.1.0")
		if !errors.Is(err, ErrDirectives) {
			t.Errorf("%q: err = %v, want ErrDirectives", directive, err)
		}
	}
}

// TestListKeepsOtherVersions: publishing a second version adds to
// @v/list in semver order; republishing one does not repeat it.
func TestListKeepsOtherVersions(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": "module example.com/m\n\ngo 1.26.0\n", "m.go": "package m\n"})
	p := Proxy{Dir: t.TempDir(), Time: time.Now()}
	for _, v := range []string{"v0.10.0", "v0.2.0", "v0.10.0"} {
		if _, err := p.Add(dir, v); err != nil {
			t.Fatal(err)
		}
	}
	list, err := os.ReadFile(filepath.Join(p.Dir, "example.com", "m", "@v", "list"))
	if err != nil || string(list) != "v0.2.0\nv0.10.0\n" {
		t.Fatalf("list = %q, %v", list, err)
	}
	if _, err := p.Add(dir, "v1"); err == nil {
		t.Fatal("Add accepted the non-canonical version v1")
	}
}
