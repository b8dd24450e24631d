package syscalls

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ferry/elfload"
	"ferry/ir"
	"ferry/syscalls/guestmem"

	"golang.org/x/sys/unix"
)

func TestClassifyProc(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	pid, tid := strconv.Itoa(p.Pid), strconv.Itoa(th.Tid)
	other := strconv.Itoa(p.Pid + 1_000_000) // no such guest thread
	tidUnlessMain := th.Tid                  // /proc/TID of a thread that is not the main one
	if th.Tid == p.Pid {
		tidUnlessMain = 0
	}
	cases := []struct {
		path string
		kind procKind
		tid  int
		host string
	}{
		{"/proc/self/maps", procMaps, 0, "/proc/" + pid + "/maps"},
		{"/proc/" + pid + "/auxv", procAuxv, 0, "/proc/" + pid + "/auxv"},
		{"/proc/self/../self/./cmdline", procCmdline, 0, "/proc/" + pid + "/cmdline"},
		{"//proc///self//stat", procStat, 0, "/proc/" + pid + "/stat"},
		{"/proc/thread-self/status", procStatus, th.Tid, "/proc/" + pid + "/task/" + tid + "/status"},
		// thread-self is /proc/PID/task/TID: two levels up is /proc/PID.
		{"/proc/thread-self/../../environ", procEnviron, 0, "/proc/" + pid + "/environ"},
		{"/proc/self/task/" + tid + "/stat", procStat, th.Tid, "/proc/" + pid + "/task/" + tid + "/stat"},
		{"/proc/self/task/" + tid + "/../../exe", procExe, 0, "/proc/" + pid + "/exe"},
		{"/proc/cpuinfo", procCPUInfo, 0, "/proc/cpuinfo"},
		{"/proc/self/../cpuinfo", procCPUInfo, 0, "/proc/cpuinfo"},
		{"/proc/" + tid + "/maps", procMaps, tidUnlessMain, "/proc/" + tid + "/maps"},
		// Not ferry's: other processes, other files, symlinks on the way,
		// non-canonical numbers, files that are directories here.
		{"/proc/" + other + "/maps", procNone, 0, ""},
		{"/proc/self/comm", procNone, 0, ""},
		{"/proc/self/fd/../maps", procNone, 0, ""},
		{"/proc/self/cwd/../maps", procNone, 0, ""},
		{"/proc/0" + pid + "/maps", procNone, 0, ""},
		{"/proc/self/task/" + other + "/stat", procNone, 0, ""},
		{"/proc/self/maps/x", procNone, 0, ""},
		{"/proc/self/task/maps", procNone, 0, ""},
		{"/proc/maps", procNone, 0, ""},
		{"/tmp/proc/self/maps", procNone, 0, ""},
		{"proc/self/maps", procNone, 0, ""},
	}
	for _, c := range cases {
		ref, ok := p.classifyProc(c.path, th.Tid)
		if ok != (c.kind != procNone) || ref.kind != c.kind || ref.tid != c.tid || ref.host != c.host {
			t.Errorf("%q: got %+v (%v), want kind %d tid %d host %q", c.path, ref, ok, c.kind, c.tid, c.host)
		}
	}
}

