package main

import (
	"reflect"
	"strings"
	"testing"

	"ferry/elfload"
)

func envFrom(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// TestParseOptions: qemu-aarch64's syntax and semantics (options end at
// the program or "--", arguments in the next word, --foo = -foo, QEMU_*
// variables first and the command line after them), ferry's own options,
// and errors.
func TestParseOptions(t *testing.T) {
	type want struct {
		rest    []string
		err     string // substring; "usage:" for a usageError
		check   func(o options) bool
		checkOf string
	}
	cases := []struct {
		args []string
		env  map[string]string
		want want
	}{
		{args: []string{"prog", "-strace"}, want: want{rest: []string{"prog", "-strace"},
			check: func(o options) bool { return !o.strace }, checkOf: "options after the program are the guest's"}},
		{args: []string{"-strace", "--", "-prog", "x"}, want: want{rest: []string{"-prog", "x"},
			check: func(o options) bool { return o.strace }, checkOf: "-- ends options"}},
		{args: []string{"--strace", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.strace }, checkOf: "--strace is -strace"}},
		{args: []string{"-L", "/sysroot", "-0", "zero", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.sysroot == "/sysroot" && o.argv0 == "zero" && !o.argv0Comm }, checkOf: "-L, -0"}},
		{args: []string{"-L=/x/../sysroot", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.sysroot == "/sysroot" }, checkOf: "-L=DIR, cleaned"}},
		{args: []string{"-E", "A=1,B=2", "-U", "C,D", "-E", "E=", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool {
				return reflect.DeepEqual(o.envEdits, []envEdit{{name: "A", value: "1"}, {name: "B", value: "2"},
					{unset: true, name: "C"}, {unset: true, name: "D"}, {name: "E", value: ""}})
			}, checkOf: "-E/-U lists in order"}},
		{args: []string{"-E", "A=1"}, env: map[string]string{"QEMU_SET_ENV": "Z=9", "QEMU_UNSET_ENV": "Y"},
			want: want{rest: []string{}, check: func(o options) bool {
				return reflect.DeepEqual(o.envEdits, []envEdit{{name: "Z", value: "9"}, {unset: true, name: "Y"}, {name: "A", value: "1"}})
			}, checkOf: "QEMU_SET_ENV, QEMU_UNSET_ENV, then the command line"}},
		{args: []string{"p"}, env: map[string]string{"QEMU_STRACE": "", "QEMU_LD_PREFIX": "/r", "QEMU_ARGV0": "a0", "QEMU_CPU": "max",
			"QEMU_LOG": "in_asm,exec", "QEMU_LOG_FILENAME": "/tmp/l"},
			want: want{rest: []string{"p"}, check: func(o options) bool {
				return o.strace && o.sysroot == "/r" && o.argv0 == "a0" && o.cpu.name == "max" &&
					o.logMask == logInAsm|logExec && o.logFile == "/tmp/l"
			}, checkOf: "QEMU_* variables"}},
		{args: []string{"-cpu", "cortex-a53", "p"}, env: map[string]string{"QEMU_CPU": "max"},
			want: want{rest: []string{"p"}, check: func(o options) bool { return o.cpu.name == "cortex-a53" }, checkOf: "-cpu overrides QEMU_CPU"}},
		{args: []string{"-cpu", "Neoverse-N1", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.cpu.name == "neoverse-n1" }, checkOf: "CPU names are case-insensitive"}},
		{args: []string{"p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.cpu.name == defaultCPU && o.engine == "jit" }, checkOf: "defaults"}},
		{args: []string{"-engine=interp", "-stats", "-argv0=n", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.engine == "interp" && o.stats && o.argv0 == "n" && o.argv0Comm }, checkOf: "ferry's options"}},
		{args: []string{"-engine", "interp", "-strace=false", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.engine == "interp" && !o.strace }, checkOf: "-engine NAME, -flag=false"}},
		{args: []string{"-exec-state=ign:0x1,mask:0x2,pend:0x0", "-comm=x", "-self-fd=700", "--", "p"}, want: want{rest: []string{"p"},
			check: func(o options) bool { return o.inherited.IgnoredSignals == 1 && o.comm == "x" && o.selfFD == 700 }, checkOf: "internal options"}},
		{args: []string{"-h", "-bogus"}, want: want{check: func(o options) bool { return o.action == "help" }, checkOf: "-h stops parsing"}},
		{args: []string{"-help"}, want: want{check: func(o options) bool { return o.action == "help" }, checkOf: "-help"}},
		{args: []string{"-cpu", "help"}, want: want{check: func(o options) bool { return o.action == "cpu-help" }, checkOf: "-cpu help"}},
		{args: []string{"-d", "help"}, want: want{check: func(o options) bool { return o.action == "log-help" }, checkOf: "-d help"}},
		{args: []string{"-version", "p"}, want: want{check: func(o options) bool { return o.action == "version" }, checkOf: "-version"}},

		{args: []string{"-bogus", "p"}, want: want{err: "usage:unknown option -bogus"}},
		{args: []string{"-", "p"}, want: want{err: "usage:unknown option -"}},
		{args: []string{"-L"}, want: want{err: "usage:option -L needs an argument"}},
		{args: []string{"-E", "NOEQUALS", "p"}, want: want{err: "usage:-E"}},
		{args: []string{"-E", "A=1,,B=2", "p"}, want: want{err: "usage:-E"}},
		{args: []string{"-U", "A=1", "p"}, want: want{err: "usage:-U"}},
		{args: []string{"-strace=yes", "p"}, want: want{err: "usage:takes no argument"}},
		{args: []string{"-cpu", "pentium", "p"}, want: want{err: `unknown CPU "pentium"`}},
		{args: []string{"p"}, env: map[string]string{"QEMU_CPU": "z80"}, want: want{err: `QEMU_CPU: unknown CPU "z80"`}},
		{args: []string{"-d", "in_asm,bogus", "p"}, want: want{err: `unknown log item "bogus"`}},
		{args: []string{"-engine=fast", "p"}, want: want{err: `unknown engine "fast"`}},
		{args: []string{"-exec-state=garbage", "p"}, want: want{err: "usage:invalid -exec-state"}},
	}
	for _, c := range cases {
		o, rest, err := parseOptions(c.args, envFrom(c.env))
		name := strings.Join(c.args, " ")
		if c.want.err != "" {
			msg, isUsage := c.want.err, false
			if strings.HasPrefix(msg, "usage:") {
				msg, isUsage = msg[len("usage:"):], true
			}
			_, gotUsage := err.(*usageError)
			if err == nil || !strings.Contains(err.Error(), msg) || isUsage != gotUsage {
				t.Errorf("%q: error %v (usage error %v), want %q (usage error %v)", name, err, gotUsage, msg, isUsage)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		if c.want.rest != nil && !reflect.DeepEqual(rest, c.want.rest) {
			t.Errorf("%q: program and arguments %q, want %q", name, rest, c.want.rest)
		}
		if c.want.check != nil && !c.want.check(o) {
			t.Errorf("%q: %s: got %+v", name, c.want.checkOf, o)
		}
	}
}

func TestApplyEnv(t *testing.T) {
	env := []string{"A=1", "B=2", "A=3", "NOEQ", "C=4"}
	got := applyEnv(env, []envEdit{{name: "A", value: "x"}, {unset: true, name: "C"}, {name: "D", value: "5"},
		{unset: true, name: "NOEQ"}, {name: "B", value: "y=z"}})
	want := []string{"A=x", "B=y=z", "D=5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := applyEnv(env, nil); !reflect.DeepEqual(got, env) {
		t.Errorf("no edits: got %q", got)
	}
}

// TestTranslatorArgs: what a re-executed ferry gets parses back to the
// same engine, CPU, sysroot and logging.
func TestTranslatorArgs(t *testing.T) {
	o, _, err := parseOptions([]string{"-engine=interp", "-cpu", "max", "-L", "/r", "-d", "exec,in_asm", "-D", "/tmp/x", "-strace", "-E", "A=1", "-0", "z", "p"},
		envFrom(nil))
	if err != nil {
		t.Fatal(err)
	}
	back, rest, err := parseOptions(append(o.translatorArgs(), "--", "q"), envFrom(nil))
	if err != nil {
		t.Fatal(err)
	}
	if back.engine != "interp" || back.cpu.name != "max" || back.sysroot != "/r" || back.logMask != logInAsm|logExec ||
		back.logFile != "/tmp/x" || !back.strace || back.envEdits != nil || back.argv0 != "" || !reflect.DeepEqual(rest, []string{"q"}) {
		t.Errorf("%q parsed back to %+v, %q", o.translatorArgs(), back, rest)
	}
}

// TestCPUModels: the default model is max, every feature ferry
// implements (what elfload advertises unless told otherwise), the others
// advertise their features that ferry implements, and no model advertises
// a feature ferry lacks.
func TestCPUModels(t *testing.T) {
	def, _ := lookupCPU(defaultCPU)
	if hw, hw2 := def.hwcaps(); defaultCPU != "max" || hw != elfload.HWCap || hw2 != elfload.HWCap2 {
		t.Errorf("default %s: hwcap %#x/%#x, want elfload's %#x/%#x", defaultCPU, hw, hw2, elfload.HWCap, elfload.HWCap2)
	}
	for name, want := range map[string]string{
		"cortex-a53":  "fp asimd aes pmull sha1 sha2 crc32 cpuid",
		"neoverse-n1": "fp asimd aes pmull sha1 sha2 crc32 atomics cpuid asimdrdm lrcpc dcpop asimddp ssbs",
	} {
		m, _ := lookupCPU(name)
		if got := strings.Join(elfload.FeatureNames(m.hwcaps()), " "); got != want {
			t.Errorf("%s advertises %q, want %q", name, got, want)
		}
	}
	n1, _ := lookupCPU("neoverse-n1")
	a53, _ := lookupCPU("cortex-a53")
	if h1, _ := n1.hwcaps(); h1&elfload.HWCAP_ATOMICS == 0 {
		t.Errorf("neoverse-n1 lacks atomics: %#x", h1)
	}
	if h53, _ := a53.hwcaps(); h53&elfload.HWCAP_ATOMICS != 0 {
		t.Errorf("cortex-a53 (ARMv8.0) has atomics: %#x", h53)
	}
	implemented := map[string]bool{}
	for _, f := range ferryFeatures {
		implemented[f] = true
		if _, _, ok := featureBit(f); !ok {
			t.Errorf("ferry feature %q has no HWCAP bit", f)
		}
	}
	for _, m := range cpuModels {
		hw, hw2 := m.hwcaps()
		for _, f := range elfload.FeatureNames(hw, hw2) {
			if !implemented[f] {
				t.Errorf("%s advertises %s, which ferry does not implement", m.name, f)
			}
		}
		for _, f := range m.features {
			if _, _, ok := featureBit(f); !ok {
				t.Errorf("%s: feature %q has no HWCAP bit", m.name, f)
			}
		}
	}
}

func TestBinfmtEntryParsing(t *testing.T) {
	text := "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: POCF\noffset 0\n" +
		"magic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n"
	e := parseBinfmtEntry("qemu-aarch64", text)
	if !e.Enabled || e.Interpreter != "/usr/bin/qemu-aarch64-static" || e.Flags != "POCF" || !e.claimsAArch64() {
		t.Errorf("parsed %+v (claims arm64: %v)", e, e.claimsAArch64())
	}
	want := `:qemu-aarch64:M:0:\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:` +
		`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:POCF`
	if got := e.registration(); got != want {
		t.Errorf("registration\n got %s\nwant %s", got, want)
	}
	// Other machines, and an entry matching only the ELF magic (all ELF
	// files, arm64 ones included).
	x86 := parseBinfmtEntry("x", "enabled\ninterpreter /x\nflags: \noffset 0\nmagic 7f454c4602010100000000000000000002003e00\n"+
		"mask ffffffffffffff00fffffffffffffffffeffffff\n")
	anyELF := parseBinfmtEntry("elf", "enabled\ninterpreter /x\nflags: \noffset 0\nmagic 7f454c46\n")
	dynOnly := parseBinfmtEntry("dyn", "enabled\ninterpreter /x\nflags: \noffset 16\nmagic 0300b700\n")
	ext := parseBinfmtEntry("jar", "enabled\ninterpreter /x\nflags: \nextension .jar\n")
	if x86.claimsAArch64() || !anyELF.claimsAArch64() || !dynOnly.claimsAArch64() || ext.claimsAArch64() {
		t.Errorf("claims: x86 %v, any ELF %v, arm64 ET_DYN at offset 16 %v, extension %v",
			x86.claimsAArch64(), anyELF.claimsAArch64(), dynOnly.claimsAArch64(), ext.claimsAArch64())
	}
	for in, want := range map[string]string{"F": "F", "fp": "PF", "POCF": "POCF", "CF": "OCF", "": "", "FFO": "OF"} {
		if got, err := normalizeFlags(in); err != nil || got != want {
			t.Errorf("flags %q: %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := normalizeFlags("FX"); err == nil {
		t.Errorf("flags FX accepted")
	}
}
