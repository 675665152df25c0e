//go:build !linux

package main

import "errors"

// pinSupported reports whether pinProcess works here: Linux only.
func pinSupported() bool { return false }

func pinProcess([]int) error { return errors.New("CPU pinning needs Linux") }
