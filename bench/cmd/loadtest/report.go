package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"
)

// fmtDur prints d with three significant digits in a fitting unit.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.3gµs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.3gms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3gs", d.Seconds())
}

// median returns the median of xs (0 for none).
func median[T int64 | float64 | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// summary is a row aggregated over its rounds (medians).
type summary struct {
	rate             float64
	p50, p99         time.Duration
	srvCPU, genCPU   time.Duration // per request
	errors, poolIdle int64
	firstErr         error
}

func (r *row) summary() summary {
	var s summary
	var rates []float64
	var p50s, p99s, srv, gen []time.Duration
	for _, m := range r.measures {
		rates = append(rates, m.res.rate())
		p50s = append(p50s, m.res.quantile(0.5))
		p99s = append(p99s, m.res.quantile(0.99))
		if n := m.res.ok(); n > 0 && m.srvCPU > 0 {
			srv = append(srv, m.srvCPU/time.Duration(n))
			gen = append(gen, m.genCPU/time.Duration(n))
		}
		s.errors += m.res.errors
		s.poolIdle += m.poolIdleX
		if s.firstErr == nil {
			s.firstErr = m.res.firstErr
		}
	}
	s.rate, s.p50, s.p99 = median(rates), median(p50s), median(p99s)
	s.srvCPU, s.genCPU = median(srv), median(gen)
	return s
}

// pairRatio is a row's throughput over its baseline's: the median of the
// per-round ratios, and their range.
type pairRatio struct {
	median, lo, hi float64
	rounds         int
}

// pairedRatio divides r's throughput by b's round by round: the two were
// measured one shortly after the other in each round, so a slow drift of
// the machine (another process, frequency, the page cache) moves both
// and cancels out, which a ratio of the two medians does not guarantee.
func pairedRatio(r, b *row, ok bool) (pairRatio, bool) {
	if !ok || b == nil {
		return pairRatio{}, false
	}
	var xs []float64
	for i := 0; i < len(r.measures) && i < len(b.measures); i++ {
		if br := b.measures[i].res.rate(); br > 0 {
			xs = append(xs, r.measures[i].res.rate()/br)
		}
	}
	if len(xs) == 0 {
		return pairRatio{}, false
	}
	return pairRatio{median: median(xs), lo: slices.Min(xs), hi: slices.Max(xs), rounds: len(xs)}, true
}

// verdict is one target's outcome.
type verdict struct {
	target, measured, result string
}

// table writes a Markdown table with aligned columns.
func table(w io.Writer, header []string, rows [][]string) {
	width := make([]int, len(header))
	for i, h := range header {
		width[i] = len([]rune(h))
	}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-len([]rune(c))) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range rows {
		line(r)
	}
}

