package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// runFlood runs the login flood once per round, each time against a
// fresh server process: VmHWM is a high-water mark since exec.
func (h *harness) runFlood(ctx context.Context) {
	if !h.selected(floodScenarioName) {
		h.floodSkipped = "not selected"
		return
	}
	h.floodSkipped = "interrupted" // until a round completes
	if _, err := serverSpec(loginServer, h.getenv); err != nil {
		h.floodSkipped = err.Error()
		return
	}
	for round := 1; round <= h.cfg.rounds && ctx.Err() == nil; round++ {
		h.logf("round %d/%d  %s: %d connections logging in, %d reading user/, for %v",
			round, h.cfg.rounds, floodScenarioName, h.cfg.floodLogins, h.cfg.floodReaders, h.cfg.duration)
		f, err := h.floodOnce(ctx)
		if err != nil {
			h.floodSkipped = err.Error()
			return
		}
		h.floods = append(h.floods, f)
	}
}

// floodOnce floods a fresh server with logins at production cost from
// floodLogins connections while floodReaders connections read user/,
// and records the server's peak RSS.
func (h *harness) floodOnce(ctx context.Context) (floodResult, error) {
	var f floodResult
	h.floodRuns++
	c, err := startChild(ctx, loginServer, h.childOptions(fmt.Sprintf("%s-flood%d", loginServer, h.floodRuns)))
	if err != nil {
		return f, err
	}
	h.kids.add(c)
	defer h.kids.stop(c)
	cred, err := h.client.login(ctx, c)
	if err != nil {
		return f, err
	}
	addr := c.info.Addr
	logins := load{
		addrs:       []string{addr},
		req:         newRequest(addr, http.MethodPost, fixture.LoginPath, http.StatusOK, fixture.LoginBody(c.info.Username)),
		conns:       h.cfg.floodLogins,
		duration:    h.cfg.duration,
		maxRequests: h.cfg.maxRequests,
		// Queued behind the hashing limiter, a login waits for all the
		// logins ahead of it: seconds, not the GET rows' timeout.
		timeout: max(2*time.Minute, 4*h.cfg.duration),
		source:  newSourcePool(throttlePerIPUse),
	}
	readers := load{
		addrs:       []string{addr},
		req:         newRequest(addr, http.MethodGet, fixture.UserPath, http.StatusOK, "", cred.Header, cred.Value),
		conns:       h.cfg.floodReaders,
		duration:    h.cfg.duration,
		maxRequests: h.cfg.maxRequests,
		timeout:     h.cfg.timeout,
	}
	done := make(chan loadResult, 1)
	go func() { done <- logins.run(ctx) }()
	f.readers = readers.run(ctx)
	f.logins = <-done
	if f.peakRSS, err = memStatus(c.pid(), "VmHWM"); err != nil {
		f.peakRSS = -1
	}
	return f, nil
}
