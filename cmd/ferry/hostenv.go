package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"ferry/syscalls"

	"golang.org/x/sys/unix"
)

// The Go runtime takes GODEBUG, GOGC, GOMEMLIMIT, GOMAXPROCS and
// GOTRACEBACK from the process environment before main, and ferry's
// environment is the guest's: settings meant for the guest (a Go guest
// reads them itself from its own copy) would steer the translator, down
// to GODEBUG=gctrace=1 printing ferry's collections on the guest's stderr
// or GOMAXPROCS=1 serialising a threaded guest. A ferry that starts
// another passes them masked (syscalls.MaskRuntimeEnv); isolateRuntime
// does the same for the first ferry of a tree, by executing the program
// again with the mask when the environment sets one of them (a few
// milliseconds, only then). The guest gets its environment unchanged
// (initialEnviron).
func isolateRuntime() {
	startEnviron = readStartEnviron()
	if syscalls.NeedsRuntimeEnvMask(startEnviron) {
		reexecMasked(syscalls.MaskRuntimeEnv(startEnviron))
		// Still here: undo what can be undone at run time.
	}
	// Guest memory is mapped outside the Go heap, so ferry's own heap is
	// small (translation metadata) and mostly long-lived; the default
	// GOGC=100 collects it far more often than it needs (measured: ~15 %
	// of the CPU time of short guest programs).
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(math.MaxInt64)
	if os.Getenv("GOMAXPROCS") != "" {
		runtime.GOMAXPROCS(runtime.NumCPU())
	}
	if os.Getenv("GODEBUG") != "" {
		// Changing GODEBUG makes the runtime and internal/godebug
		// parse it again, back to ferry's defaults.
		os.Setenv("GODEBUG", "")
	}
}

// reexecMasked executes what the kernel executed to start this ferry
// again, with env: the arm64 program itself when binfmt_misc started
// ferry (so that the kernel passes the same flags, descriptor and
// credentials again), else ferry with the same arguments. It returns only
// if that fails.
func reexecMasked(env []string) {
	ks := readKernelStart()
	path, argv := "/proc/self/exe", os.Args
	if ks.binfmt && ks.execFn != "" && len(os.Args) >= 2 {
		// binfmt_misc's argv: ferry, the program's path, then argv[0]
		// under P (the kernel's own path for it otherwise), the rest.
		path, argv = ks.execFn, append([]string{os.Args[1]}, os.Args[2:]...)
		if ks.preserveArgv0 {
			argv = os.Args[2:]
		}
		if ks.execFD >= 0 {
			unix.CloseOnExec(ks.execFD) // the next start gets its own
		}
	} else if _, err := os.Stat(path); err != nil && ks.execFn != "" {
		path = ks.execFn // no /proc: ferry as it was executed
	}
	syscall.Exec(path, argv, env)
}

// startEnviron is ferry's environment exactly as the kernel passed it
// (mask included). os.Environ is not that: Go drops duplicate names and
// entries without '=', which a program's envp may legitimately hold.
var startEnviron []string

func readStartEnviron() []string {
	data, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		return os.Environ()
	}
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}
