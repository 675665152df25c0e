package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/echoauth"
)

// Limits of the demo notes.
const (
	maxNoteLength   = 1000     // characters of one note
	maxNotesPerUser = 100      // notes kept per user
	maxNoteBody     = 16 << 10 // bytes of a POST body
)

// Note is one of a user's notes: the app's demo data.
type Note struct {
	ID      int64     `json:"id"`
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
}

// notesAPI serves /api/v1/notes: each user sees and adds only their own
// notes. Requests reach it only through restauth's middleware, so the
// caller is always known. Bodies are parsed and answers written with
// core's DRF-compatible helpers (JSON, form or multipart bodies; 400, 413
// and 415 in DRF's shapes), so the app speaks the dialect of the auth
// endpoints and a client needs one error parser.
type notesAPI struct {
	auth  *core.Auth
	store *noteStore
}

// list is GET /api/v1/notes: the caller's notes, oldest first.
func (n *notesAPI) list(c echo.Context) error {
	user, _ := echoauth.User(c)
	core.WriteJSON(c.Response(), http.StatusOK, n.store.list(user.ID))
	return nil
}

// create is POST /api/v1/notes with {"text": "..."} (JSON or a form):
// 201 with the new note, or 400 with DRF's field errors.
func (n *notesAPI) create(c echo.Context) error {
	user, _ := echoauth.User(c)
	w, r := c.Response(), c.Request()
	body, err := core.DecodeBody(w, r, maxNoteBody, n.auth.Messages())
	if err != nil {
		n.auth.WriteError(w, r, err)
		return nil
	}
	f := core.NewForm(body, n.auth.Messages())
	text, _ := f.String(core.StringField{Name: "text", Required: true, MaxLength: maxNoteLength})
	if err := f.Err(); err != nil {
		n.auth.WriteError(w, r, err)
		return nil
	}
	note, ok := n.store.add(user.ID, text)
	if !ok {
		n.auth.WriteError(w, r, core.NonFieldError(fmt.Sprintf("You cannot keep more than %d notes.", maxNotesPerUser)))
		return nil
	}
	core.WriteJSON(w, http.StatusCreated, note)
	return nil
}

// noteStore keeps notes in memory, per user id. It stands in for the app's
// own table: replace it with a query on your database.
type noteStore struct {
	mu     sync.Mutex
	nextID int64
	byUser map[int64][]Note
}

func newNoteStore() *noteStore { return &noteStore{byUser: map[int64][]Note{}} }

// list returns a copy of the user's notes (never nil, so it renders as []).
func (s *noteStore) list(userID int64) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Note{}, s.byUser[userID]...)
}

// add stores a note for the user, or reports false when they have
// maxNotesPerUser already.
func (s *noteStore) add(userID int64, text string) (Note, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byUser[userID]) >= maxNotesPerUser {
		return Note{}, false
	}
	s.nextID++
	note := Note{ID: s.nextID, Text: text, Created: time.Now().UTC()}
	s.byUser[userID] = append(s.byUser[userID], note)
	return note, true
}
