// Command ferry runs AArch64 (arm64) Linux programs on x86-64 Linux.
//
//	ferry [options] PROGRAM [ARGS...]
//
// The program is mapped at its own addresses, its code is translated block
// by block (JIT by default, or the reference interpreter), and its system
// calls are carried out by the host kernel after conversion. The exit status
// is the program's; a program killed by a signal kills ferry with the same
// signal.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"ferry/elfload"
	"ferry/ir"
	"ferry/syscalls"
)

// version is ferry's release name; builds may override it with
// -ldflags=-X=main.version=….
var version = "0.1.0-dev"

// Exit statuses for ferry's own failures, following sh(1) and sysexits.h.
const (
	exitUsage         = 2
	exitInternal      = 70  // EX_SOFTWARE
	exitCannotExecute = 126 // found but not runnable
)

func init() {
	// The guest runs on the main goroutine locked to the main thread, so
	// the guest's thread id equals its process id (as for a real
	// single-threaded process) and signals aimed at that thread reach it.
	runtime.LockOSThread()
}

func main() {
	captureHostArgs()
	// Guest memory is mapped outside the Go heap, so ferry's own heap is
	// small (translation metadata) and mostly long-lived; the default
	// GOGC=100 collects it far more often than it needs (measured: ~15 %
	// of the CPU time of short guest programs). GOGC still overrides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(ferryMain(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `usage: ferry [options] PROGRAM [ARGS...]

Runs a 64-bit Arm (AArch64) Linux program on this x86-64 Linux machine.

Options:
`)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == execStateFlag || f.Name == restoreFlag || f.Name == commFlag || f.Name == codeFDFlag {
			return // internal: passed by ferry to itself across execve
		}
		name, use := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(w, "  -%s%s\n    \t%s%s\n", f.Name, name, use, def)
	})
	fmt.Fprintf(w, `
Environment:
  FERRY_DEBUG=1   report unsupported system calls and show stack traces
                  of internal errors
`)
}

func engineNames() string {
	var names []string
	for n := range engineFactories {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

// options are the command-line settings that shape a guest run.
type options struct {
	engine string // key of engineFactories
	strace bool
	stats  bool   // print guest instruction counts and timing at exit
	debug  bool   // FERRY_DEBUG: report unsupported syscalls, stacks of internal errors
	argv0  string // replaces argv[0] if set
	// sysroot is where the dynamic loader and the guest's absolute paths
	// are looked up first (-L, QEMU_LD_PREFIX); see elfload.FindInterp.
	sysroot string
	codeFD  int    // -code-fd: the shared code region inherited, or -1
	comm    string // the process name, if not PROGRAM's basename (-comm, from execve)
	// inherited is the guest state a previous ferry passed on when its
	// guest called execve (-exec-state).
	inherited syscalls.ExecState
}

// Internal options ferry passes to itself: guest state across execve, and
// the image of a forked guest.
const (
	execStateFlag = "exec-state"
	restoreFlag   = "restore-fd"
	commFlag      = "comm"
)

// ferryMain parses the command line and runs the program; it returns the
// exit status.
func ferryMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ferry", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opts options
	fs.StringVar(&opts.engine, "engine", "jit", "execution engine: "+engineNames())
	fs.BoolVar(&opts.strace, "strace", false, "log every system call of the program to stderr")
	fs.BoolVar(&opts.stats, "stats", false, "print guest instructions executed and the rate to stderr at exit")
	fs.StringVar(&opts.argv0, "argv0", "", "pass `NAME` to the program as argv[0] instead of PROGRAM")
	fs.StringVar(&opts.sysroot, "L", os.Getenv("QEMU_LD_PREFIX"), "look up the dynamic loader and the program's absolute paths in `DIR` first (also QEMU_LD_PREFIX)")
	showVersion := fs.Bool("version", false, "print ferry's version and exit")
	demo := fs.Bool("demo", false, "run a small built-in arm64 program (prints the machine name)")
	execState := fs.String(execStateFlag, "", "guest state inherited across execve (internal)")
	restore := fs.String(restoreFlag, "", "continue a forked guest from this image (internal)")
	fs.StringVar(&opts.comm, commFlag, "", "the process name the guest's execve gave (internal)")
	fs.IntVar(&opts.codeFD, codeFDFlag, -1, "the process tree's shared code region (internal)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return 0
		}
		fmt.Fprintf(stderr, "ferry: %v\n", err)
		usage(stderr, fs)
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintf(stdout, "ferry %s (%s, linux/amd64 host, linux/arm64 guests)\n", version, runtime.Version())
		return 0
	}
	if _, ok := engineFactories[opts.engine]; !ok {
		fmt.Fprintf(stderr, "ferry: unknown engine %q (choose %s)\n", opts.engine, engineNames())
		return exitUsage
	}
	opts.debug = os.Getenv("FERRY_DEBUG") != ""
	if *execState != "" {
		st, ok := syscalls.ParseExecState(*execState)
		if !ok {
			fmt.Fprintf(stderr, "ferry: invalid -%s %q\n", execStateFlag, *execState)
			return exitUsage
		}
		opts.inherited = st
	}
	if *restore != "" {
		return resumeForkedGuest(opts, *restore, stderr)
	}
	if *demo {
		return runDemo(func(argv []string) int { return runProgram(opts, argv, stderr) })
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "ferry: no program given")
		usage(stderr, fs)
		return exitUsage
	}
	return runProgram(opts, fs.Args(), stderr)
}

// runProgram loads argv[0] and runs it to completion, returning its exit
// status (or dying of the signal that killed it).
func runProgram(opts options, argv []string, stderr io.Writer) (status int) {
	defer recoverInternalError(opts, stderr, &status)

	prog := argv[0]
	proc := syscalls.NewProcess("")
	img, err := elfload.LoadWith(elfload.Redirect(opts.sysroot, prog), &proc.Mem, elfload.Options{Sysroot: opts.sysroot})
	if err != nil {
		return loadFailure(stderr, err)
	}
	img.Path = prog // AT_EXECFN is the name the guest gave
	proc.ExePath = img.ExePath
	proc.Sysroot = img.Sysroot
	proc.SetBrk(img.BrkStart)
	guestArgv := append([]string(nil), argv...)
	if opts.argv0 != "" {
		guestArgv[0] = opts.argv0
	}
	if img.VDSO, err = proc.SetupVDSO(); err != nil {
		fmt.Fprintf(stderr, "ferry: cannot map the vDSO: %v\n", err)
		return exitInternal
	}
	stack, err := elfload.SetupStack(img, &proc.Mem, guestArgv, initialEnviron())
	if err != nil {
		return loadFailure(stderr, err)
	}
	auxv := make([]uint64, 0, 2*len(stack.Auxv))
	for _, e := range stack.Auxv {
		auxv = append(auxv, e.Type, e.Val)
	}
	proc.Image = syscalls.ProcImage{
		StartCode: img.StartCode, EndCode: img.EndCode, StartData: img.StartData, EndData: img.EndData,
		StartStack: stack.SP,
		ArgStart:   stack.ArgStart, ArgEnd: stack.ArgEnd, EnvStart: stack.EnvStart, EnvEnd: stack.EnvEnd,
		Auxv: auxv,
	}
	cpu := ir.CPU{PC: img.Entry}
	cpu.X[31] = stack.SP
	main := proc.NewMainThread(cpu)
	main.Inherit(opts.inherited)
	// The kernel names a process after the file it executes, not argv[0].
	// The kernel names a process after the file it executes: PROGRAM, or
	// the file a guest's execve named (-comm), or, for "ferry -argv0 NAME
	// PROGRAM" run by a launcher behind an applet link, NAME — the link
	// the host executed — so pidof and ps find the applet by its name.
	main.Comm = syscalls.CommName(prog)
	if opts.argv0 != "" && opts.comm == "" {
		main.Comm = syscalls.CommName(opts.argv0)
	}
	if opts.comm != "" {
		main.Comm = syscalls.CommName(opts.comm)
	}
	return startGuest(opts, proc, main, stderr)
}

// resumeForkedGuest continues a guest that a parent ferry forked (see
// syscalls.RestoreFork); spec is "FD:BASE" from -restore-fd.
func resumeForkedGuest(opts options, spec string, stderr io.Writer) (status int) {
	defer recoverInternalError(opts, stderr, &status)
	fdText, baseText, _ := strings.Cut(spec, ":")
	fd, err1 := strconv.Atoi(fdText)
	base, err2 := strconv.ParseUint(baseText, 10, 64)
	if err1 != nil || err2 != nil {
		fmt.Fprintf(stderr, "ferry: invalid -%s %q\n", restoreFlag, spec)
		return exitUsage
	}
	proc, main, err := syscalls.RestoreFork(fd, base)
	if err != nil {
		fmt.Fprintf(stderr, "ferry: fork: %v\n", err)
		return exitInternal
	}
	return startGuest(opts, proc, main, stderr)
}

// startGuest wires proc to a new engine and the host, and runs the guest
// from its main thread. The guest's end ends ferry (Process.Exit); this
// returns only if the engine cannot start.
func startGuest(opts options, proc *syscalls.Process, main *syscalls.Thread, stderr io.Writer) int {
	eng, err := engineFactories[opts.engine](proc.Translate)
	if err != nil {
		fmt.Fprintf(stderr, "ferry: cannot start the %s engine: %v\n", opts.engine, err)
		return exitInternal
	}
	proc.Engine = eng
	if counter, ok := eng.(interface{ CountRetired(bool) }); ok && opts.stats {
		counter.CountRetired(true)
	}
	if self, err := os.Executable(); err == nil {
		proc.Translator = self
		proc.TranslatorArgs = []string{"-engine=" + opts.engine}
		if opts.strace {
			proc.TranslatorArgs = append(proc.TranslatorArgs, "-strace")
		}
		if proc.Sysroot != "" {
			proc.TranslatorArgs = append(proc.TranslatorArgs, "-L="+proc.Sysroot)
		}
	}
	shared := setupSharedCode(opts, proc, eng, stderr)
	proc.Strace = opts.strace
	proc.Debug = opts.debug
	proc.Log = stderr
	start := time.Now()
	if opts.stats {
		proc.OnExit = func(int) {
			printStats(stderr, opts.engine, proc.Retired(), time.Since(start))
			if shared != nil {
				st := shared.Stats()
				fmt.Fprintf(stderr, "ferry: stats: shared code: %d blocks reused, %d saved\n", st.Reused, st.Saved)
			}
		}
	}
	if err := proc.ShowToHost(main); err != nil {
		if opts.debug {
			fmt.Fprintf(stderr, "ferry: %v: showing the guest's command line in ferry's argument area\n", err)
		}
		fillArgArea(hostArgArea, proc.GuestCmdline())
	}
	main.Start()
	return 0
}

// printStats reports how much guest code ran. The count covers blocks run
// to their end, so it is exact for programs that exit normally.
func printStats(w io.Writer, engine string, retired uint64, wall time.Duration) {
	secs := wall.Seconds()
	fmt.Fprintf(w, "ferry: stats: engine %s, guest instructions: %d, %.3fs, %.1f M guest instructions/s\n",
		engine, retired, secs, float64(retired)/secs/1e6)
}

// recoverInternalError turns a Go panic into one "ferry: internal error"
// line (with the stack only in debug mode) and exit status 70.
func recoverInternalError(opts options, stderr io.Writer, status *int) {
	if r := recover(); r != nil {
		fmt.Fprintf(stderr, "ferry: internal error: %v\n", r)
		if opts.debug {
			stderr.Write(debug.Stack())
		}
		*status = exitInternal
	}
}

// initialEnviron returns ferry's environment exactly as the kernel passed
// it, for the guest. os.Environ is not that: Go drops duplicate names and
// entries without '=', which a program's envp may legitimately hold.
func initialEnviron() []string {
	data, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		return os.Environ()
	}
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

// loadFailure reports a program that cannot be started, with the status a
// shell would give it.
func loadFailure(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "ferry: %v\n", err)
	var le *elfload.Error
	if errors.As(err, &le) {
		return le.ExitStatus()
	}
	return exitCannotExecute
}
