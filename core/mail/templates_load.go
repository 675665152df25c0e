package mail

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// LoadTemplates returns DefaultTemplates overridden by the template files at
// the root of fsys (use fs.Sub for a subdirectory):
//
//	<name>_subject.txt   subject
//	<name>.txt           text body
//	<name>.html          HTML body
//
// Files replace single parts of a default mail: a subject file alone keeps
// the default bodies. When <name>.txt is given without <name>.html the
// mail becomes text-only, so a stale default HTML body never contradicts
// the new text. A name that is not a default needs at least its subject
// and text files. Other files and directories are ignored. Errors wrap
// ErrInvalidTemplate (or the fs error).
func LoadTemplates(fsys fs.FS) (*Templates, error) {
	t := DefaultTemplates()
	if err := t.load(fsys); err != nil {
		return nil, err
	}
	return t, nil
}

// fileSet holds the sources found for one mail; nil means absent.
type fileSet struct {
	subject, text, html *string
}

// load applies the template files at the root of fsys to t.
func (t *Templates) load(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("mail: load templates: %w", err)
	}
	sets := map[string]*fileSet{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		fname := e.Name()
		var name string
		var slot func(*fileSet) **string
		switch {
		case strings.HasSuffix(fname, "_subject.txt"):
			name, slot = strings.TrimSuffix(fname, "_subject.txt"), func(f *fileSet) **string { return &f.subject }
		case strings.HasSuffix(fname, ".txt"):
			name, slot = strings.TrimSuffix(fname, ".txt"), func(f *fileSet) **string { return &f.text }
		case strings.HasSuffix(fname, ".html"):
			name, slot = strings.TrimSuffix(fname, ".html"), func(f *fileSet) **string { return &f.html }
		default:
			continue
		}
		if !validName(name) {
			return fmt.Errorf("%w: file %q: bad name %q", ErrInvalidTemplate, fname, name)
		}
		b, err := fs.ReadFile(fsys, fname)
		if err != nil {
			return fmt.Errorf("mail: load templates: %w", err)
		}
		if sets[name] == nil {
			sets[name] = &fileSet{}
		}
		src := string(b)
		*slot(sets[name]) = &src
	}

	parsed := map[string]*mailTemplate{}
	names := make([]string, 0, len(sets))
	for n := range sets {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		mt, err := t.merge(name, sets[name])
		if err != nil {
			return err
		}
		parsed[name] = mt
	}
	t.mu.Lock()
	for name, mt := range parsed {
		t.mails[name] = mt
	}
	t.mu.Unlock()
	return nil
}

// merge combines the files for name with its current definition.
func (t *Templates) merge(name string, f *fileSet) (*mailTemplate, error) {
	t.mu.RLock()
	base := t.mails[name]
	t.mu.RUnlock()
	var subject, text, html string
	if base != nil {
		subject, text, html = base.subjectSrc, base.textSrc, base.htmlSrc
	}
	if f.subject != nil {
		subject = *f.subject
	}
	if f.text != nil {
		text = *f.text
		html = "" // the old HTML no longer matches the new text
	}
	if f.html != nil {
		html = *f.html
	}
	if subject == "" || text == "" {
		return nil, fmt.Errorf("%w: %s: needs %s_subject.txt and %s.txt", ErrInvalidTemplate, name, name, name)
	}
	return parseMail(name, subject, text, html)
}
