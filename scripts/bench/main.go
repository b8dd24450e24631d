// Command bench times the workloads of scripts/bench/workload — C programs,
// busybox applets and a Go program, each in an arm64 and an amd64 build of
// the same source or version — natively (amd64), under qemu-aarch64 and
// under ferry (arm64), and reports medians, ratios and geomeans, plus
// start-up and fork figures (CPU time, page faults, peak RSS) and ferry's
// interpreter fallbacks (FERRY_STATS) per workload.
//
// Every run's output must match the native run's: a fast but wrong engine
// posts no time. Runs of the three engines are interleaved, so a drift in
// the shared machine's speed affects them alike.
//
// `make bench` runs it with -write docs/PERFORMANCE.md, which replaces the
// generated block of that file and keeps everything outside it;
// `make bench-quick` runs smaller sizes once and only prints.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"ferry/scripts/bench/workload"
)

const qemuPath = "/usr/bin/qemu-aarch64"

// engine is one way of running the workloads.
type engine struct {
	name string
	env  workload.Env
}

// The engines, in table order; native first: it is every run's oracle.
const (
	native = iota
	qemu
	ferry
	nEngines
)

var engineNames = [nEngines]string{"native", "qemu-aarch64", "ferry"}

// measured is one engine's runs of one command.
type measured struct {
	samples []sample
	failure string // why this engine posts no figure ("" if it does)
}

func (m measured) ok() bool { return m.failure == "" && len(m.samples) > 0 }

// workloadResult is one row of the table.
type workloadResult struct {
	w       workload.Workload
	engines [nEngines]measured
	stats   ferryStats
	// statsFailure says why the stats run did not count ("" if it did).
	statsFailure string
}

// startupResult is one start-up or fork figure for every engine.
type startupResult struct {
	name, description string
	// perEngine holds one figure per engine: for the fork figure, the
	// cost of one child (the count-N run minus the count-0 run, divided
	// by N; peak RSS from the count-N run).
	perEngine [nEngines]measured
}

type options struct {
	size     workload.Size
	runs     int
	startups int
	only     *regexp.Regexp
	timeout  time.Duration
	root     string
	write    string
}

func main() {
	runs := flag.Int("runs", 0, "timed runs per workload and engine; the median is reported (default 3, -quick 1)")
	quick := flag.Bool("quick", false, "smaller sizes and one run: a look in a minute or two, not a record")
	only := flag.String("only", "", "run only the workloads and figures whose name matches this regular expression")
	timeout := flag.Duration("timeout", 3*time.Minute, "bound on one run")
	root := flag.String("root", ".", "repository root")
	write := flag.String("write", "", "Markdown file whose generated block receives the report (e.g. docs/PERFORMANCE.md)")
	flag.Parse()

	opts := options{size: workload.Full, runs: 3, startups: 20, timeout: *timeout, root: *root, write: *write}
	if *quick {
		opts.size, opts.runs, opts.startups = workload.Quick, 1, 5
	}
	if *runs > 0 {
		opts.runs = *runs
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fatalf("-only: %v", err)
		}
		opts.only = re
	}
	if err := benchmark(opts); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func benchmark(opts options) error {
	start := time.Now()
	abs := func(p string) string { return filepath.Join(opts.root, p) }
	ferryBin, err := filepath.Abs(abs("bin/ferry"))
	if err != nil {
		return err
	}
	arm64Bin, _ := filepath.Abs(abs(".cache/bench/arm64"))
	amd64Bin, _ := filepath.Abs(abs(".cache/bench/amd64"))
	arm64Busybox, _ := filepath.Abs(abs(".cache/arm64/busybox"))
	const amd64Busybox = "/bin/busybox" // Debian busybox-static, the version deps.sh fetched for arm64
	for _, p := range []string{ferryBin, qemuPath, arm64Busybox, amd64Busybox,
		filepath.Join(arm64Bin, "forkexec"), filepath.Join(amd64Bin, "forkexec")} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%v (run `make deps bin/ferry benchdata`)", err)
		}
	}
	machine := describeMachine(opts.root, amd64Busybox)

	inputs, err := os.MkdirTemp("", "ferry-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(inputs)
	if err := workload.WriteInputs(inputs, opts.size); err != nil {
		return fmt.Errorf("writing inputs: %v", err)
	}
	engines := [nEngines]engine{
		native: {engineNames[native], workload.Env{Bin: amd64Bin, Busybox: amd64Busybox, Inputs: inputs}},
		qemu: {engineNames[qemu], workload.Env{Launcher: []string{qemuPath}, ExecWrapper: []string{qemuPath},
			Bin: arm64Bin, Busybox: arm64Busybox, Inputs: inputs}},
		ferry: {engineNames[ferry], workload.Env{Launcher: []string{ferryBin}, Bin: arm64Bin,
			Busybox: arm64Busybox, Inputs: inputs}},
	}

	var results []workloadResult
	for _, w := range workload.All {
		if opts.only != nil && !opts.only.MatchString(w.Name) {
			continue
		}
		r := benchWorkload(opts, engines, w)
		progress(r)
		results = append(results, r)
	}
	var startups []startupResult
	for _, s := range []struct {
		name string
		fn   func(options, [nEngines]engine) startupResult
	}{{"busybox-true", benchBusyboxTrue}, {"fork-exec", benchForkExec}} {
		if opts.only == nil || opts.only.MatchString(s.name) {
			r := s.fn(opts, engines)
			progressStartup(r)
			startups = append(startups, r)
		}
	}

	rep := report{opts: opts, machine: machine, workloads: results, startups: startups, elapsed: time.Since(start)}
	md := rep.markdown()
	fmt.Print(md)
	if opts.write != "" {
		if err := writeGenerated(opts.write, md); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: wrote %s\n", opts.write)
	}
	return nil
}

