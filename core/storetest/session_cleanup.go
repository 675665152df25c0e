package storetest

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Cleanup deletes expired sessions only; StartCleanup runs it in a
// goroutine that stop ends without leaking. These cases run on stores that
// implement SessionCleaner.

func sessionCleanupCases() []sessionCase {
	return []sessionCase{
		{"Cleanup/OnlyExpired", testSessionCleanup},
		{"Cleanup/DoneContext", testSessionCleanupDoneContext},
		{"Cleanup/Periodic", testSessionStartCleanup},
		{"Cleanup/StopWithoutLeak", testSessionStopCleanup},
	}
}

// cleaner returns e.store as a SessionCleaner or skips t.
func cleaner(t *testing.T, e *sessionEnv) SessionCleaner {
	t.Helper()
	c, ok := e.store.(SessionCleaner)
	if !ok {
		t.Skipf("skipped: %T does not implement storetest.SessionCleaner", e.store)
	}
	return c
}

// mustCleanup runs Cleanup and requires n deletions.
func mustCleanup(t *testing.T, c SessionCleaner, want int) {
	t.Helper()
	n, err := c.Cleanup(t.Context())
	if err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	if n != want {
		t.Errorf("Cleanup deleted %d sessions, want %d", n, want)
	}
}

// testSessionCleanup: Cleanup deletes exactly the expired sessions (moving
// the clock back shows they are gone, not only expired) and counts them.
func testSessionCleanup(t *testing.T, e *sessionEnv) {
	c := cleaner(t, e)
	mustCleanup(t, c, 0)
	short := createWithMaxAge(t, e.store, 60)
	medium := createWithMaxAge(t, e.store, 120)
	long := create(t, e.store, values("a", "1"))

	e.clock.set(90 * time.Second)
	mustCleanup(t, c, 1)
	mustCleanup(t, c, 0)
	e.clock.set(0)
	wantAbsent(t, e.store, short)
	wantLoaded(t, e.store, medium, nil)
	wantLoaded(t, e.store, long, values("a", "1"))

	e.clock.set(120 * time.Second) // expiry is inclusive
	mustCleanup(t, c, 1)
	e.clock.set(0)
	wantAbsent(t, e.store, medium)
	wantLoaded(t, e.store, long, nil)

	other := e.open(t) // sessions of other instances are cleaned too
	e.clock.set(twoWeeks)
	if oc, ok := other.(SessionCleaner); ok {
		mustCleanup(t, oc, 1)
	}
}

// testSessionCleanupDoneContext: a done context fails Cleanup and deletes
// nothing.
func testSessionCleanupDoneContext(t *testing.T, e *sessionEnv) {
	c := cleaner(t, e)
	id := createWithMaxAge(t, e.store, 60)
	e.clock.set(time.Hour)
	if n, err := c.Cleanup(cancelled(t)); err == nil {
		t.Errorf("Cleanup with a cancelled context = %d, nil; want an error", n)
	}
	e.clock.set(0)
	wantLoaded(t, e.store, id, nil)
}

// testSessionStartCleanup: the cleanup goroutine deletes expired sessions
// while it runs, and never after stop returns.
func testSessionStartCleanup(t *testing.T, e *sessionEnv) {
	c := cleaner(t, e)
	short := createWithMaxAge(t, e.store, 60)
	long := create(t, e.store, nil)

	stop := c.StartCleanup(5 * time.Millisecond)
	t.Cleanup(func() { go stop() }) // if the case fails early; never blocks
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.clock.set(90 * time.Second)
		time.Sleep(25 * time.Millisecond)
		e.clock.set(0)
		s := mustNew(t, e.store, requestWithID(t, short))
		if s.IsNew {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cleanup goroutine did not delete an expired session within 10s")
		}
	}
	wantLoaded(t, e.store, long, nil)

	stopWithin(t, stop)
	e.clock.set(twoWeeks + time.Hour)
	time.Sleep(50 * time.Millisecond) // ten intervals
	e.clock.set(0)
	wantLoaded(t, e.store, long, nil)
}

// testSessionStopCleanup: stop interrupts a long interval at once, may be
// called again (also concurrently), and leaves no goroutine of the store's
// package behind.
func testSessionStopCleanup(t *testing.T, e *sessionEnv) {
	c := cleaner(t, e)
	pkg := storePackage(e.store)
	before := goroutinesCreatedBy(pkg)

	stop := c.StartCleanup(time.Hour)
	stopWithin(t, stop, stop) // two concurrent calls
	stopWithin(t, stop)       // and a later one

	waitGoroutines(t, pkg, before, "stop")

	// Many start/stop cycles do not accumulate goroutines either.
	for range 50 {
		c.StartCleanup(time.Millisecond)()
	}
	waitGoroutines(t, pkg, before, "50 start/stop cycles")
}

// stopWithin calls every stop concurrently and fails t unless they all
// return within five seconds.
func stopWithin(t *testing.T, stops ...func()) {
	t.Helper()
	done := make(chan struct{}, len(stops))
	for _, stop := range stops {
		go func() { stop(); done <- struct{}{} }()
	}
	timeout := time.After(5 * time.Second)
	for range stops {
		select {
		case <-done:
		case <-timeout:
			t.Fatal("stop did not return within 5s")
		}
	}
}

// waitGoroutines waits up to two seconds for the goroutines created by pkg
// to be no more than before.
func waitGoroutines(t *testing.T, pkg string, before int, after string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		n := goroutinesCreatedBy(pkg)
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines created by %s after %s, %d before StartCleanup", n, pkg, after, before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// storePackage is the import path of the store's type.
func storePackage(s any) string {
	typ := reflect.TypeOf(s)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	return typ.PkgPath()
}

// goroutinesCreatedBy counts the live goroutines started by code of pkg.
func goroutinesCreatedBy(pkg string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Count(string(buf), "\ncreated by "+pkg+".")
}
