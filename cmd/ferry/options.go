package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"ferry/syscalls"
)

// The command line follows qemu-aarch64's (linux-user/main.c): options
// come first, each "-name" (or "--name") with its argument, if it takes
// one, in the next word; the first word that does not start with "-" is
// the program and everything after it is the program's; "--" ends the
// options explicitly. ferry also accepts "-name=value", which its own
// options always had. Options with a QEMU_* environment variable are read
// from the environment first, in the table's order (qemu's), and the
// command line then adds to or overrides them.

// options are the settings that shape a guest run.
type options struct {
	engine string // key of engineFactories
	strace bool
	stats  bool   // print guest instruction counts and timing at exit
	debug  bool   // FERRY_DEBUG: report unsupported syscalls, stacks of internal errors
	argv0  string // replaces argv[0] if set (-0, QEMU_ARGV0, -argv0)
	// argv0Comm: argv0 also names the process (ferry's -argv0, for the
	// busybox launcher: the applet link the host executed).
	argv0Comm bool
	comm      string // the process name, if not PROGRAM's basename (-comm, from execve)
	sysroot   string // -L, QEMU_LD_PREFIX: absolute
	cpu       cpuModel
	envEdits  []envEdit // -E, -U, QEMU_SET_ENV, QEMU_UNSET_ENV, in order
	logMask   logMask   // -d, QEMU_LOG
	logFile   string    // -D, QEMU_LOG_FILENAME: absolute, "" for stderr

	// inherited is the guest state a previous ferry passed on when its
	// guest called execve (-exec-state).
	inherited syscalls.ExecState
	execState string // -exec-state, raw
	restore   string // -restore-fd
	selfFD    int    // -self-fd: ferry's own executable, open (0: none)
	codeFD    int    // -code-fd: the shared code region inherited, or -1
	demo      bool
	secure    bool   // AT_SECURE: started with changed credentials
	action    string // "help", "version", "cpu-help", "log-help": print and exit 0
}

// envEdit is one -E (set) or -U (unset) of the guest's environment.
type envEdit struct {
	unset       bool
	name, value string
}

// optSpec is one option. env is its QEMU_* variable; arg names its
// argument ("" for a switch); internal options are not listed.
type optSpec struct {
	name, env, arg, help string
	internal             bool
	set                  func(o *options, v string) error
}

// Internal options ferry passes to itself: guest state across execve, the
// image of a forked guest, the process name, ferry's own executable.
const (
	execStateFlag = "exec-state"
	restoreFlag   = "restore-fd"
	commFlag      = "comm"
	selfFDFlag    = "self-fd"
)

// usageError is a command line ferry cannot run: one line, then usage,
// exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// optTable lists the options in qemu's order (which is also the order
// their environment variables are applied in), then ferry's own.
var optTable []optSpec

