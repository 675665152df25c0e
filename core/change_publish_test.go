package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// wakeBus is an in-process message bus between instances, as Redis
// pub/sub is between processes: a core.ChangeNotifier and
// core.ChangePublisher that learns of changes only from PublishChange.
// block, when set, holds every PublishChange until it is closed; fail,
// when set, is PublishChange's error. view gives each instance its own
// subscription.
type wakeBus struct {
	mu        sync.Mutex
	latest    int64
	wake      chan struct{}
	published []int64
	calls     chan int64 // every PublishChange's seq, if set
	block     chan struct{}
	fail      error
}

func newWakeBus() *wakeBus { return &wakeBus{wake: make(chan struct{})} }

func (b *wakeBus) PublishChange(ctx context.Context, seq int64) error {
	b.mu.Lock()
	block, fail, calls := b.block, b.fail, b.calls
	b.mu.Unlock()
	if calls != nil {
		calls <- seq
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil {
		return fail
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.published = append(b.published, seq)
	b.latest = max(b.latest, seq)
	close(b.wake)
	b.wake = make(chan struct{})
	return nil
}

// busView is one instance's subscription to a wakeBus: like Redis's (and
// PostgreSQL's) notifier, its first WaitChange returns at once (it starts
// listening, and may have missed something).
type busView struct {
	*wakeBus
	listening bool
}

// view returns a new subscription to b.
func (b *wakeBus) view() *busView { return &busView{wakeBus: b} }

func (v *busView) WaitChange(ctx context.Context, seq int64) error {
	b := v.wakeBus
	for {
		b.mu.Lock()
		if !v.listening || b.latest > seq {
			v.listening = true
			b.mu.Unlock()
			return nil
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// publications returns the Seqs published so far.
func (b *wakeBus) publications() []int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int64(nil), b.published...)
}

// waitPublished waits until a Seq of at least seq is published.
func (b *wakeBus) waitPublished(t *testing.T, what string, seq int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if p := b.publications(); len(p) > 0 && p[len(p)-1] >= seq {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%s: Seq %d never published (published %v)", what, seq, b.publications())
}

// feedOnly is a store with a change feed and no notifications of its own
// (like sqlstore on SQLite or MySQL): only DB tokens, no JWT logins.
type feedOnly struct {
	core.Store
	core.ChangeFeed
}

// busInstance is one app server on store with the bus as its
// Config.ChangeNotifier.
type busInstance struct {
	auth *core.Auth
	srv  *httptest.Server
}

func newBusInstance(t *testing.T, store core.Store, bus core.ChangeNotifier, bound time.Duration, logger *slog.Logger, methods ...core.Method) *busInstance {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	auth, err := core.New(core.Config{
		Store: store, Passwords: policy, SecretKey: []byte("instances-on-a-bus-share-this-secret-key-0123"),
		Methods: methods, ChangeNotifier: bus, RevocationStaleness: bound, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(auth.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := auth.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &busInstance{auth: auth, srv: srv}
}

// do sends a request and returns the status and body.
func (in *busInstance) do(t *testing.T, method, path, body string, header ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, in.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := in.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// login returns the DB token of a login of username.
func (in *busInstance) login(t *testing.T, username, pw string) string {
	t.Helper()
	code, body := in.do(t, http.MethodPost, "/api/auth/login/", `{"username":"`+username+`","password":"`+pw+`"}`)
	if code != http.StatusOK {
		t.Fatalf("login %s: %d %s", username, code, body)
	}
	var out struct{ Key string }
	if err := json.Unmarshal(body, &out); err != nil || out.Key == "" {
		t.Fatalf("login %s: no key in %s", username, body)
	}
	return out.Key
}

func latest(t *testing.T, f core.ChangeFeed) int64 {
	t.Helper()
	seq, err := f.LatestChange(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// TestChangePublisherPublishesLocalWrites: with a Config.ChangeNotifier
// that publishes, a logout and a password change through HTTP, and a
// deactivation through Auth (the CLI's path), each publish the feed's
// latest Seq after the write; a login (no change) publishes nothing; Close
// waits for the publication of a write just made (a CLI command exits
// right after it).
func TestChangePublisherPublishesLocalWrites(t *testing.T) {
	store := memstore.New()
	bus := newWakeBus()
	in := newBusInstance(t, store, bus.view(), time.Second, nil, core.MethodToken)
	for _, name := range []string{"amy", "ben"} {
		if _, err := in.auth.CreateUser(t.Context(), core.NewUser{Username: name, Password: "Secret-pass-123", EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
	}
	key := in.login(t, "amy", "Secret-pass-123")
	time.Sleep(50 * time.Millisecond)
	if p := bus.publications(); len(p) != 0 {
		t.Fatalf("a login published %v: it changes no login", p)
	}

	if code, _ := in.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", "Token "+key); code != http.StatusOK {
		t.Fatalf("logout: %d", code)
	}
	bus.waitPublished(t, "logout", latest(t, store))

	key = in.login(t, "ben", "Secret-pass-123")
	code, body := in.do(t, http.MethodPost, "/api/auth/password/change/",
		`{"old_password":"Secret-pass-123","new_password1":"N3w-secret-pass","new_password2":"N3w-secret-pass"}`, "Authorization", "Token "+key)
	if code != http.StatusOK {
		t.Fatalf("password change: %d %s", code, body)
	}
	bus.waitPublished(t, "password change", latest(t, store))

	// The CLI's path: a separate Auth on the store, one write, Close.
	cliBus := newWakeBus()
	cli, err := core.New(core.Config{Store: store, ChangeNotifier: cliBus.view(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ben, err := store.UserByUsername(t.Context(), "ben")
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Deactivate(t.Context(), ben.ID); err != nil {
		t.Fatal(err)
	}
	if err := cli.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if p, want := cliBus.publications(), latest(t, store); len(p) == 0 || p[len(p)-1] < want {
		t.Fatalf("after Deactivate and Close, published %v; want the latest Seq %d", p, want)
	}
}

// TestChangePublisherNeverDelaysRequests: while the bus hangs, logouts
// answer at once; the writes made meanwhile are coalesced into one more
// publication once it answers; Close gives up when its context ends.
func TestChangePublisherNeverDelaysRequests(t *testing.T) {
	store := memstore.New()
	bus := newWakeBus()
	bus.block = make(chan struct{})
	bus.calls = make(chan int64, 100)
	in := newBusInstance(t, store, bus.view(), time.Second, nil, core.MethodToken)
	if _, err := in.auth.CreateUser(t.Context(), core.NewUser{Username: "amy", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for range 10 {
		keys = append(keys, in.login(t, "amy", "Secret-pass-123"))
	}
	start := time.Now()
	for _, k := range keys {
		if code, _ := in.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", "Token "+k); code != http.StatusOK {
			t.Fatalf("logout: %d", code)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("10 logouts took %v while the bus hangs: publishing delayed the requests", d)
	}
	select {
	case <-bus.calls: // the first publication, hanging
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was published")
	}
	close(bus.block)
	bus.waitPublished(t, "the logouts made while the bus hung", latest(t, store))
	time.Sleep(50 * time.Millisecond)
	if n := len(bus.calls); n > 1 {
		t.Errorf("%d more publications for the logouts made while one hung, want at most 1 (coalesced)", n)
	}

	// Close waits for a publication due, until its context ends.
	bus.mu.Lock()
	bus.block = make(chan struct{})
	bus.mu.Unlock()
	defer close(bus.block)
	key := in.login(t, "amy", "Secret-pass-123")
	in.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", "Token "+key)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := in.auth.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close while a publication hangs = %v, want the context's deadline", err)
	}
}

// TestChangePublisherFailureLogged: a bus that fails is logged once, not
// once per write, without the credentials involved, and its recovery
// once; the requests succeed throughout.
func TestChangePublisherFailureLogged(t *testing.T) {
	store := memstore.New()
	bus := newWakeBus()
	bus.fail = errors.New("bus: connection refused")
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	in := newBusInstance(t, store, bus.view(), time.Second, logger, core.MethodToken)
	if _, err := in.auth.CreateUser(t.Context(), core.NewUser{Username: "amy", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for range 5 {
		key := in.login(t, "amy", "Secret-pass-123")
		keys = append(keys, key)
		if code, _ := in.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", "Token "+key); code != http.StatusOK {
			t.Fatalf("logout with a failing bus: %d", code)
		}
		time.Sleep(20 * time.Millisecond) // one publication each
	}
	const failed = "change wake-up not published"
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), failed) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := strings.Count(buf.String(), failed); n != 1 {
		t.Errorf("the failure was logged %d times over 5 failed publications, want once:\n%s", n, buf.String())
	}
	for _, k := range keys {
		if strings.Contains(buf.String(), k) {
			t.Errorf("the log holds a token:\n%s", buf.String())
		}
	}
	if strings.Contains(buf.String(), "Secret-pass-123") {
		t.Errorf("the log holds a password:\n%s", buf.String())
	}

	bus.mu.Lock()
	bus.fail = nil
	bus.mu.Unlock()
	key := in.login(t, "amy", "Secret-pass-123")
	in.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", "Token "+key)
	bus.waitPublished(t, "logout after the bus recovered", latest(t, store))
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "change wake-ups published again") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(buf.String(), "change wake-ups published again") {
		t.Errorf("the recovery was not logged:\n%s", buf.String())
	}
}

// TestChangeNotifierWakesInstances: two instances on a store that cannot
// notify (a feed alone, as SQLite and MySQL), with a 4s bound (the feed
// read every second), and the bus between them: a logout on A is refused
// on B well before B's next poll, every time; without the bus half of
// them would take longer. And a write that nobody publishes (the store's
// own method, as a script) is still refused within the bound.
func TestChangeNotifierWakesInstances(t *testing.T) {
	mem := memstore.New()
	store := feedOnly{Store: mem, ChangeFeed: mem}
	bus := newWakeBus()
	const bound = 4 * time.Second
	a := newBusInstance(t, store, bus.view(), bound, nil, core.MethodToken)
	b := newBusInstance(t, store, bus.view(), bound, nil, core.MethodToken)
	if _, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: "amy", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	refused := func(what, key string, since time.Time, within time.Duration) time.Duration {
		t.Helper()
		for {
			asked := time.Now()
			if code, _ := b.do(t, http.MethodGet, "/api/auth/user/", "", "Authorization", "Token "+key); code == http.StatusUnauthorized {
				return time.Since(since)
			}
			if asked.Sub(since) > within {
				t.Fatalf("%s: still accepted on B after %v", what, asked.Sub(since))
			}
			time.Sleep(time.Millisecond)
		}
	}
	// Quiet for more than an interval: B's reader polls meanwhile, while
	// its listener waits for a change (the case of a listener that took
	// that poll's Seq, read before the change, for the next one's).
	time.Sleep(bound/4 + 200*time.Millisecond)
	var worst time.Duration
	for range 5 {
		key := a.login(t, "amy", "Secret-pass-123")
		for range 2 {
			if code, _ := b.do(t, http.MethodGet, "/api/auth/user/", "", "Authorization", "Token "+key); code != http.StatusOK {
				t.Fatalf("B before the logout: %d", code)
			}
		}
		if code, _ := a.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", "Token "+key); code != http.StatusOK {
			t.Fatalf("logout on A: %d", code)
		}
		worst = max(worst, refused("logout on A", key, time.Now(), 500*time.Millisecond))
	}
	t.Logf("largest delay of a logout on A with the bus: %v (feed read every %v)", worst, bound/4)

	amy, err := mem.UserByUsername(t.Context(), "amy")
	if err != nil {
		t.Fatal(err)
	}
	key := a.login(t, "amy", "Secret-pass-123")
	b.do(t, http.MethodGet, "/api/auth/user/", "", "Authorization", "Token "+key)
	if err := mem.SetActive(t.Context(), amy.ID, false); err != nil {
		t.Fatal(err)
	}
	d := refused("SetActive in the store, published by nobody", key, time.Now(), bound)
	t.Logf("a write published by nobody was refused on B after %v (bound %v)", d, bound)
}

// TestChangeNotifierNeedsFeed: Config.ChangeNotifier without a change feed
// in the store is a configuration error.
func TestChangeNotifierNeedsFeed(t *testing.T) {
	_, err := core.New(core.Config{Store: plainStore{memstore.New()}, ChangeNotifier: newWakeBus().view(), Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "ChangeNotifier") {
		t.Fatalf("New with a ChangeNotifier and no feed = %v, want an error naming ChangeNotifier", err)
	}
	a, err := core.New(core.Config{Store: memstore.New(), ChangeNotifier: newWakeBus().view(), RevocationStaleness: core.ReadEveryRequest,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("New with ReadEveryRequest and a notifier: %v", err)
	}
	if err := a.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
