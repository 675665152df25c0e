package main

import (
	"context"
	"slices"
	"time"
)

// runLogin measures login latency on one connection against one password
// check timed inside the same server, alternating the two.
func (h *harness) runLogin(ctx context.Context) {
	if !h.selected(loginScenarioName) {
		h.login.skipped = "not selected"
		return
	}
	if ctx.Err() != nil {
		h.login.skipped = "interrupted"
		return
	}
	c := h.server(ctx, loginServer, false)
	if c == nil {
		h.login.skipped = h.failures[loginServer]
		return
	}
	series := time.Duration(h.cfg.rounds) * h.cfg.duration
	h.logf("%s: one connection for %v", loginScenarioName, series)
	// Warm up: one of each.
	_, _ = h.client.timedLogin(ctx, c)
	var hs hashStats
	_ = h.client.getJSON(ctx, c, hashPath, &hs)
	deadline := time.Now().Add(series)
	for i := int64(0); i < h.cfg.maxRequests && time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		if i > 0 && i%throttlePerIPUse == 0 {
			h.client.CloseIdle() // next login from another address
		}
		d, err := h.client.timedLogin(ctx, c)
		if err != nil {
			h.login.errors++
			if h.login.firstErr == nil {
				h.login.firstErr = err
			}
			time.Sleep(10 * time.Millisecond) // no hot loop against a failing server
			continue
		}
		var hs hashStats
		if err := h.client.getJSON(ctx, c, hashPath, &hs); err != nil {
			h.login.errors++
			if h.login.firstErr == nil {
				h.login.firstErr = err
			}
			continue
		}
		h.login.login = append(h.login.login, d)
		h.login.hash = append(h.login.hash, time.Duration(hs.HashNanos))
	}
	slices.Sort(h.login.login)
	slices.Sort(h.login.hash)
	h.client.CloseIdle()
}