func TestResolveProcPath(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	self, err := unix.Open("/proc/self", unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(self)
	tmp, err := unix.Open(t.TempDir(), unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(tmp)
	cases := []struct {
		dirfd int32
		path  string
		want  string
		ok    bool
	}{
		{unix.AT_FDCWD, "/proc/self/maps", "/proc/self/maps", true},
		{int32(tmp), "/proc/self/maps", "/proc/self/maps", true}, // absolute: dirfd unused
		{int32(self), "maps", "/proc/" + pid + "/maps", true},
		{int32(self), "task/../stat/", "/proc/" + pid + "/task/../stat/", true},
		{int32(tmp), "maps", "", false},    // a directory outside /proc
		{int32(self), "fd", "", false},     // not a served name: no lookup at all
		{unix.AT_FDCWD, "maps", "", false}, // the test's cwd is not in /proc
		{int32(self), "", "", false},       // AT_EMPTY_PATH and friends
	}
	for _, c := range cases {
		got, ok := resolveProcPath(c.dirfd, c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("resolveProcPath(%d, %q) = %q, %v; want %q, %v", c.dirfd, c.path, got, ok, c.want, c.ok)
		}
	}
}

// TestMapsLineFormat formats every line of the host kernel's own
// /proc/self/maps with mapsLine: the kernel is the oracle for padding.
func TestMapsLineFormat(t *testing.T) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	lines := 0
	for sc.Scan() {
		l := sc.Text()
		f := strings.Fields(l)
		lo, hi, _ := strings.Cut(f[0], "-")
		start, _ := strconv.ParseUint(lo, 16, 64)
		end, _ := strconv.ParseUint(hi, 16, 64)
		off, _ := strconv.ParseUint(f[2], 16, 64)
		ino, _ := strconv.ParseUint(f[4], 10, 64)
		name := ""
		if len(f) > 5 {
			name = strings.Join(f[5:], " ")
		}
		var sb strings.Builder
		mapsLine(&sb, start, end, f[1], off, f[3], ino, name)
		if got := strings.TrimSuffix(sb.String(), "\n"); got != l {
			t.Errorf("formatted\n%q\nkernel\n%q", got, l)
		}
		lines++
	}
	if lines < 5 {
		t.Fatalf("only %d lines in /proc/self/maps", lines)
	}
}

func TestMapsText(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st unix.Stat_t
	unix.Fstat(int(f.Fd()), &st)
	anon := guestBuf(t, p, 3*guestmem.PageSize)
	p.Mem.Protect(anon+guestmem.PageSize, guestmem.PageSize, guestmem.ProtRead|guestmem.ProtExec)
	file, e := p.Mem.MapAnywhere(0, guestmem.PageSize, guestmem.ProtRead, guestmem.MapShared, int(f.Fd()), guestmem.PageSize, exe)
	if e != 0 {
		t.Fatal(e)
	}
	got := string(p.mapsText())
	var want strings.Builder
	for _, m := range []struct {
		start, end uint64
		perms      string
		off        uint64
		dev        string
		ino        uint64
		name       string
	}{
		{anon, anon + guestmem.PageSize, "rw-p", 0, "00:00", 0, ""},
		{anon + guestmem.PageSize, anon + 2*guestmem.PageSize, "r-xp", 0, "00:00", 0, ""},
		{anon + 2*guestmem.PageSize, anon + 3*guestmem.PageSize, "rw-p", 0, "00:00", 0, ""},
	} {
		mapsLine(&want, m.start, m.end, m.perms, m.off, m.dev, m.ino, m.name)
	}
	fileLine := strings.Builder{}
	mapsLine(&fileLine, file, file+guestmem.PageSize, "r--s", guestmem.PageSize,
		fmt.Sprintf("%02x:%02x", unix.Major(st.Dev), unix.Minor(st.Dev)), st.Ino, exe)
	lines := strings.SplitAfter(got, "\n")
	if !strings.Contains(got, want.String()) || !slices.Contains(lines, fileLine.String()) {
		t.Errorf("maps:\n%s\nwant the lines\n%s%s", got, want.String(), fileLine.String())
	}
}

func TestCmdline(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	args, env := "prog\x00a b\x00\x00", "X=1\x00Y=2\x00"
	buf := guestBuf(t, p, 64)
	putGuest(buf, args+env)
	p.Image.ArgStart, p.Image.ArgEnd = buf, buf+uint64(len(args))
	p.Image.EnvStart, p.Image.EnvEnd = p.Image.ArgEnd, p.Image.ArgEnd+uint64(len(env))
	if got := string(p.cmdline()); got != args {
		t.Errorf("cmdline %q, want %q", got, args)
	}
	// setproctitle overwrote the final NUL: one string, running on into
	// the environment up to its first NUL.
	putGuest(buf, "titl\x00xyzzy") // len(args) bytes
	if got, want := string(p.cmdline()), "titl\x00"; got != want {
		t.Errorf("proctitle cmdline %q, want %q", got, want)
	}
	putGuest(buf, strings.Repeat("t", len(args)))
	if got, want := string(p.cmdline()), strings.Repeat("t", len(args))+"X=1\x00"; got != want {
		t.Errorf("proctitle cmdline %q, want %q", got, want)
	}
	environ, _ := p.procContent(procRef{kind: procEnviron})
	if string(environ) != env {
		t.Errorf("environ %q, want %q", environ, env)
	}
}

// putGuest stores s in guest memory at addr. Not inlined: Go 1.26's
// compiler crashes (disjointTypes) lowering the copy inlined into a test
// with constant strings (as in Process.copyIn).
//
//go:noinline
func putGuest(addr uint64, s string) { copy(guestBytes(addr, uint64(len(s))), s) }

func TestPatchStat(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	p.Image = ProcImage{StartCode: 0x400000, EndCode: 0x401000, StartData: 0x410000, EndData: 0x411000,
		StartStack: 0x7cfffffff000, ArgStart: 0x7cffffffe000, ArgEnd: 0x7cffffffe010, EnvStart: 0x7cffffffe010, EnvEnd: 0x7cffffffe020}
	p.BrkStart = 0x412000
	p.SigActions[10].Handler = 0x400100 // caught
	p.SigActions[13].Handler = sigIgn
	th.SigMask = 1 << 1
	host, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	host = []byte(strings.Replace(string(host), "(", "(a) (b", 1)) // a name with ") (" in it
	got := string(p.patchStat(host, th.Tid))                       // the test thread need not be the main host thread
	i, j := strings.LastIndexByte(string(host), ')'), strings.LastIndexByte(got, ')')
	if got[:j] != string(host[:i]) {
		t.Fatalf("pid and name changed: %q", got[:j])
	}
	hf, gf := strings.Fields(string(host[i+1:])), strings.Fields(got[j+1:])
	want := map[int]uint64{20: 1, 26: 0x400000, 27: 0x401000, 28: 0x7cfffffff000, 32: 1 << 1, 33: 1 << 12, 34: 1 << 9,
		45: 0x410000, 46: 0x411000, 47: 0x412000, 48: 0x7cffffffe000, 49: 0x7cffffffe010, 50: 0x7cffffffe010, 51: 0x7cffffffe020}
	if len(hf) != len(gf) {
		t.Fatalf("%d fields, host has %d", len(gf), len(hf))
	}
	for k := range gf {
		n := k + 3
		if v, ok := want[n]; ok {
			if gf[k] != strconv.FormatUint(v, 10) {
				t.Errorf("field %d = %s, want %d", n, gf[k], v)
			}
		} else if n != 20 && gf[k] != hf[k] {
			t.Errorf("field %d changed: %s, host %s", n, gf[k], hf[k])
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	gs := string(p.patchStatus(status, th.Tid))
	for _, l := range []string{"\nThreads:\t1\n", "\nSigBlk:\t0000000000000002\n", "\nSigIgn:\t0000000000001000\n", "\nSigCgt:\t0000000000000200\n"} {
		if !strings.Contains(gs, l) {
			t.Errorf("status lacks %q:\n%s", l, gs)
		}
	}
	if len(strings.Split(gs, "\n")) != len(strings.Split(string(status), "\n")) {
		t.Errorf("status lost or gained lines")
	}
}

// TestCPUInfo checks the arm64 format (arch/arm64/kernel/cpuinfo.c's
// c_show) line by line and that Features names exactly the advertised
// hwcaps.
func TestCPUInfo(t *testing.T) {
	text := string(cpuinfoText([]int{0, 3}))
	blocks := strings.Split(strings.TrimSuffix(text, "\n\n"), "\n\n")
	if len(blocks) != 2 {
		t.Fatalf("%d blocks:\n%s", len(blocks), text)
	}
	features := strings.Join(elfload.FeatureNames(elfload.HWCap, elfload.HWCap2), " ")
	for i, b := range blocks {
		want := "processor\t: " + []string{"0", "3"}[i] + "\n" +
			"BogoMIPS\t: " + strconv.Itoa(2*ir.CounterHz/1_000_000) + ".00\n" +
			"Features\t: " + features + "\n" +
			"CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1"
		if b != want {
			t.Errorf("block %d:\n%q\nwant\n%q", i, b, want)
		}
	}
	if !strings.HasPrefix(features, "fp asimd") {
		t.Errorf("Features %q: fp and asimd come first, in bit order", features)
	}
}

func TestFeatureNames(t *testing.T) {
	got := elfload.FeatureNames(elfload.HWCAP_FP|elfload.HWCAP_ATOMICS|elfload.HWCAP_SVE|1<<31, 1<<1)
	if want := []string{"fp", "atomics", "sve", "pacg", "sve2"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestOpenProc opens generated files through openat like a guest: a
// read-only regular file at the lowest free descriptor, FD_CLOEXEC as
// asked, with pread, lseek and fstat working.
func TestOpenProc(t *testing.T) {
	th := newTestThread(t)
	p := th.P
	p.Image.Auxv = []uint64{elfload.AT_HWCAP, elfload.HWCap, elfload.AT_PAGESZ, 4096, 0, 0}
	path := guestString(t, p, "/proc/self/./auxv")
	lowest, err := unix.Dup(0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(lowest)
	for _, cloexec := range []bool{false, true} {
		flags := uint64(0)
		if cloexec {
			flags = guestOCloexec
		}
		fd := p.sysOpenat(&[6]uint64{atFdcwd, path, flags, 0})
		if fd < 0 {
			t.Fatalf("openat: %v", unix.Errno(-fd))
		}
		if fd != int64(lowest) {
			t.Errorf("fd %d, want the lowest free %d", fd, lowest)
		}
		got := make([]byte, 64)
		n, _ := unix.Read(int(fd), got)
		if n != 48 || got[0] != elfload.AT_HWCAP || got[16] != elfload.AT_PAGESZ {
			t.Errorf("read %d bytes %x", n, got[:n])
		}
		if _, err := unix.Write(int(fd), []byte("x")); err != unix.EBADF {
			t.Errorf("write: %v, want EBADF", err)
		}
		if off, _ := unix.Seek(int(fd), 16, 0); off != 16 {
			t.Errorf("lseek: %d", off)
		}
		if n, _ := unix.Pread(int(fd), got[:8], 8); n != 8 || got[0] != byte(elfload.HWCap) {
			t.Errorf("pread %d: %x", n, got[:8])
		}
		var st unix.Stat_t
		if unix.Fstat(int(fd), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != 48 {
			t.Errorf("fstat: mode %o size %d", st.Mode, st.Size)
		}
		fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if (fl&unix.FD_CLOEXEC != 0) != cloexec {
			t.Errorf("FD_CLOEXEC %v, want %v", fl&unix.FD_CLOEXEC != 0, cloexec)
		}
		unix.Close(int(fd))
	}
	// Not served: an open for writing is the host's to judge (root may
	// open the host's file).
	if r := p.sysOpenat(&[6]uint64{atFdcwd, path, 1, 0}); r >= 0 {
		if target, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(r))); strings.Contains(target, "memfd") {
			t.Errorf("O_WRONLY open served from %s", target)
		}
		unix.Close(int(r))
	}
}
