//go:build !linux

package main

import (
	"errors"
	"syscall"
	"time"
)

// errNoProc: CPU time and memory are read from /proc, Linux only. The load
// test runs elsewhere, without those columns.
var errNoProc = errors.New("needs Linux /proc")

func childAttr() *syscall.SysProcAttr { return nil }

func cpuTime(string) (time.Duration, error) { return 0, errNoProc }

func memStatus(string, string) (int64, error) { return 0, errNoProc }

func cpuModel() string { return "unknown" }
