package main

// End-to-end tests: every guest program in testdata (built by `make
// testdata`) runs under qemu-aarch64 (the oracle) and under ferry with each
// engine; stdout, stderr and exit status must be identical byte for byte.
// Portable programs are also built for amd64, and their native output must
// match qemu's too — that checks the tests themselves.

import (
	"fmt"
	"os"
	"testing"
)

// guestCase is one run of a testdata program.
type guestCase struct {
	name string   // subtest name
	prog string   // program in .cache/testdata/{arm64,amd64}
	args []string // arguments after argv[0]
	env  []string // nil: guestEnv
	// nativeOracle makes the amd64 build the expected result instead of
	// qemu (see hello). native adds a qemu-vs-native cross-check.
	nativeOracle bool
	native       bool
	// scratch appends a fresh empty directory to args for each run.
	scratch bool
	// nofile, if set, is RLIMIT_NOFILE (soft and hard) the program starts
	// with, under every runner (through prlimit(1)).
	nofile int
	// want, if set, is the expected stdout (exit 0, no stderr) of a
	// self-checking program where neither oracle can run or be right:
	// arm64-only code that qemu-aarch64 gets wrong.
	want string
}

var guestCases = []guestCase{
	// Assembly tests: no libc, the first programs a new engine runs.
	// qemu-aarch64 7.2 passes the environment in reverse order, so with
	// qemu as the oracle the environment has a single entry; hello checks
	// the order of several against the native build.
	{name: "startup", prog: "startup", args: []string{"one", "two words", ""},
		env: []string{"E2E_ONLY=1"}},
	{name: "flags", prog: "flags"},
	{name: "bitfield", prog: "bitfield"},
	{name: "ldst", prog: "ldst"},
	{name: "excl", prog: "excl"},
	{name: "sysreg", prog: "sysreg"},

	// C programs on static glibc.
	{name: "hello", prog: "hello", args: []string{"a", "b c", "", "ünïcødé"}, nativeOracle: true},
	{name: "exit-return-0", prog: "exitcode", args: []string{"return", "0"}, native: true},
	{name: "exit-return-3", prog: "exitcode", args: []string{"return", "3"}, native: true},
	{name: "exit-exit-42", prog: "exitcode", args: []string{"exit", "42"}, native: true},
	{name: "exit-exit-255", prog: "exitcode", args: []string{"exit", "255"}, native: true},
	{name: "exit-exit-256", prog: "exitcode", args: []string{"exit", "256"}, native: true},
	{name: "exit-_exit-7", prog: "exitcode", args: []string{"_exit", "7"}, native: true},
	{name: "exit-usage", prog: "exitcode", native: true},
	{name: "intarith", prog: "intarith", native: true},
	{name: "control", prog: "control", native: true},
	{name: "strings", prog: "strings", native: true},
	{name: "stdiofmt", prog: "stdiofmt", native: true},
	{name: "sortmem", prog: "sortmem", native: true},
	{name: "fileio", prog: "fileio", native: true, scratch: true},
	{name: "fpmath", prog: "fpmath"},
	{name: "timecheck", prog: "timecheck"},
	{name: "bench", prog: "bench", args: []string{"1", "1"}, native: true},
	// FP/SIMD forms GCC emits at -O3 and through arm_neon.h/arm_acle.h.
	{name: "simd_autovec", prog: "simd_autovec"},
	{name: "simd_intrin", prog: "simd_intrin"},
	{name: "simd_crypto", prog: "simd_crypto"},
	{name: "crc32", prog: "crc32"},
	// The ARMv8.1–8.6 extensions (docs/ISA.md), each program checking
	// known answers and a C model itself as well.
	{name: "isa_hash", prog: "isa_hash"},
	{name: "isa_simd", prog: "isa_simd"},
	{name: "isa_sys", prog: "isa_sys"},
	// qemu-aarch64 7.2 makes DC CVAP/CVADP SIGILL although it advertises
	// them, and its ID registers disagree with its AT_HWCAP (isa_sys.c).
	{name: "isa_sys_kernel", prog: "isa_sys", args: []string{"kernel"},
		want: "dc cvap/cvadp  mismatches 0\ncpuid          disagreements with AT_HWCAP 0\n"},

	// Process model: threads, futexes, memory ordering, signals and
	// processes. Native-oracle cases are the ones qemu-aarch64 7.2 gets
	// wrong; each program's header comment says how.
	{name: "thr_storm", prog: "thr_storm", native: true},
	// A thread created after a privilege drop runs with the dropped
	// credentials (ferry's host threads come from the Go runtime).
	{name: "thr_creds", prog: "thr_creds", native: true},
	// (qemu agrees: the inline assembly is arm64-only.)
	{name: "excl_pair_mt", prog: "excl_pair_mt"},
	{name: "thr_futex", prog: "thr_futex", native: true},
	// qemu: no set_robust_list, so a dead owner is never noticed.
	{name: "thr_robust", prog: "thr_robust", nativeOracle: true},
	{name: "thr_lockfree", prog: "thr_lockfree", native: true},
	{name: "thr_lockfree_lse", prog: "thr_lockfree_lse", native: true},
	// qemu: STLR followed by LDAR is not ordered on an x86 host.
	{name: "thr_litmus", prog: "thr_litmus", nativeOracle: true},
	{name: "sig_busy", prog: "sig_busy", native: true},
	{name: "sig_eintr", prog: "sig_eintr", native: true, scratch: true},
	{name: "sig_info", prog: "sig_info", native: true},
	{name: "sig_thread", prog: "sig_thread", native: true},
	// qemu: vfork is a fork, and no execve of arm64 programs.
	{name: "proc_spawn", prog: "proc_spawn", nativeOracle: true},
	{name: "proc_mmap", prog: "proc_mmap", native: true, scratch: true},
	// qemu: no execveat.
	{name: "proc_exec", prog: "proc_exec", nativeOracle: true, scratch: true},
	// qemu: CLONE_NEW* rejected.
	{name: "proc_clonens", prog: "proc_clonens", nativeOracle: true},
	// Go guests (testdata/go): the runtime's threads, futexes, signals
	// (async preemption, faults turned into panics), timers and netpoller.
	{name: "gochan", prog: "gochan", native: true},
	{name: "gotimer", prog: "gotimer", native: true},
	{name: "gopreempt", prog: "gopreempt", native: true},
	// qemu: no execve of arm64 programs.
	{name: "goexec", prog: "goexec", nativeOracle: true},
	{name: "gosignal", prog: "gosignal", native: true},
	{name: "gonet", prog: "gonet", native: true},
	{name: "gorecover", prog: "gorecover", native: true},
	{name: "gogc", prog: "gogc", native: true},
	// Go's crypto and hash assembly, chosen from AT_HWCAP.
	{name: "gocrypto", prog: "gocrypto", native: true},
	// /proc/self as a program sees it: the native kernel is the oracle.
	{name: "procself", prog: "procself", args: []string{"portable", "x"}, nativeOracle: true},
	// Processes. qemu-user serves vfork as a plain fork and cannot report
	// what an arm64 kernel's ELF loader says about a bad file, so for
	// those the amd64 build is the oracle.
	{name: "proc_vfork", prog: "proc_vfork", nativeOracle: true},
	{name: "proc_mapshared", prog: "proc_mapshared", native: true, scratch: true},
	{name: "proc_execfail", prog: "proc_execfail", nativeOracle: true, scratch: true},
	{name: "proc_forkstress", prog: "proc_forkstress", native: true},
	// Descriptors and RLIMIT_NOFILE: ferry's own are not the guest's
	// (qemu: no execve of arm64 programs).
	{name: "fdlimit", prog: "fdlimit", nativeOracle: true},
	// Started under a hard limit below 1024, where ferry cannot put its
	// own descriptors at 1024 and up: the program's files still get the
	// lowest numbers.
	{name: "fdlimit-hard100", prog: "fdlimit", args: []string{"hard"}, nativeOracle: true, nofile: 100},
	// Buffers outside guest memory, ferry's own included: EFAULT, and a
	// buffer running into unmapped memory is used up to there (qemu
	// checks the whole range first and fails it with EFAULT).
	{name: "efault", prog: "efault", nativeOracle: true},
	// Execute permission (and ferry's code is not guest code).
	{name: "nx", prog: "nx", native: true},
	// Self-modifying and generated code (IC IVAU). qemu-aarch64 runs stale
	// code after a write through the other view of a dual mapping; the
	// program checks each result against what the new code computes.
	{name: "smc", prog: "smc", want: "rwx rewrite loop: wrong 0 of 1000\nsame page: wrong 0 of 4\n" +
		"dual mapping: wrong 0 of 200\nmprotect toggling: wrong 0 of 50\ncross-thread: wrong 0 of 64\n"},
}

