package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	modzip "golang.org/x/mod/zip"
)

// errNotGit means the directory is not inside a Git work tree.
var errNotGit = errors.New("not in a git work tree")

// diskFile is a file of the work tree, read when the zip is written.
type diskFile struct {
	path string // slash-separated, relative to the module root
	name string // on disk
}

func (f diskFile) Path() string                 { return f.path }
func (f diskFile) Lstat() (fs.FileInfo, error)  { return os.Lstat(f.name) }
func (f diskFile) Open() (io.ReadCloser, error) { return os.Open(f.name) }

// gitFiles lists the files of the module rooted at dir that Git would
// commit: tracked and untracked ones that no ignore rule matches, as they
// are on disk (a tracked file deleted from the work tree is left out).
// Nested modules are still in the list; modzip.Create drops them. A module
// below the repository root without a LICENSE gets the root's, which is
// what the go command puts in a zip it builds from a Git repository.
func gitFiles(dir string) ([]modzip.File, error) {
	top, err := git(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, errNotGit
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	out, err := git(dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate")
	if err != nil {
		return nil, err
	}
	var files []modzip.File
	haveLicense := false
	for _, rel := range strings.Split(out, "\x00") {
		if rel == "" {
			continue
		}
		name := filepath.Join(abs, filepath.FromSlash(rel))
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree, not yet in the index
		}
		files = append(files, diskFile{path: rel, name: name})
		haveLicense = haveLicense || rel == "LICENSE"
	}
	root := filepath.Clean(strings.TrimSpace(top))
	if !haveLicense && !sameDir(root, abs) {
		license := filepath.Join(root, "LICENSE")
		if fi, err := os.Lstat(license); err == nil && fi.Mode().IsRegular() {
			files = append(files, diskFile{path: "LICENSE", name: license})
		}
	}
	return files, nil
}

// sameDir reports whether a and b name the same directory, through
// symbolic links.
func sameDir(a, b string) bool {
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ai, bi)
}

// git runs git in dir and returns its standard output.
func git(dir string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.String(), nil
}
