//go:build linux

package main

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// pinSupported reports whether pinProcess works here.
func pinSupported() bool { return true }

// pinProcess restricts every thread of this process to cpus. CPU
// affinity is per thread on Linux and a new thread inherits its creator's,
// so every thread listed in /proc/self/task is set; a second pass catches
// a thread started by one not yet pinned during the first.
func pinProcess(cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	for range 2 {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return err
		}
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && !errors.Is(err, unix.ESRCH) {
				return err
			}
		}
	}
	return nil
}