func TestGuest(t *testing.T) {
	for _, c := range guestCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			testGuestCase(t, c)
		})
	}
}

func testGuestCase(t *testing.T, c guestCase) {
	guest := guestPath(t, c.prog)
	invocationFor := func(t *testing.T) invocation {
		inv := invocation{argv: append([]string{guest}, c.args...), env: c.env}
		if c.scratch {
			inv.argv = append(inv.argv, t.TempDir())
		}
		return inv
	}

	limited := func(r runner) runner {
		if c.nofile == 0 {
			return r
		}
		return runner{name: r.name, command: func(inv invocation) (string, []string) {
			path, args := r.command(inv)
			const prlimit = "/usr/bin/prlimit"
			return prlimit, append([]string{prlimit, fmt.Sprintf("--nofile=%d:%d", c.nofile, c.nofile), "--", path}, args[1:]...)
		}}
	}

	var want result
	if c.want != "" {
		want = result{stdout: []byte(c.want), status: "exit 0"}
	} else if c.nativeOracle {
		want = run(t, limited(nativeRunner(nativePath(t, c.prog))), invocationFor(t))
	} else {
		needQEMU(t)
		want = run(t, limited(qemuRunner), invocationFor(t))
		if c.native {
			t.Run("native", func(t *testing.T) {
				got := run(t, limited(nativeRunner(nativePath(t, c.prog))), invocationFor(t))
				compare(t, "amd64 build vs qemu oracle", want, got, true)
			})
		}
	}
	if len(want.stdout) == 0 && want.status == "exit 0" {
		t.Fatalf("oracle produced no output: the test would compare nothing")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			needFerry(t)
			got := run(t, limited(ferryRunner(engine)), invocationFor(t))
			compare(t, "ferry -engine="+engine, want, got, true)
		})
	}
}

// TestGuestProgramsCovered fails when a program built by `make testdata`
// has no test case, so new test programs cannot be forgotten.
func TestGuestProgramsCovered(t *testing.T) {
	dir := repoRoot + "/.cache/testdata/arm64"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v: run `make testdata` first", err)
	}
	covered := map[string]bool{}
	for _, c := range guestCases {
		covered[c.prog] = true
	}
	for _, e := range entries {
		if !covered[e.Name()] {
			t.Errorf("%s/%s has no case in guestCases", dir, e.Name())
		}
	}
	if len(entries) == 0 {
		t.Errorf("%s is empty: run `make testdata`", dir)
	}
}

// TestDemo is README's first command: ferry -demo runs the embedded arm64
// program, which prints the machine name the guest sees.
func TestDemo(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			needFerry(t)
			r := runner{name: engine, command: func(invocation) (string, []string) {
				return ferryBin, []string{ferryBin, "-engine=" + engine, "-demo"}
			}}
			got := run(t, r, invocation{})
			compare(t, "ferry -demo", result{stdout: []byte("aarch64\n"), status: "exit 0"}, got, true)
		})
	}
}
