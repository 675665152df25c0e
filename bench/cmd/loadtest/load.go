package main

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// load is one closed-loop run: conns keep-alive connections, each sending
// req as soon as the previous answer arrived, first for warmup (results
// discarded), then for duration. Both phases stop early when maxRequests
// requests were sent or ctx ends; a request still in flight at the end
// finishes (bounded by timeout).
type load struct {
	// addrs are the servers; connection i goes to addrs[i%len(addrs)]
	// (round-robin over several instances, as a load balancer would).
	addrs       []string
	req         request
	conns       int
	warmup      time.Duration
	duration    time.Duration
	maxRequests int64
	timeout     time.Duration
	// source, if set, spreads the connections over many loopback source
	// addresses (login floods).
	source *sourcePool
	// onMeasure, if set, is called between the warm-up and the measured
	// phase (to snapshot CPU counters).
	onMeasure func()
}

// loadResult is what the measured phase produced.
type loadResult struct {
	latencies []time.Duration // successful requests, sorted
	errors    int64
	firstErr  error
	elapsed   time.Duration // from start until the last response
}

// ok is the number of successful requests.
func (r loadResult) ok() int { return len(r.latencies) }

// rate is successful requests per second.
func (r loadResult) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.latencies)) / r.elapsed.Seconds()
}

// quantile returns the q-quantile latency (nearest rank), or 0.
func (r loadResult) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[int(q*float64(len(r.latencies)-1)+0.5)]
}

// run executes l and returns the measured phase.
func (l load) run(ctx context.Context) loadResult {
	conns := make([]*conn, l.conns)
	for i := range conns {
		conns[i] = &conn{addr: l.addrs[i%len(l.addrs)], source: l.source, timeout: l.timeout}
	}
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	if l.warmup > 0 {
		l.phase(ctx, conns, l.warmup, false)
	}
	if l.onMeasure != nil {
		l.onMeasure()
	}
	return l.phase(ctx, conns, l.duration, true)
}

// phase drives every connection for d and collects the results when
// record is set.
func (l load) phase(ctx context.Context, conns []*conn, d time.Duration, record bool) loadResult {
	var (
		budget   atomic.Int64
		errCount atomic.Int64
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	budget.Store(l.maxRequests)
	samples := make([][]time.Duration, len(conns))
	start := time.Now()
	deadline := start.Add(d)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var own []time.Duration
			for ctx.Err() == nil && budget.Add(-1) >= 0 {
				t0 := time.Now()
				if !t0.Before(deadline) {
					break
				}
				err := c.do(ctx, l.req)
				if err != nil {
					errCount.Add(1)
					errOnce.Do(func() { firstErr = err })
					if !errors.As(err, new(errStatus)) {
						// A broken connection: back off briefly rather
						// than spin on redials.
						time.Sleep(10 * time.Millisecond)
					}
					continue
				}
				if record {
					own = append(own, time.Since(t0))
				}
			}
			samples[i] = own
		}()
	}
	wg.Wait()
	res := loadResult{elapsed: time.Since(start), errors: errCount.Load(), firstErr: firstErr}
	if record {
		res.latencies = slices.Concat(samples...)
		slices.Sort(res.latencies)
	}
	return res
}