// report writes the results and the target verdicts.
func (h *harness) report(goVersion string) {
	w := h.cfg.out
	fmt.Fprintf(w, "\n## restauth load test\n\n")
	fmt.Fprintf(w, "machine: %d CPUs (%s), GOMAXPROCS %d, %s %s/%s\n\n", runtime.NumCPU(), cpuModel(), runtime.GOMAXPROCS(0), goVersion, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "load: %d keep-alive connections, %v warm-up + %v measured per row, %d round(s) (medians), at most %d requests per phase; servers are separate processes on 127.0.0.1\n\n",
		h.cfg.conns, h.cfg.warmup, h.cfg.duration, h.cfg.rounds, h.cfg.maxRequests)
	if h.cfg.pin {
		_, gen, srv := cpuSplit(runtime.NumCPU())
		fmt.Fprintf(w, "pinning: during the GET rows the load generator runs on CPU %s and their servers on CPU %s (-pin=false to share every CPU); the login rows and the flood use every CPU\n\n", formatCPUs(gen), formatCPUs(srv))
	}

	sums := map[string]summary{}
	byName := map[string]*row{}
	for _, r := range h.rows {
		if r.skipped == "" {
			sums[r.sc.name] = r.summary()
			byName[r.sc.name] = r
		}
	}
	var verdicts []verdict
	var rows [][]string
	for _, r := range h.rows {
		if r.skipped != "" {
			rows = append(rows, []string{r.sc.name, "skipped: " + r.skipped, "", "", "", "", "", ""})
			for _, c := range r.sc.comparisons() {
				if c.target > 0 {
					verdicts = append(verdicts, verdict{fmt.Sprintf("%s ≥ %.2f× %s", r.sc.name, c.target, c.base), "-", "SKIPPED"})
				}
			}
			continue
		}
		s := sums[r.sc.name]
		ratio := ""
		for _, c := range r.sc.comparisons() {
			base, target := c.base, c.target
			b, ok := byName[base]
			x, ok := pairedRatio(r, b, ok)
			if !ok {
				if target > 0 {
					verdicts = append(verdicts, verdict{fmt.Sprintf("%s ≥ %.2f× %s", r.sc.name, target, base), "-", "SKIPPED"})
				}
				continue
			}
			if ratio != "" {
				ratio += "; "
			}
			ratio += fmt.Sprintf("%.2f× %s", x.median, base)
			if x.rounds > 1 {
				ratio += fmt.Sprintf(" (rounds %.2f–%.2f", x.lo, x.hi)
			} else {
				ratio += " ("
			}
			if bs := sums[base]; bs.srvCPU > 0 && s.srvCPU > 0 {
				if x.rounds > 1 {
					ratio += ", "
				}
				ratio += fmt.Sprintf("CPU %.2f×", float64(bs.srvCPU)/float64(s.srvCPU))
			}
			ratio += ")"
			ratio = strings.TrimSuffix(ratio, " ()")
			if target > 0 {
				res := "PASS"
				if x.median < target {
					res = "FAIL"
				}
				measured := fmt.Sprintf("%.3f×", x.median)
				if x.rounds > 1 {
					measured += fmt.Sprintf(" (rounds %.2f–%.2f)", x.lo, x.hi)
				}
				verdicts = append(verdicts, verdict{fmt.Sprintf("%s ≥ %.2f× %s", r.sc.name, target, base), measured, res})
			}
		}
		if ratio == "" {
			ratio = r.sc.note
		}
		errs := fmt.Sprint(s.errors)
		if s.firstErr != nil {
			errs += " (" + s.firstErr.Error() + ")"
		}
		if s.poolIdle > 0 {
			errs += fmt.Sprintf("; %d SQL conns reopened", s.poolIdle)
		}
		rows = append(rows, []string{r.sc.name, fmt.Sprintf("%.0f", s.rate), fmtDur(s.p50), fmtDur(s.p99),
			fmtDur(s.srvCPU), fmtDur(s.genCPU), ratio, errs})
	}
	if len(rows) > 0 {
		table(w, []string{"scenario", "req/s", "p50", "p99", "server CPU/req", "loadgen CPU/req", "ratio", "errors"}, rows)
		fmt.Fprintln(w)
		h.ratioTable(w, byName, sums)
	}

	if l := h.login; l.skipped != "not selected" {
		fmt.Fprintf(w, "### %s (one connection, argon2id m=19 MiB t=2 p=1, SQLite)\n\n", loginScenarioName)
		if l.skipped != "" || len(l.login) == 0 {
			why := l.skipped
			if why == "" && l.firstErr != nil {
				why = l.firstErr.Error()
			}
			fmt.Fprintf(w, "skipped: %s\n\n", why)
			verdicts = append(verdicts, verdict{"login ≤ 1.10× one hash", "-", "SKIPPED"})
		} else {
			lr := loadResult{latencies: l.login}
			hr := loadResult{latencies: l.hash}
			x := float64(lr.quantile(0.5)) / float64(hr.quantile(0.5))
			table(w, []string{"logins", "login p50", "login p99", "hash p50 (in server)", "hash p99", "login/hash (p50)", "errors"},
				[][]string{{fmt.Sprint(len(l.login)), fmtDur(lr.quantile(0.5)), fmtDur(lr.quantile(0.99)),
					fmtDur(hr.quantile(0.5)), fmtDur(hr.quantile(0.99)), fmt.Sprintf("%.3f", x), fmt.Sprint(l.errors)}})
			fmt.Fprintln(w)
			verdicts = append(verdicts, verdict{"login ≤ 1.10× one hash", fmt.Sprintf("%.3f×", x), passFail(x <= loginTarget)})
		}
	}

	if h.floodSkipped != "not selected" {
		fmt.Fprintf(w, "### %s (%d connections logging in at production cost, %d reading user/, a fresh server per round)\n\n", floodScenarioName, h.cfg.floodLogins, h.cfg.floodReaders)
		if len(h.floods) == 0 {
			fmt.Fprintf(w, "skipped: %s\n\n", h.floodSkipped)
			verdicts = append(verdicts, verdict{"flood: peak RSS ≤ 512 MiB", "-", "SKIPPED"}, verdict{"flood: GET user/ p99 ≤ 50ms", "-", "SKIPPED"})
		} else {
			var rows [][]string
			var p99s []time.Duration
			peak, readersOK := int64(0), true
			for i, f := range h.floods {
				rss := "unknown"
				if f.peakRSS >= 0 {
					rss = fmt.Sprintf("%.0f MiB", float64(f.peakRSS)/(1<<20))
				}
				if f.peakRSS < 0 || peak < 0 {
					peak = -1
				} else {
					peak = max(peak, f.peakRSS)
				}
				readersOK = readersOK && f.readers.ok() > 0
				p99s = append(p99s, f.readers.quantile(0.99))
				rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprint(f.logins.ok()), fmt.Sprintf("%.1f", f.logins.rate()),
					fmtDur(f.logins.quantile(0.5)), fmtDur(f.logins.quantile(0.99)), errText(f.logins),
					fmt.Sprintf("%.0f", f.readers.rate()), fmtDur(f.readers.quantile(0.5)), fmtDur(f.readers.quantile(0.99)), errText(f.readers), rss})
			}
			table(w, []string{"round", "logins ok", "logins/s", "login p50", "login p99", "login errors", "user/ req/s", "user/ p50", "user/ p99", "user/ errors", "server peak RSS (VmHWM)"}, rows)
			fmt.Fprintf(w, "\nlogins/s counts until the last queued login answered (the flood stops sending after %v).\n\n", h.cfg.duration)
			p99 := median(p99s)
			rss := "unknown"
			if peak >= 0 {
				rss = fmt.Sprintf("%.0f MiB (max of rounds)", float64(peak)/(1<<20))
			}
			verdicts = append(verdicts,
				verdict{"flood: peak RSS ≤ 512 MiB", rss, passFail(peak >= 0 && peak <= floodRSSTarget)},
				verdict{"flood: GET user/ p99 ≤ 50ms", fmtDur(p99) + " (median of rounds)", passFail(readersOK && p99 <= floodP99Target)})
		}
	}

	if len(verdicts) > 0 {
		fmt.Fprintf(w, "### targets\n\n")
		var vr [][]string
		for _, v := range verdicts {
			vr = append(vr, []string{v.target, v.measured, v.result})
		}
		table(w, []string{"target", "measured", "verdict"}, vr)
		fmt.Fprintln(w)
	}
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// errText is a result's error count and first error.
func errText(r loadResult) string {
	if r.firstErr == nil {
		return fmt.Sprint(r.errors)
	}
	return fmt.Sprintf("%d (%v)", r.errors, r.firstErr)
}

