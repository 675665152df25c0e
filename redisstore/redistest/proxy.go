// Package redistest helps the tests of redisstore and of applications
// that use it: a proxy in front of a real Redis server that a test takes
// away and brings back, to see how the code behaves when Redis goes away.
package redistest

import (
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Proxy forwards connections to a Redis server; SetDown(true) closes
// them and refuses new ones, as a Redis that went away.
type Proxy struct {
	url    string // rawURL with the proxy's address
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

// NewProxy listens on a local port in front of the Redis server of rawURL
// (redis://…) until the test ends, and returns a proxy whose URL is rawURL
// with the proxy's address.
func NewProxy(t testing.TB, rawURL string) *Proxy {
	t.Helper()
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: o.Addr, url: strings.Replace(rawURL, o.Addr, ln.Addr().String(), 1)}
	if p.url == rawURL {
		ln.Close()
		t.Fatalf("cannot put the proxy's address into %s", rawURL)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		p.SetDown(true)
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { p.serve(c) })
		}
	})
	return p
}

// serve forwards c to the target, unless the proxy is down.
func (p *Proxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns = append(p.conns, c, up)
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
	p.mu.Lock()
	p.conns = slices.DeleteFunc(p.conns, func(x net.Conn) bool { return x == c || x == up })
	p.mu.Unlock()
}

// SetDown takes the proxy down (closing every connection) or up again.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// URL is the Redis URL of the proxy: the server's, with the proxy's
// address.
func (p *Proxy) URL() string { return p.url }
