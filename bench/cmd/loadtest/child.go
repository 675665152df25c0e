package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a server process: this binary run with -serve=NAME.
type child struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	info  readyInfo
	done  chan struct{} // closed when the process has exited

	mu     sync.Mutex
	stderr strings.Builder // the first stderrCap bytes, for errors
}

// stderrCap bounds what is kept of a child's stderr.
const stderrCap = 8 << 10

// childOptions are how a child is started.
type childOptions struct {
	maxLife      time.Duration // -serve-max
	readyTimeout time.Duration // how long to wait for it to listen
	cpuProfile   string        // file for a CPU profile of its whole life, or ""
	cpus         []int         // CPUs it pins itself to (-serve-cpus), or nil
	env          []string      // its environment; nil: this process's
}

// startChild execs the server name and waits until it listens.
func startChild(ctx context.Context, name string, o childOptions) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c := &child{name: name, done: make(chan struct{})}
	args := []string{"-serve=" + name, "-serve-max=" + o.maxLife.String()}
	if o.cpuProfile != "" {
		args = append(args, "-serve-cpuprofile="+o.cpuProfile)
	}
	if len(o.cpus) > 0 {
		args = append(args, "-serve-cpus="+formatCPUs(o.cpus))
	}
	c.cmd = exec.Command(exe, args...)
	c.cmd.Env = o.env
	c.cmd.SysProcAttr = childAttr()
	c.cmd.Stderr = (*childStderr)(c)
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.done)
	}()

	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), readyPrefix); ok && !found {
				found = true
				ready <- json.Unmarshal([]byte(line), &c.info)
			}
		}
		if !found {
			ready <- errors.New("exited before listening")
		}
	}()
	timer := time.NewTimer(o.readyTimeout)
	defer timer.Stop()
	select {
	case err = <-ready:
	case <-timer.C:
		err = fmt.Errorf("not ready after %v", o.readyTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("server %s: %w%s", name, err, c.stderrTail())
	}
	return c, nil
}

// pid is the child's process ID as /proc names it.
func (c *child) pid() string { return strconv.Itoa(c.cmd.Process.Pid) }

// stop asks the child to exit (SIGTERM, and its stdin closes), then kills
// it if it is still there after two seconds. It waits for the exit.
func (c *child) stop() {
	_ = c.stdin.Close()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return
	case <-time.After(2 * time.Second):
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// stderrTail formats what the child wrote on stderr, for an error.
func (c *child) stderrTail() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := strings.TrimSpace(c.stderr.String()); s != "" {
		return "\n  server stderr: " + s
	}
	return ""
}

// childStderr collects a child's stderr, bounded.
type childStderr child

func (w *childStderr) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := stderrCap - w.stderr.Len(); room > 0 {
		w.stderr.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// children tracks every started child so that all are stopped on exit,
// whatever path the harness leaves by.
type children struct {
	mu   sync.Mutex
	list []*child
}

func (cs *children) add(c *child) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.list = append(cs.list, c)
}

// stop stops one child and forgets it.
func (cs *children) stop(c *child) {
	cs.mu.Lock()
	for i, x := range cs.list {
		if x == c {
			cs.list = append(cs.list[:i], cs.list[i+1:]...)
			break
		}
	}
	cs.mu.Unlock()
	c.stop()
}

// stopAll stops every child still running, in parallel.
func (cs *children) stopAll() {
	cs.mu.Lock()
	list := cs.list
	cs.list = nil
	cs.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.stop()
		}()
	}
	wg.Wait()
}