// ratioTable writes every measured row's throughput over the bare
// handler of its framework and, for JWT rows, over the framework's peer
// (gin-jwt, echo-jwt), both paired round by round like the ratio column.
func (h *harness) ratioTable(w io.Writer, byName map[string]*row, sums map[string]summary) {
	cell := func(r *row, base string) string {
		b, ok := byName[base]
		x, ok := pairedRatio(r, b, ok)
		switch {
		case !ok:
			return "-"
		case x.rounds > 1:
			return fmt.Sprintf("%.2f× (%.2f–%.2f)", x.median, x.lo, x.hi)
		}
		return fmt.Sprintf("%.2f×", x.median)
	}
	var rows [][]string
	for _, r := range h.rows {
		if r.skipped != "" {
			rows = append(rows, []string{r.sc.name, "skipped: " + r.skipped, "", ""})
			continue
		}
		bare, peer := bareRow(r.sc), "-"
		if r.sc.peer != "" {
			peer = cell(r, r.sc.peer) + " " + r.sc.peer
		}
		rows = append(rows, []string{r.sc.name, fmt.Sprintf("%.0f", sums[r.sc.name].rate), cell(r, bare) + " " + bare, peer})
	}
	fmt.Fprintf(w, "### ratios to the bare handler and to the peer (medians of per-round ratios, range)\n\n")
	table(w, []string{"scenario", "req/s", "× bare handler", "× peer"}, rows)
	fmt.Fprintln(w)
}