// benchWorkload measures one workload: the native run that defines the
// expected output, ferry's untimed stats run, then the timed runs with the
// engines interleaved.
func benchWorkload(opts options, engines [nEngines]engine, w workload.Workload) workloadResult {
	r := workloadResult{w: w}
	want, _, err := run(w.Command(engines[native].env, opts.size), nil, opts.timeout)
	if err == nil && want.status != "exit 0" {
		err = fmt.Errorf("%s (stderr %q)", want.status, firstLine(want.stderr))
	}
	if err == nil && len(want.stdout) == 0 {
		err = fmt.Errorf("printed nothing: there is no output to compare")
	}
	if err != nil {
		for e := range r.engines {
			r.engines[e].failure = "native run failed: " + err.Error()
		}
		return r
	}

	// The stats run: ferry with -stats (guest instruction counts) and
	// FERRY_STATS=1 (JIT counters, fallback reasons). Not timed: the
	// counting slows the guest down.
	statsEnv := engines[ferry].env
	statsEnv.Launcher = append(statsEnv.Launcher[:len(statsEnv.Launcher):len(statsEnv.Launcher)], "-stats")
	got, _, err := run(w.Command(statsEnv, opts.size), []string{"FERRY_STATS=1"}, opts.timeout)
	switch {
	case err != nil:
		r.statsFailure = err.Error()
	case mismatch(want, got) != "":
		r.statsFailure = mismatch(want, got)
	default:
		r.stats = parseFerryStats(got.stderr)
	}

	for i := 0; i < opts.runs; i++ {
		for e := range engines {
			m := &r.engines[e]
			if m.failure != "" {
				continue // one wrong or failed run disqualifies the engine
			}
			got, s, err := run(w.Command(engines[e].env, opts.size), nil, opts.timeout)
			if err != nil {
				m.failure = err.Error()
			} else if d := mismatch(want, got); d != "" {
				m.failure = "wrong output: " + d
			} else {
				m.samples = append(m.samples, s)
			}
		}
	}
	return r
}

