package main

import (
	"fmt"
	"strconv"
	"strings"
)

// cpuSplit divides n CPUs for -pin: all of them, the load generator's
// (CPU 0) and the servers' (the others). On one CPU nothing is split.
func cpuSplit(n int) (all, generator, servers []int) {
	for c := range n {
		all = append(all, c)
	}
	if n < 2 {
		return all, all, all
	}
	return all, all[:1], all[1:]
}

// formatCPUs renders a CPU list for -serve-cpus ("1,2,3").
func formatCPUs(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}

// parseCPUs reads a -serve-cpus list.
func parseCPUs(s string) ([]int, error) {
	var cpus []int
	for _, f := range strings.Split(s, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 0 {
			return nil, fmt.Errorf("-serve-cpus: %q is not a CPU number", f)
		}
		cpus = append(cpus, c)
	}
	return cpus, nil
}
