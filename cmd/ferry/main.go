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
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"ferry/backend/amd64"
	"ferry/decoder/lift"
	"ferry/elfload"
	"ferry/ir"
	"ferry/syscalls"

	"golang.org/x/sys/unix"
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
	isolateRuntime()
	captureHostArgs()
	os.Exit(ferryMain(os.Args[1:], os.Stdout, os.Stderr))
}

func engineNames() string {
	var names []string
	for n := range engineFactories {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

// ferryMain parses the command line and runs the program; it returns the
// exit status.
func ferryMain(args []string, stdout, stderr io.Writer) int {
	ks := readKernelStart()
	// "ferry binfmt ..." is ferry's own command only when typed: started
	// by binfmt_misc, args[0] is a program (perhaps one named binfmt);
	// by hand, a program named binfmt is run as ./binfmt or "-- binfmt".
	if !ks.binfmt && len(args) > 0 && args[0] == "binfmt" {
		return binfmtMain(args[1:], stdout, stderr)
	}
	cmdline := args
	if ks.binfmt {
		// argv is the program's; only QEMU_* variables apply, and the
		// options a ferry that could not execute itself passed along.
		cmdline = nil
		if v, ok := os.LookupEnv(syscalls.BinfmtOptionsEnv); ok {
			os.Unsetenv(syscalls.BinfmtOptionsEnv)
			if !ks.secure {
				cmdline = append(strings.Split(v, "\x1f"), "--")
			}
		}
	}
	getenv := os.LookupEnv
	if ks.secure {
		// A program that gained privileges (binfmt_misc C flag): the
		// caller's environment must not steer ferry (QEMU_LOG_FILENAME
		// would write any file), as ld.so ignores LD_* then.
		getenv = func(string) (string, bool) { return "", false }
	}
	opts, rest, err := parseOptions(cmdline, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "ferry: %v\n", err)
		if _, ok := err.(*usageError); ok {
			usage(stderr)
		}
		return exitUsage
	}
	if ks.binfmt {
		rest = args
	}
	switch opts.action {
	case "help":
		usage(stdout)
		return 0
	case "version":
		fmt.Fprintf(stdout, "ferry %s (%s, linux/amd64 host, linux/arm64 guests)\n", version, runtime.Version())
		return 0
	case "cpu-help":
		listCPUs(stdout)
		return 0
	case "log-help":
		printLogItems(stdout)
		return 0
	}
	opts.secure = ks.secure
	opts.debug = !ks.secure && os.Getenv("FERRY_DEBUG") != "" || opts.logMask&logUnimp != 0
	opts.strace = opts.strace || opts.logMask&logStrace != 0
	elfload.HWCap, elfload.HWCap2 = opts.cpu.hwcaps()
	lift.SetIDRegisters(elfload.IDRegisters(elfload.HWCap, elfload.HWCap2))
	log := stderr
	if opts.logFile != "" && opts.logMask != 0 {
		f, err := openLog(opts.logFile, opts.execState != "" || opts.restore != "")
		if err != nil {
			fmt.Fprintf(stderr, "ferry: -D: %v\n", err)
			return 1
		}
		log = f
	}
	opts.selfFD = openSelfExe(opts.selfFD)
	if opts.restore != "" {
		if ks.execFD >= 0 {
			unix.Close(ks.execFD)
		}
		return resumeForkedGuest(opts, opts.restore, stderr, log)
	}
	if opts.demo {
		return runDemo(func(argv []string) int {
			return runProgram(opts, nil, append([]string{argv[0]}, argv...), stderr, log)
		})
	}
	if len(rest) == 0 {
		fmt.Fprintln(stderr, "ferry: no program given")
		usage(stderr)
		return exitUsage
	}
	if ks.binfmt {
		// [PROGRAM as named, (P) original argv[0], arguments...]: without
		// P the program sees the name it was executed by, as under qemu.
		guestArgv := rest
		if ks.preserveArgv0 && len(rest) > 1 {
			guestArgv = rest[1:]
		}
		if opts.comm == "" {
			opts.comm = rest[0] // the kernel named the process after the file
		}
		var file *os.File
		if ks.execFD >= 0 {
			file = os.NewFile(uintptr(ks.execFD), rest[0])
		}
		return runProgram(opts, file, append([]string{rest[0]}, guestArgv...), stderr, log)
	}
	path, guestArgv, native, err := resolveProgram(rest, opts.sysroot)
	if err != nil {
		fmt.Fprintf(stderr, "ferry: %v\n", err)
		if le, ok := err.(*launchError); ok {
			return le.status
		}
		return exitCannotExecute
	}
	if path != rest[0] && opts.comm == "" {
		opts.comm = rest[0] // a script: the kernel names the process after it
	}
	if native {
		return execNative(path, guestArgv, applyEnv(initialEnviron(), opts.envEdits), stderr)
	}
	return runProgram(opts, nil, append([]string{path}, guestArgv...), stderr, log)
}

// runProgram loads the program and runs it to completion, returning its
// exit status (or dying of the signal that killed it). spec is [path,
// argv...]: the file to load and the guest's argv; file, if not nil, is
// the program already open (binfmt_misc's O flag).
func runProgram(opts options, file *os.File, spec []string, stderr, log io.Writer) (status int) {
	defer recoverInternalError(opts, stderr, &status)

	prog, argv := spec[0], spec[1:]
	proc := syscalls.NewProcess("")
	img, err := elfload.LoadWith(elfload.Redirect(opts.sysroot, prog), &proc.Mem, elfload.Options{Sysroot: opts.sysroot, File: file})
	if file != nil {
		file.Close()
	}
	if err != nil {
		return loadFailure(stderr, err)
	}
	img.Path = prog // AT_EXECFN is the name the guest gave
	proc.ExePath = img.ExePath
	proc.Sysroot = img.Sysroot
	proc.SetBrk(img.BrkStart)
	guestArgv := append([]string(nil), argv...)
	if len(guestArgv) == 0 {
		guestArgv = []string{prog}
	}
	if opts.argv0 != "" {
		guestArgv[0] = opts.argv0
	}
	if img.VDSO, err = proc.SetupVDSO(); err != nil {
		fmt.Fprintf(stderr, "ferry: cannot map the vDSO: %v\n", err)
		return exitInternal
	}
	env := applyEnv(initialEnviron(), opts.envEdits)
	stack, err := elfload.SetupStack(img, &proc.Mem, guestArgv, env)
	if err != nil {
		return loadFailure(stderr, err)
	}
	if opts.secure {
		setAuxSecure(stack, len(guestArgv), len(env))
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
	cpu := ir.CPU{PC: img.Entry, PSTATE: ir.InitialPSTATE}
	cpu.X[31] = stack.SP
	main := proc.NewMainThread(cpu)
	main.Inherit(opts.inherited)
	// The kernel names a process after the file it executes, not argv[0].
	// The kernel names a process after the file it executes: PROGRAM, or
	// the file a guest's execve named (-comm), or, for "ferry -argv0 NAME
	// PROGRAM" run by a launcher behind an applet link, NAME — the link
	// the host executed — so pidof and ps find the applet by its name.
	main.Comm = syscalls.CommName(prog)
	if opts.argv0 != "" && opts.argv0Comm && opts.comm == "" {
		main.Comm = syscalls.CommName(opts.argv0)
	}
	if opts.comm != "" {
		main.Comm = syscalls.CommName(opts.comm)
	}
	return startGuest(opts, proc, main, stderr, log)
}

// setAuxSecure sets AT_SECURE in the guest's auxiliary vector (binfmt_misc
// C flag, setuid or setgid program): its libc then ignores LD_PRELOAD and
// the like, as on a real arm64 kernel. The vector follows argc, argv,
// NULL, envp, NULL at the initial SP.
func setAuxSecure(st *elfload.Stack, argc, envc int) {
	base := st.SP + uint64(1+argc+1+envc+1)*8
	for i := range st.Auxv {
		if st.Auxv[i].Type == elfload.AT_SECURE {
			st.Auxv[i].Val = 1
			b := elfload.GuestBytes(base+uint64(i)*16+8, 8)
			binary.LittleEndian.PutUint64(b, 1)
		}
	}
}

// resumeForkedGuest continues a guest that a parent ferry forked (see
// syscalls.RestoreFork); spec is "FD:BASE" from -restore-fd.
func resumeForkedGuest(opts options, spec string, stderr, log io.Writer) (status int) {
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
	return startGuest(opts, proc, main, stderr, log)
}

// startGuest wires proc to a new engine and the host, and runs the guest
// from its main thread. The guest's end ends ferry (Process.Exit); this
// returns only if the engine cannot start.
func startGuest(opts options, proc *syscalls.Process, main *syscalls.Thread, stderr, log io.Writer) int {
	bl := newBlockLog(log, opts.logMask)
	eng, err := engineFactories[opts.engine](bl.translator(proc.Translate))
	if err != nil {
		fmt.Fprintf(stderr, "ferry: cannot start the %s engine: %v\n", opts.engine, err)
		return exitInternal
	}
	proc.Engine = eng
	if counter, ok := eng.(interface{ CountRetired(bool) }); ok && opts.stats {
		counter.CountRetired(true)
	}
	if opts.logMask&logOutAsm != 0 {
		if jit, ok := eng.(interface {
			SetCodeLog(func(uint64, uintptr, []byte, string))
		}); ok {
			jit.SetCodeLog(bl.codeLog)
		}
	}
	if opts.logMask&(logExec|logNoChain) != 0 {
		if tr, ok := eng.(interface{ SetTrace(func(uint64), bool) }); ok {
			var trace func(uint64)
			if opts.logMask&logExec != 0 {
				trace = bl.trace
			}
			tr.SetTrace(trace, opts.logMask&logNoChain != 0)
		}
	}
	if self, err := os.Executable(); err == nil {
		proc.Translator = self
	}
	proc.SetTranslatorFD(opts.selfFD)
	if proc.Sysroot == "" {
		proc.Sysroot = opts.sysroot
	}
	// The sysroot this run uses (the one given, or the cross libc's that
	// elfload chose for the dynamic loader) is the re-executed ferry's.
	opts.sysroot = proc.Sysroot
	proc.TranslatorArgs = opts.translatorArgs()
	var shared *amd64.SharedCode
	if opts.logMask&(logInAsm|logOutAsm|logOp|logExec|logNoChain) == 0 {
		shared = setupSharedCode(opts, proc, eng, stderr)
	} else if opts.codeFD >= 0 {
		// -d shows every translation and dispatch of this process:
		// no blocks compiled elsewhere.
		unix.Close(opts.codeFD)
	}
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

// initialEnviron returns the guest's environment: ferry's as the kernel
// passed it (startEnviron), without the mask and options one ferry passes
// another.
func initialEnviron() []string {
	env := syscalls.UnmaskRuntimeEnv(startEnviron)
	for i, kv := range env {
		if strings.HasPrefix(kv, syscalls.BinfmtOptionsEnv+"=") {
			return append(env[:i:i], env[i+1:]...)
		}
	}
	return env
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
