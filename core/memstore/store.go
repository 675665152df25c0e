package memstore

import (
	"sync"

	"github.com/restauth/restauth/core"
)

// Store is an in-memory core.Store and core.RefreshStore. The zero value is
// not usable; call New.
type Store struct {
	mu         sync.RWMutex
	lastID     int64
	users      map[int64]*core.User // by ID; values are private copies
	byUsername map[string]int64     // CanonicalUsername -> ID
	byEmail    map[string]int64     // non-empty CanonicalEmail -> ID
	tokens     map[string]*core.Token
	families   map[string]*core.RefreshFamily // by ID
	refresh    map[string]*core.RefreshToken  // by jti
	// social holds the social accounts by ID (allocated lazily, see
	// social.go); lastSocialID is the last ID given.
	social       map[int64]*core.SocialAccount
	lastSocialID int64
	// changes is the change feed (see changes.go).
	changes changeLog
}

var (
	_ core.Store        = (*Store)(nil)
	_ core.RefreshStore = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	return &Store{
		users:      make(map[int64]*core.User),
		byUsername: make(map[string]int64),
		byEmail:    make(map[string]int64),
		tokens:     make(map[string]*core.Token),
		families:   make(map[string]*core.RefreshFamily),
		refresh:    make(map[string]*core.RefreshToken),
	}
}
