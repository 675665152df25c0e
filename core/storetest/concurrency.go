package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/restauth/restauth/core"
)

// racers is how many goroutines race for the same unique value.
const racers = 20

func concurrencyCases() []testCase {
	return []testCase{
		{"Concurrent/SameUsername", testConcurrentSameUsername},
		{"Concurrent/SameEmail", testConcurrentSameEmail},
		{"Concurrent/RenameToSameUsername", testConcurrentRename},
	}
}

// race runs op(i) for i in [0, racers) in goroutines released together by a
// start barrier and returns their errors.
func race(op func(i int) error) []error {
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = op(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// checkOneWinner requires exactly one nil error; every other error must be
// the loser sentinel. It returns the winner's index.
func checkOneWinner(t *testing.T, errs []error, loser error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("racers %d and %d both succeeded", winner, i)
			}
			winner = i
		case !errors.Is(err, loser):
			t.Errorf("racer %d: err = %v, want %v", i, err, loser)
		}
	}
	if winner < 0 {
		t.Fatalf("no racer succeeded")
	}
	return winner
}

func testConcurrentSameUsername(t *testing.T, s core.Store) {
	users := make([]*core.User, racers)
	for i := range users {
		users[i] = newUser("racer")
		users[i].Email = fmt.Sprintf("racer%d@example.com", i)
	}
	errs := race(func(i int) error { return s.CreateUser(t.Context(), users[i]) })
	w := checkOneWinner(t, errs, core.ErrUsernameTaken)
	got, err := s.UserByUsername(t.Context(), "RACER")
	if err != nil {
		t.Fatalf("UserByUsername: %v", err)
	}
	checkUser(t, got, users[w])
	for i := range users {
		if i != w {
			wantNoEmail(t, s, users[i].Email)
		}
	}
}

func testConcurrentSameEmail(t *testing.T, s core.Store) {
	users := make([]*core.User, racers)
	for i := range users {
		users[i] = newUser(fmt.Sprintf("racer%d", i))
		users[i].Email = "Racer@Example.com"
	}
	errs := race(func(i int) error { return s.CreateUser(t.Context(), users[i]) })
	w := checkOneWinner(t, errs, core.ErrEmailTaken)
	got, err := s.UserByEmail(t.Context(), "racer@example.com")
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	checkUser(t, got, users[w])
	for i := range users {
		if i != w {
			wantNoUsername(t, s, users[i].Username)
		}
	}
}

func testConcurrentRename(t *testing.T, s core.Store) {
	users := make([]*core.User, racers)
	for i := range users {
		users[i] = mustCreate(t, s, newUser(fmt.Sprintf("renamer%d", i)))
	}
	errs := race(func(i int) error {
		u := *users[i]
		u.Username = "Target"
		return s.UpdateProfile(t.Context(), &u)
	})
	w := checkOneWinner(t, errs, core.ErrUsernameTaken)
	got, err := s.UserByUsername(t.Context(), "target")
	if err != nil {
		t.Fatalf("UserByUsername: %v", err)
	}
	if got.ID != users[w].ID {
		t.Errorf("target belongs to user %d, want the winner %d", got.ID, users[w].ID)
	}
	for i, u := range users {
		if i == w {
			continue
		}
		if got := mustGet(t, s, u.ID); got.Username != u.Username {
			t.Errorf("loser %d renamed to %q", i, got.Username)
		}
	}
}
