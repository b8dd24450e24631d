// Command bench times the CPU-bound guest program (testdata/c/bench.c)
// natively, under qemu-aarch64 and under ferry with each engine, and prints
// medians and ratios. Every run's output must match the native run's, so a
// fast but wrong engine cannot post a time. Run it with `make bench`, which
// builds bin/ferry and the test programs first.
//
// If ferry accepts -stats and reports a guest instruction count on stderr
// (a line containing "instructions" followed by a number), bench also
// prints guest instructions per second; without it those columns are empty.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

type config struct {
	name string
	argv []string // command line, the program's own arguments excluded
	runs int
	// stats is argv with -stats, for ferry engines (nil otherwise).
	stats []string
}

type measurement struct {
	config
	times        []time.Duration
	instructions uint64 // 0: unknown
	err          error
}

func main() {
	runs := flag.Int("runs", 5, "timed runs per configuration (median reported)")
	interpRuns := flag.Int("interp-runs", 3, "timed runs for the interpreter, which is slow")
	rounds := flag.Int("rounds", 4, "work rounds passed to the benchmark program")
	root := flag.String("root", ".", "repository root")
	flag.Parse()

	ferry := filepath.Join(*root, "bin/ferry")
	guest := filepath.Join(*root, ".cache/testdata/arm64/bench")
	native := filepath.Join(*root, ".cache/testdata/amd64/bench")
	const qemu = "/usr/bin/qemu-aarch64"
	for _, p := range []string{ferry, guest, native, qemu} {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v (run `make deps testdata` and `make`)\n", err)
			os.Exit(1)
		}
	}
	args := []string{strconv.Itoa(*rounds)}
	configs := []config{
		{name: "native amd64", argv: []string{native}, runs: *runs},
		{name: "qemu-aarch64", argv: []string{qemu, guest}, runs: *runs},
		{name: "ferry jit", argv: []string{ferry, "-engine=jit", guest}, runs: *runs,
			stats: []string{ferry, "-engine=jit", "-stats", guest}},
		{name: "ferry interp", argv: []string{ferry, "-engine=interp", guest}, runs: *interpRuns,
			stats: []string{ferry, "-engine=interp", "-stats", guest}},
	}

	// The native run defines the expected output.
	want, _, err := runOnce(append(configs[0].argv, args...))
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: native run: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("bench.c with %d rounds; median of N runs, wall clock\n\n", *rounds)

	var results []measurement
	for _, c := range configs {
		m := measurement{config: c}
		for i := 0; i < c.runs && m.err == nil; i++ {
			start := time.Now()
			out, stderr, err := runOnce(append(c.argv, args...))
			elapsed := time.Since(start)
			switch {
			case err != nil:
				m.err = fmt.Errorf("%v: %s", err, firstLine(stderr))
			case !bytes.Equal(out, want):
				m.err = fmt.Errorf("output differs from the native run:\n%s", out)
			default:
				m.times = append(m.times, elapsed)
			}
		}
		if m.err == nil && c.stats != nil {
			m.instructions = guestInstructions(append(c.stats, args...))
		}
		results = append(results, m)
	}

	median := func(m measurement) time.Duration {
		s := slices.Clone(m.times)
		slices.Sort(s)
		return s[len(s)/2]
	}
	var nativeT, qemuT time.Duration
	if results[0].err == nil {
		nativeT = median(results[0])
	}
	if results[1].err == nil {
		qemuT = median(results[1])
	}
	fmt.Printf("%-14s %3s %10s %10s %10s %9s %9s %12s\n", "", "N", "median", "min", "max", "×native", "×qemu", "guest MIPS")
	failed := false
	for _, m := range results {
		if m.err != nil {
			failed = true
			fmt.Printf("%-14s FAILED: %v\n", m.name, m.err)
			continue
		}
		med := median(m)
		ratio := func(base time.Duration) string {
			if base == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", float64(med)/float64(base))
		}
		mips := "-"
		if m.instructions > 0 {
			mips = fmt.Sprintf("%.1f", float64(m.instructions)/med.Seconds()/1e6)
		}
		fmt.Printf("%-14s %3d %10s %10s %10s %9s %9s %12s\n", m.name, len(m.times),
			round(med), round(slices.Min(m.times)), round(slices.Max(m.times)), ratio(nativeT), ratio(qemuT), mips)
	}
	if failed {
		os.Exit(1)
	}
}

func runOnce(argv []string) (stdout, stderr []byte, err error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.Bytes(), errb.Bytes(), err
}

// instructionsRE finds a guest instruction count in ferry's -stats output,
// e.g. "guest instructions: 123456" or "instructions=123456".
var instructionsRE = regexp.MustCompile(`(?i)instructions?\s*[:=]?\s*([0-9][0-9,_]*)`)

// guestInstructions runs argv (with -stats) once and returns the guest
// instruction count it reports, or 0 when ferry has no such flag or output.
func guestInstructions(argv []string) uint64 {
	_, stderr, err := runOnce(argv)
	if err != nil {
		return 0
	}
	m := instructionsRE.FindSubmatch(stderr)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseUint(strings.NewReplacer(",", "", "_", "").Replace(string(m[1])), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

func round(d time.Duration) string {
	return d.Round(time.Millisecond).String()
}
