package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// setupClient is a net/http client for the few requests outside the load
// loops (logins for credentials, the login-latency series, stats). Each
// connection dials from the next loopback source address of pool, so
// restauth's per-IP login throttle sees a crowd; CloseIdle forces the next
// request onto a new connection.
type setupClient struct {
	*http.Client
	transport *http.Transport
}

func newSetupClient(pool *sourcePool, timeout time.Duration) *setupClient {
	t := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: timeout, LocalAddr: pool.take()}
			return d.DialContext(ctx, "tcp4", addr)
		},
		MaxIdleConnsPerHost: 1,
		DisableCompression:  true,
	}
	return &setupClient{Client: &http.Client{Transport: t, Timeout: timeout}, transport: t}
}

// CloseIdle drops the kept-alive connection.
func (c *setupClient) CloseIdle() { c.transport.CloseIdleConnections() }

// base is the URL of a child's server.
func base(c *child) string { return "http://" + c.info.Addr }

// login logs the bench user in on child ch and returns the credential of
// its server's mode.
func (c *setupClient) login(ctx context.Context, ch *child) (fixture.Credential, error) {
	spec, ok := servers[ch.name]
	if !ok {
		return fixture.Credential{}, fmt.Errorf("unknown server %q", ch.name)
	}
	return fixture.Login(ctx, c.Do, base(ch), spec, ch.info.Username)
}

// get GETs path on ch with the header pairs and returns the status and
// up to 64 KiB of the body.
func (c *setupClient) get(ctx context.Context, ch *child, path string, headers ...string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base(ch)+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, body, err
}

// getJSON GETs path on ch and decodes the JSON answer into v.
func (c *setupClient) getJSON(ctx context.Context, ch *child, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base(ch)+path, nil)
	if err != nil {
		return err
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %s", path, res.StatusCode, body)
	}
	return json.Unmarshal(body, v)
}

// timedLogin sends one login to ch and returns its latency.
func (c *setupClient) timedLogin(ctx context.Context, ch *child) (time.Duration, error) {
	req, err := fixture.NewLoginRequest(ctx, base(ch), ch.info.Username)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("login: status %d", res.StatusCode)
	}
	return elapsed, nil
}