// benchBusyboxTrue measures `busybox true`, the cost of starting and
// ending a program, over opts.startups runs after one warm-up.
func benchBusyboxTrue(opts options, engines [nEngines]engine) startupResult {
	r := startupResult{name: "busybox true", description: "one run of `busybox true` (start-up and exit)"}
	want, _, err := run(workload.BusyboxTrue(engines[native].env), nil, opts.timeout)
	for e := range engines {
		m := &r.perEngine[e]
		if err != nil || want.status != "exit 0" {
			m.failure = fmt.Sprintf("native run failed: %v %s", err, want.status)
			continue
		}
		for i := 0; i <= opts.startups && m.failure == ""; i++ {
			got, s, err := run(workload.BusyboxTrue(engines[e].env), nil, opts.timeout)
			switch {
			case err != nil:
				m.failure = err.Error()
			case mismatch(want, got) != "":
				m.failure = "wrong output: " + mismatch(want, got)
			case i > 0: // run 0 is the warm-up
				m.samples = append(m.samples, s)
			}
		}
	}
	return r
}

// benchForkExec measures one fork+exec+wait of a small static program:
// forkexec COUNT and forkexec 0 alternately, and per engine the
// difference of their medians divided by COUNT.
func benchForkExec(opts options, engines [nEngines]engine) startupResult {
	count := workload.ForkExecCount(opts.size)
	r := startupResult{name: "fork+exec+wait",
		description: fmt.Sprintf("one fork, exec of a static C program, wait (%d in a loop, minus the loop's own start-up)", count)}
	runs := max(opts.runs, 3)
	wantN, _, errN := run(workload.ForkExec(engines[native].env, count), nil, opts.timeout)
	want0, _, err0 := run(workload.ForkExec(engines[native].env, 0), nil, opts.timeout)
	for e := range engines {
		m := &r.perEngine[e]
		if errN != nil || err0 != nil || wantN.status != "exit 0" || want0.status != "exit 0" {
			m.failure = fmt.Sprintf("native run failed: %v %v %s %s", errN, err0, wantN.status, want0.status)
			continue
		}
		var withChildren, without []sample
		for i := 0; i < runs && m.failure == ""; i++ {
			for _, c := range []struct {
				count int
				want  output
				into  *[]sample
			}{{count, wantN, &withChildren}, {0, want0, &without}} {
				got, s, err := run(workload.ForkExec(engines[e].env, c.count), nil, opts.timeout)
				if err != nil {
					m.failure = err.Error()
					break
				} else if d := mismatch(c.want, got); d != "" {
					m.failure = "wrong output: " + d
					break
				}
				*c.into = append(*c.into, s)
			}
		}
		if m.failure != "" {
			continue
		}
		per := func(d time.Duration) time.Duration { return d / time.Duration(count) }
		m.samples = []sample{{
			wall:      per(median(withChildren, wallOf) - median(without, wallOf)),
			cpu:       per(median(withChildren, cpuOf) - median(without, cpuOf)),
			faults:    (median(withChildren, faultsOf) - median(without, faultsOf)) / int64(count),
			maxRSSKiB: median(withChildren, rssOf),
		}}
	}
	return r
}

func progress(r workloadResult) {
	fmt.Fprintf(os.Stderr, "%-14s", r.w.Name)
	for e, m := range r.engines {
		if m.ok() {
			fmt.Fprintf(os.Stderr, "  %s %s s", engineNames[e], seconds(median(m.samples, wallOf)))
		} else {
			fmt.Fprintf(os.Stderr, "  %s FAILED (%s)", engineNames[e], m.failure)
		}
	}
	if r.statsFailure == "" {
		fmt.Fprintf(os.Stderr, "  fallbacks %d", r.stats.fallbacks())
	}
	fmt.Fprintln(os.Stderr)
}

func progressStartup(r startupResult) {
	fmt.Fprintf(os.Stderr, "%-14s", r.name)
	for e, m := range r.perEngine {
		if m.ok() {
			fmt.Fprintf(os.Stderr, "  %s %s ms CPU", engineNames[e], millis(median(m.samples, cpuOf)))
		} else {
			fmt.Fprintf(os.Stderr, "  %s FAILED (%s)", engineNames[e], m.failure)
		}
	}
	fmt.Fprintln(os.Stderr)
}