func init() {
	optTable = []optSpec{
		{name: "h", help: "print this help and exit", set: func(o *options, _ string) error { o.action = "help"; return nil }},
		{name: "help", help: "print this help and exit", set: func(o *options, _ string) error { o.action = "help"; return nil }},
		{name: "L", env: "QEMU_LD_PREFIX", arg: "path", help: "set the elf interpreter prefix (the guest's sysroot) to 'path'",
			set: func(o *options, v string) error {
				if v == "" {
					o.sysroot = ""
					return nil
				}
				abs, err := filepath.Abs(v)
				if err != nil {
					return usagef("-L %q: %v", v, err)
				}
				o.sysroot = abs
				return nil
			}},
		{name: "cpu", env: "QEMU_CPU", arg: "model", help: "select CPU (-cpu help for list)",
			set: func(o *options, v string) error {
				if v == "help" || v == "?" {
					o.action = "cpu-help"
					return nil
				}
				m, ok := lookupCPU(v)
				if !ok {
					return fmt.Errorf("unknown CPU %q (-cpu help lists them)", v)
				}
				o.cpu = m
				return nil
			}},
		{name: "E", env: "QEMU_SET_ENV", arg: "var=value", help: "sets targets environment variable (see below)",
			set: func(o *options, v string) error {
				for _, it := range strings.Split(v, ",") {
					name, value, ok := strings.Cut(it, "=")
					if !ok || name == "" {
						return usagef("-E %q: want var=value[,var=value...]", v)
					}
					o.envEdits = append(o.envEdits, envEdit{name: name, value: value})
				}
				return nil
			}},
		{name: "U", env: "QEMU_UNSET_ENV", arg: "var", help: "unsets targets environment variable (see below)",
			set: func(o *options, v string) error {
				for _, it := range strings.Split(v, ",") {
					if it == "" || strings.Contains(it, "=") {
						return usagef("-U %q: want var[,var...]", v)
					}
					o.envEdits = append(o.envEdits, envEdit{unset: true, name: it})
				}
				return nil
			}},
		{name: "0", env: "QEMU_ARGV0", arg: "argv0", help: "forces target process argv[0] to be 'argv0'",
			set: func(o *options, v string) error { o.argv0, o.argv0Comm = v, false; return nil }},
		{name: "d", env: "QEMU_LOG", arg: "item[,...]", help: "enable logging of specified items (use '-d help' for a list of items)",
			set: func(o *options, v string) error {
				if v == "help" || v == "?" {
					o.action = "log-help"
					return nil
				}
				m, err := parseLogItems(v)
				if err != nil {
					return err
				}
				o.logMask = m
				return nil
			}},
		{name: "D", env: "QEMU_LOG_FILENAME", arg: "logfile", help: "write logs to 'logfile' (default stderr; %d is the pid)",
			set: func(o *options, v string) error {
				abs, err := filepath.Abs(v)
				if err != nil || v == "" {
					return usagef("-D %q: not a file name", v)
				}
				o.logFile = abs
				return nil
			}},
		{name: "strace", env: "QEMU_STRACE", help: "log system calls",
			set: func(o *options, _ string) error { o.strace = true; return nil }},
		{name: "version", env: "QEMU_VERSION", help: "display version information and exit",
			set: func(o *options, _ string) error { o.action = "version"; return nil }},

		{name: "engine", arg: "name", help: "execution engine: " + engineNames() + " (default jit)",
			set: func(o *options, v string) error {
				if _, ok := engineFactories[v]; !ok {
					return fmt.Errorf("unknown engine %q (choose %s)", v, engineNames())
				}
				o.engine = v
				return nil
			}},
		{name: "stats", help: "print guest instructions executed and the rate to stderr at exit",
			set: func(o *options, _ string) error { o.stats = true; return nil }},
		{name: "argv0", arg: "name", help: "like -0, and name the process 'name' too (for launchers behind applet links)",
			set: func(o *options, v string) error { o.argv0, o.argv0Comm = v, true; return nil }},
		{name: "demo", help: "run a small built-in arm64 program (prints the machine name)",
			set: func(o *options, _ string) error { o.demo = true; return nil }},

		{name: execStateFlag, arg: "state", internal: true, set: func(o *options, v string) error {
			st, ok := syscalls.ParseExecState(v)
			if !ok {
				return usagef("invalid -%s %q", execStateFlag, v)
			}
			o.inherited, o.execState = st, v
			return nil
		}},
		{name: restoreFlag, arg: "fd:base", internal: true, set: func(o *options, v string) error { o.restore = v; return nil }},
		{name: commFlag, arg: "name", internal: true, set: func(o *options, v string) error { o.comm = v; return nil }},
		{name: codeFDFlag, arg: "fd", internal: true, set: func(o *options, v string) error {
			n := 0
			if _, err := fmt.Sscan(v, &n); err != nil || n < 0 {
				return usagef("invalid -%s %q", codeFDFlag, v)
			}
			o.codeFD = n
			return nil
		}},
		{name: selfFDFlag, arg: "fd", internal: true, set: func(o *options, v string) error {
			n := 0
			if _, err := fmt.Sscan(v, &n); err != nil || n < 0 {
				return usagef("invalid -%s %q", selfFDFlag, v)
			}
			o.selfFD = n
			return nil
		}},
	}
}

func lookupOpt(name string) *optSpec {
	for i := range optTable {
		if optTable[i].name == name {
			return &optTable[i]
		}
	}
	return nil
}

func defaultOptions() options {
	m, _ := lookupCPU(defaultCPU)
	return options{engine: "jit", cpu: m, codeFD: -1}
}

