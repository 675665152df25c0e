package httpserver

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServeAndGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), nil)
	}()
	resp, err := http.Get("http://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body %q", body)
	}
	// An oversized header is refused by net/http (431), never reaching the handler.
	req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String(), nil)
	req.Header.Set("Authorization", "Token "+strings.Repeat("a", 1<<20))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("oversized header: %d", resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not shut down")
	}
}

func TestNewSetsLimits(t *testing.T) {
	s := New(":0", http.NotFoundHandler())
	if s.ReadHeaderTimeout == 0 || s.MaxHeaderBytes == 0 || s.IdleTimeout == 0 {
		t.Errorf("limits unset: %+v", s)
	}
}

func TestAfterShutdownRunsOnceRequestsEnded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	inHandler := make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inHandler)
		<-release
		io.WriteString(w, "late")
	})
	var order []string
	closed := errors.New("queue: 1 message undelivered")
	hook := func(name string, err error) func(context.Context) error {
		return func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Errorf("%s: no deadline", name)
			}
			order = append(order, name)
			return err
		}
	}
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, handler, nil, hook("first", nil), hook("second", closed)) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-inHandler
	cancel()
	time.Sleep(50 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("Serve returned while a request was in flight")
	default:
	}
	close(release)
	if b := <-got; b != "late" {
		t.Errorf("in-flight request got %q", b)
	}
	select {
	case err := <-done:
		if !errors.Is(err, closed) {
			t.Errorf("Serve: %v, want the hook's error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not shut down")
	}
	if strings.Join(order, ",") != "first,second" {
		t.Errorf("hooks ran %v, want first,second", order)
	}
}