// parseOptions reads the QEMU_* variables through getenv, then the
// command line args (without argv[0]); it returns the options and the
// words from the program on. An option that ends the run early (-h,
// -version, -cpu help, -d help) stops parsing there, as in qemu.
func parseOptions(args []string, getenv func(string) (string, bool)) (options, []string, error) {
	o := defaultOptions()
	for i := range optTable {
		spec := &optTable[i]
		if spec.env == "" {
			continue
		}
		v, ok := getenv(spec.env)
		if !ok {
			continue
		}
		if err := spec.set(&o, v); err != nil {
			return o, nil, fmt.Errorf("%s: %v", spec.env, strings.TrimPrefix(err.Error(), "-"))
		}
		if o.action != "" {
			return o, nil, nil
		}
	}
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "" || a[0] != '-' {
			break
		}
		i++
		if a == "--" {
			break
		}
		name := a[1:]
		if strings.HasPrefix(name, "-") {
			name = name[1:] // --foo is -foo
		}
		name, val, hasVal := strings.Cut(name, "=")
		spec := lookupOpt(name)
		if spec == nil {
			return o, nil, usagef("unknown option %s", a)
		}
		switch {
		case spec.arg != "" && !hasVal:
			if i >= len(args) {
				return o, nil, usagef("option -%s needs an argument (%s)", name, spec.arg)
			}
			val = args[i]
			i++
		case spec.arg == "" && hasVal:
			switch val {
			case "true", "1":
			case "false", "0":
				continue // ferry's old -flag=false: the default
			default:
				return o, nil, usagef("option -%s takes no argument", name)
			}
		}
		if err := spec.set(&o, val); err != nil {
			return o, nil, err
		}
		if o.action != "" {
			return o, nil, nil
		}
	}
	return o, args[i:], nil
}

// translatorArgs are the options a ferry re-executed for the guest's
// execve or fork needs to run the same way: engine, CPU, sysroot, logging.
// -E/-U/-0 applied to the first program only (the environment they
// changed is inherited); QEMU_* variables still in the guest's
// environment apply again, as they do to qemu started by binfmt_misc.
func (o options) translatorArgs() []string {
	args := []string{"-engine=" + o.engine, "-cpu", o.cpu.name}
	if o.strace {
		args = append(args, "-strace")
	}
	if o.sysroot != "" {
		args = append(args, "-L", o.sysroot)
	}
	if o.logMask != 0 {
		args = append(args, "-d", o.logMask.String())
	}
	if o.logFile != "" {
		args = append(args, "-D", o.logFile)
	}
	return args
}

// applyEnv applies the -E/-U edits to env in order. A set replaces the
// first entry of that name in place (dropping later duplicates) or is
// appended; an unset drops every entry of the name. Unlike qemu, which
// rebuilds the environment in reverse order, the order is kept.
func applyEnv(env []string, edits []envEdit) []string {
	out := append([]string(nil), env...)
	for _, e := range edits {
		prefix := e.name + "="
		var next []string
		placed := false
		for _, kv := range out {
			if kv == e.name || strings.HasPrefix(kv, prefix) {
				if !e.unset && !placed {
					next = append(next, prefix+e.value)
					placed = true
				}
				continue
			}
			next = append(next, kv)
		}
		if !e.unset && !placed {
			next = append(next, prefix+e.value)
		}
		out = next
	}
	return out
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: ferry [options] PROGRAM [ARGS...]
       ferry binfmt install|uninstall|status [options]   (ferry binfmt -h)

Runs a 64-bit Arm (AArch64) Linux program on this x86-64 Linux machine.
Options end at PROGRAM or at "--"; the rest are the program's.

Options and associated environment variables (qemu-aarch64's):

`)
	width := 0
	for _, s := range optTable {
		if n := len(s.name) + len(s.arg) + 2; !s.internal && n > width {
			width = n
		}
	}
	for _, s := range optTable {
		if s.internal {
			continue
		}
		left := "-" + s.name
		if s.arg != "" {
			left += " " + s.arg
		}
		fmt.Fprintf(w, "  %-*s %-18s %s\n", width, left, s.env, s.help)
	}
	fmt.Fprint(w, `
-E and -U (and QEMU_SET_ENV, QEMU_UNSET_ENV) take comma-separated lists
and may be repeated: "-E a=1,b=2 -U LD_PRELOAD". The last change of a
variable wins; the environment keeps its order.

Other environment:
  FERRY_DEBUG=1   report unsupported system calls and show stack traces
                  of internal errors
  FERRY_CODE_CACHE=off|/abs/file
                  compiled code is shared by the ferry processes of one
                  process tree by default; "off" stops that, a file (mode
                  0600, this user's) keeps it across runs
`)
}
